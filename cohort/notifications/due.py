"""When each reminder of a session is due: wall-clock moments in the cohort's zone.

A reminder's moment is a shift on the cohort's wall clock ("7 days before the due time" stays at
the same local hour across a daylight-saving change); the period key names which one of a
series is due, and after downtime only the latest passed one is. Pure computation over the few
sessions near their reminders: one query in all.
"""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from ..cohorts.models import Cohort
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus

LOOKAHEAD = timedelta(days=29)  # the longest reminder offset the settings allow, and some
SESSION_LOOKAHEAD = timedelta(days=3)  # the digest (T-2d) and T-1d, with a day to spare


def shifted(moment: datetime, zone: str, days: int = 0, hours: int = 0) -> datetime:
    """``moment`` moved by whole days on the zone's wall clock (and hours of real time)."""
    local = moment.astimezone(ZoneInfo(zone))
    wall = (local.replace(tzinfo=None) - timedelta(days=days)).replace(tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC) - timedelta(hours=hours)


class Due(NamedTuple):
    """A reminder of one session due now: its period key, the moment it fell due, and what it
    reminds of (a member's local hours never hold it past that); ``urgent`` ones never wait."""

    period_key: str
    moment: datetime
    deadline: datetime
    urgent: bool = False


def latest_passed(
    now: datetime, moments: dict[str, datetime], deadline: datetime
) -> tuple[str, datetime] | None:
    """The label and moment of the latest moment that has passed, if the deadline has not."""
    if now >= deadline:
        return None
    passed = [(moment, label) for label, moment in moments.items() if moment <= now]
    if not passed:
        return None
    moment, label = max(passed)
    return label, moment


def due_meetings(now: datetime) -> list[Meeting]:
    """Sessions for which some reminder could be due now: not yet started, and close enough
    to their inventory due time or their start."""
    return db.session.scalars(
        select(Meeting)
        .join(Cohort, Meeting.cohort_id == Cohort.id)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Cohort.is_archived.is_(False),
            Meeting.starts_at > now,
            or_(
                Meeting.inventory_due_at <= now + LOOKAHEAD,
                Meeting.starts_at <= now + SESSION_LOOKAHEAD,
            ),
        )
    ).all()


def _inventory_label(now: datetime, meeting: Meeting) -> tuple[str, datetime] | None:
    cohort = meeting.cohort
    offsets = {cohort.first_reminder_days, cohort.last_reminder_days}
    moments = {
        f"T-{d}d": shifted(meeting.inventory_due_at, cohort.timezone, days=d) for d in offsets
    }
    return latest_passed(now, moments, meeting.inventory_due_at)


def _organizer_label(now: datetime, meeting: Meeting) -> tuple[str, datetime] | None:
    moment = shifted(meeting.inventory_due_at, meeting.cohort.timezone, days=2)
    return latest_passed(now, {"T-2d": moment}, meeting.inventory_due_at)


def _session_label(now: datetime, meeting: Meeting) -> tuple[str, datetime] | None:
    zone = meeting.cohort.timezone
    moments = {
        "T-1d": shifted(meeting.starts_at, zone, days=1),
        "T-1h": shifted(meeting.starts_at, zone, hours=1),
    }
    return latest_passed(now, moments, meeting.starts_at)


def _digest_label(now: datetime, meeting: Meeting) -> tuple[str, datetime] | None:
    moment = shifted(meeting.starts_at, meeting.cohort.timezone, days=2)
    return latest_passed(now, {"T-2d": moment}, meeting.starts_at)


LABELS = {
    "inventory_due": _inventory_label,
    "organizer_not_shared": _organizer_label,
    "session_soon": _session_label,
    "digest": _digest_label,
}


# What each kind reminds of: a member's quiet hours never hold a reminder past it.
DEADLINES = {
    "inventory_due": lambda meeting: meeting.inventory_due_at,
    "organizer_not_shared": lambda meeting: meeting.inventory_due_at,
    "session_soon": lambda meeting: meeting.starts_at,
    "digest": lambda meeting: meeting.starts_at,
}
URGENT = {"T-1h"}  # "the session starts in an hour" is never held back


def due_windows(now: datetime, meetings: list[Meeting]) -> dict[str, dict[int, Due]]:
    """For each kind, what is due now of each session that has one (no query)."""
    windows: dict[str, dict[int, Due]] = {kind: {} for kind in LABELS}
    for meeting in meetings:
        for kind, label_of in LABELS.items():
            passed = label_of(now, meeting)
            if passed is not None:
                label, moment = passed
                windows[kind][meeting.id] = Due(
                    f"meeting-{meeting.id}:{label}",
                    moment,
                    DEADLINES[kind](meeting),
                    label in URGENT,
                )
    return windows


def due_periods(now: datetime, meetings: list[Meeting]) -> dict[str, dict[int, str]]:
    """For each kind, the period key due now of each session that has one (no query)."""
    return {
        kind: {meeting_id: due.period_key for meeting_id, due in dues.items()}
        for kind, dues in due_windows(now, meetings).items()
    }
