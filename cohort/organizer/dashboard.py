"""What the organizers' overview shows: the coming session's inventories and answers, and the
feedback that is open now, gathered in a bounded number of queries whatever the cohort's size."""

from dataclasses import dataclass
from datetime import datetime

from ..cohorts.models import Cohort, Membership
from ..feedback import reading
from ..feedback.services import is_open
from ..inventories.models import Inventory
from ..inventories.organizing import MonthOverview, month_overview
from ..meetings.models import Meeting
from ..meetings.services import attendance_counts, next_meeting


@dataclass
class ComingSession:
    """The next session: who has shared, drafted, not started or paused, and the answers."""

    meeting: Meeting
    overview: MonthOverview
    answers: dict[str, int]  # going / maybe / not_going / attended
    now: datetime

    @property
    def not_shared(self) -> list[Membership]:
        return [*self.overview.drafts, *self.overview.not_started]

    @property
    def may_nudge(self) -> bool:
        """Reminders make sense while inventories are still due."""
        return bool(self.not_shared) and self.meeting.inventory_due_at > self.now


@dataclass
class FeedbackSummary:
    """Coverage of the session whose feedback is open now (or the latest one, closed)."""

    meeting: Meeting
    is_open: bool
    shared: int  # shared inventories
    without_feedback: list[Inventory]
    owed: int  # pieces assigned and not given yet
    assignment_count: int
    unassigned: int  # shared inventories nobody has been asked to review

    @property
    def needs_assignments(self) -> bool:
        """Open, with shared inventories that have no reviewers (none at all, or shared late)."""
        return self.is_open and self.unassigned > 0


@dataclass
class Dashboard:
    coming: ComingSession | None
    feedback: FeedbackSummary | None


def coming_session(
    cohort: Cohort, now: datetime, members: list[Membership]
) -> ComingSession | None:
    """Three queries: the session, its inventories, the answers."""
    meeting = next_meeting(cohort, now)
    if meeting is None:
        return None
    return ComingSession(
        meeting=meeting,
        overview=month_overview(meeting, members),
        answers=attendance_counts([meeting])[meeting.id],
        now=now,
    )


def feedback_summary(
    cohort: Cohort, now: datetime, members: list[Membership]
) -> FeedbackSummary | None:
    """At most five queries: the session (one or two), then its coverage (three)."""
    meeting = reading.current_feedback_meeting(cohort, now)
    if meeting is None:
        return None
    coverage = reading.coverage(meeting, members)
    return FeedbackSummary(
        meeting=meeting,
        is_open=is_open(meeting, now) and not meeting.is_cancelled,
        shared=len(coverage.inventories),
        without_feedback=[row.inventory for row in coverage.inventories if not row.received],
        owed=sum(giver.owed for giver in coverage.givers),
        assignment_count=coverage.assignment_count,
        unassigned=sum(not row.assignments for row in coverage.inventories),
    )


def organizer_dashboard(cohort: Cohort, now: datetime) -> Dashboard:
    """Everything the overview shows; an archived cohort has nothing coming to prepare."""
    if cohort.is_archived:
        return Dashboard(coming=None, feedback=None)
    members = reading.active_members(cohort.id)  # read once for both parts
    return Dashboard(
        coming=coming_session(cohort, now, members),
        feedback=feedback_summary(cohort, now, members),
    )
