"""A cohort's history written straight into the tables the signals and the trends read:
monthly sessions up to 10 November 2026 (the frozen test clock is 20 November), members who
join when told, inventories, goals, tasks, feedback asked and given, attendance."""

from datetime import UTC, datetime, timedelta

from cohort.cohorts.models import RhythmKind
from cohort.extensions import db
from cohort.feedback.models import Feedback, FeedbackAssignment
from cohort.inventories.models import (
    Goal,
    GoalProgress,
    Inventory,
    InventoryStatus,
    Task,
    TaskOutcome,
    TaskReview,
)
from cohort.inventories.services import current_template
from cohort.meetings.models import Attendance, Meeting

from . import factories

LAST_SESSION = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)


def month_before(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 - months
    return moment.replace(year=moment.year + month // 12, month=month % 12 + 1)


class History:
    def __init__(self, sessions: int = 6, organizer=None):
        self.organizer = organizer or factories.make_user(display_name="Mika")
        self.cohort = factories.make_cohort(
            self.organizer, name="Signals Circle", rhythm_kind=RhythmKind.MANUAL
        )
        self.template_id = current_template(self.cohort).id
        self.sessions: list[Meeting] = []
        self.people = []  # the members, in the order they were added
        for back in range(sessions - 1, -1, -1):
            self.add_session(month_before(LAST_SESSION, back))

    def add_session(self, starts_at: datetime) -> Meeting:
        meeting = Meeting(
            cohort_id=self.cohort.id,
            title=f"Session {starts_at:%Y-%m}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            inventory_due_at=starts_at - timedelta(days=2),
            feedback_due_at=starts_at + timedelta(days=7),
        )
        db.session.add(meeting)
        db.session.flush()
        self.sessions.append(meeting)
        return meeting

    def member(self, name: str, joined_before: int | None = None, **user):
        """A member who joined before session number ``joined_before`` (default: the first)."""
        person = factories.make_user(display_name=name, **user)
        membership = factories.add_member(self.cohort, person)
        index = joined_before or 0
        membership.joined_at = self.sessions[index].starts_at - timedelta(days=20)
        db.session.flush()
        self.people.append(person)
        return person

    def inventory(self, index: int, user, status="shared", energy=None, late=False, **answers):
        meeting = self.sessions[index]
        inventory = Inventory(
            cohort_id=self.cohort.id,
            meeting_id=meeting.id,
            user_id=user.id,
            template_id=self.template_id,
            status=InventoryStatus(status),
            energy=energy,
            answers=answers or {"did": "Worked."},
            shared_at=meeting.starts_at - timedelta(days=1 if late else 3),
            is_late=late,
        )
        db.session.add(inventory)
        db.session.flush()
        return inventory

    def goal(self, user, title="Lead a team") -> Goal:
        goal = Goal(user_id=user.id, title=title)
        db.session.add(goal)
        db.session.flush()
        return goal

    def progress(self, inventory, goal, percent: int) -> None:
        db.session.add(GoalProgress(inventory_id=inventory.id, goal_id=goal.id, percent=percent))
        db.session.flush()

    def review(self, inventory, outcome: str) -> None:
        task = Task(user_id=inventory.user_id, title="Try something")
        db.session.add(task)
        db.session.flush()
        db.session.add(
            TaskReview(inventory_id=inventory.id, task_id=task.id, outcome=TaskOutcome(outcome))
        )
        db.session.flush()

    def ask(self, inventory, giver) -> None:
        db.session.add(
            FeedbackAssignment(
                cohort_id=self.cohort.id,
                meeting_id=inventory.meeting_id,
                inventory_id=inventory.id,
                giver_id=giver.id,
                recipient_id=inventory.user_id,
            )
        )
        db.session.flush()

    def feedback(self, inventory, giver, helpful: bool = False) -> None:
        db.session.add(
            Feedback(
                cohort_id=self.cohort.id,
                meeting_id=inventory.meeting_id,
                inventory_id=inventory.id,
                giver_id=giver.id,
                recipient_id=inventory.user_id,
                situation="In the workshop",
                is_helpful=helpful,
            )
        )
        db.session.flush()

    def attended(self, index: int, user, came: bool = True) -> None:
        db.session.add(
            Attendance(meeting_id=self.sessions[index].id, user_id=user.id, attended=came)
        )
        db.session.flush()

    def commit(self) -> "History":
        db.session.commit()
        return self
