"""Where outside input enters: URL parts and submitted values are made safe here, once, so
no view or service has to guard against values the database cannot hold.

- Ids in URLs fit PostgreSQL's ``integer`` or the route does not match (404). A larger
  number would otherwise reach a query and fail there with a 500 (SQLite would just find
  nothing: the two databases must answer alike).
- Text in URLs holds no control characters (404), for the same reason: PostgreSQL refuses
  NUL in text, so a lookup by ``<slug>`` with ``%00`` in it would fail inside the query.
- Submitted values (query string and form body) lose NUL and the other invisible control
  characters before anything reads them, whether a form or ``request.form.get`` in a view.
  Line breaks and tabs stay for text areas; single-line fields refuse them with a form
  error (see ``cohort.forms``).
"""

import re

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

# The largest value of PostgreSQL's ``integer``, the type of every id column.
MAX_DB_INTEGER = 2**31 - 1
MIN_DB_INTEGER = -(2**31)

# NUL (which PostgreSQL refuses in text), the other C0 controls but tab, line feed and
# carriage return, DEL, the C1 controls and lone surrogates (which cannot be encoded to
# send to the database at all). No one types them; they only arrive in forged requests.
UNWANTED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    return UNWANTED_CHARACTERS.sub("", value)


# No list has this many pages; a larger ``?page=`` would overflow the query's OFFSET.
MAX_PAGE = 100_000


def page_number(value: str) -> int:
    """``type=`` for ``request.args.get("page", 1, type=page_number)``: a page that cannot
    exist raises ValueError, which gives the default (the first page)."""
    number = int(value)
    if not 1 <= number <= MAX_PAGE:
        raise ValueError("no such page")
    return number


class DatabaseIntegerConverter(IntegerConverter):
    """Flask's ``int`` converter, bounded by the database's integer: larger ids are 404s."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, MAX_DB_INTEGER if max is None else max, signed)

    def to_python(self, value: str) -> int:
        # int() refuses strings of more than 4300 digits with a ValueError: no match either.
        if len(value) > len(str(MAX_DB_INTEGER)):
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """Flask's default (``string``) converter without control characters: they are 404s."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f-\\x9f]")


class CleanValues(ImmutableMultiDict):
    """The query string's and the form's values, without unwanted characters."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        items = MultiDict(mapping).items(multi=True)
        super().__init__(
            [
                (clean_text(key), clean_text(value) if isinstance(value, str) else value)
                for key, value in items
            ]
        )


class CleanRequest(Request):
    parameter_storage_class = CleanValues


def init_app(app: Flask) -> None:
    # Replacing the converters by their names changes every route at once, including
    # routes added later; a blueprint cannot forget to use them.
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.request_class = CleanRequest
