"""Database helpers shared by every feature: UTC timestamps, SQLite foreign keys, and the
same limits on text for SQLite as PostgreSQL has."""

import enum
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

_replayed_now: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def utcnow() -> datetime:
    """The current time as a timezone-aware UTC datetime (or the moment being replayed)."""
    return _replayed_now.get() or datetime.now(UTC)


@contextmanager
def replaying_at(moment: datetime) -> Iterator[None]:
    """Run the app's own services as if it were ``moment``: the demo replays months of a
    cohort's life through them, so its history obeys the same rules as real use."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to replaying_at")
    token = _replayed_now.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _replayed_now.reset(token)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone, so values are stored as naive UTC
    and marked UTC again when read. Naive datetimes are refused: they are always a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked on every connection. Migrations switch them
    # off again around table rebuilds (see migrations/env.py) so no cascade fires there.
    # WAL lets the web app read while the scheduler process writes.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def init_app(app) -> None:
    """PostgreSQL's pooled connections: checked when they sat idle, statements planned once."""
    from .extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    config = app.config
    _ping_when_idle(engine, config.get("DATABASE_PING_AFTER_IDLE"))
    _plan_once(
        engine, config.get("POSTGRES_PLAN_CACHE_MODE"), config.get("POSTGRES_PREPARED_STATEMENTS")
    )


def _ping_when_idle(engine: Engine, after: float | None) -> None:
    """Check a pooled connection with a round trip only when it sat unused for ``after``
    seconds (None: never).

    SQLAlchemy's ``pool_pre_ping`` checks every connection it hands out: one round trip more
    on every request, as many as a page's own statements on a busy server. A connection that
    came back to the pool a moment ago is as good as the database is, and the round trip tells
    nothing a failing statement would not (HikariCP skips the check the same way, for half a
    second). A connection that waited longer may have outlived a database restart or a
    firewall's idle timeout: it is checked, and if it is dead every connection of the pool is
    replaced before the request goes on. Without the check, a dead connection fails the
    statement it carries and the pool is replaced then.
    """
    if after is None:
        return

    @event.listens_for(engine, "checkin")
    def _note_checkin(dbapi_connection, connection_record) -> None:
        connection_record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, connection_record, connection_proxy) -> None:
        checked_in_at = connection_record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < after:
            return  # a fresh connection, or one used a moment ago
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError(str(error)) from error
            raise


_CHECKED_IN_AT = "cohort.checked_in_at"


def _plan_once(engine: Engine, mode: str | None, prepared: int | None) -> None:
    """PostgreSQL keeps each page's statements prepared and planned once per connection.

    A page's statements cost PostgreSQL more to plan than to run (joins of five or six tables
    found by primary key: about 1 ms of planning for 0.1 ms of execution each). psycopg prepares
    a statement once it has been sent ``prepare_threshold`` times on a connection; PostgreSQL
    then plans it again at every execution unless it settles on a generic plan, which it
    often does not for these statements. ``POSTGRES_PLAN_CACHE_MODE`` (default
    ``force_generic_plan``; empty leaves the server's choice) makes it plan once. Every query
    of the app looks rows up by indexed keys, so one plan serves every parameter.
    """
    if not (mode or prepared):
        return
    if mode not in (None, "", "auto", "force_generic_plan", "force_custom_plan"):
        raise RuntimeError(f"POSTGRES_PLAN_CACHE_MODE: unknown mode {mode!r}")

    @event.listens_for(engine, "connect")
    def _set_plan_mode(dbapi_connection, connection_record) -> None:
        if prepared:
            dbapi_connection.prepared_max = prepared  # the app's statements, kept per connection
        if mode:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET plan_cache_mode = {mode}")
            dbapi_connection.commit()


class ValueTooLong(ValueError):
    """A string longer than its column, or with NUL in it, was about to be written."""


@event.listens_for(Session, "before_flush")
def _refuse_text_the_database_cannot_hold(session, flush_context, instances) -> None:
    """PostgreSQL refuses a string longer than its ``String(n)`` column, and NUL in any text;
    SQLite stores both. Refusing them on every database makes SQLite behave like PostgreSQL,
    so a form whose limit is looser than its column fails in every test run, not only in
    production. Forms and services must stop such values first: reaching here is a bug."""
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)  # only what was set or loaded: no queries
            if not isinstance(value, str):
                continue
            length = getattr(attribute.columns[0].type, "length", None)
            where = f"{state.mapper.local_table.name}.{attribute.key}"
            if length is not None and len(value) > length:
                raise ValueTooLong(f"{len(value)} characters for {where} ({length} at most)")
            if "\x00" in value:
                raise ValueTooLong(f"NUL in {where}")


@contextmanager
def sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """Switch SQLite's foreign keys off while migrations rebuild tables.

    Batch mode rebuilds a table by copying it and dropping the original; with foreign keys on,
    that drop would cascade and delete rows in every child table. Afterwards the whole database
    is checked, so a migration that broke a reference fails loudly instead.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()  # the pragma only takes effect outside a transaction
    try:
        yield
    finally:
        violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
    if violations:
        raise RuntimeError(f"migration left broken foreign keys: {violations[:5]}")


def database_busy(error: Exception) -> bool:
    """True for SQLite's "database is locked": another write held the file for longer than
    the busy timeout, or committed under a transaction that had already read. Trying again
    is the answer, so pages say so instead of failing."""
    return "database is locked" in str(getattr(error, "orig", error))


def string_enum(kind: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK, so adding a value is a small migration on both
    # databases (no PostgreSQL ENUM type to alter).
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )
