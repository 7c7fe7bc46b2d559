"""The one place that decides who may see or do what.

Two kinds of question, kept in agreement by tests:
- ``can(user, action, target)``: may this user do this to this object?
- ``visible_*(user)``: which objects of a kind may this user see (for lists, feeds, counts, emails)?

Everything inside a cohort is visible to its active members only. Views turn a "no" into 404
when the user may not even see the object (never a hint that it exists) and 403 otherwise.
A session in a closed season (``Meeting.is_closed``) is an archive: it, its inventories and
their feedback are read, never changed.
"""

import enum
from functools import cache

from flask import abort, g, has_request_context, redirect, request
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import lazyload

from .auth.models import User
from .cohorts.models import (
    Cohort,
    CohortSlugRedirect,
    Invitation,
    Membership,
    MembershipStatus,
    Role,
)
from .extensions import db
from .feedback.models import Feedback
from .inventories.models import Inventory, InventoryStatus
from .meetings.models import Meeting
from .timeline.models import Cheer, Follow


class Action(enum.StrEnum):
    VIEW = "view"  # see the cohort and what is shared in it
    PARTICIPATE = "participate"  # change something of one's own inside it (leave, RSVP, …)
    POST_INVENTORY = "post_inventory"  # members and organizers; mentors post none
    MANAGE = "manage"  # organizer work: settings, invitations, roles, removals
    ARCHIVE = "archive"  # archive or bring back: organizers, also while archived
    VIEW_LOG = "view_log"  # the membership log: organizers, also while archived
    GIVE_FEEDBACK = "give_feedback"  # on someone else's shared inventory
    RESPOND = "respond"  # the recipient's reply, "helpful" and share on a piece of feedback


def active_membership(user: User | None, cohort: Cohort) -> Membership | None:
    """The user's active membership of the cohort, read once per request."""
    if user is None or not user.is_authenticated:
        return None
    return _active_membership_of(user.id, cohort.id)


def _membership_cache() -> dict[tuple[int, int], Membership | None]:
    # Cached for one request only: a removed member loses access on their very next request.
    return g.setdefault("_active_memberships", {}) if has_request_context() else {}


def _active_membership_of(user_id: int, cohort_id: int) -> Membership | None:
    cache = _membership_cache()
    key = (user_id, cohort_id)
    if key not in cache:
        cache[key] = db.session.scalar(
            _active_membership_statement(), {"user_id": user_id, "cohort_id": cohort_id}
        )
    return cache[key]


@cache
def _active_membership_statement() -> Select:
    return select(Membership).where(
        Membership.user_id == bindparam("user_id"),
        Membership.cohort_id == bindparam("cohort_id"),
        Membership.status == MembershipStatus.ACTIVE,
    )


def remember_memberships(user_id: int, cohort_id: int, membership: Membership | None) -> None:
    """Tell this request's cache a membership state that a page has just read in a query of
    its own (the active membership, or None for none), so ``can`` asks no query for it."""
    if membership is not None and not membership.is_active:
        membership = None
    _membership_cache()[(user_id, cohort_id)] = membership


def forget_cached_memberships() -> None:
    """Call after a membership changes within the same request."""
    if has_request_context():
        g.pop("_active_memberships", None)


Target = Cohort | Membership | Invitation | Meeting | Inventory | Feedback


def can(user: User | None, action: Action, target: Target) -> bool:
    match target:
        case Membership():
            return _can_membership(user, action, target)
        case Invitation():
            return can(user, Action.MANAGE, target.cohort)
        case Meeting() if target.is_closed and action != Action.VIEW:
            return False
        case Meeting():
            return _can_cohort(user, action, target.cohort)
        case Inventory() if action == Action.GIVE_FEEDBACK:
            return _can_give_feedback(user, target)
        case Inventory():
            return _can_inventory(user, action, target)
        case Feedback():
            return _can_feedback(user, action, target)
    return _can_cohort(user, action, target)


def _can_cohort(user: User | None, action: Action, cohort: Cohort) -> bool:
    membership = active_membership(user, cohort)
    if membership is None:
        return False
    role = membership.role
    match action:
        case Action.VIEW:
            return True
        case Action.PARTICIPATE:
            return not cohort.is_archived
        case Action.POST_INVENTORY:
            return not cohort.is_archived and role in (Role.MEMBER, Role.ORGANIZER)
        case Action.MANAGE:
            return not cohort.is_archived and role == Role.ORGANIZER
        case Action.ARCHIVE | Action.VIEW_LOG:
            return role == Role.ORGANIZER
    return False


def _can_membership(user: User | None, action: Action, membership: Membership) -> bool:
    """Members see each other's active memberships; organizers manage them."""
    if action == Action.VIEW:
        return membership.is_active and can(user, Action.VIEW, membership.cohort)
    if action == Action.MANAGE:
        return can(user, Action.MANAGE, membership.cohort)
    return False


def _can_inventory(user: User | None, action: Action, inventory: Inventory) -> bool:
    """Drafts and paused months are the author's alone; shared ones are the cohort's."""
    is_author = user is not None and user.is_authenticated and inventory.user_id == user.id
    if action == Action.VIEW:
        if is_author:
            return can(user, Action.VIEW, inventory.cohort)
        return inventory.status == InventoryStatus.SHARED and can(
            user, Action.VIEW, inventory.cohort
        )
    if action in (Action.PARTICIPATE, Action.POST_INVENTORY):  # write or share it
        return is_author and can(user, Action.POST_INVENTORY, inventory.meeting)
    return False


def visible_cohort_ids(user: User | None) -> Select:
    """Ids of the cohorts the user is an active member of: the subquery every "which objects
    may this user see" below starts from (a handful of rows, read from the user's side)."""
    if user is None or not user.is_authenticated:
        return select(Membership.cohort_id).where(False)
    return select(Membership.cohort_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )


def visible_cohorts(user: User | None) -> Select:
    """Cohorts the user is an active member of."""
    return select(Cohort).where(Cohort.id.in_(visible_cohort_ids(user)))


def visible_memberships(user: User | None) -> Select:
    """Active memberships in the cohorts the user is an active member of."""
    return select(Membership).where(
        Membership.status == MembershipStatus.ACTIVE,
        Membership.cohort_id.in_(visible_cohort_ids(user)),
    )


class NotAllowed(Exception):
    """Raised by services; shown as 404 when the user may not see the object, else 403."""

    def __init__(self, visible: bool):
        super().__init__("not allowed")
        self.status_code = 403 if visible else 404


def visible_meetings(user: User | None) -> Select:
    """Sessions of the cohorts the user is an active member of."""
    return select(Meeting).where(Meeting.cohort_id.in_(visible_cohort_ids(user)))


def visible_inventories(user: User | None) -> Select:
    """Shared inventories of the user's cohorts, and the user's own in those cohorts."""
    shared_or_own = Inventory.status == InventoryStatus.SHARED
    if user is not None and user.is_authenticated:
        shared_or_own = or_(shared_or_own, Inventory.user_id == user.id)
    return select(Inventory).where(Inventory.cohort_id.in_(visible_cohort_ids(user)), shared_or_own)


def require(user: User | None, action: Action, target: Target) -> None:
    """Raise NotAllowed unless the user may do this: 404 when the user may not even see the
    object, else 403."""
    if can(user, action, target):
        return
    raise NotAllowed(visible=can(user, Action.VIEW, target))


def in_cohort_or_404(model: type, object_id: int, cohort: Cohort):
    """The object with this id if it belongs to this cohort (ids never cross cohorts)."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.cohort_id != cohort.id:
        abort(404)
    return obj


def cohort_or_404(user: User | None, slug: str) -> Cohort:
    """The cohort with this slug if the user may see it; 404 otherwise.

    One statement reads the cohort with the user's active membership, which then answers
    every ``can`` of this request without another query.
    """
    if user is None or not user.is_authenticated:
        abort(404)
    row = db.session.execute(_cohort_with_membership(), {"user_id": user.id, "slug": slug})
    row = row.one_or_none()
    if row is None:
        _follow_moved_cohort(user, slug)
    if row is None or row.Membership is None:
        abort(404)
    remember_memberships(user.id, row.Cohort.id, row.Membership)
    return row.Cohort


@cache
def _cohort_with_membership() -> Select:
    """Every cohort page starts with this statement: built once per process."""
    return (
        select(Cohort, Membership)
        .outerjoin(
            Membership,
            (Membership.cohort_id == Cohort.id)
            & (Membership.user_id == bindparam("user_id"))
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .where(Cohort.slug == bindparam("slug"))
        # The membership's cohort is the row's own and its user the signed-in one: both are
        # in the session already, so they are not joined a second time.
        .options(lazyload(Membership.cohort), lazyload(Membership.user))
    )


def _follow_moved_cohort(user: User, slug: str) -> None:
    """A former address of a cohort the user belongs to: send them to the same page at its
    current address (temporary redirects: the slug may change again). Others get the 404."""
    new_slug = db.session.scalar(
        select(Cohort.slug)
        .join(CohortSlugRedirect, CohortSlugRedirect.cohort_id == Cohort.id)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            CohortSlugRedirect.slug == slug,
            Membership.user_id == user.id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    prefix = f"/c/{slug}/"
    if new_slug is None or not has_request_context() or not request.path.startswith(prefix):
        return
    target = f"/c/{new_slug}/" + request.path.removeprefix(prefix)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    abort(redirect(target, 302 if request.method in ("GET", "HEAD") else 307))


def init_app(app) -> None:
    """``can(user, "manage", cohort)`` in templates, to show or hide what a user may do."""
    app.jinja_env.globals["can"] = lambda user, action, target: can(user, Action(action), target)


# ---- Timelines, follows and cheers ---------------------------------------------------------
# A follow is read through ``visible_follows``: once two people no longer share a cohort it
# shows nothing (and comes back if they meet again). Cheers live where their inventory lives.


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


def visible_cheers(user: User | None) -> Select:
    """Cheers on the shared inventories the user may see."""
    shared = visible_inventories(user).where(Inventory.status == InventoryStatus.SHARED)
    return select(Cheer).where(Cheer.inventory_id.in_(shared.with_only_columns(Inventory.id)))


def can_see_cheer(user: User | None, cheer: Cheer) -> bool:
    inventory = db.session.get(Inventory, cheer.inventory_id)
    return inventory is not None and inventory.is_shared and can(user, Action.VIEW, inventory)


# ---- Feedback ------------------------------------------------------------------------------
# Feedback is named. Its giver, its recipient and the cohort's organizers see it; once the
# recipient shares it, every member does.


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


# ---- Seasons and the year in review --------------------------------------------------------
# A member's year in a cohort is theirs alone until they share it with the cohort; then the
# cohort's members see it as they see the member's timeline (shared months only).


def can_view_year(user: User | None, cohort: Cohort, member_id: int) -> bool:
    if not can_view_timeline(user, cohort, member_id):
        return False
    return user.id == member_id or year_is_shared(cohort, member_id)


def year_shared(cohort_id, member_id):
    """Has the member shared their year with the cohort? An EXISTS, to read as a column of a
    query a page runs anyway (ids or columns to correlate with)."""
    from .year.models import YearShare

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


# ---- Mentoring -----------------------------------------------------------------------------
# A pair's space is the mentor's and the mentee's alone: organizers see that a pairing exists,
# its review dates and whether a review asked for a change, never its content. Each of the two
# reads it while they are active members of the cohort, also after the mentoring ended; they
# change it while it is active and the cohort open.


def can_read_pairing(user: User | None, pairing) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if pairing.side_of(user.id) is None:
        return False
    return can(user, Action.VIEW, pairing.cohort)


def can_work_in_pairing(user: User | None, pairing) -> bool:
    from .mentoring.models import PairingStatus

    return (
        pairing.status == PairingStatus.ACTIVE
        and can_read_pairing(user, pairing)
        and can(user, Action.PARTICIPATE, pairing.cohort)
    )


def require_pairing(user: User | None, pairing, work: bool = True) -> None:
    """404 for anyone but the two; 403 for one of them when the pair cannot change it now."""
    if not can_read_pairing(user, pairing):
        raise NotAllowed(visible=False)
    if work and not can_work_in_pairing(user, pairing):
        raise NotAllowed(visible=True)
