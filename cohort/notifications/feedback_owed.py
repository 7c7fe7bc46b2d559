"""Reminders of feedback a member owes: when assignments are made, and a day before the
feedback due time if still owed. One email per giver and session lists every recipient."""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..emails import external_url
from ..extensions import db
from ..feedback.models import Feedback, FeedbackAssignment
from ..meetings.models import Meeting, MeetingStatus


def owed_feedback_reminders(now: datetime, reminder_class, shifted, latest_passed) -> Iterator:
    """Reminders for open assignments of sessions whose feedback is not yet due."""
    meetings = {
        meeting.id: meeting
        for meeting in db.session.scalars(
            select(Meeting)
            .join(Cohort, Meeting.cohort_id == Cohort.id)
            .where(
                Meeting.status == MeetingStatus.SCHEDULED,
                Cohort.is_archived.is_(False),
                Meeting.feedback_due_at > now,
            )
        )
    }
    if not meetings:
        return
    assignments = db.session.scalars(
        select(FeedbackAssignment).where(FeedbackAssignment.meeting_id.in_(meetings))
    ).all()
    given = set(
        db.session.execute(
            select(Feedback.inventory_id, Feedback.giver_id).where(
                Feedback.meeting_id.in_(meetings)
            )
        ).all()
    )
    active = set(
        db.session.execute(
            select(Membership.cohort_id, Membership.user_id).where(
                Membership.cohort_id.in_({m.cohort_id for m in meetings.values()}),
                Membership.status == MembershipStatus.ACTIVE,
            )
        ).all()
    )
    owed: dict[tuple[int, int], list[FeedbackAssignment]] = {}
    for assignment in assignments:
        if (assignment.inventory_id, assignment.giver_id) in given:
            continue
        if (assignment.cohort_id, assignment.giver_id) not in active:
            continue
        owed.setdefault((assignment.meeting_id, assignment.giver_id), []).append(assignment)
    for (meeting_id, _giver_id), rows in owed.items():
        meeting = meetings[meeting_id]
        cohort = meeting.cohort
        moments = {
            "assigned": min(row.created_at for row in rows),
            "T-1d": shifted(meeting.feedback_due_at, cohort.timezone, days=1),
        }
        label = latest_passed(now, moments, meeting.feedback_due_at)
        if label is None:
            continue
        url = external_url("feedback.inbox", slug=cohort.slug)
        names = [row.recipient.display_name for row in rows]
        yield reminder_class(
            user=rows[0].giver,
            kind="feedback_owed",
            email_kind="feedback_owed",
            period_key=f"meeting-{meeting.id}:{label}",
            template="reminder_feedback_owed",
            url=url,
            cohort=cohort,
            data={"meeting": meeting.title, "count": len(names)},
            context={
                "meeting": meeting,
                "cohort": cohort,
                "names": names,
                "feedback_url": url,
                "last_call": label == "T-1d",
            },
        )
