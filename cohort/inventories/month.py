"""A session's inventories as the cohort sees them on the month page."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import lazyload

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..extensions import db
from ..live.models import LiveRun
from ..meetings.models import Attendance, Meeting, Rsvp
from ..meetings.services import next_meeting_id
from ..permissions import Action, can, feedback_targets
from .cards import card_answers, section_titles
from .models import (
    CARD_COLUMNS,
    GoalProgress,
    GoalStatus,
    Inventory,
    InventoryKind,
    InventoryStatus,
)
from .organizing import sort_month
from .sections import CARD_SECTIONS
from .services import latest_shared

# The month's people, inventories and answers are read as plain columns into the small rows
# below, not as entities: a session page shows twenty or thirty of each, and loading them as
# entities, then reading their attributes through the ORM's descriptors while rendering, was
# a third of what the page cost. The rows answer to the names the entities have, so the
# templates and ``sort_month`` read either.


@dataclass(frozen=True, slots=True)
class Person:
    """Whom a row is about, as the month's pages name them."""

    id: int
    display_name: str


@dataclass(slots=True)
class MonthMember:
    """An active member of the cohort."""

    user_id: int
    role: Role
    user: Person


@dataclass(slots=True)
class MonthInventory:
    """A member's inventory for the session: what its card, name and Try line show."""

    id: int
    cohort_id: int
    meeting_id: int
    user_id: int
    template_id: int
    status: InventoryStatus
    version: int
    kind: InventoryKind
    energy: int | None
    shared_at: datetime | None
    updated_at: datetime
    is_late: bool
    user: Person
    answers: dict = field(default_factory=dict)  # read for Try lines only (not for cards)

    @property
    def is_shared(self) -> bool:
        return self.status == InventoryStatus.SHARED

    @property
    def is_quarter(self) -> bool:
        return self.kind == InventoryKind.QUARTER


@dataclass(slots=True)
class MonthAnswer:
    """A member's answer to the session (going, maybe, not going) and their attendance."""

    id: int
    user_id: int
    rsvp: Rsvp | None
    attended: bool | None
    updated_at: datetime
    user: Person


# What the month's pages show of an inventory (a card, a name, a Try line, the viewer's own
# state), besides its answers: what a feed card shows, and whether it came late. The ratings,
# traits and parts of life stay unread.
MONTH_COLUMNS = (*CARD_COLUMNS, Inventory.is_late)
_ANSWER_COLUMNS = (
    Attendance.id,
    Attendance.user_id,
    Attendance.rsvp,
    Attendance.attended,
    Attendance.updated_at,
)


@dataclass
class MonthRows:
    """What the session's pages read of its month, in one statement."""

    meeting: Meeting
    members: list[MonthMember]  # the cohort's active members, in order of joining
    inventories: dict[int, MonthInventory]  # the session's inventories of those members, by author
    attendances: list[MonthAnswer]  # their answers to the session, oldest first
    cards: bool  # read for cards (answers read when asked) or names and Try lines
    has_live_run: bool = True  # unknown unless read: a session's live run may exist


def read_next_month(cohort: Cohort, now: datetime) -> MonthRows | None:
    """The cohort's next session (``meetings.services.next_meeting_id``) with the cohort's
    active members, each with their inventory for it and their answer to it: one statement
    instead of four (the session, members, inventories, answers). None when no session is
    coming. For the cohort's overview, which lists names and Try lines: the Markdown answers
    are loaded, not cards. The statement is built once and kept."""
    rows = db.session.execute(_next_month_statement(), {"cohort_id": cohort.id, "now": now})
    return _month_rows(rows.all(), cards=False)


@cache  # built once: building it and its cache key costs more than running it
def _next_month_statement() -> Select:
    cohort_id = bindparam("cohort_id")
    return _month_statement(cards=False).where(
        Meeting.cohort_id == cohort_id,
        Meeting.id == next_meeting_id(cohort_id, bindparam("now")),
    )


def read_session_month(cohort: Cohort, meeting_id: int) -> MonthRows | None:
    """One session with its month as ``read_next_month`` reads it, for cards (their answers
    are read only when a card is not kept rendered, see ``month_page_context``), with whether
    it has a live run (the session page reads the run only then). The statement is built once
    and kept."""
    rows = db.session.execute(
        _session_month_statement(), {"cohort_id": cohort.id, "meeting_id": meeting_id}
    ).all()
    month = _month_rows(rows, cards=True)
    if month is not None:
        month.has_live_run = rows[0].has_live_run
    return month


@cache  # built once: building it and its cache key costs more than running it
def _session_month_statement() -> Select:
    has_live_run = select(LiveRun.id).where(LiveRun.meeting_id == Meeting.id).exists()
    return (
        _month_statement(cards=True)
        .add_columns(has_live_run.label("has_live_run"))
        .where(
            Meeting.cohort_id == bindparam("cohort_id"),  # ids never cross cohorts
            Meeting.id == bindparam("meeting_id"),
        )
    )


def _month_statement(cards: bool) -> Select:
    """The session (an entity: pages and permissions ask it much), then per active member a
    row of plain columns: the member, their inventory and their answer, or NULLs."""
    inventory_columns = (*MONTH_COLUMNS, *(() if cards else (Inventory.answers,)))
    return (
        select(
            Meeting,
            Membership.user_id,
            Membership.role,
            User.display_name,
            *inventory_columns,
            *_ANSWER_COLUMNS,
        )
        .join(
            Membership,
            (Membership.cohort_id == Meeting.cohort_id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(
            Inventory,
            (Inventory.meeting_id == Meeting.id) & (Inventory.user_id == Membership.user_id),
        )
        .outerjoin(
            Attendance,
            (Attendance.meeting_id == Meeting.id) & (Attendance.user_id == Membership.user_id),
        )
        .order_by(Membership.joined_at, Membership.id)
        .options(lazyload(Meeting.cohort))  # the cohort is loaded already
    )


_INVENTORY = slice(4, 4 + len(MONTH_COLUMNS))  # the inventory's columns in a row


def _month_rows(rows: list, cards: bool) -> MonthRows | None:
    if not rows:  # the viewer is an active member: a session here has one row at least
        return None
    members, inventories, attendances = [], {}, []
    answers_at = _INVENTORY.stop  # Try lines' answers, when read, come before the answer
    answer_at = answers_at if cards else answers_at + 1
    for row in rows:
        person = Person(row[1], row[3])
        members.append(MonthMember(row[1], row[2], person))
        if row[4] is not None:
            answers = {} if cards else (row[answers_at] or {})
            inventories[row[1]] = MonthInventory(*row[_INVENTORY], person, answers)
        if row[answer_at] is not None:
            attendances.append(MonthAnswer(*row[answer_at : answer_at + 5], person))
    return MonthRows(
        meeting=rows[0][0],
        members=members,
        inventories=inventories,
        attendances=sorted(attendances, key=lambda answer: (answer.updated_at, answer.id)),
        cards=cards,
    )


def month_page_context(user: User, rows: MonthRows) -> dict:
    """Who has shared, not shared yet or paused, the viewer's own inventory state (members
    and organizers write one; mentors read) and, when ``rows`` were read for cards, what the
    cards show, from ``read_next_month`` or ``read_session_month``."""
    meeting = rows.meeting
    overview = sort_month(rows.members, rows.inventories)
    writes = can(user, Action.POST_INVENTORY, meeting) and not meeting.is_cancelled
    context = {
        "month": overview,
        # The viewer is an active member, so their inventory is among those read.
        "my_inventory": rows.inventories.get(user.id) if writes else None,
        "writes_inventory": writes,
    }
    if rows.cards:
        context |= _card_context(user, meeting, overview.shared)
    return context


def _card_context(user: User, meeting: Meeting, shared: list[MonthInventory]) -> dict:
    template_ids = dict.fromkeys(inventory.template_id for inventory in shared)  # in card order
    by_template = section_titles(set(template_ids))
    titles = {}
    for template_id in template_ids:  # two templates titling one section: the later card wins
        titles.update(by_template[template_id])
    return {
        "card_sections": CARD_SECTIONS,
        "card_titles": titles,
        "card_answers": card_answers([inventory.id for inventory in shared]),
        # What a card's kept rendering depends on beyond the inventory (cohort/fragments.py).
        "card_key": tuple(titles.get(key, key) for key in CARD_SECTIONS),
        "feedback_targets": feedback_targets(user, meeting, shared),
    }


def working_on(cohort) -> dict[int, dict]:
    """Per member, from their latest shared inventory here: next month's Try and the goals it
    recorded progress on (two queries). Goals show only through inventories shared here."""
    latest = latest_shared(cohort)
    goals: dict[int, list[str]] = {}
    if latest:
        rows = db.session.scalars(
            select(GoalProgress).where(
                GoalProgress.inventory_id.in_([i.id for i in latest.values()])
            )
        )
        by_inventory = {inventory.id: user_id for user_id, inventory in latest.items()}
        for row in rows:
            if row.goal.status == GoalStatus.ACTIVE:
                goals.setdefault(by_inventory[row.inventory_id], []).append(row.goal.title)
    return {
        user_id: {"try": inventory.answers.get("try", ""), "goals": goals.get(user_id, [])}
        for user_id, inventory in latest.items()
    }
