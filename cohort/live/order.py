"""Speaking orders: who speaks when. Pure functions over user ids, so every mode can be
checked over many cases (tests/test_live_order.py)."""

import random
from collections.abc import Sequence

from .models import BREAK, CLOSING, OPENING, OrderMode


def speaking_order(
    mode: OrderMode,
    shared: Sequence[int],
    past_openers: Sequence[int | None] = (),
    seed: int | None = None,
) -> list[int]:
    """Everyone in ``shared`` (the order they shared in) exactly once.

    ``past_openers``: who opened the cohort's earlier sessions, the latest first. In the
    rotation nobody opens twice in a row: the opener is whoever opened longest ago (or never);
    the others follow in the order they shared.
    """
    people = list(dict.fromkeys(shared))
    if mode == OrderMode.SHUFFLED:
        random.Random(seed).shuffle(people)  # noqa: S311  (fairness, not secrecy)
        return people
    if mode == OrderMode.ROTATION and people:
        opener = max(people, key=lambda person: _since_opened(person, past_openers))
        return [opener, *(person for person in people if person != opener)]
    return people


def _since_opened(person: int, past_openers: Sequence[int | None]) -> int:
    """How many sessions ago the person last opened (never: more than any)."""
    for distance, opener in enumerate(past_openers):
        if opener == person:
            return distance
    return len(past_openers) + 1


def build_agenda(speakers: Sequence[int], opening: int, break_: int, closing: int) -> list:
    """The agenda: an opening, the speakers with a break halfway, a closing (slots of zero
    minutes are left out)."""
    agenda: list = [OPENING] if opening else []
    half = (len(speakers) + 1) // 2
    for index, speaker in enumerate(speakers):
        if index == half and break_:
            agenda.append(BREAK)
        agenda.append(speaker)
    if break_ and len(speakers) == 1:
        agenda.append(BREAK)
    if closing:
        agenda.append(CLOSING)
    return agenda


def time_box(session_seconds: int, speakers: int, opening: int, break_: int, closing: int) -> int:
    """Seconds per speaker: the session's length less its slots, shared out, a minute at least
    and rounded down to whole minutes once above a minute."""
    if speakers == 0:
        return 60
    left = session_seconds - 60 * (opening + break_ + closing)
    each = max(60, left // speakers)
    return each - each % 60 if each >= 120 else each


def move(agenda: list, person: int, step: int) -> list:
    """The agenda with ``person`` swapped with the speaker ``step`` places away (−1 up,
    +1 down); slots stay where they are. Unchanged at either end."""
    positions = [index for index, item in enumerate(agenda) if isinstance(item, int)]
    speakers = [agenda[index] for index in positions]
    if person not in speakers:
        return list(agenda)
    at = speakers.index(person)
    to = at + step
    if not 0 <= to < len(speakers):
        return list(agenda)
    speakers[at], speakers[to] = speakers[to], speakers[at]
    moved = list(agenda)
    for index, speaker in zip(positions, speakers, strict=True):
        moved[index] = speaker
    return moved
