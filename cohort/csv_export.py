"""CSV files people open in a spreadsheet: UTF-8 with a byte order mark (Excel otherwise
reads Japanese as mojibake), times in a named zone to the minute, and no cell that a
spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response

BOM = "\ufeff"

# A cell starting with one of these is a formula to Excel or LibreOffice (tab and carriage
# return too: some import dialogs strip them and then read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that would start a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local_time(moment: datetime | None, zone: str) -> str:
    """``2026-12-13 10:00`` in ``zone``: what a spreadsheet sorts and people read."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(value)) for value in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return BOM + out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    """A download; the name may hold any characters (RFC 5987 form beside an ASCII one)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": disposition},
    )
