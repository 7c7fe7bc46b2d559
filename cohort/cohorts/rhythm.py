"""A cohort's meeting rhythm: "every month on the 2nd Saturday, 10:00–12:00" in its zone."""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Rhythm:
    week: int  # 1–4, or -1 for the last such weekday of the month
    weekday: int  # 0 = Monday … 6 = Sunday
    starts_at: time  # local wall-clock time in the cohort's zone
    minutes: int
    timezone: str


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


def nth_weekday(year: int, month: int, week: int, weekday: int) -> date:
    """The ``week``-th ``weekday`` of the month (``week == -1``: the last one)."""
    days_in_month = calendar.monthrange(year, month)[1]
    if week == -1:
        last = date(year, month, days_in_month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def slot_in_month(rhythm: Rhythm, year: int, month: int) -> Slot:
    """The month's session in UTC: the wall-clock start in the cohort's zone, whatever the
    daylight-saving offset of that day, and the duration in real minutes."""
    day = nth_weekday(year, month, rhythm.week, rhythm.weekday)
    starts_at = datetime.combine(day, rhythm.starts_at, tzinfo=ZoneInfo(rhythm.timezone))
    starts_at = starts_at.astimezone(UTC)
    return Slot(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=rhythm.minutes))


def upcoming_slots(rhythm: Rhythm, after: datetime, count: int) -> list[Slot]:
    """The next ``count`` sessions starting after ``after`` (an aware datetime)."""
    local = after.astimezone(ZoneInfo(rhythm.timezone))
    year, month = local.year, local.month
    slots: list[Slot] = []
    while len(slots) < count:
        slot = slot_in_month(rhythm, year, month)
        if slot.starts_at > after:
            slots.append(slot)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return slots
