"""Inventory use cases: the template, writing, sharing, pausing, revisions.

Each checks permissions, flushes, and leaves the commit to the caller.
"""

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import ScalarSelect, Select, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import User
from ..cohorts.models import Cohort
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..feedback.traits import clean_self_traits
from ..i18n import lazy_gettext as _l
from ..markdown import render_markdown
from ..meetings.models import Meeting
from ..permissions import Action, require
from .areas import clean_area, clean_split
from .goals import (
    NewGoal,
    apply_goal_areas,
    apply_goal_progress,
    apply_task_outcomes,
    create_goals,
    create_tasks,
)
from .models import (
    RATING_AREAS,
    Inventory,
    InventoryKind,
    InventoryRevision,
    InventoryStatus,
    InventoryTemplate,
    TaskOutcome,
)
from .sections import default_template_sections

# Sections whose text usually still holds next month; a new inventory starts from them.
CARRIED_SECTIONS = ("will", "can_must", "tactics", "options")


class VersionConflict(Exception):
    """The inventory was saved elsewhere since this form was opened."""

    def __init__(self, inventory: Inventory):
        super().__init__("version conflict")
        self.inventory = inventory


@dataclass
class InventoryInput:
    """What the member typed, already validated by the form."""

    answers: dict[str, str] = field(default_factory=dict)
    energy: int | None = None
    ratings: dict[str, int | None] = field(default_factory=dict)
    task_outcomes: dict[int, TaskOutcome] = field(default_factory=dict)
    goal_progress: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    new_goals: list[NewGoal | tuple] = field(default_factory=list)
    new_tasks: list[str] = field(default_factory=list)
    new_tasks_goal_id: int | None = None  # the goal the new tasks serve, if any
    self_traits: list[str] | None = None  # None: the form had no trait picker, keep them
    goal_areas: dict[int, str | None] = field(default_factory=dict)  # goal id → part of life
    new_tasks_area: str | None = None
    life_split: dict[str, int] | None = None  # None: the form had no split, keep it
    # A form showing some sections only (the short form): answers and ratings it does not
    # carry are kept as saved, never blanked.
    partial: bool = False


def current_template(cohort: Cohort) -> InventoryTemplate:
    """The cohort's newest template, created from the defaults the first time."""
    template = db.session.scalar(
        select(InventoryTemplate)
        .where(InventoryTemplate.cohort_id == cohort.id)
        .order_by(InventoryTemplate.id.desc())
        .limit(1)
    )
    if template is None:
        template = InventoryTemplate(cohort_id=cohort.id, sections=default_template_sections())
        db.session.add(template)
        db.session.flush()
    return template


def find_inventory(user: User, meeting: Meeting) -> Inventory | None:
    return db.session.scalar(
        select(Inventory).where(Inventory.meeting_id == meeting.id, Inventory.user_id == user.id)
    )


def previous_inventory(user: User, meeting: Meeting) -> Inventory | None:
    """The member's latest written inventory in this cohort before this session."""
    return db.session.scalar(
        select(Inventory)
        .join(Meeting, Inventory.meeting_id == Meeting.id)
        .where(
            Inventory.user_id == user.id,
            Inventory.cohort_id == meeting.cohort_id,
            Inventory.status != InventoryStatus.PAUSED,
            Meeting.starts_at < meeting.starts_at,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


def prefilled_answers(user: User, meeting: Meeting) -> dict[str, str]:
    """Text a new inventory starts from: the sections that usually carry over."""
    previous = previous_inventory(user, meeting)
    if previous is None:
        return {}
    return {key: previous.answers[key] for key in CARRIED_SECTIONS if previous.answers.get(key)}


def get_or_create_inventory(user: User, meeting: Meeting) -> Inventory:
    """The member's inventory for this session; two simultaneous first saves make one row."""
    inventory = find_inventory(user, meeting)
    if inventory is not None:
        return inventory
    try:
        with db.session.begin_nested():
            inventory = Inventory(
                cohort_id=meeting.cohort_id,
                meeting_id=meeting.id,
                user_id=user.id,
                template_id=current_template(meeting.cohort).id,
                version=0,
                answers={},
                answers_html={},
            )
            db.session.add(inventory)
            db.session.flush()
    except IntegrityError:
        inventory = find_inventory(user, meeting)
    return inventory


QUARTER_PREFIX = "quarter_"


def quarter_answers(inventory: Inventory) -> dict[str, str]:
    """The quarter review's answers kept in an inventory (the monthly form leaves them be)."""
    return {k: v for k, v in (inventory.answers or {}).items() if k.startswith(QUARTER_PREFIX)}


def _same_content(inventory: Inventory, data: InventoryInput) -> bool:
    answers = {key: text for key, text in data.answers.items() if text}
    answers.update(quarter_answers(inventory))  # the monthly form leaves them be
    saved = {key: text for key, text in inventory.answers.items() if text}
    if data.partial:
        shown = set(data.answers) | set(quarter_answers(inventory))
        saved = {key: text for key, text in saved.items() if key in shown}
    return (
        answers == saved
        and data.energy == inventory.energy
        and all(
            data.ratings.get(area) == getattr(inventory, f"rating_{area}")
            for area in RATING_AREAS
            if not data.partial or area in data.ratings
        )
        and (data.self_traits is None or set(data.self_traits) == set(inventory.self_traits or []))
    )


def _require_writable(user: User, meeting: Meeting) -> None:
    require(user, Action.POST_INVENTORY, meeting)
    if meeting.is_cancelled:
        raise DomainError(_l("This session was cancelled."))


def claim_version(inventory: Inventory, version: int) -> bool:
    """Move the inventory from ``version`` to the next in one conditional UPDATE, before
    anything else is written: of two saves made from the same version at the same moment,
    exactly one goes on (on PostgreSQL the second waits for the first, then finds the
    version gone) and the other becomes a conflict, so neither is silently lost."""
    claimed = db.session.execute(
        update(Inventory)
        .where(Inventory.id == inventory.id, Inventory.version == version)
        .values(version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:
        set_committed_value(inventory, "version", version + 1)
        return True
    db.session.refresh(inventory)
    return False


def save_inventory(user: User, meeting: Meeting, data: InventoryInput, version: int) -> Inventory:
    """Save the member's inventory (a draft until shared; a new revision once shared).

    ``version`` is the one the form was opened with: an older one raises VersionConflict,
    except for a repeated submit of the very same text (a double click).
    """
    _require_writable(user, meeting)
    inventory = get_or_create_inventory(user, meeting)
    if inventory.version != version or not claim_version(inventory, version):
        if _same_content(inventory, data):
            return inventory
        raise VersionConflict(inventory)
    now = utcnow()
    # The quarter review's answers are written on its own page; a short form keeps what it
    # does not show.
    kept = quarter_answers(inventory)
    if data.partial:
        kept = {key: text for key, text in inventory.answers.items() if key not in data.answers}
    typed = {key: text.strip() for key, text in data.answers.items() if text.strip()}
    inventory.answers = {**kept, **typed}
    inventory.answers_html = {key: render_markdown(text) for key, text in inventory.answers.items()}
    inventory.energy = data.energy
    for area in RATING_AREAS:
        if not data.partial or area in data.ratings:
            setattr(inventory, f"rating_{area}", data.ratings.get(area))
    if data.self_traits is not None:
        inventory.self_traits = clean_self_traits(data.self_traits)
    if data.life_split is not None:
        inventory.life_split = clean_split(meeting.cohort, data.life_split)
    apply_task_outcomes(user, inventory, data.task_outcomes)
    apply_goal_progress(user, inventory, data.goal_progress)
    apply_goal_areas(user, meeting.cohort, data.goal_areas)
    create_goals(user, inventory, data.new_goals, meeting.cohort)
    create_tasks(
        user,
        inventory,
        data.new_tasks,
        data.new_tasks_goal_id,
        clean_area(meeting.cohort, data.new_tasks_area),
    )
    if inventory.status == InventoryStatus.PAUSED:
        inventory.status = InventoryStatus.DRAFT
    inventory.updated_at = now
    if inventory.is_shared:
        inventory.edited_after_meeting = inventory.edited_after_meeting or now > meeting.ends_at
        _record_revision(inventory, after_meeting=now > meeting.ends_at)
    db.session.flush()
    return inventory


def save_quarter_answers(
    user: User, meeting: Meeting, answers: dict[str, str], version: int
) -> Inventory:
    """Save the quarter's questions into the member's inventory for this session, which makes
    it a quarter review (beside this month's sections, if any); emptied, it is a month's
    inventory again. Versions guard it exactly as they guard the monthly form."""
    _require_writable(user, meeting)
    inventory = get_or_create_inventory(user, meeting)
    written = {
        key: text.strip()
        for key, text in answers.items()
        if key.startswith(QUARTER_PREFIX) and text and text.strip()
    }
    if inventory.version != version or not claim_version(inventory, version):
        if written == quarter_answers(inventory):
            return inventory
        raise VersionConflict(inventory)
    month = {k: v for k, v in inventory.answers.items() if not k.startswith(QUARTER_PREFIX)}
    inventory.answers = {**month, **written}
    inventory.answers_html = {
        **{k: v for k, v in inventory.answers_html.items() if not k.startswith(QUARTER_PREFIX)},
        **{key: render_markdown(text) for key, text in written.items()},
    }
    inventory.kind = InventoryKind.QUARTER if written else InventoryKind.MONTH
    if inventory.status == InventoryStatus.PAUSED:
        inventory.status = InventoryStatus.DRAFT
    now = utcnow()
    inventory.updated_at = now
    if inventory.is_shared:
        inventory.edited_after_meeting = inventory.edited_after_meeting or now > meeting.ends_at
        _record_revision(inventory, after_meeting=now > meeting.ends_at)
    db.session.flush()
    return inventory


def share_inventory(user: User, inventory: Inventory) -> None:
    """Make the inventory visible to the cohort; after the due time it is marked late."""
    require(user, Action.POST_INVENTORY, inventory)
    if inventory.is_shared:
        return
    if not inventory.answers and inventory.energy is None:
        raise DomainError(_l("Write at least one section before sharing."))
    now = utcnow()
    inventory.status = InventoryStatus.SHARED
    inventory.shared_at = now
    inventory.is_late = now > inventory.meeting.inventory_due_at
    _record_revision(inventory, after_meeting=now > inventory.meeting.ends_at)
    db.session.flush()


def _record_revision(inventory: Inventory, after_meeting: bool) -> None:
    db.session.add(
        InventoryRevision(
            inventory_id=inventory.id,
            version=inventory.version,
            answers=dict(inventory.answers),
            ratings={"energy": inventory.energy, **inventory.ratings()},
            after_meeting=after_meeting,
        )
    )


def pause_month(user: User, meeting: Meeting) -> Inventory:
    """ "Life happened": no inventory expected this month and no reminders."""
    _require_writable(user, meeting)
    inventory = get_or_create_inventory(user, meeting)
    if inventory.is_shared:
        raise DomainError(_l("This inventory is already shared."))
    inventory.status = InventoryStatus.PAUSED
    inventory.version += 1
    db.session.flush()
    return inventory


def resume_month(user: User, meeting: Meeting) -> None:
    _require_writable(user, meeting)
    inventory = find_inventory(user, meeting)
    if inventory is not None and inventory.status == InventoryStatus.PAUSED:
        inventory.status = InventoryStatus.DRAFT
        inventory.version += 1
        db.session.flush()


def revisions(inventory: Inventory) -> list[InventoryRevision]:
    return list(db.session.scalars(_revisions_statement(), {"inventory_id": inventory.id}))


def revision_count() -> ScalarSelect:
    """How many revisions the ``Inventory`` of the statement it goes in has: a column."""
    return (
        select(func.count(InventoryRevision.id))
        .where(InventoryRevision.inventory_id == Inventory.id)
        .correlate(Inventory)
        .scalar_subquery()
    )


@cache  # built once: building it and its cache key costs more than running it
def _revisions_statement() -> Select:
    return (
        select(InventoryRevision)
        .where(InventoryRevision.inventory_id == bindparam("inventory_id"))
        .order_by(InventoryRevision.version)
    )


def latest_shared(cohort: Cohort) -> dict[int, Inventory]:
    """Each member's most recently shared inventory in the cohort, in one query."""
    newest = (
        select(Inventory.user_id, func.max(Inventory.shared_at).label("shared_at"))
        .where(Inventory.cohort_id == cohort.id, Inventory.status == InventoryStatus.SHARED)
        .group_by(Inventory.user_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(Inventory)
        .join(
            newest,
            (Inventory.user_id == newest.c.user_id) & (Inventory.shared_at == newest.c.shared_at),
        )
        .where(Inventory.cohort_id == cohort.id)
    )
    return {inventory.user_id: inventory for inventory in rows}
