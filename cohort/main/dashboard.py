"""The signed-in home: for each of your cohorts, what this month asks of you."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..extensions import db
from ..feedback.models import Feedback
from ..feedback.reading import OwedLine, owed_select
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.services import next_meeting_id
from ..permissions import remember_memberships, visible_inventories
from ..statements import ANY_VIEWER, any_of

MAX_TO_READ = 30  # across the mentor's cohorts; each card shows a few and links to the rest


@dataclass(frozen=True)
class OwnInventory:
    """What a card shows of the member's inventory: a link to it and its state."""

    id: int
    status: InventoryStatus


@dataclass
class MonthCard:
    cohort: Cohort
    membership: Membership
    meeting: Meeting | None
    # The member's inventory for that session, if started: its id and status.
    inventory: OwnInventory | None
    # Feedback this member was asked to give and has not yet, soonest due first.
    owed: list[OwedLine] = field(default_factory=list)
    # For a mentor: shared inventories still open to feedback that they have not answered.
    to_read: list[Inventory] = field(default_factory=list)

    @property
    def is_mentor(self) -> bool:
        return self.membership.role == Role.MENTOR

    @property
    def writes_inventory(self) -> bool:
        return self.membership.role != Role.MENTOR and not self.cohort.is_archived

    @property
    def inventory_state(self) -> str:
        """not_started / draft / shared / paused."""
        return self.inventory.status.value if self.inventory else "not_started"


@cache  # built once: building this statement and its cache key costs more than running it
def _cards_statement() -> Select:
    """Per active membership of the user (``user_id``): the cohort, the membership, the next
    session still to come (``now``) and the user's inventory for it, in one statement; then
    each piece of feedback the user owes in that cohort (``giver_id``, the same user), as one
    more row of the card (none owed: one row, its owed columns empty)."""
    next_meeting = next_meeting_id(Cohort.id, bindparam("now"), correlate_with=Cohort)
    owed = owed_select().subquery("owed")
    return (
        select(
            Cohort,
            Membership,
            Meeting,
            Inventory.id.label("own_inventory_id"),
            Inventory.status.label("own_inventory_status"),
            *owed.c,
        )
        .join(Membership, Membership.cohort_id == Cohort.id)
        .outerjoin(Meeting, Meeting.id == next_meeting)
        .outerjoin(
            Inventory,
            (Inventory.meeting_id == Meeting.id) & (Inventory.user_id == Membership.user_id),
        )
        .outerjoin(owed, owed.c.cohort_id == Cohort.id)
        .where(
            Membership.user_id == bindparam("user_id"),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Cohort.is_archived, Cohort.name, Cohort.id, owed.c.due_at, owed.c.assignment_id)
        # Each card's cohort is the row's own (same id, found in the session).
        .options(lazyload(Membership.cohort), lazyload(Membership.user), lazyload(Meeting.cohort))
    )


def month_cards(user: User, now: datetime) -> list[MonthCard]:
    """One card per active cohort, in one query whatever the number of cohorts (two for a
    mentor)."""
    params = {"user_id": user.id, "giver_id": user.id, "now": now}
    cards: dict[int, MonthCard] = {}
    for row in db.session.execute(_cards_statement(), params):
        card = cards.get(row.Cohort.id)
        if card is None:
            card = cards[row.Cohort.id] = _card(row)
            # the feed below asks `can` about these cohorts
            remember_memberships(user.id, row.Cohort.id, row.Membership)
        if row.assignment_id is not None:
            line = (row.cohort_id, row.inventory_id, row.recipient_name, row.meeting_title)
            card.owed.append(OwedLine(*line, row.due_at))
    mentoring = [
        cohort_id
        for cohort_id, card in cards.items()
        if card.is_mentor and not card.cohort.is_archived
    ]
    for inventory in inventories_to_read(user, mentoring, now) if mentoring else ():
        cards[inventory.cohort_id].to_read.append(inventory)
    return list(cards.values())


def _card(row) -> MonthCard:
    """A card from its first row: the cohort, the membership, the session and inventory."""
    inventory = None
    if row.own_inventory_id is not None:
        inventory = OwnInventory(row.own_inventory_id, row.own_inventory_status)
    return MonthCard(row.Cohort, row.Membership, row.Meeting, inventory)


def inventories_to_read(user: User, cohort_ids: list[int], now: datetime) -> list[Inventory]:
    """What a mentor reads next: inventories shared in these cohorts for sessions whose
    feedback is still open, that the mentor has not given feedback on, newest first."""
    return db.session.scalars(
        _to_read_statement(), {"viewer_id": user.id, "cohort_ids": cohort_ids, "now": now}
    ).all()


@cache  # built once for every mentor (cohort/statements.py)
def _to_read_statement() -> Select:
    """``inventories_to_read`` with the viewer, the cohorts and the moment as parameters. A
    card lists each with its author's name and when it was shared, and links to it: the
    rest of the row and its session, cohort and template are left unread."""
    viewer = ANY_VIEWER
    answered = select(Feedback.id).where(
        Feedback.inventory_id == Inventory.id, Feedback.giver_id == viewer.id
    )
    return (
        visible_inventories(viewer)
        .join(Meeting, Meeting.id == Inventory.meeting_id)
        .where(
            any_of(Inventory.cohort_id, "cohort_ids"),
            Inventory.status == InventoryStatus.SHARED,
            Inventory.user_id != viewer.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.feedback_due_at > bindparam("now"),
            ~answered.exists(),
        )
        .options(
            load_only(Inventory.cohort_id, Inventory.user_id, Inventory.shared_at),
            joinedload(Inventory.user).load_only(User.display_name),
            lazyload(Inventory.meeting),
            lazyload(Inventory.cohort),
            lazyload(Inventory.template),
        )
        .order_by(Inventory.shared_at.desc(), Inventory.id.desc())
        .limit(MAX_TO_READ)
    )
