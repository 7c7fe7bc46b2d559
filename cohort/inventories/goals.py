"""Goals and tasks: they belong to the person and live across months."""

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, and_, bindparam, or_, select

from ..auth.models import User
from ..cohorts.models import Cohort
from ..database import utcnow
from ..extensions import db
from ..meetings.models import Meeting
from ..statements import json_lines, json_list, read_json_lines
from .areas import clean_area
from .models import (
    Goal,
    GoalProgress,
    GoalStatus,
    Inventory,
    Task,
    TaskOutcome,
    TaskReview,
    TaskStatus,
)

_TASK_STATUS = {
    TaskOutcome.DONE: TaskStatus.DONE,
    TaskOutcome.DROPPED: TaskStatus.DROPPED,
    TaskOutcome.CARRIED: TaskStatus.OPEN,
}


def active_goals(user: User) -> list[Goal]:
    return list(
        db.session.scalars(
            select(Goal)
            .where(Goal.user_id == user.id, Goal.status == GoalStatus.ACTIVE)
            .order_by(Goal.created_at)
        )
    )


def tasks_to_review(user: User, cohort_id: int, inventory: Inventory | None) -> list[Task]:
    """The tasks this month's inventory asks about: those planned in this cohort and open
    when it was started, and those it already reviewed (so a done task stays on the form
    while it is edited). Tasks planned in another cohort are reviewed there."""
    started_at = inventory.created_at if inventory and inventory.id else utcnow()
    planned_in_cohort = select(Inventory.id).where(
        Inventory.user_id == user.id, Inventory.cohort_id == cohort_id
    )
    condition = (
        (Task.status == TaskStatus.OPEN)
        & (Task.created_at < started_at)
        & Task.inventory_id.in_(planned_in_cohort)
    )
    if inventory and inventory.id:
        reviewed = select(TaskReview.task_id).where(TaskReview.inventory_id == inventory.id)
        condition = or_(condition, Task.id.in_(reviewed))
    return list(
        db.session.scalars(
            select(Task).where(Task.user_id == user.id, condition).order_by(Task.created_at)
        )
    )


def new_tasks_since(user: User, inventory: Inventory | None) -> list[Task]:
    """Tasks planned in this inventory for next month."""
    if inventory is None or not inventory.id:
        return []
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.user_id == user.id, Task.inventory_id == inventory.id)
            .order_by(Task.created_at, Task.id)
        )
    )


@dataclass
class InventoryTasks:
    """What an inventory page shows of the author's tasks."""

    outcomes: dict[int, TaskOutcome]  # task id → done / carried / dropped this month
    reviewed: list["PageTask"]  # the tasks it reviewed
    planned: list["PageTask"]  # tasks planned in it for next month


class PageTask(NamedTuple):
    """What the inventory page shows of a task."""

    id: int
    title: str


class PageGoal(NamedTuple):
    """What the inventory page shows of a goal (as ``Goal`` reads)."""

    id: int
    title: str
    status: GoalStatus
    area: str | None


class PageProgress(NamedTuple):
    """A goal's progress recorded in the inventory (as ``GoalProgress`` reads)."""

    goal_id: int
    percent: int
    note: str
    goal: PageGoal


def page_columns() -> tuple:
    """The inventory page's goal progress and tasks, as two columns of the statement that
    reads the inventory (``progress_lines``, ``task_lines``: ``page_progress`` and
    ``page_tasks`` read them): no statements of their own."""
    progress = json_list(
        GoalProgress.id,
        GoalProgress.goal_id,
        GoalProgress.percent,
        GoalProgress.note,
        Goal.title,
        Goal.status,
        Goal.area,
    )
    reviewed = and_(TaskReview.task_id == Task.id, TaskReview.inventory_id == Inventory.id)
    task = json_list(
        Task.created_at, Task.id, Task.title, Task.inventory_id == Inventory.id, TaskReview.outcome
    )
    return (
        select(json_lines(progress))
        .select_from(GoalProgress)
        .join(Goal, Goal.id == GoalProgress.goal_id)
        .where(GoalProgress.inventory_id == Inventory.id)
        .correlate(Inventory)
        .scalar_subquery()
        .label("progress_lines"),
        # The tasks it reviewed and those planned in it: nothing from the author's other
        # inventories (drafts, other cohorts) comes with them.
        select(json_lines(task))
        .select_from(Task)
        .outerjoin(TaskReview, reviewed)
        .where(
            Task.user_id == Inventory.user_id,
            or_(TaskReview.id.is_not(None), Task.inventory_id == Inventory.id),
        )
        .correlate(Inventory)
        .scalar_subquery()
        .label("task_lines"),
    )


def page_progress(lines: str | None) -> dict[int, PageProgress]:
    """Goal id → its progress recorded in the inventory, in the order it was recorded, from
    ``page_columns``' ``progress_lines``."""
    found = {}
    for _, goal_id, percent, note, title, status, area in sorted(read_json_lines(lines)):
        goal = PageGoal(goal_id, title, GoalStatus(status), area)
        found[goal_id] = PageProgress(goal_id, percent, note or "", goal)
    return found


def page_tasks(lines: str | None) -> InventoryTasks:
    """The tasks the inventory reviewed and those planned in it, oldest first, from
    ``page_columns``' ``task_lines``."""
    result = InventoryTasks({}, [], [])
    for _, task_id, title, planned, outcome in sorted(read_json_lines(lines), key=_created):
        task = PageTask(task_id, title)
        if outcome is not None:
            result.outcomes[task_id] = TaskOutcome(outcome)
            result.reviewed.append(task)
        if planned:
            result.planned.append(task)
    return result


def _created(line: list) -> tuple:
    """A task's line in the order tasks were made (its moment as the database wrote it in
    JSON, alike for every line of one statement), then by id."""
    return (line[0] or "", line[1])


def review_outcomes(inventory: Inventory | None) -> dict[int, TaskOutcome]:
    if inventory is None or not inventory.id:
        return {}
    rows = db.session.scalars(select(TaskReview).where(TaskReview.inventory_id == inventory.id))
    return {row.task_id: row.outcome for row in rows}


def goal_progress(inventory: Inventory | None) -> dict[int, GoalProgress]:
    if inventory is None or not inventory.id:
        return {}
    rows = db.session.scalars(_goal_progress_statement(), {"inventory_id": inventory.id})
    return {row.goal_id: row for row in rows}


@cache  # built once: building it and its cache key costs more than running it
def _goal_progress_statement() -> Select:
    return select(GoalProgress).where(GoalProgress.inventory_id == bindparam("inventory_id"))


def last_progress(user: User, goals: list[Goal], inventory: Inventory | None) -> dict[int, int]:
    """Each goal's percent as last recorded in another of the person's inventories (the most
    recent session first): where this month's progress starts from (one query)."""
    if not goals:
        return {}
    rows = db.session.execute(
        select(GoalProgress.goal_id, GoalProgress.percent)
        .join(Inventory, Inventory.id == GoalProgress.inventory_id)
        .join(Meeting, Meeting.id == Inventory.meeting_id)
        .where(
            Inventory.user_id == user.id,
            GoalProgress.goal_id.in_([goal.id for goal in goals]),
            Inventory.id != (inventory.id if inventory is not None and inventory.id else 0),
        )
        .order_by(Meeting.starts_at.desc(), Inventory.id.desc())
    )
    latest: dict[int, int] = {}
    for goal_id, percent in rows:
        latest.setdefault(goal_id, percent)
    return latest


def apply_task_outcomes(user: User, inventory: Inventory, outcomes: dict[int, TaskOutcome]) -> None:
    """Record done / carried / dropped for the member's own tasks only."""
    if not outcomes:
        return
    tasks = db.session.scalars(
        select(Task).where(Task.user_id == user.id, Task.id.in_(outcomes))
    ).all()
    existing = review_outcomes(inventory)
    reviews = {
        row.task_id: row
        for row in db.session.scalars(
            select(TaskReview).where(TaskReview.inventory_id == inventory.id)
        )
    }
    now = utcnow()
    for task in tasks:
        outcome = outcomes[task.id]
        if task.id in existing:
            reviews[task.id].outcome = outcome
        else:
            db.session.add(TaskReview(inventory_id=inventory.id, task_id=task.id, outcome=outcome))
        task.status = _TASK_STATUS[outcome]
        task.closed_at = None if task.status == TaskStatus.OPEN else (task.closed_at or now)


def apply_goal_progress(
    user: User, inventory: Inventory, progress: dict[int, tuple[int, str, str]]
) -> None:
    """Record percent, note and status for the member's own goals only."""
    if not progress:
        return
    goals = db.session.scalars(select(Goal).where(Goal.user_id == user.id, Goal.id.in_(progress)))
    rows = goal_progress(inventory)
    now = utcnow()
    for goal in goals:
        percent, note, status = progress[goal.id]
        row = rows.get(goal.id)
        if row is None:
            row = GoalProgress(inventory_id=inventory.id, goal_id=goal.id)
            db.session.add(row)
        row.percent, row.note = percent, note.strip()
        goal.status = GoalStatus(status)
        goal.closed_at = None if goal.status == GoalStatus.ACTIVE else (goal.closed_at or now)


class NewGoal(NamedTuple):
    title: str
    why: str = ""
    target_on: date | None = None
    area: str | None = None  # a key of the cohort's parts of life


def apply_goal_areas(user: User, cohort: Cohort, areas: dict[int, str | None]) -> None:
    """Tag the member's own goals with one of the cohort's parts of life (or none)."""
    if not areas:
        return
    for goal in db.session.scalars(select(Goal).where(Goal.user_id == user.id, Goal.id.in_(areas))):
        goal.area = clean_area(cohort, areas[goal.id])


def create_goals(
    user: User, inventory: Inventory, goals: list[NewGoal | tuple], cohort: Cohort | None = None
) -> None:
    """New goals start at 0 % in this inventory."""
    for item in goals:
        new = NewGoal(*item)
        goal = Goal(
            user_id=user.id,
            title=new.title.strip()[:200],
            why=new.why.strip(),
            target_on=new.target_on,
            area=clean_area(cohort, new.area) if cohort is not None else None,
        )
        db.session.add(goal)
        db.session.flush()
        db.session.add(GoalProgress(inventory_id=inventory.id, goal_id=goal.id, percent=0))


def create_tasks(
    user: User,
    inventory: Inventory,
    titles: list[str],
    goal_id: int | None = None,
    area: str | None = None,
) -> None:
    """Open tasks for next month, planned in this inventory, serving one of the member's own
    goals or standing alone; untagged tasks take their goal's part of life."""
    goal = db.session.get(Goal, goal_id) if goal_id is not None else None
    if goal_id is not None and (goal is None or goal not in active_goals(user)):
        goal = goal_id = None
    area = area or (goal.area if goal is not None else None)
    for title in titles:
        if title.strip():
            db.session.add(
                Task(
                    user_id=user.id,
                    inventory_id=inventory.id,
                    goal_id=goal_id,
                    title=title.strip()[:200],
                    area=area,
                )
            )
