"""One month of a demo cohort, replayed: the session is described, people RSVP, write in two
sittings and share (or pause), assignments are generated, the session takes place, feedback
is given, answered and cheered."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..feedback.models import FeedbackAssignment
from ..feedback.services import (
    FeedbackInput,
    assign_feedback_rotation,
    give_feedback,
    mark_helpful,
    reply_to_feedback,
    share_feedback,
)
from ..inventories.goals import NewGoal
from ..inventories.models import Goal, Inventory, Task, TaskOutcome, TaskStatus
from ..inventories.services import InventoryInput, pause_month, save_inventory, share_inventory
from ..meetings.models import Meeting, Rsvp
from ..meetings.services import mark_attendance, set_rsvp, sync_meetings_from_rhythm
from ..timeline.milestones import milestones_for
from ..timeline.services import cheer
from . import parts
from .content import CARRIED_TEXT, PAST_MONTHS, TEXT_SECTIONS, Person

if TYPE_CHECKING:
    from .builder import Replay

FIRST_SITTING = ("did", "praised", "keep_problem", "blockers")


def _all(statement) -> list:
    return list(db.session.scalars(statement))


class MonthPlayer:
    def __init__(self, replay: Replay, meeting: Meeting, number: int):
        self.replay = replay
        self.meeting = meeting
        self.number = number
        self.is_next = number > PAST_MONTHS
        self.inventories: dict[str, Inventory] = {}

    def local(self, moment: datetime, days: int, hour: int, minute: int = 0) -> datetime:
        """``days`` after ``moment``'s date on the cohort's wall clock, at ``hour:minute``:
        people write and answer in their evenings, not at 3 a.m."""
        zone = ZoneInfo(self.replay.cohort.timezone)
        day = moment.astimezone(zone).date() + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)

    @property
    def writers(self) -> list[Person]:
        return [person for person in self.replay.story.people if person.writes]

    def play(self) -> None:
        from .builder import describe_meeting

        due = self.meeting.inventory_due_at
        with self.replay.at(due - timedelta(days=12)):
            sync_meetings_from_rhythm(self.replay.cohort, due - timedelta(days=12))
            describe_meeting(self.replay, self.meeting)
        self.answer_rsvps()
        for index, person in enumerate(self.writers):
            self.write(person, index)
        if self.is_next:
            return
        # Right after the due time, and again the next evening for those who shared late.
        for moment in (due + timedelta(hours=1), self.local(due, 1, 22, 30)):
            if self.replay.happened(moment):
                with self.replay.at(moment):
                    assign_feedback_rotation(self.replay.organizer, self.meeting)
        self.take_attendance()
        self.give_all_feedback()

    # Before the session ---------------------------------------------------------------------

    def month_of(self, person: Person) -> dict | None:
        if self.is_next:
            return person.data.get("next")
        return next((m for m in person.data["months"] if m["month"] == self.number), None)

    def answer_rsvps(self) -> None:
        moment = self.local(self.meeting.inventory_due_at, -10, 12, 10)
        if self.is_next:
            moment = self.replay.now - timedelta(hours=12)
        for index, person in enumerate(self.replay.story.people):
            if self.number in person.data.get("paused", []):
                rsvp = Rsvp.NOT_GOING
            else:
                rsvp = Rsvp.MAYBE if self.replay.random.random() < 0.15 else Rsvp.GOING
            with self.replay.at(moment + timedelta(minutes=37 * index)):
                set_rsvp(self.replay.users[person.key], self.meeting, rsvp)

    def write(self, person: Person, index: int) -> None:
        user = self.replay.users[person.key]
        due = self.meeting.inventory_due_at
        if self.number in person.data.get("paused", []):
            with self.replay.at(self.local(due, -4, 21, 5 * index)):
                pause_month(user, self.meeting)
            return
        month = self.month_of(person)
        if month is None:
            return
        hour, minute = 19 + index % 4, 13 * index % 60
        first = self.local(due, -5 - index % 3, hour, minute)
        second = self.local(due, -1 - index % 2, hour + 1, minute)
        if self.number in person.data.get("late", []):
            second = self.local(due, 1, 21, minute)  # before the organizer's second round
        if self.is_next:
            first, second = (self.replay.now - timedelta(hours=h + index) for h in (8, 3))
        with self.replay.at(first):
            inventory = save_inventory(user, self.meeting, self.first_sitting(person, month), 0)
        if self.is_next and month.get("status") == "draft":
            return
        with self.replay.at(second):
            data = self.second_sitting(person, month, inventory)
            inventory = save_inventory(user, self.meeting, data, inventory.version)
            inventory = parts.write_quarter(
                user, self.meeting, inventory, self.replay.story.locale, person.key, self.number
            )
            share_inventory(user, inventory)
        self.inventories[person.key] = inventory
        self.cheer_on(person, inventory, second)

    def first_sitting(self, person: Person, month: dict) -> InventoryInput:
        user = self.replay.users[person.key]
        outcomes = {}
        for task in self._open_tasks(user.id):
            if task.title in month.get("tasks_done", []):
                outcomes[task.id] = TaskOutcome.DONE
            elif task.title in month.get("tasks_dropped", []):
                outcomes[task.id] = TaskOutcome.DROPPED
            else:
                outcomes[task.id] = TaskOutcome.CARRIED
        existing = self._goal_ids(user.id)
        locale = self.replay.story.locale
        new_goals = [
            NewGoal(
                goal["title"],
                goal.get("why", ""),
                self._target(goal),
                parts.goal_area(locale, person.key, goal["key"]),
            )
            for goal in person.data.get("goals", [])
            if goal.get("starts_in", 1) <= self.number and goal["title"] not in existing
        ]
        data = InventoryInput(
            answers=self._answers(person, month, FIRST_SITTING),
            energy=month["energy"],
            ratings=dict(month["ratings"]),
            task_outcomes=outcomes,
            new_goals=new_goals,
            self_traits=list(person.data.get("self_traits", [])),
        )
        parts.add_split(data, locale, person.key, self.number)
        return data

    def second_sitting(self, person: Person, month: dict, inventory: Inventory) -> InventoryInput:
        user = self.replay.users[person.key]
        data = self.first_sitting(person, month)
        data.answers = self._answers(person, month, TEXT_SECTIONS)
        data.new_goals = []
        data.task_outcomes = {}
        data.goal_progress = self._progress(person, month, self._goal_ids(user.id))
        data.new_tasks = list(month.get("tasks_new", []))
        goal_key = month.get("tasks_goal")
        if goal_key:
            title = next(g["title"] for g in person.data["goals"] if g["key"] == goal_key)
            data.new_tasks_goal_id = self._goal_ids(user.id).get(title)
        return data

    def _answers(self, person: Person, month: dict, sections: tuple[str, ...]) -> dict:
        answers = {key: month.get(key) or person.data.get(key, "") for key in CARRIED_TEXT}
        answers.update({key: month.get(key, "") for key in sections})
        return {key: text.strip() for key, text in answers.items() if text and text.strip()}

    def _progress(self, person: Person, month: dict, goal_ids: dict[str, int]) -> dict:
        goals = {goal["key"]: goal for goal in person.data.get("goals", [])}
        progress = {}
        for item in month.get("progress", []):
            goal = goals[item["goal"]]
            if goal["title"] not in goal_ids:
                continue
            status = "active"
            if goal.get("achieved_in") == self.number:
                status = "achieved"
            elif goal.get("dropped_in") == self.number:
                status = "dropped"
            percent = 100 if status == "achieved" else item["percent"]
            progress[goal_ids[goal["title"]]] = (percent, item.get("note", ""), status)
        return progress

    def _target(self, goal: dict):
        from .builder import months_after

        first_session = self.meeting.starts_at.date()
        return months_after(first_session, goal.get("target_months", 12) - self.number + 1)

    def _open_tasks(self, user_id: int) -> list[Task]:
        return _all(
            select(Task)
            .where(Task.user_id == user_id, Task.status == TaskStatus.OPEN)
            .order_by(Task.id)
        )

    def _goal_ids(self, user_id: int) -> dict[str, int]:
        rows = _all(select(Goal).where(Goal.user_id == user_id))
        return {goal.title: goal.id for goal in rows}

    # The session and after -----------------------------------------------------------------

    def take_attendance(self) -> None:
        moment = self.meeting.starts_at + timedelta(hours=1)
        if not self.replay.happened(moment):
            return
        present = [user.id for key, user in self.replay.users.items() if self._came(key)]
        with self.replay.at(moment):
            mark_attendance(self.replay.organizer, self.meeting, present)

    def _came(self, key: str) -> bool:
        person = self.replay.story.person(key)
        if self.number in person.data.get("paused", []):
            return False
        return not person.writes or key in self.inventories

    def give_all_feedback(self) -> None:
        for index, person in enumerate(self.writers):
            inventory = self.inventories.get(person.key)
            if inventory is None:
                continue
            pieces = self.month_of(person).get("feedback", [])
            for order, (assignment, piece) in enumerate(
                zip(self._assignments(inventory), pieces, strict=False)
            ):
                days, hour = 1 + (order + index) % 4, (12, 19, 20, 21, 22)[(index + order) % 5]
                moment = self.local(self.meeting.ends_at, days, hour, 7 * (index + order) % 60)
                if moment >= self.meeting.feedback_due_at or not self.replay.happened(moment):
                    continue
                if self._owes(assignment.giver_id):
                    continue  # a month too full: the piece asked of them is never given
                self.give(assignment, inventory, piece, moment)

    def _owes(self, user_id: int) -> bool:
        """Whether this person leaves the feedback asked of them ungiven this month."""
        key = next(key for key, user in self.replay.users.items() if user.id == user_id)
        return self.number in self.replay.story.person(key).data.get("owes_feedback", [])

    def _assignments(self, inventory: Inventory) -> list[FeedbackAssignment]:
        return _all(
            select(FeedbackAssignment)
            .where(FeedbackAssignment.inventory_id == inventory.id)
            .order_by(FeedbackAssignment.id)
        )

    def give(self, assignment, inventory: Inventory, piece: dict, moment: datetime) -> None:
        data = FeedbackInput(
            ask_answer=piece.get("ask_answer", "") if inventory.answers.get("feedback_ask") else "",
            situation=piece["situation"],
            behaviour=piece["behaviour"],
            impact=piece["impact"],
            question=piece["question"],
            traits=list(piece.get("traits", [])),
        )
        with self.replay.at(moment):
            feedback = give_feedback(assignment.giver, inventory, data)
        answered = moment + timedelta(hours=22)
        if not self.replay.happened(answered):
            return
        recipient = inventory.user
        with self.replay.at(answered):
            if piece.get("reply"):
                reply_to_feedback(recipient, feedback, piece["reply"])
            if piece.get("helpful"):
                mark_helpful(recipient, feedback)
            if piece.get("shared"):
                share_feedback(recipient, feedback)

    def cheer_on(self, person: Person, inventory: Inventory, shared_at: datetime) -> None:
        """A few peers cheer the inventory, and more of them its milestones."""
        others = [p for p in self.replay.story.people if p.key != person.key]
        milestones = milestones_for([inventory.id]).get(inventory.id, [])
        for hours, milestone in enumerate(["", *(m.key for m in milestones)], 1):
            count = 2 if not milestone else 4
            for offset, fan in enumerate(self.replay.random.sample(others, count)):
                moment = shared_at + timedelta(hours=hours, minutes=23 * offset)
                if self.replay.happened(moment):
                    with self.replay.at(moment):
                        cheer(self.replay.users[fan.key], inventory, milestone)
