"""Serve only on a database at the latest migration.

Code deployed before ``flask db upgrade`` would answer 500 on its first write, after having
taken the request. Instead, until the database is at the migrations' head, every request gets a
clear 503 (``/healthz`` says why) and stderr says what to run. The check is made on the first
request, then again every few seconds while the schema is behind, so a worker starts serving by
itself once the upgrade is done; command-line tools (``flask db upgrade`` first of all) are
never blocked.
"""

import logging
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, request
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
RECHECK_SECONDS = 5.0
# Health checks answer for themselves (with the schema state in their body).
UNCHECKED_ENDPOINTS = {"health.healthz", "static"}
# Both languages: nothing about the reader (their locale lives in the database) is known yet.
MAINTENANCE_TEXT = (
    "Cohort is being updated. Please try again in a moment.\n"
    "Cohortは更新中です。しばらくしてからもう一度お試しください。\n\n"
    "(The database is not at the latest migration: run `flask --app wsgi db upgrade`.)\n"
)


@dataclass(frozen=True)
class SchemaState:
    current: tuple[str, ...]  # the revisions the database is at (empty: never migrated)
    expected: tuple[str, ...]  # the heads of migrations/

    @property
    def is_current(self) -> bool:
        return set(self.current) == set(self.expected)

    def as_dict(self) -> dict:
        return {
            "status": "ok" if self.is_current else "behind",
            "current": list(self.current),
            "expected": list(self.expected),
        }


@cache  # the migrations on disk are this process's code: read them once, not per /healthz
def expected_heads() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory(str(MIGRATIONS)).get_heads()))


def schema_state() -> SchemaState:
    """Where the database stands against the code's migrations (raises SQLAlchemyError when
    the database cannot be reached)."""
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return SchemaState(tuple(sorted(current)), expected_heads())


class _Gate:
    """Per process: once the schema was seen current it stays so (new migrations come with new
    code, hence a restart); while behind, it is looked at again every few seconds."""

    def __init__(self) -> None:
        self.is_open = False
        self.checked_at = 0.0
        self.last_state: SchemaState | None = None

    def check(self) -> SchemaState | None:
        """None when requests may be served, else the state that blocks them."""
        if self.is_open:
            return None
        now = time.monotonic()
        if self.last_state is None or now - self.checked_at >= RECHECK_SECONDS:
            self.checked_at = now
            try:
                state = schema_state()
            except SQLAlchemyError:
                return None  # an unreachable database is the request's own error to report
            if state != self.last_state and not state.is_current:
                log.error(
                    "Cohort: the database is at migration %s but this code needs %s. "
                    "Run `flask --app wsgi db upgrade`; until then every request answers 503.",
                    ", ".join(state.current) or "(none)",
                    ", ".join(state.expected),
                )
            self.last_state = state
            self.is_open = state.is_current
        return None if self.is_open else self.last_state


def init_app(app: Flask) -> None:
    if not app.config["REQUIRE_CURRENT_SCHEMA"]:
        return
    gate = _Gate()

    @app.before_request
    def refuse_until_migrated():
        if request.endpoint in UNCHECKED_ENDPOINTS:
            return None
        state = gate.check()
        if state is None:
            return None
        return (
            MAINTENANCE_TEXT,
            503,
            {
                "Content-Type": "text/plain; charset=utf-8",
                "Retry-After": "30",
            },
        )
