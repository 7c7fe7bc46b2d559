"""GET /healthz for load balancers and monitoring.

The database is checked first (nothing else can be read without it); then each entry of
``CHECKS`` reports one part of the system under its own key and says whether it is healthy.
A new check is one function added there.
"""

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .database import utcnow
from .delivery.dispatch import outbox_backlog
from .extensions import db, limiter
from .scheduler import last_heartbeat
from .schema import schema_state

bp = Blueprint("health", __name__)

# A check returns its report and whether it is healthy.
Check = Callable[[], tuple[dict, bool]]


def scheduler_check() -> tuple[dict, bool]:
    """The age of the scheduler's last heartbeat: stale means no job runs at all."""
    beat_at = last_heartbeat()
    if beat_at is None:
        return {"status": "not seen yet", "last_heartbeat_age_seconds": None}, True
    age = (utcnow() - beat_at).total_seconds()
    stale = age > current_app.config["SCHEDULER_HEARTBEAT_MAX_AGE"].total_seconds()
    report = {"status": "stale" if stale else "ok", "last_heartbeat_age_seconds": round(age, 1)}
    return report, not stale


def outbox_check() -> tuple[dict, bool]:
    """The outbox's backlog: delivery has stalled when a due email has waited too long, even
    while the scheduler's heartbeat looks fine (a mail server that refuses everything, a
    delivery job that fails at every tick)."""
    stall_after = current_app.config["OUTBOX_STALL_AFTER"]
    if isinstance(stall_after, timedelta):
        stall_after = stall_after.total_seconds()
    backlog = outbox_backlog(utcnow())
    age = backlog.oldest_due_age_seconds
    stalled = age is not None and age > stall_after
    report = {
        "status": "stalled" if stalled else "ok",
        "pending": backlog.pending,
        "due": backlog.due,
        "counted_up_to": backlog.count_limit,
        "oldest_due_age_seconds": None if age is None else round(age, 1),
    }
    return report, not stalled


CHECKS: dict[str, Check] = {"scheduler": scheduler_check, "outbox": outbox_check}


def schema_check() -> tuple[dict, bool]:
    """Whether the database is at the code's latest migration (see cohort/schema.py): until it
    is, the app answers 503 and the other checks would only read missing tables."""
    if not current_app.config["REQUIRE_CURRENT_SCHEMA"]:
        return {"status": "not checked"}, True
    state = schema_state()
    return state.as_dict(), state.is_current


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The database and every check of CHECKS; 503 when any of them is unhealthy."""
    try:
        db.session.execute(text("SELECT 1"))
        schema, schema_ok = schema_check()
        if not schema_ok:
            body = {"status": "error", "database": "ok", "schema": schema}
            return {**body, **dict.fromkeys(CHECKS)}, 503
        reports = {name: check() for name, check in CHECKS.items()}
    except SQLAlchemyError:
        db.session.rollback()
        body = {"status": "error", "database": "unreachable", "schema": None}
        return {**body, **dict.fromkeys(CHECKS)}, 503
    healthy = all(ok for _report, ok in reports.values())
    body = {"status": "ok" if healthy else "error", "database": "ok", "schema": schema}
    body.update({name: report for name, (report, _ok) in reports.items()})
    return body, 200 if healthy else 503
