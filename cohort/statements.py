"""Statements built once per process and run with the viewer's id as a parameter.

Building a statement of a few subqueries, and its cache key, costs the app more CPU than
PostgreSQL spends running it. A page's statement that depends on the viewer only through
the permission functions (``visible_inventories(user)`` and the like) can be built once from
``ANY_VIEWER`` and kept (``functools.cache``); the same object keeps its cache key, and each
request gives ``viewer_id`` when it runs it.

A list of ids is a parameter too (``any_of``): PostgreSQL then sees the same text whatever
the list's length, so psycopg prepares it as it does every other statement run often.
"""

import json
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CursorResult,
    Integer,
    Row,
    Select,
    any_,
    bindparam,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Text

from .auth.models import User
from .extensions import db


class AnyViewer:
    """Stands for the signed-in viewer: the permission functions build from it the statement
    they build from a user, with the id left as the parameter ``viewer_id``."""

    id = bindparam("viewer_id", type_=Integer)
    is_authenticated = True


ANY_VIEWER = cast(User, AnyViewer())


class AnyOf(ColumnElement[bool]):
    """``column IN (…)`` over a list given when the statement runs, as the parameter ``name``.

    SQLAlchemy's expanding IN writes one placeholder per value: each length is another
    statement to PostgreSQL, parsed and planned anew every time (0.7 ms for a page's goals,
    three times what running it costs), and never prepared. There it is said as
    ``column = ANY(:name)`` with one array parameter; elsewhere as the expanding IN."""

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own declaration)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name


def any_of(column: ColumnElement[Any], name: str) -> AnyOf:
    """``column`` is one of the list given as ``name`` when the statement runs."""
    return AnyOf(column, name)


@compiles(AnyOf)
def _expanding_in(element: AnyOf, compiler, **kw) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(AnyOf, "postgresql")
def _equals_any(element: AnyOf, compiler, **kw) -> str:
    values = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(values), **kw)


class json_list(FunctionElement[str]):
    """A JSON list of its arguments, as text: a column that carries several values, such as
    one line of an aggregated column (SQLite's ``json_array``, PostgreSQL's
    ``json_build_array``)."""

    type = Text()
    inherit_cache = True


@compiles(json_list)
def _json_array(element: json_list, compiler, **kw) -> str:
    return f"json_array({compiler.process(element.clauses, **kw)})"


@compiles(json_list, "postgresql")
def _json_build_array(element: json_list, compiler, **kw) -> str:
    return f"CAST(json_build_array({compiler.process(element.clauses, **kw)}) AS TEXT)"


def json_lines(value: ColumnElement) -> ColumnElement[str]:
    """An aggregate of JSON texts, one on each line (JSON text holds no line break), or None
    without any: several values of a row's related rows in one column of the row's own
    statement. ``read_json_lines`` reads it back."""
    return func.aggregate_strings(value, "\n")


def read_json_lines(lines: str | None) -> list:
    """The values of a ``json_lines`` column, in the order the database gave them."""
    return [json.loads(line) for line in lines.split("\n")] if lines else []


def plain_rows(statement: Select, params: dict[str, Any]) -> CursorResult:
    """Run a statement of plain columns (no entities) on the session's connection, after
    flushing what is pending as the session would. The session's own ``execute`` sets up its
    ORM machinery for every statement, entities or not: about 150 µs of CPU, a third of what
    a small statement costs the app."""
    db.session.flush()
    return db.session.connection().execute(statement, params)


class ReadWhenAsked:
    """What a page shows of its rows only when a kept rendering is missing
    (cohort/fragments.py): ``statement`` over the page's ``ids`` (the parameter ``ids``), run
    once, the first time any row is asked for, and none at all when every piece is kept.
    ``value`` makes a row into the dict ``of`` gives for its first column."""

    def __init__(self, statement: Select, ids: list[int], value: Callable[[Row], dict]) -> None:
        self.statement = statement
        self.ids = ids
        self.value = value
        self._by_id: dict[int, dict] | None = None

    def of(self, row_id: int) -> dict:
        if self._by_id is None:
            rows = plain_rows(self.statement, {"ids": self.ids})
            self._by_id = {row[0]: self.value(row) for row in rows}
        return self._by_id.get(row_id) or {}
