"""Local hours: when a member wants to hear from Cohort, on their own clock.

Each member has quiet hours (no reminders, default 22:00–08:00) and a reminder time (default
09:00) in their own zone. A reminder whose moment falls in quiet hours waits for the member's
next reminder time, or for the end of quiet hours when the reminder time is itself quiet,
unless it would then be too late (less than ``MARGIN`` before what it reminds of); an urgent
one ("the session starts in an hour") never waits. Pure computation on the member's wall
clock: across a daylight-saving change a moment is never released twice nor skipped, because
``release`` is a function of the moment alone and the ledger lets each reminder out once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from .models import DeliverySettings

QUIET_START = time(22, 0)
QUIET_END = time(8, 0)
REMINDER_TIME = time(9, 0)
# A reminder released later than this before what it reminds of would come too late.
MARGIN = timedelta(hours=2)
CHUNK = 5000  # user ids per query


@dataclass(frozen=True)
class LocalHours:
    zone: str = "UTC"
    quiet_start: time = QUIET_START
    quiet_end: time = QUIET_END
    reminder_time: time = REMINDER_TIME
    email_paused_until: date | None = None

    def wall(self, moment: datetime) -> time:
        return moment.astimezone(ZoneInfo(self.zone)).time().replace(tzinfo=None)

    def quiet_at(self, wall: time) -> bool:
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False  # no quiet hours
        if start < end:
            return start <= wall < end
        return wall >= start or wall < end  # overnight, the usual case

    def quiet(self, moment: datetime) -> bool:
        return self.quiet_at(self.wall(moment))

    def next_at(self, moment: datetime, wall: time) -> datetime:
        """The first instant at or after ``moment`` when the member's clock shows ``wall``.

        A wall time skipped by a spring-forward change maps to the instant just after the
        gap (the earlier offset, as ``fold=0`` reads it): still one instant per day."""
        zone = ZoneInfo(self.zone)
        day = moment.astimezone(zone).date()
        for offset in range(3):
            local = datetime.combine(day + timedelta(days=offset), wall, tzinfo=zone)
            instant = local.astimezone(UTC)
            if instant >= moment:
                return instant
        raise AssertionError("a wall time comes back within three days")  # pragma: no cover

    def email_paused(self, now: datetime) -> bool:
        """Email stays paused until the member's own midnight of ``email_paused_until``."""
        if self.email_paused_until is None:
            return False
        return now.astimezone(ZoneInfo(self.zone)).date() < self.email_paused_until


DEFAULT = LocalHours()


def release(
    moment: datetime, deadline: datetime, hours: LocalHours, *, urgent: bool = False
) -> datetime:
    """When a reminder due at ``moment`` about something at ``deadline`` may go out."""
    if urgent or not hours.quiet(moment):
        return moment
    options = []
    if not hours.quiet_at(hours.reminder_time):
        options.append(hours.next_at(moment, hours.reminder_time))
    options.append(hours.next_at(moment, hours.quiet_end))
    for option in options:
        # A wall time in a spring-forward gap maps to an instant an hour later on the clock,
        # which may itself be quiet: such an option is no way out of quiet hours.
        if not hours.quiet(option) and option + MARGIN <= deadline:
            return option
    return moment  # waiting would make it useless: it goes now


def hours_of(user_ids: Iterable[int]) -> dict[int, LocalHours]:
    """Each user's local hours (defaults where they chose none), a query per CHUNK users."""
    ids = sorted(set(user_ids))
    found: dict[int, LocalHours] = {}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(
                User.id,
                User.timezone,
                DeliverySettings.quiet_start,
                DeliverySettings.quiet_end,
                DeliverySettings.reminder_time,
                DeliverySettings.email_paused_until,
            )
            .outerjoin(DeliverySettings, DeliverySettings.user_id == User.id)
            .where(User.id.in_(ids[start : start + CHUNK]))
        )
        for user_id, zone, quiet_start, quiet_end, reminder_time, paused in rows:
            found[user_id] = LocalHours(
                zone=zone or "UTC",
                quiet_start=quiet_start or QUIET_START,
                quiet_end=quiet_end or QUIET_END,
                reminder_time=reminder_time or REMINDER_TIME,
                email_paused_until=paused,
            )
    return found


def settings_for(user: User) -> DeliverySettings:
    """The member's settings row, added (with the defaults) if they had none."""
    settings = db.session.get(DeliverySettings, user.id)
    if settings is None:
        settings = DeliverySettings(
            user_id=user.id,
            quiet_start=QUIET_START,
            quiet_end=QUIET_END,
            reminder_time=REMINDER_TIME,
        )
        db.session.add(settings)
    return settings


def paused_users(user_ids: Iterable[int], now: datetime) -> set[int]:
    """Which of these users have paused email at ``now`` (one query, over pauses only)."""
    ids = set(user_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        select(User.id, User.timezone, DeliverySettings.email_paused_until)
        .join(DeliverySettings, DeliverySettings.user_id == User.id)
        .where(User.id.in_(ids), DeliverySettings.email_paused_until.is_not(None))
    )
    return {
        user_id
        for user_id, zone, until in rows
        if LocalHours(zone=zone or "UTC", email_paused_until=until).email_paused(now)
    }
