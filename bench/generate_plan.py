"""The shape of the generated world: people, cohorts, who belongs where, and the sessions.

Everything here is small (tens of thousands of objects) and decided up front, so the bulk
tables that follow can be generated in one streaming pass each.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from random import Random
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from cohort.cohorts.rhythm import Rhythm, upcoming_slots
from cohort.meetings.services import default_title

from .generate_words import COHORT_NAMES, FIRST_NAMES, LAST_NAMES

TIMEZONES = {"en": ("Europe/London", "America/New_York", "Europe/Berlin"), "ja": ("Asia/Tokyo",)}


@dataclass(frozen=True)
class Size:
    cohorts: int
    users: int
    past: int  # sessions already held
    future: int  # the next one (within weeks) and the ones after it
    second_cohort_share: float = 0.10
    outbox_months: int = 3  # months of sent reminder emails kept in the outbox


SIZES = {
    "big": Size(cohorts=1000, users=20000, past=22, future=2),
    "small": Size(cohorts=10, users=200, past=3, future=2),
}


@dataclass
class User:
    id: int
    email: str
    name: str
    locale: str
    timezone: str
    cohorts: list["Cohort"] = field(default_factory=list)


@dataclass
class Meeting:
    id: int
    index: int  # 0 = the cohort's first session
    title: str
    starts_at: datetime
    ends_at: datetime
    inventory_due_at: datetime
    feedback_due_at: datetime
    month_on: object
    is_past: bool


@dataclass
class Member:
    id: int  # the membership's id
    user: User
    role: str  # organizer | member | mentor
    first_index: int  # the first session after joining
    joined_at: datetime

    @property
    def writes(self) -> bool:
        return self.role != "mentor"


@dataclass
class Cohort:
    id: int
    slug: str
    name: str
    locale: str
    timezone: str
    rhythm: Rhythm
    keep_start_stop: bool
    created_at: datetime = None  # type: ignore[assignment]
    meetings: list[Meeting] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    @property
    def organizer(self) -> Member:
        return next(m for m in self.members if m.role == "organizer")

    def active_at(self, index: int) -> list[Member]:
        return [m for m in self.members if m.first_index <= index]


def make_rhythm(rng: Random, timezone: str) -> Rhythm:
    weekday = rng.randint(0, 6)
    start = time(10, 0) if weekday >= 5 else time(19, 0)
    return Rhythm(rng.choice([1, 2, 3, 4, -1]), weekday, start, rng.choice([90, 120]), timezone)


def make_meetings(cohort: Cohort, size: Size, now: datetime, next_id: int) -> list[Meeting]:
    """The cohort's sessions from its rhythm: ``past`` before now, ``future`` after it."""
    after = now - timedelta(days=31 * (size.past + 1))
    slots = upcoming_slots(cohort.rhythm, after, size.past + size.future + 3)
    past = [s for s in slots if s.starts_at <= now][-size.past :]
    future = [s for s in slots if s.starts_at > now][: size.future]
    zone = ZoneInfo(cohort.timezone)
    meetings = []
    for index, slot in enumerate([*past, *future]):
        local = slot.starts_at.astimezone(zone)
        month_on = local.date().replace(day=1)
        meetings.append(
            Meeting(
                id=next_id + index,
                index=index,
                title=default_title(SimpleNamespace(locale=cohort.locale), month_on),
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                inventory_due_at=(local - timedelta(days=2)).astimezone(UTC),
                feedback_due_at=(slot.ends_at.astimezone(zone) + timedelta(days=7)).astimezone(UTC),
                month_on=month_on,
                is_past=slot.starts_at <= now,
            )
        )
    return meetings


def make_users(size: Size, rng: Random, cohort_locales: list[str]) -> list[User]:
    """Users in blocks per primary cohort, so a cohort's people share its language."""
    users = []
    for number in range(1, size.users + 1):
        locale = cohort_locales[(number - 1) * size.cohorts // size.users]
        name = f"{rng.choice(FIRST_NAMES[locale])} {rng.choice(LAST_NAMES[locale])}"
        if locale == "ja":
            name = f"{rng.choice(LAST_NAMES[locale])} {rng.choice(FIRST_NAMES[locale])}"
        users.append(
            User(
                id=number,
                email=f"member{number}@bench.example.org",
                name=f"{name} {number}",
                locale=locale,
                timezone=rng.choice(TIMEZONES[locale]),
            )
        )
    return users


def make_cohorts(size: Size, rng: Random, now: datetime) -> list[Cohort]:
    cohorts, meeting_id = [], 1
    for number in range(1, size.cohorts + 1):
        locale = "ja" if number % 2 == 0 else "en"
        name = f"{rng.choice(COHORT_NAMES[locale])} {number}"
        timezone = rng.choice(TIMEZONES[locale])
        cohort = Cohort(
            id=number,
            slug=f"bench-{number}",
            name=name,
            locale=locale,
            timezone=timezone,
            rhythm=make_rhythm(rng, timezone),
            keep_start_stop=rng.random() < 0.2,
        )
        cohort.meetings = make_meetings(cohort, size, now, meeting_id)
        meeting_id += len(cohort.meetings)
        cohort.created_at = cohort.meetings[0].starts_at - timedelta(days=24)
        cohorts.append(cohort)
    return cohorts


def assign_members(cohorts: list[Cohort], users: list[User], size: Size, rng: Random) -> None:
    """Primary cohorts in blocks (organizers first, a mentor last), then a second cohort for
    about a tenth of the people, joined partway through the history."""
    membership_id = 1
    blocks: dict[int, list[User]] = {}
    for user in users:
        blocks.setdefault((user.id - 1) * size.cohorts // size.users + 1, []).append(user)
    for cohort in cohorts:
        block = blocks.get(cohort.id, [])
        organizers = 2 if rng.random() < 0.3 else 1
        for position, user in enumerate(block):
            role = "organizer" if position < organizers else "member"
            if position == len(block) - 1:
                role = "mentor"
            joined = cohort.created_at + timedelta(hours=0 if position == 0 else 20 + 7 * position)
            cohort.members.append(Member(membership_id, user, role, 0, joined))
            user.cohorts.append(cohort)
            membership_id += 1
    if len(cohorts) < 2:
        return
    for user in rng.sample(users, int(len(users) * size.second_cohort_share)):
        cohort = rng.choice(cohorts)
        while cohort in user.cohorts:
            cohort = rng.choice(cohorts)
        first = rng.randint(0, max(0, size.past // 2))
        joined = cohort.meetings[first].starts_at - timedelta(days=20, hours=rng.randint(0, 90))
        cohort.members.append(Member(membership_id, user, "member", first, joined))
        user.cohorts.append(cohort)
        membership_id += 1
