"""What the pages show of feedback, each in a bounded number of queries: the inventory's
feedback, "what I owe" and "what I received", the organizers' coverage, the blind-spot map."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Exists, Select, bindparam, exists, func, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting, MeetingStatus
from ..permissions import Action, active_membership, can, visible_feedback
from ..statements import ANY_VIEWER, plain_rows
from .models import Feedback, FeedbackAssignment
from .services import is_open
from .traits import TRAITS

# The inventory page -------------------------------------------------------------------------


@dataclass
class FeedbackPanel:
    """The feedback part of an inventory page, as one viewer sees it."""

    pieces: list[Feedback]
    mine: Feedback | None
    is_recipient: bool
    may_give: bool  # allowed and still open
    is_assigned: bool
    due_at: datetime
    is_open: bool


def inventory_feedback_context(user: User, inventory: Inventory, assigned: bool) -> dict:
    """Context for templates/feedback/_on_inventory.html (nothing on drafts). ``assigned``:
    whether the user is asked to give feedback on it, read with the inventory
    (``assigned_to_viewer``)."""
    if not inventory.is_shared:
        return {"feedback_panel": None}
    pieces = db.session.scalars(
        _inventory_feedback_statement(), {"viewer_id": user.id, "inventory_id": inventory.id}
    ).all()
    mine = next((piece for piece in pieces if piece.giver_id == user.id), None)
    allowed = can(user, Action.GIVE_FEEDBACK, inventory)
    still_open = is_open(inventory.meeting)
    panel = FeedbackPanel(
        pieces=list(pieces),
        mine=mine,
        is_recipient=inventory.user_id == user.id,
        may_give=allowed and still_open,
        is_assigned=allowed and assigned,
        due_at=inventory.meeting.feedback_due_at,
        is_open=still_open,
    )
    return {"feedback_panel": panel, "trait_labels": TRAITS}


def assigned_to_viewer() -> Exists:
    """Whether the viewer (``viewer_id``) is asked to give feedback on the ``Inventory`` of
    the statement it goes in: a column of the page's inventory read instead of a statement."""
    return exists().where(
        FeedbackAssignment.inventory_id == Inventory.id,
        FeedbackAssignment.giver_id == ANY_VIEWER.id,
    )


@cache  # built once: building it and its cache key costs more than running it
def _inventory_feedback_statement() -> Select:
    """The feedback on ``inventory_id`` that ``viewer_id`` may read, oldest first. Its cohort,
    session and recipient (the inventory's author) are on the page already: the identity
    map hands them over; of the giver only the name is read."""
    return (
        visible_feedback(ANY_VIEWER)
        .where(Feedback.inventory_id == bindparam("inventory_id"))
        .order_by(Feedback.created_at, Feedback.id)
        .options(
            lazyload(Feedback.cohort),
            lazyload(Feedback.meeting),
            lazyload(Feedback.recipient),
            joinedload(Feedback.giver).load_only(User.display_name),
        )
    )


# The member's feedback page -----------------------------------------------------------------


class OwedLine(NamedTuple):
    """A piece of feedback the user was asked for and has not given: one line on the home
    and feedback pages, so only the columns the line shows are read."""

    cohort_id: int
    inventory_id: int
    recipient_name: str
    meeting_title: str
    due_at: datetime


def owed_feedback(user: User, cohort: Cohort, now: datetime) -> list[OwedLine]:
    """The user's assignments in the cohort still open and not yet given, soonest due first
    (one query; the home page reads every cohort's with its cards, ``main.dashboard``)."""
    rows = plain_rows(_owed_statement(), {"giver_id": user.id, "cohort_id": cohort.id, "now": now})
    return [OwedLine(*row[:5]) for row in rows]


def owed_select() -> Select:
    """Assignments of ``giver_id`` still open at ``now`` and not yet given: the columns of an
    ``OwedLine``, then the assignment's id to order them by. The home page joins it to its
    cards (``main.dashboard``) rather than asking apart."""
    given = exists().where(
        Feedback.inventory_id == FeedbackAssignment.inventory_id,
        Feedback.giver_id == FeedbackAssignment.giver_id,
    )
    recipient = aliased(User)
    return (
        select(
            FeedbackAssignment.cohort_id,
            FeedbackAssignment.inventory_id,
            recipient.display_name.label("recipient_name"),
            Meeting.title.label("meeting_title"),
            Meeting.feedback_due_at.label("due_at"),
            FeedbackAssignment.id.label("assignment_id"),
        )
        .join(Meeting, FeedbackAssignment.meeting_id == Meeting.id)
        .join(recipient, recipient.id == FeedbackAssignment.recipient_id)
        .where(
            FeedbackAssignment.giver_id == bindparam("giver_id"),
            Meeting.feedback_due_at > bindparam("now"),
            ~given,
        )
    )


@cache  # built once: building this statement and its cache key costs more than running it
def _owed_statement() -> Select:
    """``owed_select`` in ``cohort_id``, soonest due first."""
    return (
        owed_select()
        .where(FeedbackAssignment.cohort_id == bindparam("cohort_id"))
        .order_by(Meeting.feedback_due_at, FeedbackAssignment.id)
    )


# Organizers' coverage -----------------------------------------------------------------------


@dataclass
class InventoryCoverage:
    inventory: Inventory
    assignments: list[FeedbackAssignment] = field(default_factory=list)
    givers: set[int] = field(default_factory=set)  # who has given feedback on it

    @property
    def received(self) -> int:
        return len(self.givers)


@dataclass
class GiverCoverage:
    membership: Membership
    assigned: int = 0
    given: int = 0
    owed: int = 0  # assigned and not given yet


@dataclass
class Coverage:
    inventories: list[InventoryCoverage]
    givers: list[GiverCoverage]
    paused: list[Membership]
    assignment_count: int


def coverage(meeting: Meeting, members: list[Membership] | None = None) -> Coverage:
    """Per shared inventory its reviewers and pieces received; per giver what they owe and
    gave (four queries; three when the cohort's active ``members`` are given, in order of
    joining)."""
    inventories = db.session.scalars(
        select(Inventory).where(Inventory.meeting_id == meeting.id).order_by(Inventory.shared_at)
    ).all()
    assignments = db.session.scalars(
        select(FeedbackAssignment)
        .where(FeedbackAssignment.meeting_id == meeting.id)
        .order_by(FeedbackAssignment.id)
    ).all()
    given = db.session.execute(
        select(Feedback.inventory_id, Feedback.giver_id).where(Feedback.meeting_id == meeting.id)
    ).all()
    if members is None:
        members = active_members(meeting.cohort_id)
    paused_ids = {i.user_id for i in inventories if i.status == InventoryStatus.PAUSED}
    by_inventory = {
        i.id: InventoryCoverage(i) for i in inventories if i.status == InventoryStatus.SHARED
    }
    for inventory_id, giver_id in given:
        if inventory_id in by_inventory:
            by_inventory[inventory_id].givers.add(giver_id)
    by_giver = {m.user_id: GiverCoverage(m) for m in members if m.user_id not in paused_ids}
    done = set(given)
    for assignment in assignments:
        if assignment.inventory_id in by_inventory:
            by_inventory[assignment.inventory_id].assignments.append(assignment)
        row = by_giver.get(assignment.giver_id)
        if row is not None:
            row.assigned += 1
            row.owed += (assignment.inventory_id, assignment.giver_id) not in done
    for _inventory_id, giver_id in given:
        if giver_id in by_giver:
            by_giver[giver_id].given += 1
    return Coverage(
        inventories=list(by_inventory.values()),
        givers=list(by_giver.values()),
        paused=[m for m in members if m.user_id in paused_ids],
        assignment_count=len(assignments),
    )


def active_members(cohort_id: int) -> list[Membership]:
    """The cohort's active memberships in the order people joined."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.cohort_id == cohort_id, Membership.status == MembershipStatus.ACTIVE)
            .order_by(Membership.joined_at, Membership.id)
        )
    )


# The blind-spot map -------------------------------------------------------------------------


@dataclass
class Quadrants:
    """Traits known to both, seen only by peers (blind spots), seen only by the member. Each
    entry is (trait key, how often peers picked it, in how many months the member did)."""

    both: list[tuple[str, int, int]]
    peers_only: list[tuple[str, int, int]]
    self_only: list[tuple[str, int, int]]

    @property
    def is_empty(self) -> bool:
        return not (self.both or self.peers_only or self.self_only)


def quadrants(self_counts: Counter, peer_counts: Counter) -> Quadrants:
    def entries(keys) -> list[tuple[str, int, int]]:
        ordered = sorted(keys, key=lambda k: (-peer_counts[k], -self_counts[k], _order(k)))
        return [(key, peer_counts[key], self_counts[key]) for key in ordered]

    mine, theirs = set(+self_counts), set(+peer_counts)
    return Quadrants(entries(mine & theirs), entries(theirs - mine), entries(mine - theirs))


def _order(key: str) -> int:
    return _TRAIT_ORDER.get(key, len(_TRAIT_ORDER))


_TRAIT_ORDER = {key: index for index, key in enumerate(TRAITS)}


@dataclass
class BlindSpotMap:
    latest: Quadrants
    latest_title: str
    over_time: Quadrants
    months: int
    is_partial: bool  # built from only the feedback this viewer may read


def _shared_months(cohort: Cohort, membership: Membership) -> list[tuple[int, list, str]]:
    return db.session.execute(
        select(Inventory.id, Inventory.self_traits, Meeting.title)
        .join(Meeting, Inventory.meeting_id == Meeting.id)
        .where(
            Inventory.cohort_id == cohort.id,
            Inventory.user_id == membership.user_id,
            Inventory.status == InventoryStatus.SHARED,
        )
        .order_by(Meeting.starts_at)
    ).all()


@cache  # built once: building this statement and its cache key costs about what running it does
def _peer_traits() -> Select:
    """The traits picked in the feedback the viewer may read that the member received in the
    cohort: parameters ``viewer_id``, ``member_id`` and ``cohort_id`` (cohort/statements.py)."""
    return (
        visible_feedback(ANY_VIEWER)
        .where(
            Feedback.recipient_id == bindparam("member_id"),
            Feedback.cohort_id == bindparam("cohort_id"),
        )
        .with_only_columns(Feedback.inventory_id, Feedback.traits)
    )


def _peers(viewer: User, cohort: Cohort, membership: Membership) -> dict[int, Counter]:
    """Inventory id → how often peers picked each trait in the feedback the viewer may read."""
    rows = db.session.execute(
        _peer_traits(),
        {"viewer_id": viewer.id, "member_id": membership.user_id, "cohort_id": cohort.id},
    )
    peers: dict[int, Counter] = {}
    for inventory_id, traits in rows:
        peers.setdefault(inventory_id, Counter()).update(traits or [])
    return peers


def blind_spot_context(
    viewer: User,
    cohort: Cohort,
    membership: Membership,
    shared: list[tuple[int, list, str]] | None = None,
    peers: dict[int, Counter] | None = None,
) -> dict:
    """Context for templates/feedback/_blind_spot_map.html on the member page. ``shared``:
    the member's shared months here as (inventory id, self traits, session title), oldest
    first, and ``peers``: per inventory, how often peers picked each trait in the feedback
    the viewer may read, when the page has read them already (the timeline has)."""
    if membership.role == Role.MENTOR:
        return {"blind_spots": None}
    months = shared if shared is not None else _shared_months(cohort, membership)
    if peers is None:
        peers = _peers(viewer, cohort, membership)
    all_self, all_peers = Counter(), Counter()
    latest_counts, latest_title = (Counter(), Counter()), ""
    for inventory_id, self_traits, title in months:
        mine = Counter(set(self_traits or []))
        theirs = peers.get(inventory_id, Counter())
        all_self.update(mine)
        all_peers.update(theirs)
        if mine or theirs:
            latest_counts, latest_title = (mine, theirs), title
    latest = quadrants(*latest_counts)  # sorted once, for the last month with traits
    organizer = active_membership(viewer, cohort)
    is_partial = viewer.id != membership.user_id and not (organizer and organizer.is_organizer)
    spots = BlindSpotMap(
        latest=latest,
        latest_title=latest_title,
        over_time=quadrants(all_self, all_peers),
        months=len(months),
        is_partial=is_partial,
    )
    return {"blind_spots": spots, "trait_labels": TRAITS, "blind_spot_key": _map_key(spots)}


def _map_key(spots: BlindSpotMap) -> tuple:
    """Everything the map shows but the member's name (cohort/fragments.py): it reads the same
    for every viewer given the same traits and counts."""

    def parts(q: Quadrants) -> tuple:
        return (tuple(q.both), tuple(q.peers_only), tuple(q.self_only))

    return (
        spots.is_partial,
        spots.months,
        spots.latest_title,
        *parts(spots.latest),
        *parts(spots.over_time),
    )


def current_feedback_meeting(cohort: Cohort, now: datetime) -> Meeting | None:
    """The session whose feedback is open now (the earliest), else the latest one."""
    return db.session.scalar(_current_feedback_statement(), {"cohort_id": cohort.id, "now": now})


@cache  # built once: building this statement and its cache key costs about what running it does
def _current_feedback_statement() -> Select:
    chosen = current_feedback_meeting_id(bindparam("cohort_id"), bindparam("now"))
    return select(Meeting).where(Meeting.id == chosen)


def current_feedback_meeting_id(cohort_id, now) -> ColumnElement[int]:
    """The id ``current_feedback_meeting`` picks, as a scalar subquery over its own alias of
    the sessions; ``cohort_id`` and ``now`` may be values or bound parameters."""
    m = aliased(Meeting)
    open_now = (
        select(m.id)
        .where(
            m.cohort_id == cohort_id,
            m.feedback_due_at > now,
            m.status == MeetingStatus.SCHEDULED,
        )
        .order_by(m.starts_at)
        .limit(1)
        .scalar_subquery()
    )
    latest = (
        select(m.id)
        .where(m.cohort_id == cohort_id)
        .order_by(m.starts_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(open_now, latest)
