"""What the organizers' overview shows: the coming session's inventories and answers, and the
feedback that is open now, in three queries whatever the cohort's size.

The overview shows counts and names only, so it reads the columns it shows (``overview_rows``)
and counts in SQL, instead of loading the inventories, assignments and memberships as full
entities as the pages that list them do (``month_overview``, ``reading.coverage``)."""

from dataclasses import dataclass
from datetime import datetime

from ..cohorts.models import Cohort
from ..feedback.services import is_open
from ..inventories.models import InventoryStatus
from ..inventories.organizing import MonthOverview, sort_month
from ..meetings.models import Meeting
from .overview_rows import InventoryRow, MemberRow, inventories_of, meetings_for, members_owing

# Who has shared, drafted, not started or paused for a session (the counts' lists), sorted by
# the month pages' own rule (``sort_month``) over the overview's rows.
SessionOverview = MonthOverview[InventoryRow, MemberRow]


@dataclass
class ComingSession:
    """The next session: who has shared, drafted, not started or paused, and the answers."""

    meeting: Meeting
    overview: SessionOverview
    answers: dict[str, int]  # going / maybe / not_going
    now: datetime

    @property
    def not_shared(self) -> list[MemberRow]:
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
    without_feedback: list[InventoryRow]
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


def session_overview(members: list[MemberRow], inventories: list[InventoryRow]) -> SessionOverview:
    """The sorting of ``month_overview`` (``sort_month``), over the overview's rows."""
    return sort_month(members, {row.user_id: row for row in inventories})


def feedback_summary(
    meeting: Meeting,
    assignment_count: int,
    now: datetime,
    members: list[MemberRow],
    inventories: list[InventoryRow],
) -> FeedbackSummary:
    """The counts of ``reading.coverage``: what is owed counts the active members who did
    not pause that month; the shared inventories (in the order they were shared) count
    whoever wrote them."""
    shared = [row for row in inventories if row.status == InventoryStatus.SHARED]
    paused = {row.user_id for row in inventories if row.status == InventoryStatus.PAUSED}
    return FeedbackSummary(
        meeting=meeting,
        is_open=is_open(meeting, now) and not meeting.is_cancelled,
        shared=len(shared),
        without_feedback=[row for row in shared if not row.received],
        owed=sum(member.owed for member in members if member.user_id not in paused),
        assignment_count=assignment_count,
        unassigned=sum(not row.assigned for row in shared),
    )


def organizer_dashboard(cohort: Cohort, now: datetime) -> Dashboard:
    """Everything the overview shows; an archived cohort has nothing coming to prepare."""
    if cohort.is_archived:
        return Dashboard(coming=None, feedback=None)
    sessions = meetings_for(cohort, now)
    if sessions.coming is None and sessions.feedback is None:
        return Dashboard(coming=None, feedback=None)
    members = members_owing(cohort.id, sessions.feedback)
    inventories = inventories_of([m for m in (sessions.coming, sessions.feedback) if m])
    coming = feedback = None
    if sessions.coming is not None:
        coming = ComingSession(
            meeting=sessions.coming,
            overview=session_overview(members, inventories.get(sessions.coming.id, [])),
            answers=sessions.answers,
            now=now,
        )
    if sessions.feedback is not None:
        feedback = feedback_summary(
            sessions.feedback,
            sessions.assignment_count,
            now,
            members,
            inventories.get(sessions.feedback.id, []),
        )
    return Dashboard(coming=coming, feedback=feedback)
