"""The built-in engine: rules over the member's own text, then the cohort's question bank.

Deterministic: the same draft always gives the same questions, in the reader's language.
"""

from ..i18n import gettext as _
from . import signals
from .engine import Draft, Kind, Question, pick

# Answers that set out a plan or a goal: a number or a date makes them checkable.
PLAN_SECTIONS = ("try", "goals", "tactics")
ENERGY_SECTIONS = ("energy", "blockers")
LOW_ENERGY = 2
REPEATS = 2  # a Try planned this many times before


def _vague(draft: Draft) -> list[Question]:
    word = signals.vague_word(draft.current.text)
    if word is None:
        return []
    return [
        Question(
            Kind.VAGUE,
            _("You wrote “%(word)s”. What is one example of it from this month?", word=word),
        )
    ]


def _measure(draft: Draft) -> list[Question]:
    text = draft.current.text.strip()
    if draft.section not in PLAN_SECTIONS or not text or signals.is_measurable(text):
        return []
    return [
        Question(
            Kind.MEASURE,
            _("How will you know you have done it: what number or date would tell you?"),
        )
    ]


def _problem_without_try(draft: Draft) -> list[Question]:
    if draft.section not in ("keep_problem", "try") or draft.text("try"):
        return []
    if not signals.names_a_problem(draft.text("keep_problem")):
        return []
    return [
        Question(
            Kind.PROBLEM_TRY,
            _("You named a problem. What is one small thing you could try about it next month?"),
        )
    ]


def _repeated_try(draft: Draft) -> list[Question]:
    current = draft.text("try")
    if draft.section != "try" or not current:
        return []
    times = sum(1 for earlier in draft.earlier_tries if signals.similar(current, earlier))
    if times < REPEATS:
        return []
    return [
        Question(
            Kind.REPEATED_TRY,
            _("You have planned this Try %(n)s times before. What has stood in its way?", n=times),
        )
    ]


def _ask_without_context(draft: Draft) -> list[Question]:
    text = draft.current.text.strip()
    if draft.section != "feedback_ask" or not text or signals.gives_context(text):
        return []
    return [
        Question(
            Kind.ASK_CONTEXT,
            _("What would a reader need to know about your situation to answer this well?"),
        )
    ]


def _low_energy(draft: Draft) -> list[Question]:
    if draft.section not in ENERGY_SECTIONS or draft.text("blockers"):
        return []
    if draft.energy is None or draft.energy > LOW_ENERGY:
        return []
    return [
        Question(
            Kind.LOW_ENERGY,
            _("Your energy was low this month. What took it away, and what would help?"),
        )
    ]


def _empty_answer(draft: Draft) -> list[Question]:
    """For an empty answer: last month's Try, then what was written elsewhere."""
    if draft.current.text.strip():
        return []
    questions = []
    if draft.last_try.strip():
        questions.append(
            Question(
                Kind.LAST_TRY,
                _(
                    "Last month you planned to try “%(plan)s”. What happened when you did, "
                    "or what stopped you?",
                    plan=signals.excerpt(draft.last_try),
                ),
            )
        )
    written = [s for s in draft.sections if s.key != draft.section and s.text.strip()]
    for other in sorted(written, key=lambda s: -len(s.text.strip()))[:2]:
        questions.append(
            Question(
                Kind.ELSEWHERE,
                _(
                    "Under “%(section)s” you wrote “%(text)s”. How does that connect to this part?",
                    section=other.title,
                    text=signals.excerpt(other.text),
                ),
            )
        )
    return questions


RULES = (
    _vague,
    _measure,
    _problem_without_try,
    _repeated_try,
    _ask_without_context,
    _low_energy,
    _empty_answer,
)


def _open_questions(empty: bool) -> list[Question]:
    if empty:
        return [
            Question(Kind.OPEN, _("What is the first thing that comes to mind for this part?")),
            Question(Kind.OPEN, _("If this part had only one sentence, what would it say?")),
        ]
    return [
        Question(Kind.OPEN, _("What matters most to you in what you wrote here, and why?")),
        Question(Kind.OPEN, _("What would you add if you had five more minutes?")),
    ]


class RulesEngine:
    name = "builtin"

    def candidates(self, draft: Draft) -> list[Question]:
        """Every question the rules would ask, most specific first."""
        questions = [question for rule in RULES for question in rule(draft)]
        questions += [Question(Kind.BANK, text) for text in draft.bank if text.strip()]
        return questions + _open_questions(not draft.current.text.strip())

    def ask(self, draft: Draft) -> list[Question]:
        return pick(self.candidates(draft), draft.seen)
