"""End a request that only read with COMMIT, so PostgreSQL keeps its prepared statements.

psycopg prepares a statement on the server once it has run it a few times on a connection,
so later runs skip parsing and planning (1–3 ms of PostgreSQL's time on a main page). But it
forgets every prepared statement whenever the connection rolls back, and a request's session
ends with a rollback: nothing was ever prepared. Committing a transaction that wrote nothing
is the same as rolling it back, so a request that only read ends with COMMIT instead.

What "only read" means is decided where it cannot be wrong: every statement sent on the
connection is looked at, and anything but a plain SELECT (or a SELECT after WITH whose text
names no INSERT, UPDATE, DELETE or MERGE anywhere), or any statement that failed, marks the
transaction as one to roll back. Such a transaction, unflushed changes in the session or
an unhandled exception all leave the ordinary rollback in place.
"""

import re

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext

from .extensions import db

MUST_ROLL_BACK = "cohort.must_roll_back"
# Whole words only: a column such as ``updated_at`` is no write. A locking read written
# after WITH (``FOR UPDATE``) counts as one, which only costs it the COMMIT.
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _only_reads(statement: str) -> bool:
    start = statement.lstrip()[:6].upper()
    if start == "SELECT":
        return True
    return start[:4] == "WITH" and _WRITES.search(statement) is None


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn: Connection, cursor, statement: str, parameters, context, executemany):
    if not _only_reads(statement):
        conn.info[MUST_ROLL_BACK] = True


@event.listens_for(Engine, "handle_error")
def _note_failures(context: ExceptionContext) -> None:
    if context.connection is not None:
        context.connection.info[MUST_ROLL_BACK] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _start_afresh(conn: Connection) -> None:
    # A connection found dead has nothing to forget, and asking it would try to reconnect
    # in the middle of the rollback that ends its transaction.
    if not conn.invalidated:
        conn.info.pop(MUST_ROLL_BACK, None)


def init_app(app: Flask) -> None:
    # Teardown functions run in reverse order of registration: this one runs before
    # Flask-SQLAlchemy's, which closes (and so rolls back) the session.
    app.teardown_appcontext(commit_if_read_only)


def commit_if_read_only(exc: BaseException | None) -> None:
    session = db.session()
    if exc is not None or not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(MUST_ROLL_BACK):
        return
    # The session is closed right after: expiring what it loaded would be wasted work.
    session.expire_on_commit = False
    session.commit()
