"""CSV files that open correctly in Excel, in Japanese as in English.

- UTF-8 with a byte order mark: without it Excel reads the file in the machine's legacy code
  page and Japanese turns to garbage.
- CRLF line ends, as Excel writes them.
- A formula guard: a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
  return, which Excel strips before looking) would run as a formula when opened, so such
  text gets a leading apostrophe and stays text. Numbers are written as numbers.
- Times in a named zone, to the minute (``local_time``).
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that looks like a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local_time(moment: datetime | None, zone: str) -> str:
    """``2026-12-13 10:00`` in ``zone``: what a spreadsheet sorts and people read."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The rows as CSV text, one line at a time, the first one led by the BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    yield BOM
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    return "".join(csv_lines(rows))


def csv_response(rows: Iterable[Iterable[object]], filename: str) -> Response:
    """A CSV download; the name may hold any characters (an ASCII name beside the RFC 5987
    form that browsers use)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        csv_text(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
