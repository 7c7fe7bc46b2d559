"""What the room sees about the person speaking: their ask, Try, goals, energy, and what
changed since their last month."""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..inventories.models import GoalProgress, Inventory, InventoryStatus
from ..meetings.models import Meeting


@dataclass
class SpeakerPanel:
    inventory: Inventory
    ask_html: str
    try_html: str
    goals: list[GoalProgress]
    energy: int | None
    energy_before: int | None
    changed: list[tuple[str, int | None, int | None]] = field(default_factory=list)


def speaker_panel(meeting: Meeting, speaker_id: int) -> SpeakerPanel | None:
    """The speaker's shared inventory for the session, beside their previous shared one."""
    rows = db.session.scalars(
        select(Inventory)
        .join(Meeting, Meeting.id == Inventory.meeting_id)
        .where(
            Inventory.user_id == speaker_id,
            Inventory.cohort_id == meeting.cohort_id,
            Inventory.status == InventoryStatus.SHARED,
            Meeting.starts_at <= meeting.starts_at,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(2)
    ).all()
    if not rows or rows[0].meeting_id != meeting.id:
        return None
    inventory, before = rows[0], (rows[1] if len(rows) > 1 else None)
    goals = list(
        db.session.scalars(
            select(GoalProgress)
            .where(GoalProgress.inventory_id == inventory.id)
            .order_by(GoalProgress.id)
        )
    )
    changed = []
    if before is not None:
        for area, value in inventory.ratings().items():
            old = before.ratings().get(area)
            if old != value:
                changed.append((area, old, value))
    html = inventory.answers_html or {}
    return SpeakerPanel(
        inventory=inventory,
        ask_html=html.get("feedback_ask", ""),
        try_html=html.get("try", ""),
        goals=goals,
        energy=inventory.energy,
        energy_before=before.energy if before is not None else None,
        changed=changed,
    )
