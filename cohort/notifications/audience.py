"""The cohorts' answer to the delivery core's question: who is still an active member."""

from sqlalchemy import select

from ..cohorts.models import Membership, MembershipStatus
from ..delivery import audience
from ..extensions import db


def active_members(cohort_ids: set[int], user_ids: set[int]) -> set[tuple[int, int]]:
    """The (cohort, user) pairs among these that are active memberships (one query)."""
    rows = db.session.execute(
        select(Membership.cohort_id, Membership.user_id).where(
            Membership.cohort_id.in_(cohort_ids),
            Membership.user_id.in_(user_ids),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return {(cohort_id, user_id) for cohort_id, user_id in rows}


def register() -> None:
    audience.register_active_members(active_members)
