"""What every companion engine is given and gives back.

An engine reads one member's draft and returns one to three short questions about it: never
advice, never a rewrite of the member's words. ``Draft`` holds only that member's own text.
"""

from dataclasses import dataclass, field
from typing import Protocol

MAX_QUESTIONS = 3


class Kind:
    """Why a question was asked (tests and the page's markup use these names)."""

    VAGUE = "vague"  # a vague word with no example
    MEASURE = "measure"  # a goal or plan with no number or date
    PROBLEM_TRY = "problem_try"  # a Problem named, no Try written
    REPEATED_TRY = "repeated_try"  # this Try was planned twice or more before
    ASK_CONTEXT = "ask_context"  # a feedback ask without the situation behind it
    LOW_ENERGY = "low_energy"  # low energy and no blocker written
    LAST_TRY = "last_try"  # an empty answer: how did last month's Try go?
    ELSEWHERE = "elsewhere"  # an empty answer: what was written in another section
    BANK = "bank"  # the cohort's own question bank
    OPEN = "open"  # nothing else applies
    MODEL = "model"  # written by the model engine


@dataclass(frozen=True)
class Question:
    kind: str
    text: str


@dataclass(frozen=True)
class SectionText:
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class Draft:
    """The member's own draft as typed so far, and what the rules compare it with."""

    section: str  # the key of the answer the member asked about
    sections: tuple[SectionText, ...]  # every visible section with its text, in order
    energy: int | None = None
    last_try: str = ""  # last month's Try
    earlier_tries: tuple[str, ...] = ()  # the Try of every earlier month, newest first
    bank: tuple[str, ...] = ()  # the cohort's deepening questions for this section
    seen: frozenset[str] = field(default_factory=frozenset)  # already shown: ask something else

    def text(self, key: str) -> str:
        for section in self.sections:
            if section.key == key:
                return section.text.strip()
        return ""

    @property
    def current(self) -> SectionText:
        for section in self.sections:
            if section.key == self.section:
                return section
        return SectionText(self.section, self.section, "")


class EngineUnavailable(Exception):
    """The engine could not answer (time-out, error, refusal, no question): use another.

    The message names what went wrong, never any of the draft's text."""


class Engine(Protocol):
    name: str

    def ask(self, draft: Draft) -> list[Question]:
        """One to three questions, or EngineUnavailable."""
        ...


def pick(candidates: list[Question], seen: frozenset[str]) -> list[Question]:
    """The first questions not shown yet (all of them again once every one was shown)."""
    unique: list[Question] = []
    for question in candidates:
        if question.text not in {q.text for q in unique}:
            unique.append(question)
    fresh = [q for q in unique if q.text not in seen] or unique
    return fresh[:MAX_QUESTIONS]
