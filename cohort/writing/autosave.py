"""Autosave: what a member types is saved every few seconds, without a button.

Each tab numbers its autosaves. A save carries that number, the tab's name and the version
of the inventory the tab last knew: an older save of the same tab arriving late is dropped,
a tab goes on from the version its own last autosave made, and a version made anywhere else
(another tab, another device, an explicit save) stops the tab's autosaves until the member
saves by hand, where the conflict page shows both texts. An autosave never touches a shared
inventory: what the cohort reads changes only by an explicit save.
"""

import enum
from dataclasses import dataclass, field
from datetime import datetime

from ..auth.models import User
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories import services as inventory_services
from ..inventories.models import RATING_AREAS, Inventory
from ..markdown import render_markdown
from ..meetings.models import Meeting
from ..permissions import Action, require
from .models import AutosaveMark

TEXT_LIMIT = 20000
NOTE_LIMIT = 500  # the one-line notes of the current-state areas


class Outcome(enum.StrEnum):
    SAVED = "saved"
    STALE = "stale"  # an older save of this tab: nothing written, a newer one is in
    CONFLICT = "conflict"  # saved elsewhere since this tab's version
    SHARED = "shared"  # shared: only an explicit save changes it
    BUSY = "busy"  # another save of this inventory was being written: try again


@dataclass
class AutosaveInput:
    tab: str
    seq: int
    version: int  # the version this tab last knew
    answers: dict[str, str] = field(default_factory=dict)
    energy: int | None = None  # None: not on the page or not chosen, kept as saved
    ratings: dict[str, int] = field(default_factory=dict)  # chosen ones only


@dataclass
class AutosaveResult:
    outcome: Outcome
    version: int | None = None
    saved_at: datetime | None = None


def autosave(user: User, meeting: Meeting, data: AutosaveInput) -> AutosaveResult:
    """Save the typed text and ratings of the member's draft; flushes, the caller commits."""
    require(user, Action.POST_INVENTORY, meeting)
    if meeting.is_cancelled:
        raise DomainError(_l("This session was cancelled."))
    inventory = inventory_services.get_or_create_inventory(user, meeting)
    if inventory.is_shared:
        return AutosaveResult(Outcome.SHARED, inventory.version)
    mark = db.session.get(AutosaveMark, inventory.id)
    own = mark is not None and mark.tab == data.tab
    if own and data.seq <= mark.seq:
        return AutosaveResult(Outcome.STALE, inventory.version, mark.saved_at)
    base = data.version
    if inventory.version != base:
        if not (own and mark.version == inventory.version):
            return AutosaveResult(Outcome.CONFLICT, inventory.version)
        base = inventory.version  # this tab's own autosave made it, an answer came late
    if not inventory_services.claim_version(inventory, base):
        return AutosaveResult(Outcome.BUSY, inventory.version)
    now = utcnow()
    _apply(inventory, data)
    inventory.updated_at = now
    if mark is None:
        mark = AutosaveMark(inventory_id=inventory.id)
        db.session.add(mark)
    mark.tab, mark.seq, mark.version, mark.saved_at = data.tab, data.seq, inventory.version, now
    db.session.flush()
    return AutosaveResult(Outcome.SAVED, inventory.version, now)


def _apply(inventory: Inventory, data: AutosaveInput) -> None:
    """Answers sent are written (an emptied one removed); answers not sent are kept."""
    answers = dict(inventory.answers)
    rendered = dict(inventory.answers_html)
    for key, text in data.answers.items():
        text = text.strip()
        if not text:
            answers.pop(key, None)
            rendered.pop(key, None)
        elif answers.get(key) != text:
            answers[key] = text
            rendered[key] = render_markdown(text)
    inventory.answers, inventory.answers_html = answers, rendered
    if data.energy is not None:
        inventory.energy = data.energy
    for area, value in data.ratings.items():
        setattr(inventory, f"rating_{area}", value)


def parse(form_data, allowed_answers: set[str]) -> AutosaveInput | None:
    """The autosave a page sent (its form's fields, its tab and sequence), or None when it
    is not one: no tab, no sequence, text past its length."""
    tab = (form_data.get("autosave_tab") or "").strip()
    try:
        seq = int(form_data.get("autosave_seq", ""))
        version = int(form_data.get("version") or 0)
    except ValueError:
        return None
    if not tab or len(tab) > 40 or not (0 < seq < 2**31) or not (0 <= version < 2**31):
        return None
    data = AutosaveInput(tab=tab, seq=seq, version=version)
    for name, value in form_data.items():
        key = name.removeprefix("answer_")
        if name.startswith("answer_") and key in allowed_answers:
            limit = NOTE_LIMIT if key.startswith("state_") else TEXT_LIMIT
            if len(value) > limit:
                return None
            data.answers[key] = value
    data.energy = _rating(form_data.get("energy"))
    for area in RATING_AREAS:
        value = _rating(form_data.get(f"rating_{area}"))
        if value is not None:
            data.ratings[area] = value
    return data


def _rating(value) -> int | None:
    return int(value) if value in {"1", "2", "3", "4", "5"} else None
