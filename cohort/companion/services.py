"""Companion use cases: the organizer's and the member's choices, and asking for questions.

Each checks permissions and flushes; the caller commits.
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory, InventoryStatus
from ..inventories.organizing import prompts_for, template_sections
from ..inventories.sections import Kind as SectionKind
from ..inventories.sections import resolve_sections
from ..meetings.models import Meeting
from ..permissions import Action, require
from .engine import Draft, EngineUnavailable, Question, SectionText
from .model import ModelEngine, ModelSettings
from .models import CohortCompanion, CompanionMode, CompanionPreference
from .rules import RulesEngine

EARLIER_MONTHS = 12  # earlier inventories compared with this month's Try
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def model_settings() -> ModelSettings | None:
    return ModelSettings.from_config(current_app.config)


def cohort_mode(cohort: Cohort) -> CompanionMode:
    row = db.session.get(CohortCompanion, cohort.id)
    return row.mode if row else CompanionMode.BUILTIN


def set_cohort_mode(actor: User, cohort: Cohort, mode: CompanionMode) -> None:
    require(actor, Action.MANAGE, cohort)
    row = db.session.get(CohortCompanion, cohort.id)
    if row is None:
        db.session.add(CohortCompanion(cohort_id=cohort.id, mode=mode))
    else:
        row.mode = mode
    db.session.flush()


def preference(user: User) -> CompanionPreference:
    """The member's choice; off (and not stored) until they make one."""
    return db.session.get(CompanionPreference, user.id) or CompanionPreference(
        user_id=user.id, enabled=False, use_model=False
    )


def update_preference(user: User, enabled: bool, use_model: bool) -> None:
    row = db.session.get(CompanionPreference, user.id)
    if row is None:
        row = CompanionPreference(user_id=user.id)
        db.session.add(row)
    row.enabled = enabled
    row.use_model = enabled and use_model
    db.session.flush()


@dataclass(frozen=True)
class Availability:
    """What the inventory form offers this member in this cohort."""

    offered: bool  # the cohort has the companion
    enabled: bool  # and the member turned it on: the buttons show
    model: bool  # the model engine may answer


def availability(user: User, cohort: Cohort) -> Availability:
    mode = cohort_mode(cohort)
    choice = preference(user)
    offered = mode != CompanionMode.OFF
    enabled = offered and choice.enabled
    model = (
        enabled
        and choice.use_model
        and mode == CompanionMode.MODEL
        and model_settings() is not None
    )
    return Availability(offered, enabled, model)


@dataclass(frozen=True)
class Reply:
    section: str
    questions: list[Question]
    engine: str


def ask(
    user: User,
    meeting: Meeting,
    answers: dict[str, str],
    energy: int | None,
    section: str,
    seen: frozenset[str] = frozenset(),
) -> Reply:
    """One to three questions about ``section`` of the member's draft as typed."""
    require(user, Action.POST_INVENTORY, meeting)
    state = availability(user, meeting.cohort)
    if not state.enabled:
        raise DomainError(_l("The companion is off. You can turn it on in your settings."))
    draft = build_draft(user, meeting, answers, energy, section, seen)
    if state.model:
        engine = ModelEngine(model_settings(), str(get_locale()), redactor(user, meeting.cohort))
        try:
            return Reply(section, engine.ask(draft), engine.name)
        except EngineUnavailable as reason:
            # The reason names the failure only; the draft is never logged.
            current_app.logger.info("companion: model engine unavailable (%s)", reason)
    builtin = RulesEngine()
    return Reply(section, builtin.ask(draft), builtin.name)


def _text_sections(user: User, meeting: Meeting) -> list:
    inventory = db.session.scalar(
        select(Inventory).where(Inventory.meeting_id == meeting.id, Inventory.user_id == user.id)
    )
    raw = inventory.template.sections if inventory else template_sections(meeting.cohort)
    return [s for s in resolve_sections(raw) if not s.hidden]


def earlier_tries(user: User, meeting: Meeting) -> list[str]:
    """The Try of the member's earlier inventories in this cohort, newest first."""
    rows = db.session.scalars(
        select(Inventory.answers)
        .join(Meeting, Inventory.meeting_id == Meeting.id)
        .where(
            Inventory.user_id == user.id,
            Inventory.cohort_id == meeting.cohort_id,
            Inventory.status != InventoryStatus.PAUSED,
            Meeting.starts_at < meeting.starts_at,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(EARLIER_MONTHS)
    )
    return [(answers or {}).get("try", "") for answers in rows]


def build_draft(
    user: User,
    meeting: Meeting,
    answers: dict[str, str],
    energy: int | None,
    section: str,
    seen: frozenset[str],
) -> Draft:
    sections = _text_sections(user, meeting)
    if section not in {s.key for s in sections}:
        raise DomainError(_l("This section is not part of your inventory."))
    tries = earlier_tries(user, meeting)
    has_energy = any(s.kind == SectionKind.ENERGY for s in sections)
    return Draft(
        section=section,
        sections=tuple(SectionText(s.key, s.title, answers.get(s.key) or "") for s in sections),
        energy=energy if has_energy else None,
        last_try=tries[0] if tries else "",
        earlier_tries=tuple(t for t in tries if t.strip()),
        bank=tuple(prompts_for(meeting.cohort).get(section, ())),
        seen=seen,
    )


def redactor(user: User, cohort: Cohort):
    """Replaces email addresses and the names of the cohort's members (the asker's own too)
    before anything leaves for the model service."""
    names = set(
        db.session.scalars(
            select(User.display_name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort.id, Membership.status == MembershipStatus.ACTIVE)
        )
    )
    names.add(user.display_name)
    words = {word for name in names for word in [name, *name.split()] if len(word) >= 2}
    pattern = re.compile("|".join(map(_name_pattern, sorted(words, key=len, reverse=True))), re.I)

    def redact(text: str) -> str:
        text = EMAIL.sub("[email]", text)
        return pattern.sub("[name]", text) if words else text

    return redact


def _name_pattern(word: str) -> str:
    """A whole word in scripts with spaces ("Tom", not "tomorrow"); anywhere in Japanese."""
    if word.isascii():
        return rf"(?<![\w-]){re.escape(word)}(?![\w-])"
    return re.escape(word)


def pinned(answer: str, question: str) -> str:
    """The answer with the question added as a Markdown heading to write under."""
    question = " ".join(question.split()).lstrip("#").strip()
    text = answer.rstrip()
    return (f"{text}\n\n" if text else "") + f"### {question}\n\n"
