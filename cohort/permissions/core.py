"""Who is an active member of a cohort, and what that lets them do or see.

The membership behind every answer is read once per request (``active_membership``); ``can``
answers for cohorts, memberships, invitations, sessions and inventories, and hands feedback to
``.feedback``; ``visible_*`` give the objects of a kind a user may see; ``require``,
``cohort_or_404`` and ``in_cohort_or_404`` turn a "no" into a 404 or 403 for the views.
"""

import enum
from functools import cache

from flask import abort, g, has_request_context, redirect, request
from sqlalchemy import Row, Select, bindparam, or_, select
from sqlalchemy.orm import lazyload

from ..auth.models import User
from ..cohorts.models import (
    Cohort,
    CohortSlugRedirect,
    Invitation,
    Membership,
    MembershipStatus,
    Role,
)
from ..extensions import db
from ..feedback.models import Feedback
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting
from ..statements import ANY_VIEWER


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
    # The feedback rules live in ``.feedback`` and ask ``can`` in turn (a giver must be able to
    # take part in the session), so that module imports this one at its top and ``can`` imports
    # them where it dispatches to them: by then both modules are loaded, and the import is a
    # look-up in ``sys.modules``.
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
            from .feedback import _can_give_feedback

            return _can_give_feedback(user, target)
        case Inventory():
            return _can_inventory(user, action, target)
        case Feedback():
            from .feedback import _can_feedback

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
    return cohort_row_or_404(user, slug, cohort_with_membership()).Cohort


def cohort_row_or_404(user: User | None, slug: str, statement: Select, **params) -> Row:
    """``cohort_or_404`` for a page that reads more with the cohort: ``statement`` is
    ``cohort_with_membership()`` with the page's own columns and outer joins added (its
    parameters in ``params``), so the page's first round trip brings them too. The row is
    that statement's, with ``Cohort`` and ``Membership`` (the user's) among its columns."""
    if user is None or not user.is_authenticated:
        abort(404)
    row = db.session.execute(statement, {"viewer_id": user.id, "slug": slug, **params})
    row = row.one_or_none()
    if row is None:
        _follow_moved_cohort(user, slug)
    if row is None or row.Membership is None:
        abort(404)
    remember_memberships(user.id, row.Cohort.id, row.Membership)
    return row


@cache
def cohort_with_membership() -> Select:
    """Every cohort page starts with this statement (parameters ``viewer_id`` and ``slug``):
    built once per process."""
    return (
        select(Cohort, Membership)
        .outerjoin(
            Membership,
            (Membership.cohort_id == Cohort.id)
            & (Membership.user_id == ANY_VIEWER.id)
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
