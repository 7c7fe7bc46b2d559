"""Remember when a signed-in user last opened a page, at most one write an hour."""

from datetime import timedelta

from flask import Flask, request
from flask_login import current_user

from ..database import utcnow
from ..extensions import db

RESOLUTION = timedelta(hours=1)


def init_app(app: Flask) -> None:
    app.before_request(mark_seen)


def mark_seen() -> None:
    if (
        request.endpoint in (None, "static", "health.healthz", "live.state_json")
        or not current_user.is_authenticated
    ):
        return
    now = utcnow()
    if current_user.last_seen_at is None or now - current_user.last_seen_at > RESOLUTION:
        current_user.last_seen_at = now
        db.session.commit()
