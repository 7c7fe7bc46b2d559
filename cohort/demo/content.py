"""The demo's story, read from TOML under ``content/<locale>/`` and checked before use.

Each cohort has ``cohort.toml`` (the cohort and its roster) and one file per writing member,
named after their key. A person file holds what they carry from month to month (WILL, CAN and
MUST, tactics, goals) and one ``[[months]]`` table per past session (1 = the oldest), each
with the feedback that month's inventory received; an optional ``[next]`` table is their draft
or shared inventory for the coming session. Who gives each piece of feedback is decided by the
rotation when the demo is built, so feedback is written so that any peer could have given it;
``owes_feedback`` lists the months in which a person gives none of the feedback asked of them.

``python -m cohort.demo.content`` checks every file and prints what is wrong.
"""

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONTENT = Path(__file__).parent / "content"
PAST_MONTHS = 6
AREAS = ("skills", "experience", "network", "money", "time")
TEXT_SECTIONS = ("did", "praised", "keep_problem", "learned", "try", "feedback_ask", "blockers")
CARRIED_TEXT = ("will", "can_must", "tactics", "options")
FEEDBACK_MINIMUMS = {"ask_answer": 20, "situation": 10, "behaviour": 10, "impact": 10,
                     "question": 10}  # fmt: skip
ROLES = ("organizer", "member", "mentor")


class ContentError(ValueError):
    """The demo content breaks a rule; the message lists every problem found."""


@dataclass
class Person:
    key: str
    name: str
    role: str
    bio: str
    data: dict = field(default_factory=dict)  # the person file (empty for mentors)

    @property
    def writes(self) -> bool:
        return self.role != "mentor"


@dataclass
class CohortStory:
    locale: str
    cohort: dict
    people: list[Person]

    def person(self, key: str) -> Person:
        return next(person for person in self.people if person.key == key)


def load(locale: str, root: Path = CONTENT) -> CohortStory:
    """The checked story of the demo cohort in ``locale``; raises ContentError."""
    folder = root / locale
    raw = _read(folder / "cohort.toml")
    people = [
        Person(key=p["key"], name=p["name"], role=p["role"], bio=p.get("bio", ""))
        for p in raw.get("people", [])
    ]
    for person in people:
        path = folder / f"{person.key}.toml"
        if person.writes and path.exists():
            person.data = _read(path)
    story = CohortStory(locale=locale, cohort=raw.get("cohort", {}), people=people)
    problems = check(story)
    if problems:
        raise ContentError(f"demo content ({locale}):\n" + "\n".join(problems))
    return story


def locales(root: Path = CONTENT) -> list[str]:
    return sorted(path.name for path in root.iterdir() if (path / "cohort.toml").exists())


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: {error}") from None


# Checks -----------------------------------------------------------------------------------


def check(story: CohortStory) -> list[str]:
    """Every rule the builder relies on, as a list of readable problems."""
    from ..feedback.traits import TRAITS

    problems = _check_cohort(story)
    for person in story.people:
        if person.writes and person.data:
            where = f"{story.locale}/{person.key}.toml"
            problems += [f"{where}: {p}" for p in _check_person(person, set(TRAITS))]
    return problems


def _check_cohort(story: CohortStory) -> list[str]:
    problems = []
    for name in ("name", "description", "timezone", "rhythm_week", "rhythm_weekday",
                 "rhythm_start", "rhythm_minutes", "agenda"):  # fmt: skip
        if name not in story.cohort:
            problems.append(f"cohort.toml: [cohort] needs {name}")
    roles = [person.role for person in story.people]
    if any(role not in ROLES for role in roles):
        problems.append(f"cohort.toml: roles must be one of {ROLES}")
    if roles.count("organizer") < 1 or roles.count("mentor") < 1:
        problems.append("cohort.toml: needs an organizer and a mentor")
    if not 6 <= len(story.people) <= 12:
        problems.append("cohort.toml: a demo cohort has 6–12 people")
    for person in story.people:
        if person.writes and not person.data:
            problems.append(f"{person.key}.toml is missing")
    return problems


def _check_person(person: Person, traits: set[str]) -> list[str]:
    data = person.data
    problems = []
    if data.get("key") != person.key:
        problems.append(f"key must be {person.key!r}")
    for name in ("will", "can_must", "tactics"):
        if not str(data.get(name, "")).strip():
            problems.append(f"{name} is empty")
    problems += _check_traits(data.get("self_traits", []), traits, "self_traits")
    goals = {goal.get("key"): goal for goal in data.get("goals", [])}
    if not goals:
        problems.append("needs at least one [[goals]]")
    for key, goal in goals.items():
        if not goal.get("title") or len(goal["title"]) > 200:
            problems.append(f"goal {key}: title is empty or longer than 200 characters")
    paused = set(data.get("paused", []))
    if not set(data.get("owes_feedback", [])) <= set(range(1, PAST_MONTHS + 1)) - paused:
        problems.append(f"owes_feedback must list months 1–{PAST_MONTHS} that are not paused")
    months = data.get("months", [])
    numbers = [month.get("month") for month in months]
    expected = [n for n in range(1, PAST_MONTHS + 1) if n not in paused]
    if numbers != expected:
        problems.append(f"[[months]] must be months {expected} in order, found {numbers}")
    open_tasks: set[str] = set()
    for month in months:
        found = _check_month(month, goals, open_tasks, traits, past=True)
        problems += [f"month {month.get('month')}: {problem}" for problem in found]
    if "next" in data:
        if data["next"].get("status") not in ("draft", "shared"):
            problems.append("[next] status must be draft or shared")
        found = _check_month(data["next"], goals, open_tasks, traits, past=False)
        problems += [f"next: {problem}" for problem in found]
    return problems


def _check_month(month, goals, open_tasks, traits, past) -> list[str]:
    problems = []
    energy = month.get("energy")
    if not isinstance(energy, int) or not 1 <= energy <= 5:
        problems.append("energy must be 1–5")
    ratings = month.get("ratings", {})
    if set(ratings) != set(AREAS) or not all(
        isinstance(v, int) and 1 <= v <= 5 for v in ratings.values()
    ):
        problems.append(f"ratings must rate each of {AREAS} from 1 to 5")
    for name in ("did", "keep_problem", "try"):
        if not str(month.get(name, "")).strip():
            problems.append(f"{name} is empty")
    for item in month.get("progress", []):
        if item.get("goal") not in goals:
            problems.append(f"progress names unknown goal {item.get('goal')!r}")
        if not isinstance(item.get("percent"), int) or not 0 <= item["percent"] <= 100:
            problems.append("progress percent must be 0–100")
    for title in [*month.get("tasks_done", []), *month.get("tasks_dropped", [])]:
        if title not in open_tasks:
            problems.append(f"task {title!r} is not an open task from an earlier month")
        open_tasks.discard(title)
    if month.get("tasks_goal") and month["tasks_goal"] not in goals:
        problems.append(f"tasks_goal names unknown goal {month['tasks_goal']!r}")
    for title in month.get("tasks_new", []):
        if len(title) > 200:
            problems.append(f"task title longer than 200 characters: {title[:30]}…")
        open_tasks.add(title)
    feedback = month.get("feedback", [])
    if past and len(feedback) < 1:
        problems.append("a past month needs [[months.feedback]]")
    for index, piece in enumerate(feedback, 1):
        problems += [f"feedback {index}: {p}" for p in _check_feedback(piece, month, traits)]
    return problems


def _check_feedback(piece: dict, month: dict, traits: set[str]) -> list[str]:
    problems = []
    for part, minimum in FEEDBACK_MINIMUMS.items():
        if part == "ask_answer" and not month.get("feedback_ask"):
            continue
        if len(str(piece.get(part, "")).strip()) < minimum:
            problems.append(f"{part} needs at least {minimum} characters")
    problems += _check_traits(piece.get("traits", []), traits, "traits")
    if piece.get("reply") is not None and not str(piece["reply"]).strip():
        problems.append("reply is empty")
    return problems


def _check_traits(picked: list, traits: set[str], name: str) -> list[str]:
    unknown = [trait for trait in picked if trait not in traits]
    problems = [f"{name}: unknown trait {trait!r}" for trait in unknown]
    if not 1 <= len(picked) <= 3:
        problems.append(f"{name}: pick 1 to 3")
    return problems


def main() -> int:
    failed = False
    for locale in locales():
        try:
            story = load(locale)
        except ContentError as error:
            print(error)
            failed = True
        else:
            writers = sum(person.writes for person in story.people)
            print(f"{locale}: {len(story.people)} people, {writers} writing: all good")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
