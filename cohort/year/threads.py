"""Threads through a year of free text: Try items that became habits, Problems that came back.

A Try item (one line or sentence of a month's "Try" section) became a habit when a later
month's Keep part (of "Keep / Problem") says much the same thing. A Problem came back when
the Problem parts of two or more months say much the same thing. "Much the same" is a
similarity of words (for Latin scripts) and character pairs (for Japanese and Chinese),
so it works in both languages without a dictionary.
"""

import re
from dataclasses import dataclass, field

KEEP = re.compile(r"\*{0,2}\s*keep\s*[:：]\s*\*{0,2}", re.IGNORECASE)
PROBLEM = re.compile(r"\*{0,2}\s*problem\s*[:：]\s*\*{0,2}", re.IGNORECASE)
ITEM_SPLIT = re.compile(r"(?:\n+|(?<=[.!?])\s+|(?<=[。！？]))")
LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
WORD = re.compile(r"[a-z\u00c0-\u024f]{4,}")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
SIMILAR = 0.35  # Dice coefficient of the two texts' features


def split_keep_problem(text: str) -> tuple[str, str]:
    """(Keep, Problem) of a "Keep / Problem" answer; all of it is Keep without the labels."""
    text = text or ""
    keep_at, problem_at = KEEP.search(text), PROBLEM.search(text)
    if problem_at is None:
        return (KEEP.sub("", text).strip() if keep_at else text.strip()), ""
    before, after = text[: problem_at.start()], text[problem_at.end() :]
    return KEEP.sub("", before).strip(), KEEP.split(after)[0].strip()


def items(text: str) -> list[str]:
    """The lines or sentences of a short answer, without list marks or Markdown emphasis."""
    found = []
    for part in ITEM_SPLIT.split(text or ""):
        part = LIST_MARK.sub("", part).replace("**", "").strip()
        if len(part) >= 4:
            found.append(part)
    return found


def features(text: str) -> set[str]:
    lowered = text.lower()
    words = set(WORD.findall(lowered))
    pairs = {run[i : i + 2] for run in CJK.findall(lowered) for i in range(len(run) - 1)}
    return words | pairs


def similarity(a: str, b: str) -> float:
    left, right = features(a), features(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


@dataclass
class Habit:
    tried: str
    tried_in: object  # the Month it was tried in
    kept: str
    kept_in: object


@dataclass
class Recurring:
    text: str  # the latest wording
    months: list = field(default_factory=list)  # the Months it came up in, oldest first


def habits(months: list, tries: dict, keeps: dict) -> list[Habit]:
    """Try items that a later month keeps. ``tries`` and ``keeps``: month index → text."""
    found = []
    for index, month in enumerate(months):
        for tried in items(tries.get(index, "")):
            match = _first_later(tried, index, months, keeps)
            if match is not None:
                found.append(Habit(tried, month, match[1], match[0]))
    return found


def _first_later(tried: str, index: int, months: list, keeps: dict):
    for later in range(index + 1, len(months)):
        for kept in items(keeps.get(later, "")):
            if similarity(tried, kept) >= SIMILAR:
                return months[later], kept
    return None


def recurring(months: list, problems: dict) -> list[Recurring]:
    """Problems said in much the same words in two or more months."""
    threads: list[Recurring] = []
    for index, month in enumerate(months):
        for problem in items(problems.get(index, "")):
            thread = next(
                (
                    t
                    for t in threads
                    if month not in t.months and similarity(t.text, problem) >= SIMILAR
                ),
                None,
            )
            if thread is None:
                threads.append(Recurring(problem, [month]))
            else:
                thread.text = problem
                thread.months.append(month)
    return [thread for thread in threads if len(thread.months) > 1]
