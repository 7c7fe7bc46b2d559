"""GET /healthz for load balancers and monitoring."""

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .database import utcnow
from .extensions import db, limiter
from .scheduler import last_heartbeat

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Database status and scheduler heartbeat age; 503 when either is unhealthy."""
    body: dict = {"status": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
        body["database"] = "ok"
        beat_at = last_heartbeat()
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable", "scheduler": None}, 503

    if beat_at is None:
        body["scheduler"] = {"status": "not seen yet", "last_heartbeat_age_seconds": None}
        return body, 200
    age = (utcnow() - beat_at).total_seconds()
    stale = age > current_app.config["SCHEDULER_HEARTBEAT_MAX_AGE"].total_seconds()
    body["scheduler"] = {
        "status": "stale" if stale else "ok",
        "last_heartbeat_age_seconds": round(age, 1),
    }
    if stale:
        body["status"] = "error"
        return body, 503
    return body, 200
