"""What changed since last month: one month beside the member's previous written one.

Goals, ratings and tasks side by side; the sections that carry over from month to month
(WILL, CAN/MUST, tactics, options) as line changes through ``inventories.diff``. Both months
come from the viewer's timeline, so they obey the same privacy.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Cohort
from ..extensions import db
from ..i18n import gettext as _
from ..inventories.cards import section_titles
from ..inventories.diff import SectionChange, changes_between
from ..inventories.models import RATING_AREAS, GoalProgress, TaskReview
from ..inventories.sections import AREA_LABELS
from ..inventories.services import CARRIED_SECTIONS
from .milestones import achieved_goals
from .months import Month, visible_months


@dataclass
class Row:
    """One line of the side-by-side table: a rating, a goal or a task."""

    label: str
    before: int | str | None
    after: int | str | None
    note: str = ""

    @property
    def trend(self) -> str:
        """up / down / same / new / gone: shown as a word, never by colour alone."""
        if self.before is None:
            return "new" if self.after is not None else "same"
        if self.after is None:
            return "gone"
        numbers = isinstance(self.before, int) and isinstance(self.after, int)
        if numbers and self.after != self.before:
            return "up" if self.after > self.before else "down"
        return "same" if self.after == self.before else "changed"


@dataclass
class Snapshot:
    """What ``changes_between`` compares: the answers and ratings of one month."""

    answers: dict
    ratings: dict = field(default_factory=dict)


@dataclass
class MonthChanges:
    month: Month
    previous: Month | None
    skipped: int  # sessions between the two without a written inventory
    newer: Month | None  # the next written month, for navigation
    ratings: list[Row] = field(default_factory=list)
    goals: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)
    sections: list[SectionChange] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)


def _ratings(month: Month, previous: Month | None) -> list[Row]:
    names = [("energy", _("Energy"))] + [(f"rating_{a}", str(AREA_LABELS[a])) for a in RATING_AREAS]
    return [
        Row(
            label,
            getattr(previous.inventory, name) if previous else None,
            getattr(month.inventory, name),
        )
        for name, label in names
    ]


def _goals(month: Month, previous: Month | None) -> list[Row]:
    ids = [month.inventory.id] + ([previous.inventory.id] if previous else [])
    rows = db.session.scalars(
        select(GoalProgress).where(GoalProgress.inventory_id.in_(ids)).order_by(GoalProgress.id)
    ).all()
    before = {r.goal_id: r.percent for r in rows if r.inventory_id != month.inventory.id}
    after = {r.goal_id: r for r in rows if r.inventory_id == month.inventory.id}
    goals = {r.goal_id: r.goal for r in rows}
    reached = {goal.id for goal in achieved_goals([month.inventory.id]).get(month.inventory.id, [])}
    ordered = list(after) + [goal_id for goal_id in before if goal_id not in after]
    return [
        Row(
            goals[goal_id].title,
            before.get(goal_id),
            after[goal_id].percent if goal_id in after else None,
            _("achieved") if goal_id in reached else "",
        )
        for goal_id in ordered
    ]


def _tasks(month: Month, previous: Month | None) -> list[Row]:
    ids = [month.inventory.id] + ([previous.inventory.id] if previous else [])
    reviews = db.session.scalars(
        select(TaskReview).where(TaskReview.inventory_id.in_(ids)).order_by(TaskReview.id)
    ).all()
    titles: dict[int, str] = {}
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    for review in reviews:
        titles.setdefault(review.task_id, review.task.title)
        side = after if review.inventory_id == month.inventory.id else before
        side[review.task_id] = review.outcome.value
    return [
        Row(title, before.get(task_id), after.get(task_id)) for task_id, title in titles.items()
    ]


def _sections(month: Month, previous: Month | None) -> list[SectionChange]:
    if previous is None:
        return []

    def carried(answers: dict) -> dict:
        return {key: answers[key] for key in CARRIED_SECTIONS if answers.get(key)}

    old = Snapshot(carried(previous.inventory.answers))
    new = Snapshot(carried(month.inventory.answers))
    return [c for c in changes_between(old, new) if isinstance(c, SectionChange)]


def month_changes(
    viewer: User, cohort: Cohort, member_id: int, meeting_id: int, now: datetime
) -> MonthChanges | None:
    """The month of this session beside the previous written one; None when the viewer has
    no written inventory of the member for it (4 queries)."""
    months = visible_months(viewer, cohort, member_id, now)
    written = [m for m in months if not m.is_gap]
    index = next((i for i, m in enumerate(written) if m.meeting.id == meeting_id), None)
    if index is None:
        return None
    month = written[index]
    previous = written[index - 1] if index else None
    start = months.index(previous) + 1 if previous else months.index(month)
    changes = MonthChanges(
        month=month,
        previous=previous,
        skipped=months.index(month) - start,
        newer=written[index + 1] if index + 1 < len(written) else None,
        ratings=_ratings(month, previous),
        goals=_goals(month, previous),
        tasks=_tasks(month, previous),
        sections=_sections(month, previous),
    )
    template_id = month.inventory.template_id
    changes.titles = section_titles({template_id})[template_id]
    return changes
