"""The shared list of blind-spot traits.

Members pick traits they see in themselves (in their inventory's CAN section); peers pick one
to three they saw in the member (in feedback). Comparing the two shows what is known to both,
what only peers see (a blind spot) and what only the member sees. Keys are stored and never
change; labels follow the reader's language.
"""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice

from ..errors import DomainError
from ..i18n import lazy_gettext as _l

TRAITS = {
    "calm_under_pressure": _l("Calm under pressure"),
    "explains_clearly": _l("Explains clearly"),
    "writes_clearly": _l("Writes clearly"),
    "listens_closely": _l("Listens closely"),
    "asks_good_questions": _l("Asks good questions"),
    "follows_through": _l("Follows through"),
    "takes_initiative": _l("Takes initiative"),
    "brings_order": _l("Brings order to messy problems"),
    "sees_big_picture": _l("Sees the big picture"),
    "careful_with_details": _l("Careful with details"),
    "learns_quickly": _l("Learns quickly"),
    "connects_people": _l("Connects people"),
    "encourages_others": _l("Encourages others"),
    "teaches_patiently": _l("Teaches patiently"),
    "decides_with_confidence": _l("Decides with confidence"),
    "curious": _l("Curious about new things"),
    "bounces_back": _l("Bounces back from setbacks"),
    "plans_ahead": _l("Plans ahead"),
    "adapts_to_change": _l("Adapts to change"),
    "new_ideas": _l("Comes up with new ideas"),
    "persuades_with_evidence": _l("Persuades with evidence"),
    "open_about_mistakes": _l("Open about mistakes"),
    "builds_trust": _l("Builds trust quickly"),
    "protects_focus": _l("Protects their focus"),
    "thinks_in_numbers": _l("Thinks in numbers"),
    "keeps_promises": _l("Keeps promises"),
}

MAX_SELF_TRAITS = 5
MAX_FEEDBACK_TRAITS = 3


def trait_label(key: str) -> str:
    """The trait's label in the current language (a retired key shows as itself)."""
    label = TRAITS.get(key)
    return str(label) if label is not None else key


def trait_choices() -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in TRAITS.items()]


def known_traits(keys: Iterable[str]) -> list[str]:
    """The keys that name a trait, each once, in the shared list's order."""
    wanted = set(keys)
    return [key for key in TRAITS if key in wanted]


def clean_self_traits(keys: Iterable[str]) -> list[str]:
    """The traits a member picked for themselves, checked: known keys, at most five."""
    traits = known_traits(keys)
    if len(traits) > MAX_SELF_TRAITS:
        raise DomainError(_l("Pick up to five traits."), "self_traits")
    return traits
