"""Milestones: a first inventory, a year of reflections, a goal achieved.

They are derived, never stored: each is anchored on the shared inventory that marks it, so a
cohort sees a milestone exactly when it may see that inventory, and a cheer on a milestone is
a cheer on (inventory, key).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..inventories.models import Goal, GoalProgress, GoalStatus, Inventory, InventoryStatus
from ..meetings.models import Meeting
from ..statements import any_of, json_lines, json_list, plain_rows, read_json_lines

MONTHS_IN_A_YEAR = 12


@dataclass(frozen=True)
class Milestone:
    inventory_id: int
    key: str  # "first", "year-1", "goal-42": what a cheer on it stores
    kind: str  # "first" | "year" | "goal"
    years: int = 0
    goal_title: str = ""

    @property
    def text(self) -> str:
        if self.kind == "first":
            return _("First inventory shared")
        if self.kind == "year":
            return ngettext(
                "%(num)d year of reflections", "%(num)d years of reflections", self.years
            )
        return _("Goal achieved: %(goal)s", goal=self.goal_title)


@cache  # built once: aliasing a model costs more than running the query (see bench/)
def ordinal_column():
    """How many inventories the author has shared in the cohort up to this one's session (a
    correlated subquery: 1 is the first, 12 a year of monthly reflections)."""
    other, other_meeting = aliased(Inventory), aliased(Meeting)
    this_meeting = aliased(Meeting)
    return (
        select(func.count(other.id))
        .join(other_meeting, other.meeting_id == other_meeting.id)
        .where(
            other.user_id == Inventory.user_id,
            other.cohort_id == Inventory.cohort_id,
            other.status == InventoryStatus.SHARED,
            other_meeting.starts_at
            <= select(this_meeting.starts_at)
            .where(this_meeting.id == Inventory.meeting_id)
            .correlate(Inventory)  # the outermost inventory, two levels up
            .scalar_subquery(),
        )
        .correlate(Inventory)
        .scalar_subquery()
    )


def ordinals_of(inventory_ids: Iterable[int]) -> dict[int, int]:
    """Each shared inventory's place among its author's shared ones in its cohort (1 query)."""
    ids = list(inventory_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Inventory.id, ordinal_column()).where(
            Inventory.id.in_(ids), Inventory.status == InventoryStatus.SHARED
        )
    )
    return dict(rows.all())


def _recorded_later(progress, this_starts_at):
    """An EXISTS: the goal of ``progress`` was recorded again at a session that starts after
    ``this_starts_at`` (the session of ``progress``'s inventory). ``achieved_goals`` and
    ``achieved_goals_column`` both negate it for "the last recorded progress", so they cannot
    disagree; both are built once (cached), and so is this with them. A timeline reads the
    same per goal, as its latest session (``statements._last_recorded``): tests/test_timeline
    checks that its milestones are the ones ``milestones_for`` finds."""
    later, later_inventory, later_meeting = (
        aliased(GoalProgress),
        aliased(Inventory),
        aliased(Meeting),
    )
    return (
        select(later.id)
        .join(later_inventory, later.inventory_id == later_inventory.id)
        .join(later_meeting, later_inventory.meeting_id == later_meeting.id)
        .where(later.goal_id == progress.goal_id, later_meeting.starts_at > this_starts_at)
        .exists()
    )


class AchievedGoal(NamedTuple):
    """What a milestone shows of an achieved goal (no Goal entity is built for it)."""

    id: int
    title: str


def achieved_goals(inventory_ids: Iterable[int]) -> dict[int, list[AchievedGoal]]:
    """Per inventory, the achieved goals whose last recorded progress it holds (1 query)."""
    ids = list(inventory_ids)
    if not ids:
        return {}
    rows = plain_rows(_achieved_goals_statement(), {"inventory_ids": ids})
    found: dict[int, list[AchievedGoal]] = {}
    for inventory_id, goal_id, title in rows:
        found.setdefault(inventory_id, []).append(AchievedGoal(goal_id, title))
    return found


@cache  # built once per process: building it cost more than running it (the ids vary)
def _achieved_goals_statement() -> Select:
    this_meeting = aliased(Meeting)
    return (
        select(GoalProgress.inventory_id, Goal.id, Goal.title)
        .join(Goal, GoalProgress.goal_id == Goal.id)
        .join(Inventory, GoalProgress.inventory_id == Inventory.id)
        .join(this_meeting, Inventory.meeting_id == this_meeting.id)
        .where(
            any_of(GoalProgress.inventory_id, "inventory_ids"),
            Goal.status == GoalStatus.ACHIEVED,
            ~_recorded_later(GoalProgress, this_meeting.starts_at),
        )
        .order_by(Goal.closed_at, Goal.id)
    )


@cache  # built once, as ordinal_column
def achieved_goals_column():
    """``achieved_goals`` of the inventory as a column (a correlated subquery): one JSON line
    ``[goal id, title, closed at]`` per goal, or None, for a list that shows the goals beside
    its inventories without a statement more (``achieved_goals_from_lines`` reads it)."""
    progress, goal = aliased(GoalProgress), aliased(Goal)
    this_meeting = aliased(Meeting)
    this_starts_at = (
        select(this_meeting.starts_at)
        .where(this_meeting.id == Inventory.meeting_id)
        .correlate(Inventory)  # the outermost inventory, three levels up
        .scalar_subquery()
    )
    # Nested two levels below the outer inventory: it names what it correlates to.
    recorded_later = _recorded_later(progress, this_starts_at).correlate(Inventory, progress)
    return (
        select(json_lines(json_list(goal.id, goal.title, goal.closed_at)))
        .select_from(progress)
        .join(goal, progress.goal_id == goal.id)
        .where(
            progress.inventory_id == Inventory.id,
            goal.status == GoalStatus.ACHIEVED,
            ~recorded_later,
        )
        .correlate(Inventory)
        .scalar_subquery()
    )


def achieved_goals_from_lines(lines: str | None) -> list[AchievedGoal]:
    """An ``achieved_goals_column``'s goals, in the order ``achieved_goals`` gives them: by
    the moment each was closed, then by id."""
    goals = read_json_lines(lines)
    goals.sort(key=lambda goal: (goal[2] or "", goal[0]))
    return [AchievedGoal(goal_id, title) for goal_id, title, _ in goals]


def milestones_of(
    inventory_id: int, ordinal: int | None, goals: list[AchievedGoal] | None
) -> list[Milestone]:
    """The milestones one shared inventory marks, given its ordinal and achieved goals."""
    found = []
    if ordinal == 1:
        found.append(Milestone(inventory_id, "first", "first"))
    if ordinal and ordinal % MONTHS_IN_A_YEAR == 0:
        years = ordinal // MONTHS_IN_A_YEAR
        found.append(Milestone(inventory_id, f"year-{years}", "year", years=years))
    for goal in goals or ():
        found.append(Milestone(inventory_id, f"goal-{goal.id}", "goal", goal_title=goal.title))
    return found


def milestones_for(
    inventory_ids: Iterable[int], ordinals: dict[int, int] | None = None
) -> dict[int, list[Milestone]]:
    """Milestones per shared inventory, in two queries at most (one when the ordinals are
    already known, as on a timeline that holds every shared month)."""
    ids = list(inventory_ids)
    if ordinals is None:
        ordinals = ordinals_of(ids)
    goals = achieved_goals(ids)
    return {
        inventory_id: milestones_of(
            inventory_id, ordinals.get(inventory_id), goals.get(inventory_id)
        )
        for inventory_id in ids
    }
