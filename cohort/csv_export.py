"""CSV files that open correctly in Excel, in Japanese as in English.

- UTF-8 with a byte order mark: without it Excel reads the file in the machine's legacy code
  page and Japanese turns to garbage.
- CRLF line ends, as Excel writes them.
- A formula guard: a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
  return, which Excel strips before looking) would run as a formula when opened, so such
  text gets a leading apostrophe and stays text. Numbers are written as numbers.
"""

import csv
import io
from collections.abc import Iterable, Iterator

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
    """A CSV download. ``filename`` must be ASCII (a slug and a date)."""
    return Response(
        csv_text(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
