"""A session's inventories as the cohort sees them on the month page."""

from sqlalchemy import select
from sqlalchemy.orm import defer, lazyload

from ..auth.models import User
from ..extensions import db
from ..meetings.models import Meeting
from ..permissions import Action, can
from .models import GoalProgress, GoalStatus, Inventory
from .organizing import month_overview
from .sections import CARD_SECTIONS, resolve_sections
from .services import find_inventory, latest_shared


def month_page_context(user: User, meeting: Meeting, cards: bool = True) -> dict:
    """Shared inventories as cards, who has not shared yet, who paused, and the viewer's own
    inventory state (members and organizers write one; mentors read). Without ``cards`` (the
    cohort's overview lists names and Try lines) the Markdown answers are loaded instead of
    the rendered ones."""
    # The session and its cohort are loaded already (the identity map hands them over without
    # a statement), so only authors and templates join.
    shown = defer(Inventory.answers) if cards else defer(Inventory.answers_html)
    loading = (shown, lazyload(Inventory.meeting), lazyload(Inventory.cohort))
    overview = month_overview(meeting, loading=loading)
    titles = {}
    for template in {
        inventory.template_id: inventory.template for inventory in overview.shared
    }.values():
        titles.update({s.key: s.title for s in resolve_sections(template.sections)})
    writes = can(user, Action.POST_INVENTORY, meeting) and not meeting.is_cancelled
    return {
        "month": overview,
        "card_sections": CARD_SECTIONS,
        "card_titles": titles,
        # What a card's kept rendering depends on beyond the inventory (cohort/fragments.py).
        "card_key": tuple(titles.get(key, key) for key in CARD_SECTIONS),
        "my_inventory": find_inventory(user, meeting) if writes else None,
        "writes_inventory": writes,
    }


def working_on(cohort) -> dict[int, dict]:
    """Per member, from their latest shared inventory here: next month's Try and the goals it
    recorded progress on (two queries). Goals show only through inventories shared here."""
    latest = latest_shared(cohort)
    goals: dict[int, list[str]] = {}
    if latest:
        rows = db.session.scalars(
            select(GoalProgress).where(
                GoalProgress.inventory_id.in_([i.id for i in latest.values()])
            )
        )
        by_inventory = {inventory.id: user_id for user_id, inventory in latest.items()}
        for row in rows:
            if row.goal.status == GoalStatus.ACTIVE:
                goals.setdefault(by_inventory[row.inventory_id], []).append(row.goal.title)
    return {
        user_id: {"try": inventory.answers.get("try", ""), "goals": goals.get(user_id, [])}
        for user_id, inventory in latest.items()
    }
