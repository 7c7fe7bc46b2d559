"""The signed-in home: for each of your cohorts, what this month asks of you."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..extensions import db
from ..feedback.models import Feedback, FeedbackAssignment
from ..feedback.reading import owed_feedback_in
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting, MeetingStatus
from ..permissions import remember_memberships, visible_inventories

MAX_TO_READ = 30  # across the mentor's cohorts; each card shows a few and links to the rest


@dataclass
class MonthCard:
    cohort: Cohort
    membership: Membership
    meeting: Meeting | None
    inventory: Inventory | None
    # Feedback this member was asked to give and has not yet, soonest due first.
    owed: list[tuple[FeedbackAssignment, Meeting]] = field(default_factory=list)
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


def month_cards(user: User, now: datetime) -> list[MonthCard]:
    """One card per active cohort, in four queries whatever the number of cohorts."""
    rows = db.session.execute(
        select(Cohort, Membership)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Cohort.is_archived, Cohort.name)
    ).all()
    cohort_ids = [cohort.id for cohort, _ in rows]
    for cohort, membership in rows:  # the feed below asks `can` about these cohorts
        remember_memberships(user.id, cohort.id, membership)
    next_meeting: dict[int, Meeting] = {}
    for meeting in db.session.scalars(
        select(Meeting)
        .where(
            Meeting.cohort_id.in_(cohort_ids),
            Meeting.ends_at > now,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
        .order_by(Meeting.starts_at)
    ):
        next_meeting.setdefault(meeting.cohort_id, meeting)
    inventories = {
        inventory.meeting_id: inventory
        for inventory in db.session.scalars(
            select(Inventory).where(
                Inventory.user_id == user.id,
                Inventory.meeting_id.in_([m.id for m in next_meeting.values()]),
            )
        )
    }
    owed: dict[int, list] = {}
    for assignment, meeting in owed_feedback_in(user, cohort_ids, now):
        owed.setdefault(assignment.cohort_id, []).append((assignment, meeting))
    mentoring = [c.id for c, m in rows if m.role == Role.MENTOR and not c.is_archived]
    to_read: dict[int, list[Inventory]] = {}
    for inventory in inventories_to_read(user, mentoring, now) if mentoring else ():
        to_read.setdefault(inventory.cohort_id, []).append(inventory)
    cards = []
    for cohort, membership in rows:
        meeting = next_meeting.get(cohort.id)
        inventory = inventories.get(meeting.id) if meeting else None
        cards.append(
            MonthCard(
                cohort,
                membership,
                meeting,
                inventory,
                owed.get(cohort.id, []),
                to_read.get(cohort.id, []),
            )
        )
    return cards


def inventories_to_read(user: User, cohort_ids: list[int], now: datetime) -> list[Inventory]:
    """What a mentor reads next: inventories shared in these cohorts for sessions whose
    feedback is still open, that the mentor has not given feedback on, newest first."""
    answered = select(Feedback.id).where(
        Feedback.inventory_id == Inventory.id, Feedback.giver_id == user.id
    )
    return db.session.scalars(
        visible_inventories(user)
        .join(Meeting, Meeting.id == Inventory.meeting_id)
        .where(
            Inventory.cohort_id.in_(cohort_ids),
            Inventory.status == InventoryStatus.SHARED,
            Inventory.user_id != user.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.feedback_due_at > now,
            ~answered.exists(),
        )
        .options(joinedload(Inventory.user))
        .order_by(Inventory.shared_at.desc(), Inventory.id.desc())
        .limit(MAX_TO_READ)
    ).all()
