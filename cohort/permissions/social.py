"""Timelines, follows and cheers.

A follow is read through ``visible_follows``: once two people no longer share a cohort it
shows nothing (and comes back if they meet again). Cheers live where their inventory lives.
"""

from sqlalchemy import Select, or_, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership
from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..timeline.models import Cheer, Follow
from .core import Action, _active_membership_of, can, visible_inventories, visible_memberships


def co_member_ids(user: User | None) -> Select:
    """Ids of the people who share a cohort with the user, the user included."""
    return visible_memberships(user).with_only_columns(Membership.user_id).distinct()


def shares_cohort(user: User | None, other_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    found = db.session.scalar(co_member_ids(user).where(Membership.user_id == other_id).limit(1))
    return found is not None


def can_follow(user: User | None, other: User) -> bool:
    """Anyone who shares a cohort with you, except yourself."""
    if user is None or not user.is_authenticated or other.id == user.id:
        return False
    return shares_cohort(user, other.id)


def visible_follows(user: User | None) -> Select:
    """The user's follows in both directions, while the other person shares a cohort."""
    if user is None or not user.is_authenticated:
        return select(Follow).where(False)
    peers = co_member_ids(user)
    return select(Follow).where(
        or_(
            (Follow.follower_id == user.id) & Follow.followee_id.in_(peers),
            (Follow.followee_id == user.id) & Follow.follower_id.in_(peers),
        )
    )


def can_see_follow(user: User | None, follow: Follow) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.id not in (follow.follower_id, follow.followee_id):
        return False
    other_id = follow.followee_id if follow.follower_id == user.id else follow.follower_id
    return shares_cohort(user, other_id)


def can_view_timeline(user: User | None, cohort: Cohort, member_id: int) -> bool:
    """A member's timeline in a cohort: for the cohort's active members, while the member is
    one too."""
    if not can(user, Action.VIEW, cohort):
        return False
    return _active_membership_of(member_id, cohort.id) is not None


def timeline_inventories(user: User | None, cohort: Cohort, member_id: int) -> Select:
    """The member's inventories in this cohort that the user may see: shared ones, and for
    the member themselves also drafts and paused months."""
    return visible_inventories(user).where(
        Inventory.cohort_id == cohort.id, Inventory.user_id == member_id
    )


def can_cheer(user: User | None, inventory: Inventory) -> bool:
    """Whoever may see a shared inventory, except its author, while the cohort is open."""
    if user is None or not user.is_authenticated or inventory.user_id == user.id:
        return False
    return inventory.is_shared and can(user, Action.PARTICIPATE, inventory.meeting)


def can_cheer_from_facts(
    user: User | None,
    *,
    author_id: int,
    is_shared: bool,
    is_active_member: bool,
    cohort_is_archived: bool,
    session_is_closed: bool,
) -> bool:
    """``can_cheer`` answered from what a page has read in its own statement, for rows that
    are not entities (the feed's cards). It agrees with ``can_cheer`` (tests/test_permissions):
    not the author; a shared inventory; ``can(user, PARTICIPATE, meeting)``, which is a session
    in no closed season (``Meeting.is_closed``) and the viewer's active membership of a cohort
    that is not archived (``is_active_member``: that membership's row was found)."""
    if user is None or not user.is_authenticated or author_id == user.id:
        return False
    return is_shared and not session_is_closed and is_active_member and not cohort_is_archived


def visible_cheers(user: User | None) -> Select:
    """Cheers on the shared inventories the user may see."""
    shared = visible_inventories(user).where(Inventory.status == InventoryStatus.SHARED)
    return select(Cheer).where(Cheer.inventory_id.in_(shared.with_only_columns(Inventory.id)))


def can_see_cheer(user: User | None, cheer: Cheer) -> bool:
    inventory = db.session.get(Inventory, cheer.inventory_id)
    return inventory is not None and inventory.is_shared and can(user, Action.VIEW, inventory)
