"""The short form: energy, the cohort's five core questions and the ask.

A member chooses it (or the full form) for themselves; otherwise the cohort's default holds.
Saving the short form keeps every answer it does not show (see InventoryInput.partial).
"""

from ..auth.models import User
from ..cohorts.models import Cohort
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories.models import RATING_AREAS, Inventory
from ..inventories.sections import Kind, Section
from ..permissions import Action, require
from .autosave import NOTE_LIMIT, TEXT_LIMIT
from .models import ShortFormSetting, WritingPreference

CORE_SIZE = 5
DEFAULT_CORE = ("did", "praised", "keep_problem", "learned", "try")
ALWAYS = ("energy", "feedback_ask")  # every short form has these


def setting(cohort: Cohort) -> ShortFormSetting | None:
    return db.session.get(ShortFormSetting, cohort.id)


def core_keys(cohort: Cohort) -> tuple[str, ...]:
    chosen = setting(cohort)
    return tuple(chosen.core_sections) if chosen else DEFAULT_CORE


def uses_short_form(user: User, cohort: Cohort) -> bool:
    """The member's own choice, or the cohort's default."""
    preference = db.session.get(WritingPreference, user.id)
    if preference is not None:
        return preference.short_form
    chosen = setting(cohort)
    return bool(chosen and chosen.default_short)


def short_sections(sections: list[Section], cohort: Cohort) -> list[Section]:
    core = core_keys(cohort)
    return [section for section in sections if section.key in ALWAYS or section.key in core]


def carried_answers(
    every: list[Section], shown: list[Section], inventory: Inventory | None, posted
) -> dict[str, str]:
    """The answers of the sections the short form leaves out: as the page posted them when it
    did, else as saved. Empty for the full form."""
    shown_keys = {section.key for section in shown}
    keys = []
    for section in every:
        if section.key in shown_keys:
            continue
        keys.append(section.key)
        if section.kind == Kind.STATE:
            keys += [f"state_{area}" for area in RATING_AREAS]
    saved = inventory.answers if inventory else {}
    carried = {}
    for key in keys:
        value = posted.get(f"answer_{key}")
        limit = NOTE_LIMIT if key.startswith("state_") else TEXT_LIMIT
        carried[key] = value[:limit] if isinstance(value, str) else saved.get(key, "")
    return {key: value for key, value in carried.items() if value or key in saved}


def choosable(sections: list[Section]) -> list[Section]:
    """Sections an organizer may mark as core: the written questions of the template."""
    return [
        section
        for section in sections
        if section.kind == Kind.TEXT and not section.hidden and section.key not in ALWAYS
    ]


def choose_form(user: User, short: bool) -> None:
    preference = db.session.get(WritingPreference, user.id)
    if preference is None:
        preference = WritingPreference(user_id=user.id)
        db.session.add(preference)
    preference.short_form = short
    db.session.flush()


def save_setting(user: User, cohort: Cohort, core: list[str], default_short: bool) -> None:
    require(user, Action.MANAGE, cohort)
    if not 1 <= len(core) <= CORE_SIZE:
        raise DomainError(_l("Choose between one and five core questions."))
    chosen = setting(cohort)
    if chosen is None:
        chosen = ShortFormSetting(cohort_id=cohort.id)
        db.session.add(chosen)
    chosen.core_sections = list(core)
    chosen.default_short = default_short
    db.session.flush()
