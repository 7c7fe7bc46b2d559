"""A session's inventories as the cohort sees them on the month page."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..extensions import db
from ..live.models import LiveRun
from ..meetings.models import Attendance, Meeting
from ..meetings.services import next_meeting_id
from ..permissions import Action, can, feedback_targets
from .cards import card_answers, section_titles
from .models import CARD_COLUMNS, GoalProgress, GoalStatus, Inventory
from .organizing import sort_month
from .sections import CARD_SECTIONS
from .services import latest_shared

# What the month's pages show of an inventory (a card, a name, a Try line, the viewer's own
# state), besides its answers: what a feed card shows, and whether it came late. The ratings,
# traits and parts of life stay unread.
MONTH_COLUMNS = (*CARD_COLUMNS, Inventory.is_late)


@dataclass
class MonthRows:
    """What the session's pages read of its month, in one statement."""

    meeting: Meeting
    members: list[Membership]  # the cohort's active members, in order of joining
    inventories: dict[int, Inventory]  # the session's inventories of those members, by author
    attendances: list[Attendance]  # their answers to the session, oldest first
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
    return (
        select(Meeting, Membership, Inventory, Attendance)
        .join(
            Membership,
            (Membership.cohort_id == Meeting.cohort_id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .outerjoin(
            Inventory,
            (Inventory.meeting_id == Meeting.id) & (Inventory.user_id == Membership.user_id),
        )
        .outerjoin(
            Attendance,
            (Attendance.meeting_id == Meeting.id) & (Attendance.user_id == Membership.user_id),
        )
        .order_by(Membership.joined_at, Membership.id)
        .options(*_month_loading(cards))
    )


def _month_rows(rows: list, cards: bool) -> MonthRows | None:
    if not rows:  # the viewer is an active member: a session here has one row at least
        return None
    attendances = [row.Attendance for row in rows if row.Attendance is not None]
    return MonthRows(
        meeting=rows[0].Meeting,
        members=[row.Membership for row in rows],
        inventories={row.Inventory.user_id: row.Inventory for row in rows if row.Inventory},
        attendances=sorted(attendances, key=lambda answer: (answer.updated_at, answer.id)),
        cards=cards,
    )


def _month_loading(cards: bool) -> tuple:
    """The cohort is loaded already and the authors come with the members (the identity map
    hands them over without a statement); of the authors only the name is read. Cards' answers
    and section titles are read apart, when a card is not kept rendered."""
    return (
        lazyload(Meeting.cohort),
        lazyload(Membership.cohort),
        joinedload(Membership.user).load_only(User.display_name),
        load_only(*MONTH_COLUMNS) if cards else load_only(*MONTH_COLUMNS, Inventory.answers),
        lazyload(Inventory.template),
        lazyload(Inventory.user),
        lazyload(Inventory.meeting),
        lazyload(Inventory.cohort),
        lazyload(Attendance.user),
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


def _card_context(user: User, meeting: Meeting, shared: list[Inventory]) -> dict:
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
