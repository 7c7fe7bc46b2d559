"""The recent history the signals read, gathered in a fixed number of set-based queries
whatever the number of members and sessions: the members, the last sessions, and for those
sessions the inventories, goal progress, task reviews, feedback asked and given."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select

from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..extensions import db
from ..feedback.models import Feedback, FeedbackAssignment
from ..inventories.models import GoalProgress, Inventory, InventoryStatus, TaskOutcome, TaskReview
from ..meetings.models import Meeting, MeetingStatus

WINDOW = 6  # sessions looked at: half a year of monthly sessions


@dataclass
class Entry:
    """A member's inventory for one session (absent from ``Month.entries``: none at all)."""

    inventory_id: int
    status: InventoryStatus
    energy: int | None
    asked_for_help: bool  # wrote something under "blockers / help wanted"
    progress: dict[int, int] = field(default_factory=dict)  # goal id → percent
    tasks_reviewed: int = 0
    tasks_done: int = 0
    feedback_received: int = 0

    @property
    def is_shared(self) -> bool:
        return self.status == InventoryStatus.SHARED


@dataclass
class History:
    cohort: Cohort
    now: datetime
    members: list[Membership]
    sessions: list[Meeting]  # oldest first, past and not cancelled
    entries: dict[tuple[int, int], Entry]  # (user id, meeting id) → entry
    unmet: dict[int, list[int]]  # giver id → meeting ids with feedback asked and not given

    def sessions_of(self, membership: Membership) -> list[Meeting]:
        """The sessions that count for a member: those after they joined."""
        return [meeting for meeting in self.sessions if meeting.starts_at > membership.joined_at]

    def entry(self, user_id: int, meeting: Meeting) -> Entry | None:
        return self.entries.get((user_id, meeting.id))


def load_history(cohort: Cohort, now: datetime, window: int = WINDOW) -> History:
    """Seven queries, none of them per member or per session."""
    members = list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role == Role.MEMBER,
            )
            .order_by(Membership.joined_at, Membership.id)
        )
    )
    sessions = list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.cohort_id == cohort.id,
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at <= now,
            )
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(window)
        )
    )[::-1]
    history = History(cohort, now, members, sessions, {}, defaultdict(list))
    if not sessions or not members:
        return history
    meeting_ids = [meeting.id for meeting in sessions]
    _read_inventories(history, meeting_ids)
    _read_feedback_asked(history, meeting_ids)
    return history


def _read_inventories(history: History, meeting_ids: list[int]) -> None:
    rows = db.session.execute(
        select(
            Inventory.id,
            Inventory.user_id,
            Inventory.meeting_id,
            Inventory.status,
            Inventory.energy,
            Inventory.answers,
        ).where(Inventory.meeting_id.in_(meeting_ids))
    ).all()
    by_id: dict[int, Entry] = {}
    for inventory_id, user_id, meeting_id, status, energy, answers in rows:
        blockers = str((answers or {}).get("blockers") or "").strip()
        entry = Entry(inventory_id, status, energy, bool(blockers))
        history.entries[(user_id, meeting_id)] = entry
        by_id[inventory_id] = entry
    of_sessions = select(Inventory.id).where(Inventory.meeting_id.in_(meeting_ids))
    for inventory_id, goal_id, percent in db.session.execute(
        select(GoalProgress.inventory_id, GoalProgress.goal_id, GoalProgress.percent).where(
            GoalProgress.inventory_id.in_(of_sessions)
        )
    ):
        by_id[inventory_id].progress[goal_id] = percent
    for inventory_id, outcome, count in db.session.execute(
        select(TaskReview.inventory_id, TaskReview.outcome, func.count())
        .where(TaskReview.inventory_id.in_(of_sessions))
        .group_by(TaskReview.inventory_id, TaskReview.outcome)
    ):
        by_id[inventory_id].tasks_reviewed += count
        if outcome == TaskOutcome.DONE:
            by_id[inventory_id].tasks_done += count
    for inventory_id, count in db.session.execute(
        select(Feedback.inventory_id, func.count())
        .where(Feedback.meeting_id.in_(meeting_ids))
        .group_by(Feedback.inventory_id)
    ):
        if inventory_id in by_id:
            by_id[inventory_id].feedback_received = count


def _read_feedback_asked(history: History, meeting_ids: list[int]) -> None:
    """Per giver, the sessions whose feedback is closed with a piece asked and not given."""
    closed = [m.id for m in history.sessions if m.feedback_due_at <= history.now]
    if not closed:
        return
    rows = db.session.execute(
        select(FeedbackAssignment.giver_id, FeedbackAssignment.meeting_id)
        .outerjoin(
            Feedback,
            and_(
                Feedback.inventory_id == FeedbackAssignment.inventory_id,
                Feedback.giver_id == FeedbackAssignment.giver_id,
            ),
        )
        .where(FeedbackAssignment.meeting_id.in_(closed), Feedback.id.is_(None))
        .distinct()
    ).all()
    for giver_id, meeting_id in sorted(rows, key=lambda row: meeting_ids.index(row[1])):
        history.unmet[giver_id].append(meeting_id)
