"""What organizers do with inventories: the template, the prompt bank, the month overview."""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..csv_export import local_time
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..labels import label
from ..meetings.models import Meeting
from ..permissions import Action, require
from .models import RATING_AREAS, Inventory, InventoryStatus, InventoryTemplate, PromptBank
from .sections import (
    AREA_LABELS,
    BUILTIN,
    DEFAULT_PROMPTS,
    default_template_sections,
    resolve_sections,
)


def template_sections(cohort: Cohort) -> list[dict]:
    """The sections new inventories will use (the defaults until an organizer edits them)."""
    template = db.session.scalar(
        select(InventoryTemplate)
        .where(InventoryTemplate.cohort_id == cohort.id)
        .order_by(InventoryTemplate.id.desc())
        .limit(1)
    )
    return template.sections if template else default_template_sections()


@dataclass
class SectionEdit:
    key: str
    title: str
    help: str
    position: int
    hidden: bool


def update_template(
    actor: User, cohort: Cohort, edits: list[SectionEdit], new_question: tuple[str, str] | None
) -> InventoryTemplate:
    """Save a new version of the template; inventories already started keep theirs."""
    require(actor, Action.MANAGE, cohort)
    current = {item["key"]: item for item in template_sections(cohort)}
    if {edit.key for edit in edits} != set(current):
        raise DomainError(_l("The sections changed meanwhile. Please reload the page."))
    sections = []
    for edit in sorted(edits, key=lambda e: e.position):
        item = current[edit.key]
        builtin = BUILTIN.get(edit.key) if not item.get("custom") else None
        title = edit.title.strip() or None
        if builtin and title == str(builtin.title):
            title = None  # unchanged: keep following the reader's language
        sections.append(
            {**item, "title": title, "help": edit.help.strip() or None, "hidden": edit.hidden}
        )
    if new_question and new_question[0].strip():
        sections.append(
            {
                "key": f"q-{secrets.token_hex(4)}",
                "title": new_question[0].strip(),
                "help": new_question[1].strip() or None,
                "hidden": False,
                "custom": True,
            }
        )
    if all(item["hidden"] for item in sections):
        raise DomainError(_l("Keep at least one section visible."))
    for item in sections:
        if item.get("custom") and not item.get("title"):
            raise DomainError(_l("Your own sections need a title."))
    template = InventoryTemplate(cohort_id=cohort.id, sections=sections)
    db.session.add(template)
    db.session.flush()
    return template


def prompts_for(cohort: Cohort) -> dict[str, list[str]]:
    """The cohort's deepening questions per section; the default bank in the reader's
    language until an organizer edits it."""
    bank = db.session.get(PromptBank, cohort.id)
    if bank is not None:
        return bank.prompts
    return {key: [str(prompt) for prompt in prompts] for key, prompts in DEFAULT_PROMPTS.items()}


def update_prompts(actor: User, cohort: Cohort, prompts: dict[str, list[str]]) -> None:
    require(actor, Action.MANAGE, cohort)
    cleaned = {
        key: [line.strip()[:300] for line in lines if line.strip()][:10]
        for key, lines in prompts.items()
    }
    bank = db.session.get(PromptBank, cohort.id)
    if bank is None:
        db.session.add(PromptBank(cohort_id=cohort.id, prompts=cleaned))
    else:
        bank.prompts = cleaned
    db.session.flush()


class Writer(Protocol):
    """A member as ``sort_month`` reads them: a ``Membership``, or a row of the organizers'
    overview that holds only the columns it shows."""

    @property
    def user_id(self) -> int: ...

    @property
    def role(self) -> Role: ...


class Written(Protocol):
    """An inventory as ``sort_month`` reads it: an ``Inventory``, or an overview row."""

    @property
    def user_id(self) -> int: ...

    @property
    def status(self) -> InventoryStatus: ...

    @property
    def shared_at(self) -> datetime | None: ...


MemberT = TypeVar("MemberT", bound=Writer)
InventoryT = TypeVar("InventoryT", bound=Written)


@dataclass
class MonthOverview(Generic[InventoryT, MemberT]):
    shared: list[InventoryT]
    drafts: list[MemberT]
    not_started: list[MemberT]
    paused: list[MemberT]


def month_overview(
    meeting: Meeting, members: list[Membership] | None = None, loading: Sequence = ()
) -> MonthOverview:
    """Who has shared, drafted, not started or paused for a session (two queries; one when
    the cohort's active ``members`` are given, in order of joining). ``loading``: options for
    the inventories' query, for a page that shows less of them."""
    if members is None:
        members = db.session.scalars(
            select(Membership)
            .where(
                Membership.cohort_id == meeting.cohort_id,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .order_by(Membership.joined_at, Membership.id)
        ).all()
    inventories = {
        inventory.user_id: inventory
        for inventory in db.session.scalars(
            select(Inventory).where(Inventory.meeting_id == meeting.id).options(*loading)
        )
    }
    return sort_month(members, inventories)


def sort_month(
    members: Sequence[MemberT], inventories: Mapping[int, InventoryT]
) -> MonthOverview[InventoryT, MemberT]:
    """Who has shared, drafted, not started or paused, from the active ``members`` (in order
    of joining) and the session's inventories by author: for a page that read both already.
    Members and organizers write; mentors do not. The one place this sorting is decided: the
    month pages pass entities, the organizers' overview its rows."""
    writers = [m for m in members if m.role in (Role.MEMBER, Role.ORGANIZER)]
    overview = MonthOverview([], [], [], [])
    for membership in writers:
        inventory = inventories.get(membership.user_id)
        if inventory is None:
            overview.not_started.append(membership)
        elif inventory.status == InventoryStatus.SHARED:
            overview.shared.append(inventory)
        elif inventory.status == InventoryStatus.PAUSED:
            overview.paused.append(membership)
        else:
            overview.drafts.append(membership)
    overview.shared.sort(key=lambda inventory: inventory.shared_at)
    return overview


def month_csv(actor: User, meeting: Meeting, zone: str) -> list[list[object]]:
    """The session's shared inventories as CSV, one row per member, in the reader's language
    with times in ``zone``."""
    require(actor, Action.VIEW_LOG, meeting.cohort)
    overview = month_overview(meeting)
    titles: dict[str, str] = {}
    for inventory in overview.shared:
        for section in resolve_sections(inventory.template.sections):
            titles.setdefault(section.key, str(section.title))
    header = [
        _("Name"),
        _("Status"),
        _("Shared at (%(zone)s)", zone=zone),
        _("Late"),
        _("Energy"),
        *(AREA_LABELS[area] for area in RATING_AREAS),
        *titles.values(),
    ]
    rows = [
        [
            inventory.user.display_name,
            label(InventoryStatus.SHARED),
            local_time(inventory.shared_at, zone),
            _("late") if inventory.is_late else "",
            inventory.energy or "",
            *(rating or "" for rating in inventory.ratings().values()),
            *(inventory.answers.get(key, "") for key in titles),
        ]
        for inventory in overview.shared
    ]
    for status, memberships in (
        (label(InventoryStatus.DRAFT), overview.drafts),
        (_("not started"), overview.not_started),
        (label(InventoryStatus.PAUSED), overview.paused),
    ):
        rows.extend([membership.user.display_name, status] for membership in memberships)
    return [header, *rows]
