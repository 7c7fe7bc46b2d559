"""The organizers' overview's three queries: its two sessions with their counts, the active
members with what each owes, and the sessions' inventories with whether they have reviewers
and feedback.

The sessions are the ones ``next_meeting`` and ``reading.current_feedback_meeting`` pick,
chosen here inside one statement; the counts are those of ``attendance_counts`` and
``reading.coverage``, made by PostgreSQL rather than by loading every row as an entity."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, lazyload

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..extensions import db
from ..feedback.models import Feedback, FeedbackAssignment
from ..feedback.reading import current_feedback_meeting_id
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Attendance, Meeting, Rsvp
from ..meetings.services import next_meeting_id
from ..statements import any_of, plain_rows


class MemberRow(NamedTuple):
    """An active member as the overview names them, with the pieces of feedback they were
    asked for in the feedback session and have not given yet."""

    user_id: int
    role: Role
    display_name: str
    owed: int


class InventoryRow(NamedTuple):
    id: int
    meeting_id: int
    user_id: int
    status: InventoryStatus
    shared_at: datetime | None
    display_name: str  # its author's
    assigned: bool  # somebody has been asked to review it
    received: bool  # somebody has given feedback on it


@dataclass
class Sessions:
    """The coming session with its answers, and the feedback session with its assignments."""

    coming: Meeting | None = None
    feedback: Meeting | None = None
    answers: dict[str, int] = field(default_factory=dict)  # the coming session's
    assignment_count: int = 0  # the feedback session's


def _coming_id() -> ColumnElement[int]:
    """``next_meeting``."""
    return next_meeting_id(bindparam("cohort_id"), bindparam("now"), aliased(Meeting))


def _feedback_id() -> ColumnElement[int]:
    """``current_feedback_meeting``."""
    return current_feedback_meeting_id(bindparam("cohort_id"), bindparam("now"))


def _count_of(*criteria: ColumnElement[bool], of=Attendance) -> ColumnElement[int]:
    return select(func.count()).select_from(of).where(*criteria).scalar_subquery()


# The statements are built once (parameters bound at each call): building them, with their
# aliases and subqueries, costs the app more than PostgreSQL takes to answer them.


@cache
def _meetings_statement() -> Select:
    # The two choices are made once: inlined, PostgreSQL would plan and run each of them twice
    # (for the join and for the columns that say which session is which).
    picked = (
        select(_coming_id().label("coming_id"), _feedback_id().label("feedback_id"))
        .cte("picked")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    answers = [
        _count_of(Attendance.meeting_id == Meeting.id, Attendance.rsvp == rsvp).label(rsvp.value)
        for rsvp in Rsvp
    ]
    assignments = _count_of(FeedbackAssignment.meeting_id == Meeting.id, of=FeedbackAssignment)
    return (
        select(
            Meeting,
            picked.c.coming_id,
            picked.c.feedback_id,
            assignments.label("assignments"),
            *answers,
        )
        .select_from(picked)
        .join(Meeting, or_(Meeting.id == picked.c.coming_id, Meeting.id == picked.c.feedback_id))
        .options(lazyload(Meeting.cohort))  # the cohort is the page's, already loaded
    )


def meetings_for(cohort: Cohort, now: datetime) -> Sessions:
    """One statement: the (one or two) sessions, the coming one's answers, the feedback
    one's number of assignments."""
    rows = db.session.execute(_meetings_statement(), {"cohort_id": cohort.id, "now": now})
    sessions = Sessions()
    for row in rows:
        if row.Meeting.id == row.coming_id:
            sessions.coming = row.Meeting
            sessions.answers = {rsvp.value: row._mapping[rsvp.value] for rsvp in Rsvp}
        if row.Meeting.id == row.feedback_id:
            sessions.feedback = row.Meeting
            sessions.assignment_count = row.assignments
    return sessions


@cache
def _members_statement() -> Select:
    given = exists().where(
        Feedback.meeting_id == FeedbackAssignment.meeting_id,
        Feedback.inventory_id == FeedbackAssignment.inventory_id,
        Feedback.giver_id == FeedbackAssignment.giver_id,
    )
    owed = _count_of(
        FeedbackAssignment.meeting_id == bindparam("feedback_id"),
        FeedbackAssignment.giver_id == Membership.user_id,
        ~given,
        of=FeedbackAssignment,
    )
    return (
        select(Membership.user_id, Membership.role, User.display_name, owed)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.cohort_id == bindparam("cohort_id"),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Membership.joined_at, Membership.id)
    )


def members_owing(cohort_id: int, feedback: Meeting | None) -> list[MemberRow]:
    """The active members in the order they joined, each with how many pieces they were
    asked for in ``feedback`` and have not given (none without a session)."""
    rows = plain_rows(
        _members_statement(),
        {"cohort_id": cohort_id, "feedback_id": feedback.id if feedback else None},
    )
    return [MemberRow(*row) for row in rows]


@cache
def _inventories_statement() -> Select:
    # Which inventories have reviewers and feedback, read from those of the sessions only
    # (uncorrelated, through the tables' meeting indexes): correlated per inventory,
    # PostgreSQL may choose to hash the whole of both tables instead.
    assigned = Inventory.id.in_(
        select(FeedbackAssignment.inventory_id).where(
            any_of(FeedbackAssignment.meeting_id, "meeting_ids")
        )
    )
    received = Inventory.id.in_(
        select(Feedback.inventory_id).where(any_of(Feedback.meeting_id, "meeting_ids"))
    )
    return (
        select(
            Inventory.id,
            Inventory.meeting_id,
            Inventory.user_id,
            Inventory.status,
            Inventory.shared_at,
            User.display_name,
            assigned,
            received,
        )
        .join(User, User.id == Inventory.user_id)
        .where(any_of(Inventory.meeting_id, "meeting_ids"))
        .order_by(Inventory.shared_at, Inventory.id)
    )


def inventories_of(meetings: Sequence[Meeting]) -> dict[int, list[InventoryRow]]:
    """The sessions' inventories (any status, by session id), with their authors' names."""
    rows = plain_rows(
        _inventories_statement(), {"meeting_ids": sorted({meeting.id for meeting in meetings})}
    )
    by_meeting: dict[int, list[InventoryRow]] = {}
    for row in rows:
        by_meeting.setdefault(row.meeting_id, []).append(InventoryRow(*row))
    return by_meeting
