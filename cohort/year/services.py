"""Sharing one's year with the cohort, and taking it back."""

from sqlalchemy import delete, select

from ..auth.models import User
from ..cohorts.models import Cohort
from ..extensions import db
from ..permissions import Action, NotAllowed, can, can_share_year
from .models import YearShare


def share_year(user: User, cohort: Cohort) -> None:
    """The cohort's members may read the user's year (their shared months only)."""
    if not can_share_year(user, cohort):
        raise NotAllowed(visible=can(user, Action.VIEW, cohort))
    exists = db.session.scalar(
        select(YearShare.id).where(YearShare.cohort_id == cohort.id, YearShare.user_id == user.id)
    )
    if exists is None:
        db.session.add(YearShare(cohort_id=cohort.id, user_id=user.id))
        db.session.flush()


def stop_sharing_year(user: User, cohort: Cohort) -> None:
    """Only the user sees their year again (also in an archived cohort)."""
    if not can(user, Action.VIEW, cohort):
        raise NotAllowed(visible=False)
    db.session.execute(
        delete(YearShare).where(YearShare.cohort_id == cohort.id, YearShare.user_id == user.id)
    )
    db.session.flush()
