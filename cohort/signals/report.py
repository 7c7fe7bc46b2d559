"""The cohort health page's charts and its CSV: the same numbers, drawn and downloadable."""

import csv
import io
from zoneinfo import ZoneInfo

from ..i18n import gettext as _
from ..timeline.charts import PERCENT_SCALE, PERCENT_TICKS, Column, Panel, line_panel
from ..timeline.months import month_label
from .trends import MEASURES, SessionHealth


def panels(rows: list[SessionHealth]) -> list[Panel]:
    """One chart per measure over the sessions; a session without a value is a gap."""
    columns = [Column(month_label(row.meeting)) for row in rows]
    return [
        line_panel(
            str(title), columns, [row.value(key) for row in rows], PERCENT_SCALE, PERCENT_TICKS, "%"
        )
        for key, title in MEASURES.items()
    ]


def spreadsheet_cell(value: object) -> object:
    """Spreadsheets run cells starting with = + - @ as formulas: keep them text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def health_csv(rows: list[SessionHealth], k: int) -> str:
    """One line per session, headings in the reader's language; rates in percent, with the
    counts they come from. Starts with a BOM so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Session"),
            _("Session date"),
            _("Expected inventories"),
            _("Shared"),
            _("Shared on time"),
            _("Shared inventories (%)"),
            _("Shared on time (%)"),
            _("Inventories with at least %(num)d pieces of feedback", num=k),
            _("Feedback coverage (%)"),
            _("Pieces of feedback"),
            _("Marked helpful"),
            _("Feedback marked helpful (%)"),
            _("Attended"),
            _("Attendance (%)"),
        ]
    )
    for row in rows:
        values = [
            row.meeting.title,
            row.meeting.starts_at.astimezone(ZoneInfo(row.meeting.cohort.timezone))
            .date()
            .isoformat(),
            row.expected,
            row.shared,
            row.on_time,
            row.share_rate,
            row.on_time_rate,
            row.covered,
            row.coverage,
            row.feedback,
            row.helpful,
            row.helpful_rate,
            row.attended if row.attendance_taken else None,
            row.attendance_rate,
        ]
        writer.writerow([spreadsheet_cell("" if v is None else v) for v in values])
    return "\ufeff" + out.getvalue()
