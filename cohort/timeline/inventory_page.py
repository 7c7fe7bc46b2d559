"""The inventory page's cheers and milestones, read with the inventory in the page's own
statement: who cheered it and its milestones, and which achieved goals it marks, come as
columns of JSON lines (``cheer_columns``) beside its ordinal."""

from dataclasses import dataclass

from ..auth.models import User
from ..inventories.models import Inventory
from ..permissions import can_cheer, can_view_timeline
from . import services
from .milestones import Milestone, achieved_goals_column, achieved_goals_from_lines, milestones_of
from .statements import cheer_lines_column


@dataclass
class InventoryCheers:
    milestones: list[Milestone]
    cheers: dict[tuple[int, str], services.Cheers]
    can_cheer: bool
    has_timeline: bool  # the author is still a member here: "what changed" can be shown

    def cheers_for(self, inventory_id: int, key: str = "") -> services.Cheers:
        return self.cheers.get((inventory_id, key)) or services.Cheers()


def cheer_columns() -> tuple:
    """The columns ``inventory_cheers`` reads, for the statement that reads the inventory
    (with ``milestones.ordinal_column`` as ``ordinal``)."""
    return (
        cheer_lines_column().label("cheer_lines"),
        achieved_goals_column().label("achieved_goals"),
    )


def inventory_cheers(
    viewer: User,
    inventory: Inventory,
    ordinal: int | None,
    cheer_lines: str | None,
    goal_lines: str | None,
) -> InventoryCheers | None:
    """Cheers and milestones of a shared inventory for templates/timeline/_inventory_cheers,
    from its ordinal and ``cheer_columns`` read with it: no statement of their own."""
    if not inventory.is_shared:
        return None
    goals = achieved_goals_from_lines(goal_lines)
    return InventoryCheers(
        milestones=milestones_of(inventory.id, ordinal, goals),
        cheers=services.cheers_from_lines(viewer, [(inventory.id, cheer_lines)]),
        can_cheer=can_cheer(viewer, inventory),
        has_timeline=can_view_timeline(viewer, inventory.cohort, inventory.user_id),
    )
