"""Feedback.

Feedback is named. Its giver, its recipient and the cohort's organizers see it; once the
recipient shares it, every member does.
"""

from sqlalchemy import Select, or_, select

from ..auth.models import User
from ..cohorts.models import Membership, MembershipStatus, Role
from ..feedback.models import Feedback
from ..inventories.models import Inventory
from ..meetings.models import Meeting
from .core import Action, active_membership, can, visible_cohort_ids


def _can_give_feedback(user: User | None, inventory: Inventory) -> bool:
    """Any active member, mentor or organizer, on someone else's shared inventory."""
    if user is None or not user.is_authenticated or inventory.user_id == user.id:
        return False
    return inventory.is_shared and can(user, Action.PARTICIPATE, inventory.meeting)


def feedback_targets(user: User | None, meeting: Meeting, inventories: list[Inventory]) -> set[int]:
    """Ids of the session's ``inventories`` the user may give feedback on: the answer of
    ``can(user, GIVE_FEEDBACK, inventory)`` for each, with the session asked once for all
    of its cards instead of once per card."""
    if user is None or not user.is_authenticated or not can(user, Action.PARTICIPATE, meeting):
        return set()
    return {
        inventory.id
        for inventory in inventories
        if inventory.meeting_id == meeting.id
        and inventory.user_id != user.id
        and inventory.is_shared
    }


def can_on_feedback_row(user: User | None, action: Action, piece) -> bool:
    """``can(user, action, piece)`` for a piece of feedback a page read as plain columns (the
    inbox's cards): the same rule, which reads of a piece its ``cohort`` (id, archived),
    ``meeting.is_closed``, ``is_shared``, ``giver_id`` and ``recipient_id``."""
    return _can_feedback(user, action, piece)


def _can_feedback(user: User | None, action: Action, feedback: Feedback) -> bool:
    membership = active_membership(user, feedback.cohort)
    if membership is None:
        return False
    if feedback.meeting.is_closed and action != Action.VIEW:
        return False
    match action:
        case Action.VIEW:
            return (
                feedback.is_shared
                or user.id in (feedback.giver_id, feedback.recipient_id)
                or membership.role == Role.ORGANIZER
            )
        case Action.PARTICIPATE:  # edit it (until the due time: see feedback.services)
            return user.id == feedback.giver_id and not feedback.cohort.is_archived
        case Action.RESPOND:
            return user.id == feedback.recipient_id and not feedback.cohort.is_archived
    return False


def visible_feedback(user: User | None) -> Select:
    """Feedback the user may read: given or received, shared by its recipient, or in a
    cohort the user organizes."""
    if user is None or not user.is_authenticated:
        return select(Feedback).where(False)
    organized = select(Membership.cohort_id).where(
        Membership.user_id == user.id,
        Membership.status == MembershipStatus.ACTIVE,
        Membership.role == Role.ORGANIZER,
    )
    return select(Feedback).where(
        Feedback.cohort_id.in_(visible_cohort_ids(user)),
        or_(
            Feedback.is_shared,
            Feedback.giver_id == user.id,
            Feedback.recipient_id == user.id,
            Feedback.cohort_id.in_(organized),
        ),
    )
