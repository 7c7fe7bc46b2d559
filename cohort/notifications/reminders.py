"""Which reminders are due now, computed from our own tables at every tick.

A reminder's moment is a wall-clock shift in the cohort's zone ("7 days before the due time"
stays at the same local hour across a daylight-saving change). Each has a period key; the
ledger lets it out once. After downtime only the latest passed reminder of a series is sent.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..emails import external_url
from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Attendance, Meeting, MeetingStatus, Rsvp
from .digest import away_since_last_digest, peer_changes
from .feedback_owed import owed_feedback_reminders
from .ledger import claim
from .outbox import queue_email
from .services import notify

LOOKAHEAD = timedelta(days=29)  # the longest reminder offset the settings allow, and some


@dataclass
class Reminder:
    user: User
    kind: str  # ledger and notification kind
    email_kind: str  # the preference a member can switch off
    period_key: str
    template: str
    url: str
    cohort: Cohort
    data: dict = field(default_factory=dict)  # for the in-app sentence
    context: dict = field(default_factory=dict)  # for the email


def shifted(moment: datetime, zone: str, days: int = 0, hours: int = 0) -> datetime:
    """``moment`` moved by whole days on the zone's wall clock (and hours of real time)."""
    local = moment.astimezone(ZoneInfo(zone))
    wall = (local.replace(tzinfo=None) - timedelta(days=days)).replace(tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC) - timedelta(hours=hours)


def latest_passed(now: datetime, moments: dict[str, datetime], deadline: datetime) -> str | None:
    """The label of the latest moment that has passed, if the deadline has not."""
    if now >= deadline:
        return None
    passed = [(moment, label) for label, moment in moments.items() if moment <= now]
    return max(passed)[1] if passed else None


def _meetings(now: datetime) -> list[Meeting]:
    return db.session.scalars(
        select(Meeting)
        .join(Cohort, Meeting.cohort_id == Cohort.id)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Cohort.is_archived.is_(False),
            Meeting.starts_at > now,
            Meeting.starts_at <= now + LOOKAHEAD + timedelta(days=30),
        )
    ).all()


def _members(cohort_ids: list[int]) -> dict[int, list[Membership]]:
    by_cohort: dict[int, list[Membership]] = {}
    for membership in db.session.scalars(
        select(Membership).where(
            Membership.cohort_id.in_(cohort_ids), Membership.status == MembershipStatus.ACTIVE
        )
    ):
        by_cohort.setdefault(membership.cohort_id, []).append(membership)
    return by_cohort


def _shared_or_paused(meeting_ids: list[int]) -> set[tuple[int, int]]:
    """(meeting, user) pairs with nothing left to remind: shared or paused (one query)."""
    return set(
        db.session.execute(
            select(Inventory.meeting_id, Inventory.user_id).where(
                Inventory.meeting_id.in_(meeting_ids),
                Inventory.status.in_([InventoryStatus.SHARED, InventoryStatus.PAUSED]),
            )
        ).all()
    )


def due_reminders(now: datetime) -> Iterator[Reminder]:
    """Every reminder whose moment has passed and whose deadline has not (claimed or not)."""
    meetings = _meetings(now)
    members = _members(sorted({meeting.cohort_id for meeting in meetings}))
    meeting_ids = [meeting.id for meeting in meetings]
    done = _shared_or_paused(meeting_ids)
    not_going = {
        (row.meeting_id, row.user_id)
        for row in db.session.scalars(
            select(Attendance).where(
                Attendance.meeting_id.in_(meeting_ids), Attendance.rsvp == Rsvp.NOT_GOING
            )
        )
    }
    for meeting in meetings:
        cohort_members = members.get(meeting.cohort_id, [])
        yield from _inventory_due(now, meeting, cohort_members, done)
        yield from _organizer_summary(now, meeting, cohort_members, done)
        yield from _session_soon(now, meeting, cohort_members, not_going)
        yield from _digest(now, meeting, cohort_members)


def _writers_missing(meeting, members, done) -> list[Membership]:
    return [m for m in members if m.role != Role.MENTOR and (meeting.id, m.user_id) not in done]


def _inventory_due(now, meeting: Meeting, members, done) -> Iterator[Reminder]:
    cohort = meeting.cohort
    offsets = {cohort.first_reminder_days, cohort.last_reminder_days}
    moments = {
        f"T-{d}d": shifted(meeting.inventory_due_at, cohort.timezone, days=d) for d in offsets
    }
    label = latest_passed(now, moments, meeting.inventory_due_at)
    if label is None:
        return
    url = external_url("inventories.write", slug=cohort.slug, meeting_id=meeting.id)
    for membership in _writers_missing(meeting, members, done):
        yield Reminder(
            user=membership.user,
            kind="inventory_due",
            email_kind="inventory_due",
            period_key=f"meeting-{meeting.id}:{label}",
            template="reminder_inventory_due",
            url=url,
            cohort=cohort,
            data={"meeting": meeting.title},
            context={"meeting": meeting, "cohort": cohort, "write_url": url},
        )


def _organizer_summary(now, meeting: Meeting, members, done) -> Iterator[Reminder]:
    cohort = meeting.cohort
    moment = shifted(meeting.inventory_due_at, cohort.timezone, days=2)
    if latest_passed(now, {"T-2d": moment}, meeting.inventory_due_at) is None:
        return
    missing = _writers_missing(meeting, members, done)
    if not missing:
        return
    url = external_url("inventory_organizer.month", slug=cohort.slug, meeting_id=meeting.id)
    names = [m.user.display_name for m in missing]
    for membership in members:
        if membership.role == Role.ORGANIZER:
            yield Reminder(
                user=membership.user,
                kind="organizer_not_shared",
                email_kind="organizer_reminders",
                period_key=f"meeting-{meeting.id}:T-2d",
                template="reminder_organizer",
                url=url,
                cohort=cohort,
                data={"meeting": meeting.title, "count": len(names)},
                context={"meeting": meeting, "cohort": cohort, "names": names, "month_url": url},
            )


def _session_soon(now, meeting: Meeting, members, not_going) -> Iterator[Reminder]:
    cohort = meeting.cohort
    moments = {
        "T-1d": shifted(meeting.starts_at, cohort.timezone, days=1),
        "T-1h": shifted(meeting.starts_at, cohort.timezone, hours=1),
    }
    label = latest_passed(now, moments, meeting.starts_at)
    if label is None:
        return
    url = external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id)
    ics_url = external_url("meetings.ics", slug=cohort.slug, meeting_id=meeting.id)
    for membership in members:
        if (meeting.id, membership.user_id) in not_going:
            continue
        yield Reminder(
            user=membership.user,
            kind="session_soon",
            email_kind="session_soon",
            period_key=f"meeting-{meeting.id}:{label}",
            template="reminder_session",
            url=url,
            cohort=cohort,
            data={"meeting": meeting.title},
            context={
                "meeting": meeting,
                "cohort": cohort,
                "session_url": url,
                "ics_url": ics_url,
                "in_an_hour": label == "T-1h",
            },
        )


def _digest(now, meeting: Meeting, members) -> Iterator[Reminder]:
    cohort = meeting.cohort
    moment = shifted(meeting.starts_at, cohort.timezone, days=2)
    if latest_passed(now, {"T-2d": moment}, meeting.starts_at) is None:
        return
    recipients = away_since_last_digest(members, now)
    changes = peer_changes(meeting) if recipients else []
    url = external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id)
    for membership in recipients:
        peers = [change for change in changes if change.name != membership.user.display_name]
        if not peers:
            continue
        yield Reminder(
            user=membership.user,
            kind="digest",
            email_kind="digest",
            period_key=f"meeting-{meeting.id}:T-2d",
            template="digest",
            url=url,
            cohort=cohort,
            data={"meeting": meeting.title},
            context={"meeting": meeting, "cohort": cohort, "peers": peers, "session_url": url},
        )


def send_due_reminders(now: datetime) -> int:
    """Claim, notify in-app and queue the email of every due reminder; returns how many."""
    sent = 0
    reminders = [
        *due_reminders(now),
        *owed_feedback_reminders(now, Reminder, shifted, latest_passed),
    ]
    for reminder in reminders:
        if not claim(reminder.user.id, reminder.kind, reminder.period_key):
            continue
        notify(
            reminder.user.id,
            reminder.kind,
            url=reminder.url,
            cohort_id=reminder.cohort.id,
            **reminder.data,
        )
        queue_email(reminder.user, reminder.email_kind, reminder.template, **reminder.context)
        sent += 1
    return sent


def nudge_non_sharers(actor: User, meeting: Meeting, message: str, now: datetime) -> int:
    """An organizer's "remind them now": only members who have neither shared nor paused.

    A double click in the same minute reminds nobody twice (the ledger key has the minute).
    """
    from ..permissions import Action, require

    require(actor, Action.MANAGE, meeting.cohort)
    members = _members([meeting.cohort_id]).get(meeting.cohort_id, [])
    done = _shared_or_paused([meeting.id])
    url = external_url("inventories.write", slug=meeting.cohort.slug, meeting_id=meeting.id)
    count = 0
    for membership in _writers_missing(meeting, members, done):
        if membership.user_id == actor.id:
            continue
        if not claim(membership.user_id, "nudge", f"meeting-{meeting.id}:{now:%Y%m%d%H%M}"):
            continue
        notify(
            membership.user_id, "nudge", url=url, cohort_id=meeting.cohort_id, meeting=meeting.title
        )
        queue_email(
            membership.user,
            "nudge",
            "nudge",
            meeting=meeting,
            cohort=meeting.cohort,
            organizer=actor,
            message=message.strip()[:1000],
            write_url=url,
        )
        count += 1
    return count
