"""The pre-session digest: what changed for each peer since last month, two days before the
session, for members who have not opened Cohort since their last digest."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..cohorts.models import Membership
from ..extensions import db
from ..inventories.models import RATING_AREAS, GoalProgress, GoalStatus, Inventory
from ..inventories.models import InventoryStatus as Status
from ..meetings.models import Meeting
from .models import ReminderDelivery

FIRST_DIGEST_LOOKBACK = timedelta(days=30)


@dataclass
class PeerChange:
    name: str
    try_text: str
    moved: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    achieved: list[str] = field(default_factory=list)


def peer_changes(meeting: Meeting) -> list[PeerChange]:
    """Each shared inventory of the session against the member's previous one (3 queries)."""
    shared = db.session.scalars(
        select(Inventory).where(
            Inventory.meeting_id == meeting.id, Inventory.status == Status.SHARED
        )
    ).all()
    if not shared:
        return []
    previous: dict[int, Inventory] = {}
    for inventory in db.session.scalars(
        select(Inventory)
        .join(Meeting, Inventory.meeting_id == Meeting.id)
        .where(
            Inventory.cohort_id == meeting.cohort_id,
            Inventory.user_id.in_([i.user_id for i in shared]),
            Inventory.status == Status.SHARED,
            Meeting.starts_at < meeting.starts_at,
        )
        .order_by(Meeting.starts_at)
    ):
        previous[inventory.user_id] = inventory  # the latest wins
    achieved: dict[int, list[str]] = {}
    for row in db.session.scalars(
        select(GoalProgress).where(GoalProgress.inventory_id.in_([i.id for i in shared]))
    ):
        if row.goal.status == GoalStatus.ACHIEVED:
            achieved.setdefault(row.inventory_id, []).append(row.goal.title)
    changes = []
    for inventory in shared:
        before = previous.get(inventory.user_id)
        moved = {}
        for area in ("energy", *RATING_AREAS):
            column = area if area == "energy" else f"rating_{area}"
            old, new = (getattr(before, column) if before else None), getattr(inventory, column)
            if before is not None and old != new:
                moved[area] = (old, new)
        changes.append(
            PeerChange(
                name=inventory.user.display_name,
                try_text=(inventory.answers.get("try") or "")[:300],
                moved=moved,
                achieved=achieved.get(inventory.id, []),
            )
        )
    return changes


def away_since_last_digest(memberships: list[Membership], now: datetime) -> list[Membership]:
    """The members who have not opened Cohort since their previous digest (one query)."""
    last_digest = dict(
        db.session.execute(
            select(ReminderDelivery.user_id, func.max(ReminderDelivery.claimed_at))
            .where(
                ReminderDelivery.kind == "digest",
                ReminderDelivery.user_id.in_([m.user_id for m in memberships]),
            )
            .group_by(ReminderDelivery.user_id)
        ).all()
    )
    away = []
    for membership in memberships:
        since = last_digest.get(membership.user_id) or now - FIRST_DIGEST_LOOKBACK
        seen = membership.user.last_seen_at
        if seen is None or seen < since:
            away.append(membership)
    return away
