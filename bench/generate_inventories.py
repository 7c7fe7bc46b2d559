"""Inventories and their revisions, then each person's goals and tasks across the months.

Mirrors the services: a first sitting reviews last month's open tasks and adds goals; the
second records goal progress and next month's tasks; sharing writes a revision.
"""

import json
from datetime import datetime, timedelta
from itertools import count
from random import Random

from cohort.feedback.traits import TRAITS
from cohort.inventories.sections import default_template_sections

from .generate_copy import Spools
from .generate_plan import Cohort, Meeting, User
from .generate_text import LocalePool, answers_json

CARRIED = ["will", "can_must", "tactics", "options"]
SECOND = ["did", "praised", "keep_problem", "learned", "try"]
AREAS = ("skills", "experience", "network", "money", "time")


class Inv:
    """What later tables need to know about one generated inventory."""

    __slots__ = (
        "achieved", "asks", "cohort", "created_at", "id", "meeting", "ordinal", "shared_at",
        "status", "updated_at", "user",
    )  # fmt: skip

    def __init__(self, id: int, cohort: Cohort, meeting: Meeting, user: User, status: str):
        self.id, self.cohort, self.meeting = id, cohort, meeting
        self.user, self.status = user, status
        self.asks = False
        self.ordinal = 0
        self.achieved: list[int] = []
        self.shared_at: datetime | None = None


def pick_status(rng: Random, meeting: Meeting, upcoming: bool) -> str | None:
    r = rng.random()
    if meeting.is_past:
        return "shared" if r < 0.84 else "paused" if r < 0.9 else "draft" if r < 0.95 else None
    if upcoming:
        return "shared" if r < 0.3 else "draft" if r < 0.6 else "paused" if r < 0.65 else None
    return None


def set_times(inv: Inv, rng: Random, now: datetime, previous: Meeting | None) -> None:
    """When the member wrote: two evenings before the due time (or, for the coming session,
    in the last days); a few share late."""
    due = inv.meeting.inventory_due_at
    if inv.meeting.is_past:
        first = due - timedelta(days=rng.randint(5, 7), hours=rng.randint(0, 4))
        second = due - timedelta(days=rng.randint(1, 2), hours=rng.randint(0, 4))
        if rng.random() < 0.06:
            second = due + timedelta(hours=rng.randint(2, 28))
    else:
        first = now - timedelta(hours=rng.randint(26, 140), minutes=rng.randint(0, 59))
        if previous is not None:
            first = max(first, previous.ends_at + timedelta(hours=rng.randint(2, 30)))
        second = min(first + timedelta(hours=rng.randint(1, 24)), now - timedelta(minutes=5))
    inv.created_at = first
    inv.updated_at = second if inv.status == "shared" else first
    if inv.status == "shared":
        inv.shared_at = second


class InventoryWriter:
    def __init__(self, spools: Spools, pools: dict[str, LocalePool], rng: Random, now: datetime):
        self.spools, self.pools, self.rng, self.now = spools, pools, rng, now
        self.ids = count(1)
        self.revision_ids = count(1)
        self.by_meeting: dict[int, list[Inv]] = {}
        self.by_user: dict[int, list[Inv]] = {}
        self.base: dict[int, list[int]] = {}  # each person's usual energy and ratings
        self.traits: dict[int, str] = {}
        self._trait_keys = list(TRAITS)

    def templates(self, cohorts: list[Cohort]) -> None:
        sections = json.dumps(default_template_sections())
        for cohort in cohorts:
            created = cohort.meetings[0].inventory_due_at - timedelta(days=8)
            self.spools["inventory_templates"].add(cohort.id, cohort.id, sections, created)

    def cohort(self, cohort: Cohort) -> None:
        """Every inventory of one cohort, session by session."""
        shared_count: dict[int, int] = {}
        upcoming = next((m for m in cohort.meetings if not m.is_past), None)
        for meeting in cohort.meetings:
            previous = cohort.meetings[meeting.index - 1] if meeting.index else None
            for member in cohort.active_at(meeting.index):
                if not member.writes:
                    continue
                status = pick_status(self.rng, meeting, meeting is upcoming)
                if status is None:
                    continue
                inv = Inv(next(self.ids), cohort, meeting, member.user, status)
                set_times(inv, self.rng, self.now, previous)
                if status == "shared":
                    shared_count[member.user.id] = shared_count.get(member.user.id, 0) + 1
                    inv.ordinal = shared_count[member.user.id]
                self.write(inv)
                self.by_meeting.setdefault(meeting.id, []).append(inv)
                self.by_user.setdefault(member.user.id, []).append(inv)

    def ratings(self, user_id: int) -> list[int]:
        base = self.base.get(user_id)
        if base is None:
            base = self.base[user_id] = [self.rng.randint(2, 4) for _ in range(6)]
        return [min(5, max(1, value + self.rng.choice((-1, 0, 0, 1)))) for value in base]

    def self_traits(self, user_id: int) -> str:
        if user_id not in self.traits:
            picked = set(self.rng.sample(self._trait_keys, self.rng.randint(2, 4)))
            self.traits[user_id] = json.dumps([k for k in self._trait_keys if k in picked])
        return self.traits[user_id]

    def answer_keys(self, inv: Inv) -> list[str]:
        rng = self.rng
        if inv.status == "draft":
            return [*CARRIED, "did", "keep_problem"] + (["praised"] if rng.random() < 0.5 else [])
        keys = (["energy"] if rng.random() < 0.5 else []) + CARRIED + SECOND
        if rng.random() < 0.9:
            keys.append("feedback_ask")
            inv.asks = True
        if rng.random() < 0.3:
            keys.append("blockers")
        return keys

    def write(self, inv: Inv) -> None:
        meeting, paused = inv.meeting, inv.status == "paused"
        if paused:
            answers, html, traits, ratings = "{}", "{}", "[]", [None] * 6
        else:
            pool = self.pools[inv.cohort.locale]
            answers, html = answers_json(pool, self.answer_keys(inv), self.rng)
            traits, ratings = self.self_traits(inv.user.id), self.ratings(inv.user.id)
        shared = inv.status == "shared"
        is_late = shared and inv.shared_at > meeting.inventory_due_at
        self.spools["inventories"].add(
            inv.id, inv.cohort.id, meeting.id, inv.user.id, inv.cohort.id, inv.status,
            2 if shared else 1, answers, html, traits, *ratings, inv.shared_at, is_late,
            False, inv.created_at, inv.updated_at,
        )  # fmt: skip
        if shared:
            scores = json.dumps(dict(zip(("energy", *AREAS), ratings, strict=True)))
            self.spools["inventory_revisions"].add(
                next(self.revision_ids), inv.id, 2, answers, scores,
                inv.shared_at > meeting.ends_at, inv.shared_at,
            )  # fmt: skip
