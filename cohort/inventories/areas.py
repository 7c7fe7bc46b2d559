"""Parts of life: the tags a member gives goals and tasks (main job, parallel career, …), and
how a month's time and energy split across them.

A cohort keeps the built-in list (shown in each reader's language) until an organizer edits
it; from then on it stores each part's key with its English and Japanese labels. Keys stay
put when labels change, so tags already given keep their meaning.
"""

import re
from dataclasses import dataclass

from flask import has_request_context
from flask_babel import force_locale, get_locale

from ..cohorts.models import Cohort
from ..i18n import lazy_gettext as _l

BUILTIN_AREAS: tuple[tuple[str, object], ...] = (
    ("main_job", _l("Main job")),
    ("parallel", _l("Parallel career")),
    ("side_income", _l("Side income")),
    ("learning", _l("Learning")),
    ("life", _l("Life")),
)
MAX_AREAS = 8
LABEL_LENGTH = 40
KEY_LENGTH = 40
SPLIT_MAX = 5  # each part is rated from 0 (none of my time) to 5 (most of it)
LANGUAGES = ("en", "ja")
_KEY_CHARACTERS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class LifeArea:
    key: str
    label: str  # in the reader's language


def _language() -> str:
    return str(get_locale().language) if has_request_context() and get_locale() else "en"


def stored_builtin_areas() -> list[dict]:
    """The built-in list as an organizer starts editing it: each key with both labels."""
    areas = []
    for key, label in BUILTIN_AREAS:
        item = {"key": key}
        for language in LANGUAGES:
            with force_locale(language):
                item[language] = str(label)
        areas.append(item)
    return areas


def life_areas(cohort: Cohort) -> list[LifeArea]:
    """The cohort's parts of life, in the reader's language."""
    if not cohort.life_areas:
        return [LifeArea(key, str(label)) for key, label in BUILTIN_AREAS]
    language = _language()
    return [
        LifeArea(item["key"], item.get(language) or item.get("en") or item.get("ja") or item["key"])
        for item in cohort.life_areas
        if isinstance(item, dict) and item.get("key")
    ]


def area_labels(cohort: Cohort) -> dict[str, str]:
    return {area.key: area.label for area in life_areas(cohort)}


def clean_area(cohort: Cohort, key: str | None) -> str | None:
    """The key if it names one of the cohort's parts of life, else None."""
    return key if key and key in area_labels(cohort) else None


def clean_split(cohort: Cohort, split: dict | None) -> dict[str, int] | None:
    """Only the cohort's parts, each 0–5; None when nothing was rated."""
    keys = area_labels(cohort)
    cleaned = {}
    for key, value in (split or {}).items():
        if key in keys and isinstance(value, int) and 0 <= value <= SPLIT_MAX:
            cleaned[key] = value
    return cleaned or None


@dataclass(frozen=True)
class SplitPart:
    key: str
    label: str
    value: int
    percent: int  # of the month's rated total, for the bar


def split_parts(cohort: Cohort, split: dict | None) -> list[SplitPart]:
    """A rated split as parts in the cohort's order, with each one's share of the total; parts
    no longer in the list keep their key as label."""
    if not split:
        return []
    labels = area_labels(cohort)
    order = [key for key in labels if key in split] + [key for key in split if key not in labels]
    total = sum(split[key] for key in order) or 1
    return [
        SplitPart(key, labels.get(key, key), split[key], round(100 * split[key] / total))
        for key in order
        if split[key]
    ]


def key_from_label(label: str, taken: set[str]) -> str:
    """A stable key for a new part: its English label in lower case letters and digits, or a
    numbered key when that gives nothing (a Japanese-only label)."""
    base = _KEY_CHARACTERS.sub("_", label.lower()).strip("_")[: KEY_LENGTH - 3] or "area"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key
