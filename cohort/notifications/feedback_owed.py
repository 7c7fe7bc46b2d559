"""Reminders of feedback a member owes: when assignments are made, and a day before the
feedback due time if still owed. One email per giver and session lists every recipient.

Which of the two is due depends on each giver's first open assignment, so the label is worked
out in SQL per (session, giver), and the ledger anti-join leaves out what was already sent.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import String, and_, case, cast, exists, func, literal, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..database import UTCDateTime
from ..delivery.holds import not_held
from ..delivery.ledger import unclaimed, without_jit
from ..emails import external_url
from ..extensions import db
from ..feedback.models import Feedback, FeedbackAssignment
from ..meetings.models import Meeting, MeetingStatus
from .due import Due, shifted
from .reminders import Candidate, Loaded, Reminder, reminder_of

KIND = "feedback_owed"


def _last_calls(now: datetime) -> tuple[list[int], dict[int, datetime]]:
    """Sessions with assignments whose feedback is not due yet, and among them the moment of
    the day-before reminder of those where it has passed (one query)."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.feedback_due_at, Cohort.timezone)
        .join(Cohort, Meeting.cohort_id == Cohort.id)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Cohort.is_archived.is_(False),
            Meeting.feedback_due_at > now,
            exists().where(FeedbackAssignment.meeting_id == Meeting.id),
        )
    ).all()
    last_calls = {}
    for meeting_id, due_at, zone in rows:
        moment = shifted(due_at, zone, days=1)
        if moment <= now:
            last_calls[meeting_id] = moment
    return [row.id for row in rows], last_calls


def _open_assignments(meeting_ids: list[int]):
    """Assignments of active givers who have not given that feedback yet."""
    given = exists().where(
        Feedback.meeting_id.in_(meeting_ids),  # only these sessions' feedback
        Feedback.inventory_id == FeedbackAssignment.inventory_id,
        Feedback.giver_id == FeedbackAssignment.giver_id,
    )
    active = and_(
        Membership.cohort_id == FeedbackAssignment.cohort_id,
        Membership.user_id == FeedbackAssignment.giver_id,
        Membership.status == MembershipStatus.ACTIVE,
    )
    return (
        select(FeedbackAssignment)
        .join(Membership, active)
        .where(FeedbackAssignment.meeting_id.in_(meeting_ids), ~given)
    )


def owed_feedback_candidates(now: datetime) -> list[Candidate]:
    """(session, giver) pairs owing feedback whose latest passed reminder is not claimed.

    The day-before reminder is the latest unless the giver's first open assignment came after
    its moment; before it, the "assigned" one is.
    """
    meeting_ids, last_calls = _last_calls(now)
    if not meeting_ids:
        return []
    assignment = FeedbackAssignment
    first_assigned = func.min(assignment.created_at)
    label = literal("assigned")
    if last_calls:
        moments = {mid: literal(moment, UTCDateTime) for mid, moment in last_calls.items()}
        last_call = case(moments, value=assignment.meeting_id)
        label = case((first_assigned < last_call, "T-1d"), else_="assigned")
    owed = (
        _open_assignments(meeting_ids)
        .with_only_columns(assignment.meeting_id, assignment.giver_id, label.label("label"))
        .group_by(assignment.meeting_id, assignment.giver_id)
        .subquery()
    )
    period = "meeting-" + cast(owed.c.meeting_id, String) + ":" + owed.c.label
    without_jit()
    rows = db.session.execute(
        select(owed.c.giver_id, owed.c.meeting_id, period)
        .where(
            unclaimed(owed.c.giver_id, KIND, period),
            not_held(owed.c.giver_id, KIND, period, now),
        )
        .order_by(owed.c.meeting_id, owed.c.giver_id)
    )
    return [Candidate(giver_id, KIND, key, meeting_id) for giver_id, meeting_id, key in rows]


def due_of(now: datetime, candidates: list[Candidate]) -> Callable[[Candidate], Due]:
    """When each owed-feedback reminder fell due, for the givers' local hours (one query): the
    day-before one a day before the feedback is due, the "assigned" one now (it is new)."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.feedback_due_at, Cohort.timezone)
        .join(Cohort, Meeting.cohort_id == Cohort.id)
        .where(Meeting.id.in_(sorted({candidate.meeting_id for candidate in candidates})))
    )
    dues = {}
    for meeting_id, due_at, zone in rows:
        dues[meeting_id, "T-1d"] = Due("", shifted(due_at, zone, days=1), due_at)
        dues[meeting_id, "assigned"] = Due("", now, due_at)
    return lambda candidate: dues[candidate.meeting_id, candidate.label]


def _recipients(batch: list[Candidate]) -> dict[tuple[int, int], list[str]]:
    """Whom each claimed giver still owes feedback, by (session, giver) (one query)."""
    pairs = {(candidate.meeting_id, candidate.user_id) for candidate in batch}
    rows = db.session.execute(
        _open_assignments(sorted({meeting_id for meeting_id, _ in pairs}))
        .with_only_columns(
            FeedbackAssignment.meeting_id, FeedbackAssignment.giver_id, User.display_name
        )
        .join(User, User.id == FeedbackAssignment.recipient_id)
        .where(FeedbackAssignment.giver_id.in_({giver_id for _, giver_id in pairs}))
        .order_by(FeedbackAssignment.id)
    )
    names: dict[tuple[int, int], list[str]] = {}
    for meeting_id, giver_id, name in rows:
        if (meeting_id, giver_id) in pairs:
            names.setdefault((meeting_id, giver_id), []).append(name)
    return names


def owed_feedback_reminders(batch: list[Candidate], loaded: Loaded) -> list[Reminder]:
    names = _recipients(batch)
    reminders = []
    for candidate in batch:
        meeting = loaded.meetings[candidate.meeting_id]
        owed = names.get((candidate.meeting_id, candidate.user_id), [])
        url = external_url("feedback.inbox", slug=meeting.cohort.slug)
        reminders.append(
            reminder_of(
                candidate,
                loaded,
                "reminder_feedback_owed",
                url,
                data={"meeting": meeting.title, "count": len(owed)},
                names=owed,
                feedback_url=url,
                last_call=candidate.label == "T-1d",
            )
        )
    return reminders
