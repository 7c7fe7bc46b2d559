"""Periodic work for sessions, run by the scheduler process."""

from sqlalchemy import select

from ..cohorts.models import Cohort
from ..database import utcnow
from ..extensions import db
from .services import sessions_to_sync, sync_meetings_from_rhythm

BATCH = 200  # cohorts per transaction


def sync_all_meetings(batch: int = BATCH) -> None:
    """Keep every active cohort's sessions a few months ahead of its rhythm (hourly).

    Cohorts are taken in batches, each read with its sessions in two queries and committed
    on its own, so a thousand cohorts cost a few dozen statements and no long transaction.
    """
    now = utcnow()
    ids = db.session.scalars(
        select(Cohort.id).where(Cohort.is_archived.is_(False)).order_by(Cohort.id)
    ).all()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        known = sessions_to_sync(chunk, now)
        for cohort in db.session.scalars(select(Cohort).where(Cohort.id.in_(chunk))):
            sync_meetings_from_rhythm(cohort, now, known=known[cohort.id])
        db.session.commit()
