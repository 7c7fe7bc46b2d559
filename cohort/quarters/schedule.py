"""Which sessions ask for a quarter review, and the quarter's questions."""

from datetime import date
from zoneinfo import ZoneInfo

from ..cohorts.models import Cohort
from ..i18n import lazy_gettext as _l
from ..meetings.models import Meeting

DEFAULT_QUARTER_MONTHS = (3, 6, 9, 12)

# (answer key, question, help). The answers live in the inventory under these keys.
QUARTER_QUESTIONS: tuple[tuple[str, object, object], ...] = (
    ("quarter_will", _l("Is my WILL still true?"),
     _l("Read your WILL of three months ago. What still holds, what has moved?")),
    ("quarter_keep", _l("Strategy and tactics to keep"),
     _l("What worked this quarter and deserves another one.")),
    ("quarter_change", _l("Strategy and tactics to change"),
     _l("What half-worked: what will you do differently?")),
    ("quarter_drop", _l("Strategy and tactics to drop"),
     _l("What you will stop doing, so there is room for the rest.")),
    ("quarter_plan", _l("The plan for the next quarter"),
     _l("Two or three things that would make the next three months a good quarter.")),
)  # fmt: skip
QUARTER_KEYS = tuple(key for key, _title, _help in QUARTER_QUESTIONS)


def quarter_months(cohort: Cohort) -> list[int]:
    """The cohort-local months (1–12) whose session asks for a quarter review."""
    months = [m for m in (cohort.quarter_months or []) if isinstance(m, int) and 1 <= m <= 12]
    return sorted(set(months)) if cohort.quarter_months is not None else [*DEFAULT_QUARTER_MONTHS]


def session_month(meeting: Meeting) -> date:
    """The cohort-local month a session belongs to."""
    if meeting.month_on is not None:
        return meeting.month_on
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.cohort.timezone))
    return date(local.year, local.month, 1)


def is_quarter_session(meeting: Meeting) -> bool:
    return session_month(meeting).month in quarter_months(meeting.cohort)
