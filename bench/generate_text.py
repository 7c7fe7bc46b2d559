"""A pool of texts rendered once with the app's own Markdown renderer, reused for every row.

Rendering takes about a millisecond; doing it for half a million inventories would take
longer than the whole load, so each section gets a few dozen texts and rows pick among them.
JSON values are serialized here too, exactly as the app stores them (``json.dumps``).
"""

import json
from dataclasses import dataclass, field
from random import Random

from cohort.markdown import render_markdown

from .generate_copy import Escaped, escape
from .generate_words import (
    FEEDBACK,
    GOAL_WHY,
    GOALS,
    PROGRESS_NOTES,
    SECTIONS,
    TASKS,
    WORDS,
)

LOCALES = ("en", "ja")
PER_SECTION = 30
PER_FEEDBACK_PART = 20
LIST_SECTIONS = ("did", "try")  # written as bullet lists half of the time
ONE_LINE = ("energy", "feedback_ask", "options", "blockers")


def fill(template: str, locale: str, rng: Random) -> str:
    """A template with each placeholder filled from the locale's word lists."""
    words = WORDS[locale]
    return template.format(**{slot: rng.choice(choices) for slot, choices in words.items()})


def compose(templates: list[str], locale: str, rng: Random, section: str = "") -> str:
    """Several paragraphs (or a list) of filled sentences, as a member would write them."""
    joiner = " " if locale == "en" else ""
    if section in ONE_LINE:
        return fill(rng.choice(templates), locale, rng)
    if section in LIST_SECTIONS and rng.random() < 0.5:
        count = rng.randint(2, min(4, len(templates)))
        return "\n".join(f"- {fill(t, locale, rng)}" for t in rng.sample(templates, count))
    paragraphs = []
    for _ in range(rng.randint(2, 3)):
        count = rng.randint(1, min(3, len(templates)))
        paragraphs.append(joiner.join(fill(t, locale, rng) for t in rng.sample(templates, count)))
    return "\n\n".join(paragraphs)


@dataclass
class Rendered:
    """A text and its HTML, each also as a JSON string for the JSON columns."""

    text: str
    html: str
    text_json: str = ""
    html_json: str = ""

    def __post_init__(self) -> None:
        # Escaped for COPY here, once: inventories reuse them hundreds of thousands of times.
        self.text_json = escape(json.dumps(self.text))
        self.html_json = escape(json.dumps(self.html))


def rendered(text: str) -> Rendered:
    return Rendered(text, render_markdown(text))


@dataclass
class LocalePool:
    """Everything one language contributes to the generated data."""

    sections: dict[str, list[Rendered]] = field(default_factory=dict)
    feedback: dict[str, list[Rendered]] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)
    goal_why: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_pool(locale: str, seed: int) -> LocalePool:
    """Render the locale's texts once (a few hundred calls to the app's renderer)."""
    rng = Random(f"{seed}-text-{locale}")  # noqa: S311 (reproducible text, not secrets)
    pool = LocalePool()
    for section, templates in SECTIONS[locale].items():
        pool.sections[section] = [
            rendered(compose(templates, locale, rng, section)) for _ in range(PER_SECTION)
        ]
    for part, templates in FEEDBACK[locale].items():
        pool.feedback[part] = [
            rendered(fill(rng.choice(templates), locale, rng)) for _ in range(PER_FEEDBACK_PART)
        ]
    pool.goals = sorted({fill(rng.choice(GOALS[locale]), locale, rng) for _ in range(80)})
    pool.goal_why = GOAL_WHY[locale]
    pool.tasks = sorted({fill(rng.choice(TASKS[locale]), locale, rng) for _ in range(120)})
    pool.notes = PROGRESS_NOTES[locale]
    return pool


def build_pools(seed: int) -> dict[str, LocalePool]:
    return {locale: build_pool(locale, seed) for locale in LOCALES}


def answers_json(pool: LocalePool, keys: list[str], rng: Random) -> tuple[Escaped, Escaped]:
    """(answers, answers_html) as the app stores them (one JSON object each, same keys),
    already in COPY format."""
    picks = [(key, rng.choice(pool.sections[key])) for key in keys]
    answers = ", ".join([f'"{key}": {item.text_json}' for key, item in picks])
    html = ", ".join([f'"{key}": {item.html_json}' for key, item in picks])
    return Escaped("{" + answers + "}"), Escaped("{" + html + "}")
