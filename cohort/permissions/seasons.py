"""Seasons and the year in review.

A member's year in a cohort is theirs alone until they share it with the cohort; then the
cohort's members see it as they see the member's timeline (shared months only).
"""

from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Cohort
from ..extensions import db
from .core import Action, can
from .social import can_view_timeline


def can_view_year(user: User | None, cohort: Cohort, member_id: int) -> bool:
    if not can_view_timeline(user, cohort, member_id):
        return False
    return user.id == member_id or year_is_shared(cohort, member_id)


def year_shared(cohort_id, member_id):
    """Has the member shared their year with the cohort? An EXISTS, to read as a column of a
    query a page runs anyway (ids or columns to correlate with)."""
    from ..year.models import YearShare

    return (
        select(YearShare.id)
        .where(YearShare.cohort_id == cohort_id, YearShare.user_id == member_id)
        .exists()
    )


def year_is_shared(cohort: Cohort, member_id: int) -> bool:
    return bool(db.session.scalar(select(year_shared(cohort.id, member_id))))


def can_share_year(user: User | None, cohort: Cohort) -> bool:
    """Sharing or taking back one's own year: any active member while the cohort is open."""
    return can(user, Action.PARTICIPATE, cohort)


def can_close_season(user: User | None, cohort: Cohort) -> bool:
    return can(user, Action.MANAGE, cohort)
