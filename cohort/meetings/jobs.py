"""Periodic work for sessions, run by the scheduler process."""

from sqlalchemy import select

from ..cohorts.models import Cohort
from ..database import utcnow
from ..extensions import db
from .services import sync_meetings_from_rhythm


def sync_all_meetings() -> None:
    """Keep every active cohort's sessions a few months ahead of its rhythm (hourly)."""
    now = utcnow()
    for cohort in db.session.scalars(select(Cohort).where(Cohort.is_archived.is_(False))):
        sync_meetings_from_rhythm(cohort, now)
