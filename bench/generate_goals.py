"""Each person's goals and tasks, replayed month by month over their inventories.

Goals belong to the person, not the cohort. A task belongs to the inventory it was planned
in and is reviewed in the same cohort's next inventory, as in the app.
"""

from datetime import datetime, timedelta
from itertools import count
from random import Random

from .generate_copy import Spools
from .generate_inventories import Inv
from .generate_plan import User
from .generate_text import LocalePool

OUTCOMES = ("done", "done", "done", "carried", "carried", "dropped")


class Goal:
    __slots__ = (
        "closed_at", "created_at", "id", "percent", "status", "target_on", "title", "why",
    )  # fmt: skip


class Task:
    __slots__ = (
        "closed_at",
        "cohort",
        "created_at",
        "goal_id",
        "id",
        "inventory_id",
        "status",
        "title",
    )


class GoalWriter:
    def __init__(self, spools: Spools, pools: dict[str, LocalePool], rng: Random):
        self.spools, self.pools, self.rng = spools, pools, rng
        self.goal_ids, self.task_ids = count(1), count(1)
        self.review_ids, self.progress_ids = count(1), count(1)

    def user(self, user: User, invs: list[Inv]) -> None:
        """Replay one person's months in order, then write their goals and tasks."""
        pool = self.pools[user.locale]
        goals: list[Goal] = []
        tasks: list[Task] = []
        for inv in sorted(invs, key=lambda i: (i.meeting.starts_at, i.created_at)):
            if inv.status == "paused":
                continue
            self.review_tasks(inv, tasks)
            active = [g for g in goals if g.status == "active"]
            progress = {}
            for _ in range(max(0, 2 - len(active))):
                goal = self.new_goal(pool, inv.created_at)
                goals.append(goal)
                active.append(goal)
                progress[goal.id] = (0, "")
            if inv.status == "shared":
                progress.update(self.record_progress(inv, active, pool))
                tasks += self.new_tasks(pool, inv, active)
            for goal_id, (percent, note) in progress.items():
                self.spools["goal_progress"].add(
                    next(self.progress_ids), inv.id, goal_id, percent, note
                )
        for goal in goals:
            self.spools["goals"].add(
                goal.id, user.id, goal.title, goal.why, goal.target_on, goal.status,
                goal.created_at, goal.closed_at,
            )  # fmt: skip
        for task in tasks:
            self.spools["tasks"].add(
                task.id, user.id, task.goal_id, task.inventory_id, task.title, task.status,
                task.created_at, task.closed_at,
            )  # fmt: skip

    def new_goal(self, pool: LocalePool, at: datetime) -> Goal:
        goal = Goal()
        goal.id, goal.title = next(self.goal_ids), self.rng.choice(pool.goals)
        goal.why = self.rng.choice(pool.goal_why)
        goal.target_on = (at + timedelta(days=self.rng.randint(150, 400))).date()
        goal.status, goal.percent, goal.created_at, goal.closed_at = "active", 0, at, None
        return goal

    def review_tasks(self, inv: Inv, tasks: list[Task]) -> None:
        """The first sitting: done, carried or dropped for each task open when it started."""
        for task in tasks:
            if task.status != "open" or task.created_at >= inv.created_at:
                continue
            if task.cohort is not inv.cohort:
                continue
            outcome = self.rng.choice(OUTCOMES)
            self.spools["task_reviews"].add(next(self.review_ids), inv.id, task.id, outcome)
            if outcome != "carried":
                task.status, task.closed_at = outcome, inv.created_at

    def record_progress(self, inv: Inv, active: list[Goal], pool: LocalePool) -> dict:
        """The second sitting: each active goal moves on; some are reached, a few dropped."""
        found = {}
        for goal in active:
            goal.percent = min(100, goal.percent + self.rng.randint(3, 20))
            roll = self.rng.random()
            if goal.percent >= 100 or (goal.percent > 70 and roll < 0.1):
                goal.percent, goal.status, goal.closed_at = 100, "achieved", inv.updated_at
                inv.achieved.append(goal.id)
            elif roll > 0.985:
                goal.status, goal.closed_at = "dropped", inv.updated_at
            found[goal.id] = (goal.percent, self.rng.choice(pool.notes))
        return found

    def new_tasks(self, pool: LocalePool, inv: Inv, goals: list[Goal]) -> list[Task]:
        serving = [g for g in goals if g.status == "active"]
        goal_id = self.rng.choice(serving).id if serving and self.rng.random() < 0.7 else None
        made = []
        for title in self.rng.sample(pool.tasks, self.rng.randint(1, 3)):
            task = Task()
            task.id, task.goal_id, task.title = next(self.task_ids), goal_id, title
            task.status, task.created_at, task.closed_at = "open", inv.updated_at, None
            task.inventory_id, task.cohort = inv.id, inv.cohort
            made.append(task)
        return made
