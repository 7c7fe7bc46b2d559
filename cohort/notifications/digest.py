"""The pre-session digest: what changed for each peer since last month, two days before the
session, for members who have not opened Cohort since their last digest.

Both halves are set-based so that a tick's cost does not grow with the number of cohorts:
who is away is a SQL condition, and the changes of many sessions load in three queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..database import UTCDateTime
from ..delivery.models import ReminderDelivery
from ..extensions import db
from ..inventories.models import RATING_AREAS, Goal, GoalProgress, GoalStatus, Inventory
from ..inventories.models import InventoryStatus as Status
from ..meetings.models import Meeting
from .due import Due
from .reminders import Candidate, Loaded, Reminder, awaiting, links, reminder_of

FIRST_DIGEST_LOOKBACK = timedelta(days=30)
AREAS = {"energy": "energy", **{area: f"rating_{area}" for area in RATING_AREAS}}


@dataclass
class PeerChange:
    name: str
    try_text: str
    moved: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    achieved: list[str] = field(default_factory=list)
    user_id: int | None = None  # whose change it is: nobody reads their own


def away_since_last_digest(user_id: ColumnElement, now: datetime) -> ColumnElement:
    """A WHERE clause on a query joined to ``User``: the user has not opened Cohort since
    their previous digest (or in the last 30 days, before a first digest)."""
    last_digest = (
        select(func.max(ReminderDelivery.claimed_at))
        .where(ReminderDelivery.user_id == user_id, ReminderDelivery.kind == "digest")
        .scalar_subquery()
    )
    since = func.coalesce(last_digest, literal(now - FIRST_DIGEST_LOOKBACK, UTCDateTime))
    return or_(User.last_seen_at.is_(None), User.last_seen_at < since)


def digest_candidates(now: datetime, dues: dict[int, Due]) -> list[Candidate]:
    """Members away since their last digest, in sessions where a peer has shared."""
    peer_shared = exists().where(
        Inventory.meeting_id.in_(sorted(dues)),  # only these sessions' inventories
        Inventory.meeting_id == Meeting.id,
        Inventory.user_id != User.id,
        Inventory.status == Status.SHARED,
    )
    return awaiting("digest", now, dues, away_since_last_digest(User.id, now), peer_shared)


def digest_reminders(batch: list[Candidate], loaded: Loaded) -> list[Reminder]:
    """Each claimed member's digest: every peer's change, never their own."""
    changes = peer_changes(sorted({candidate.meeting_id for candidate in batch}))
    show_url = links("meetings.show")
    reminders = []
    for candidate in batch:
        url = show_url(loaded.meetings[candidate.meeting_id])
        peers = [
            change
            for change in changes.get(candidate.meeting_id, [])
            if change.user_id != candidate.user_id
        ]
        reminders.append(
            reminder_of(candidate, loaded, "digest", url, peers=peers, session_url=url)
        )
    return reminders


def peer_changes(meeting_ids: Sequence[int]) -> dict[int, list[PeerChange]]:
    """Each shared inventory of these sessions against the member's previous shared one, by
    session (three queries whatever the number of sessions)."""
    if not meeting_ids:
        return {}
    rating_columns = [getattr(Inventory, column) for column in AREAS.values()]
    shared = db.session.execute(
        select(
            Inventory.id,
            Inventory.meeting_id,
            Inventory.user_id,
            Inventory.answers,
            User.display_name,
            *rating_columns,
        )
        .join(User, User.id == Inventory.user_id)
        .where(Inventory.meeting_id.in_(meeting_ids), Inventory.status == Status.SHARED)
        .order_by(Inventory.meeting_id, Inventory.id)
    ).all()
    if not shared:
        return {}
    ids = [row.id for row in shared]
    previous = _previous_ratings(ids)
    achieved = _achieved_goals(ids)
    changes: dict[int, list[PeerChange]] = {}
    for row in shared:
        before = previous.get(row.id)
        moved = {}
        for area, column in AREAS.items():
            new = getattr(row, column)
            if before is not None and before[column] != new:
                moved[area] = (before[column], new)
        changes.setdefault(row.meeting_id, []).append(
            PeerChange(
                name=row.display_name,
                try_text=((row.answers or {}).get("try") or "")[:300],
                moved=moved,
                achieved=achieved.get(row.id, []),
                user_id=row.user_id,
            )
        )
    return changes


def _previous_ratings(inventory_ids: list[int]) -> dict[int, dict[str, int | None]]:
    """For each inventory, the ratings of its author's latest shared inventory of the same
    cohort from an earlier session (one query, ranked in SQL)."""
    current, current_meeting = aliased(Inventory), aliased(Meeting)
    before, before_meeting = aliased(Inventory), aliased(Meeting)
    rank = func.row_number().over(
        partition_by=current.id, order_by=(before_meeting.starts_at.desc(), before.id.desc())
    )
    ranked = (
        select(
            current.id.label("current_id"),
            *(getattr(before, column).label(column) for column in AREAS.values()),
            rank.label("rank"),
        )
        .join(current_meeting, current_meeting.id == current.meeting_id)
        .join(
            before,
            and_(
                before.user_id == current.user_id,
                before.cohort_id == current.cohort_id,
                before.status == Status.SHARED,
            ),
        )
        .join(
            before_meeting,
            and_(
                before_meeting.id == before.meeting_id,
                before_meeting.starts_at < current_meeting.starts_at,
            ),
        )
        .where(current.id.in_(inventory_ids))
        .subquery()
    )
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1))
    return {
        row.current_id: {column: getattr(row, column) for column in AREAS.values()} for row in rows
    }


def _achieved_goals(inventory_ids: list[int]) -> dict[int, list[str]]:
    """Titles of goals reached, by the inventory that reported progress on them."""
    achieved: dict[int, list[str]] = {}
    for inventory_id, title in db.session.execute(
        select(GoalProgress.inventory_id, Goal.title)
        .join(Goal, Goal.id == GoalProgress.goal_id)
        .where(GoalProgress.inventory_id.in_(inventory_ids), Goal.status == GoalStatus.ACHIEVED)
        .order_by(GoalProgress.id)
    ):
        achieved.setdefault(inventory_id, []).append(title)
    return achieved
