"""The default inventory sections and the default bank of deepening questions.

Built-in sections are identified by key and shown in the reader's language; organizers may
rename, reorder, hide them and add questions of their own (see InventoryTemplate).
"""

import json
from dataclasses import dataclass
from functools import lru_cache

from flask import has_request_context
from flask_babel import get_locale

from ..i18n import lazy_gettext as _l
from .models import RATING_AREAS


class Kind:
    TEXT = "text"
    ENERGY = "energy"  # a 1–5 rating and one line
    GOALS = "goals"  # progress per active goal, and new goals
    STATE = "state"  # a 1–5 rating and a note for each current-state area
    TASKS = "tasks"  # last month's open tasks: done / carried / dropped, and new tasks


@dataclass(frozen=True)
class BuiltinSection:
    key: str
    kind: str
    title: object  # a lazy string
    help: object


BUILTIN_SECTIONS: tuple[BuiltinSection, ...] = (
    BuiltinSection("energy", Kind.ENERGY, _l("Energy this month"),
                   _l("How much energy did you have this month? One line on why.")),
    BuiltinSection("will", Kind.TEXT, _l("WILL — what I want to realise"),
                   _l("What would you like your work to make possible, for you and others?")),
    BuiltinSection("goals", Kind.GOALS, _l("Goals"),
                   _l("Specific, measurable, with a date. Record this month's progress.")),
    BuiltinSection("state", Kind.STATE, _l("Where I stand now"),
                   _l("Rate each area from 1 to 5 and add a short note.")),
    BuiltinSection("can_must", Kind.TEXT, _l("CAN and MUST"),
                   _l("Strengths to use and weak spots to work on; what is expected of you.")),
    BuiltinSection("tactics", Kind.TEXT, _l("Tactics"),
                   _l("How you plan to get from where you are to your goals.")),
    BuiltinSection("tasks", Kind.TASKS, _l("Last month's tasks"),
                   _l("For each task: done, carried over to next month, or dropped.")),
    BuiltinSection("did", Kind.TEXT, _l("What I did"),
                   _l("The facts of your month: what you worked on, met, made, finished.")),
    BuiltinSection("praised", Kind.TEXT, _l("What went well or was praised"), None),
    BuiltinSection("keep_problem", Kind.TEXT, _l("Keep / Problem"),
                   _l("What to keep doing, and what got in the way.")),
    BuiltinSection("learned", Kind.TEXT, _l("What I learned"), None),
    BuiltinSection("try", Kind.TEXT, _l("Try — next month's plan"),
                   _l("What you will try next month. Next month's inventory starts from it.")),
    BuiltinSection("options", Kind.TEXT, _l("Options I am considering"), None),
    BuiltinSection("feedback_ask", Kind.TEXT, _l("What I want feedback on"),
                   _l("Peers answer this first. A specific question gets a specific answer.")),
    BuiltinSection("blockers", Kind.TEXT, _l("Blockers and help wanted"), None),
)  # fmt: skip

BUILTIN = {section.key: section for section in BUILTIN_SECTIONS}

AREA_LABELS = {
    "skills": _l("Skills"),
    "experience": _l("Experience"),
    "network": _l("Network"),
    "money": _l("Money"),
    "time": _l("Time"),
}
assert tuple(AREA_LABELS) == RATING_AREAS

# The sections shown on a session's month page as a card for each shared inventory.
CARD_SECTIONS = ("did", "praised", "learned", "try", "feedback_ask")

DEFAULT_PROMPTS: dict[str, tuple] = {
    "energy": (
        _l("When this month did you feel a sense of achievement?"),
        _l("What gave you energy, and what took it away?"),
    ),
    "will": (
        _l("When did you feel most rewarded at work?"),
        _l("What would you like to contribute to society?"),
        _l("What absorbs you outside work?"),
    ),
    "goals": (
        _l("How will you know this goal is reached?"),
        _l("Which goal matters most this month, and why?"),
    ),
    "state": (
        _l("Which skills come easily to you?"),
        _l("Who did you meet this month that you would like to meet again?"),
        _l("Where did your time go this month?"),
    ),
    "can_must": (
        _l("What do others rely on you for?"),
        _l("What is expected of you that you have not said out loud?"),
    ),
    "tactics": (_l("What is the smallest next step that would move things forward?"),),
    "tasks": (_l("Why did the dropped tasks stop mattering?"),),
    "did": (_l("What did you finish that you had put off?"),),
    "praised": (_l("What did someone thank you for?"),),
    "keep_problem": (_l("What got in the way more than once?"),),
    "learned": (
        _l("What would you tell yourself a month ago?"),
        _l("What surprised you this month?"),
    ),
    "try": (_l("What will you try that you have not tried before?"),),
    "options": (_l("Which option would you regret not exploring?"),),
    "feedback_ask": (_l("Where would an outside view help you most?"),),
    "blockers": (_l("Who in the cohort could help with this?"),),
}


def default_template_sections() -> list[dict]:
    """The starting template: every built-in section, in the default order, none hidden."""
    return [
        {"key": section.key, "title": None, "help": None, "hidden": False, "custom": False}
        for section in BUILTIN_SECTIONS
    ]


@dataclass(frozen=True)
class Section:
    """One section of a template as a reader sees it, in their language."""

    key: str
    kind: str
    title: str
    help: str
    hidden: bool
    custom: bool


def resolve_sections(raw: list[dict]) -> list[Section]:
    """The template's stored sections with titles and help in the current language.

    Pages resolve the same few templates over and over, and a template's sections in a
    language never change (editing a template adds a new one): each is translated once per
    process and language."""
    if not has_request_context():
        return _resolve(raw)
    return list(_resolved(json.dumps(raw, sort_keys=True), str(get_locale())))


@lru_cache(maxsize=256)
def _resolved(raw: str, locale: str) -> tuple[Section, ...]:
    """``locale`` is the request's: it names the language the titles are translated into."""
    return tuple(_resolve(json.loads(raw)))


def _resolve(raw: list[dict]) -> list[Section]:
    sections = []
    for item in raw:
        builtin = BUILTIN.get(item["key"]) if not item.get("custom") else None
        sections.append(
            Section(
                key=item["key"],
                kind=builtin.kind if builtin else Kind.TEXT,
                title=item.get("title") or (str(builtin.title) if builtin else item["key"]),
                help=item.get("help") or (str(builtin.help) if builtin and builtin.help else ""),
                hidden=bool(item.get("hidden")),
                custom=bool(item.get("custom")),
            )
        )
    return sections
