"""What the member page reads as plain rows, not entities: a year of months with their
sessions, inventories and goal progress. Building them as ORM objects cost more than the rest
of reading them. Each holds what the page's templates and ``timeline`` read, under the
entities' names, and answers the entities' questions with the entities' own properties."""

from datetime import date, datetime
from typing import NamedTuple

from ..cohorts.models import Cohort
from ..inventories.models import GoalStatus, Inventory, InventoryKind, InventoryStatus
from ..meetings.models import Meeting, MeetingStatus


class MonthMeeting(NamedTuple):
    """A month's session, read as ``months.month_label`` reads a ``Meeting``."""

    id: int
    title: str
    starts_at: datetime
    month_on: date | None
    status: MeetingStatus
    season_id: int | None
    cohort: Cohort  # the page's

    is_cancelled = Meeting.is_cancelled
    is_closed = Meeting.is_closed


class MonthInventory(NamedTuple):
    """A month's inventory: what its card, the charts and the blind-spot map show."""

    id: int
    user_id: int
    template_id: int
    status: InventoryStatus
    version: int
    kind: InventoryKind
    updated_at: datetime
    self_traits: list
    energy: int | None
    rating_skills: int | None
    rating_experience: int | None
    rating_network: int | None
    rating_money: int | None
    rating_time: int | None

    is_shared = Inventory.is_shared
    is_quarter = Inventory.is_quarter
    ratings = Inventory.ratings


class CardGoal(NamedTuple):
    """What the member page shows of a goal: its title, its status and part of life, and when
    it was closed, as the database wrote it in JSON (only ever compared, for the order of its
    milestones: one database writes every moment alike)."""

    id: int
    title: str
    status: GoalStatus
    area: str | None
    closed_at: str | None


class CardProgress(NamedTuple):
    """What the member page shows of a goal's progress in a month (as ``GoalProgress``
    reads: ``row.goal.title``)."""

    inventory_id: int
    goal_id: int
    percent: int
    goal: CardGoal
