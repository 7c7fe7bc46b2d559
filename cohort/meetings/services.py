"""Session use cases. Each one checks permissions, flushes, and leaves the commit to the caller."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from flask_babel import force_locale
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, delete, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, RhythmKind
from ..cohorts.rhythm import Rhythm, Slot, slot_in_month, upcoming_slots
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory
from ..markdown import render_markdown
from ..permissions import Action, require
from . import changes
from .models import Attendance, Meeting, MeetingStatus, Rsvp

PAST_PER_PAGE = 24


@dataclass
class MeetingDetails:
    """What organizers decide about a session, in UTC. Due times left None follow the
    cohort's settings."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    online_url: str = ""
    agenda: str = ""
    inventory_due_at: datetime | None = None
    feedback_due_at: datetime | None = None


# Time helpers -----------------------------------------------------------------------------


def cohort_rhythm(cohort: Cohort) -> Rhythm | None:
    """The cohort's monthly rhythm, or None when sessions are scheduled by hand."""
    if cohort.rhythm_kind != RhythmKind.MONTHLY_WEEKDAY:
        return None
    return Rhythm(
        week=cohort.rhythm_week,
        weekday=cohort.rhythm_weekday,
        starts_at=cohort.rhythm_starts_at,
        minutes=cohort.rhythm_minutes,
        timezone=cohort.timezone,
    )


def local_month(cohort: Cohort, moment: datetime) -> date:
    """The first day of the cohort-local month that ``moment`` falls in."""
    local = moment.astimezone(ZoneInfo(cohort.timezone))
    return date(local.year, local.month, 1)


def default_due_times(cohort: Cohort, starts_at: datetime, ends_at: datetime):
    """(inventory due, feedback due) from the cohort's settings.

    Days are counted on the cohort's wall clock, so "2 days before a 10:00 session" is 10:00
    even when the clocks change in between.
    """
    zone = ZoneInfo(cohort.timezone)
    inventory_due = starts_at.astimezone(zone) - timedelta(days=cohort.inventory_due_days)
    feedback_due = ends_at.astimezone(zone) + timedelta(days=cohort.feedback_due_days)
    return inventory_due.astimezone(UTC), feedback_due.astimezone(UTC)


def default_title(cohort: Cohort, month_on: date) -> str:
    """ "December session" in the cohort's language (it is shared by all its members)."""
    with force_locale(cohort.locale):
        month = get_month_names("wide", context="stand-alone", locale=cohort.locale)
        return gettext("%(month)s session", month=month[month_on.month])


# Following the rhythm ---------------------------------------------------------------------


def sync_meetings_from_rhythm(
    cohort: Cohort,
    now: datetime,
    months_ahead: int = 3,
    known: list[Meeting] | None = None,
) -> None:
    """Keep one session in each of the rhythm's next ``months_ahead`` cohort-local months.

    Idempotent. Sessions that have started, and sessions whose time an organizer set, are
    never touched; a future session still following the rhythm moves with it. ``known``: the
    cohort's sessions from ``sessions_to_sync`` when a job syncs many cohorts at once.
    """
    if cohort.is_archived:
        return
    rhythm = cohort_rhythm(cohort)
    if rhythm is None:
        _drop_untouched_rhythm_meetings(cohort, now)
        return
    upcoming = upcoming_slots(rhythm, now, max(months_ahead, 1))
    slots = {local_month(cohort, slot.starts_at): slot for slot in upcoming}
    if known is None:
        existing = db.session.scalars(
            select(Meeting).where(
                Meeting.cohort_id == cohort.id,
                or_(Meeting.starts_at > now, Meeting.month_on >= min(slots)),
            )
        ).all()
    else:
        first = min(slots)
        existing = [m for m in known if m.starts_at > now or (m.month_on and m.month_on >= first)]
    for meeting in existing:
        if meeting.follows_rhythm and meeting.month_on and meeting.starts_at > now:
            month = meeting.month_on
            _follow(meeting, slot_in_month(rhythm, month.year, month.month), now)
    taken = {meeting.month_on for meeting in existing}
    rows = [_rhythm_row(cohort, month, slot) for month, slot in slots.items() if month not in taken]
    if rows:
        # Two syncs at the same moment (the hourly job and a settings change) both try to add
        # the month; the unique (cohort, month) makes the second insert a no-op.
        insert = _insert(Meeting).values(rows)
        db.session.execute(insert.on_conflict_do_nothing(index_elements=["cohort_id", "month_on"]))
    db.session.flush()


def sessions_to_sync(cohort_ids: list[int], now: datetime) -> dict[int, list[Meeting]]:
    """Per cohort, every session ``sync_meetings_from_rhythm`` could look at (a superset: it
    filters them again), in one query for many cohorts."""
    # The first slot's month is never before the current month in any zone.
    earliest_month = (now - timedelta(days=31)).date().replace(day=1)
    by_cohort: dict[int, list[Meeting]] = {cohort_id: [] for cohort_id in cohort_ids}
    for meeting in db.session.scalars(
        select(Meeting).where(
            Meeting.cohort_id.in_(cohort_ids),
            or_(Meeting.starts_at > now, Meeting.month_on >= earliest_month),
        )
    ):
        by_cohort[meeting.cohort_id].append(meeting)
    return by_cohort


def _follow(meeting: Meeting, slot: Slot, now: datetime) -> None:
    # A month whose new slot has already passed keeps the session it has: moving it into the
    # past would close RSVPs and due times that people are still working towards.
    if slot.starts_at <= now:
        return
    due = default_due_times(meeting.cohort, slot.starts_at, slot.ends_at)
    # Only real changes are written: an unchanged row keeps its updated_at, which calendars
    # read as the event's version.
    if (meeting.starts_at, meeting.ends_at) != (slot.starts_at, slot.ends_at):
        meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
        meeting.sequence += 1
    if (meeting.inventory_due_at, meeting.feedback_due_at) != due:
        meeting.inventory_due_at, meeting.feedback_due_at = due


def _rhythm_row(cohort: Cohort, month: date, slot: Slot) -> dict:
    inventory_due, feedback_due = default_due_times(cohort, slot.starts_at, slot.ends_at)
    return {
        "cohort_id": cohort.id,
        "title": default_title(cohort, month),
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "inventory_due_at": inventory_due,
        "feedback_due_at": feedback_due,
        "status": MeetingStatus.SCHEDULED,
        "follows_rhythm": True,
        "month_on": month,
    }


def _drop_untouched_rhythm_meetings(cohort: Cohort, now: datetime) -> None:
    # Switching to hand scheduling deletes the future sessions the rhythm made that nobody has
    # acted on (no RSVP, no inventory): they were only placeholders, and deleting them lets a
    # later switch back to the rhythm fill those months again. Sessions people answered or
    # wrote for stay; the organizers decide about them.
    answered = exists().where(Attendance.meeting_id == Meeting.id, Attendance.rsvp.is_not(None))
    written = exists().where(Inventory.meeting_id == Meeting.id)
    db.session.execute(
        delete(Meeting)
        .where(
            Meeting.cohort_id == cohort.id,
            Meeting.follows_rhythm.is_(True),
            Meeting.starts_at > now,
            ~answered,
            ~written,
        )
        .execution_options(synchronize_session="fetch")
    )


def _insert(model):
    """INSERT with ON CONFLICT on both databases (no savepoints needed)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# Organizers -------------------------------------------------------------------------------


def _check(details: MeetingDetails) -> None:
    if details.ends_at <= details.starts_at:
        raise DomainError(_l("The session must end after it starts."), "ends_at")
    if details.inventory_due_at and details.inventory_due_at > details.starts_at:
        raise DomainError(
            _l("Inventories must be due before the session starts."), "inventory_due_at"
        )
    if (
        details.inventory_due_at
        and details.feedback_due_at
        and details.feedback_due_at <= details.inventory_due_at
    ):
        raise DomainError(
            _l("Feedback must be due after the inventories are due."), "feedback_due_at"
        )
    if details.online_url and urlsplit(details.online_url).scheme not in ("http", "https"):
        raise DomainError(_l("Enter a link that starts with https://"), "online_url")


def _outside_closed_seasons(cohort: Cohort, starts_at: datetime) -> None:
    """A closed season is an archive: no session is added to it or moved into it."""
    from ..year.models import Season

    day = starts_at.astimezone(ZoneInfo(cohort.timezone)).date()
    closed = db.session.scalar(
        select(Season.name).where(
            Season.cohort_id == cohort.id, Season.starts_on <= day, Season.ends_on >= day
        )
    )
    if closed is not None:
        raise DomainError(
            _l("The season %(name)s is closed: choose a date after it.", name=closed), "starts_at"
        )


def schedule_meeting(actor: User, cohort: Cohort, details: MeetingDetails) -> Meeting:
    """Add a session by hand; it fills its month unless the month already has one."""
    require(actor, Action.MANAGE, cohort)
    inventory_due, feedback_due = default_due_times(cohort, details.starts_at, details.ends_at)
    details.inventory_due_at = details.inventory_due_at or inventory_due
    details.feedback_due_at = details.feedback_due_at or feedback_due
    _check(details)
    _outside_closed_seasons(cohort, details.starts_at)
    month = local_month(cohort, details.starts_at)
    month_taken = db.session.scalar(
        select(Meeting.id).where(Meeting.cohort_id == cohort.id, Meeting.month_on == month)
    )
    meeting = Meeting(cohort=cohort, month_on=None if month_taken else month, follows_rhythm=False)
    _apply(meeting, details)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(actor: User, meeting: Meeting, details: MeetingDetails) -> None:
    """Edit or reschedule a session. A new time detaches it from the rhythm for good."""
    require(actor, Action.MANAGE, meeting)
    if meeting.is_cancelled:
        raise DomainError(_l("This session was cancelled and can no longer be changed."))
    details.inventory_due_at = details.inventory_due_at or meeting.inventory_due_at
    details.feedback_due_at = details.feedback_due_at or meeting.feedback_due_at
    _check(details)
    _outside_closed_seasons(meeting.cohort, details.starts_at)
    # The rhythm only ever writes times, so editing the title, place or agenda keeps the
    # session following it; choosing another time is an organizer's decision it must respect.
    if _changed(meeting, details, "starts_at", "ends_at", "inventory_due_at", "feedback_due_at"):
        meeting.follows_rhythm = False
    if _changed(meeting, details, "starts_at", "ends_at", "place", "online_url"):
        meeting.sequence += 1
    changed = changes.what_changed(meeting, details)
    _apply(meeting, details)
    db.session.flush()
    changes.tell_members(actor, meeting, changes.MOVED, changed)


def _changed(meeting: Meeting, details: MeetingDetails, *names: str) -> bool:
    return any(getattr(meeting, name) != getattr(details, name) for name in names)


def _apply(meeting: Meeting, details: MeetingDetails) -> None:
    for name, value in vars(details).items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.agenda_html = render_markdown(meeting.agenda)


def cancel_meeting(actor: User, meeting: Meeting, now: datetime | None = None) -> None:
    """Cancel a session that is not over yet; its month is not filled again by the rhythm."""
    require(actor, Action.MANAGE, meeting)
    if meeting.is_cancelled:
        return
    if meeting.ends_at <= (now or utcnow()):
        raise DomainError(_l("This session is over and can no longer be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.follows_rhythm = False
    meeting.sequence += 1
    db.session.flush()
    changes.tell_members(actor, meeting, changes.CANCELLED)


# Members ----------------------------------------------------------------------------------


def set_rsvp(user: User, meeting: Meeting, rsvp: Rsvp, now: datetime | None = None) -> None:
    """Answer going / maybe / not going, until the session starts."""
    require(user, Action.PARTICIPATE, meeting)
    if meeting.is_cancelled:
        raise DomainError(_l("This session was cancelled."))
    if meeting.starts_at <= (now or utcnow()):
        raise DomainError(_l("This session has already started."))
    _upsert_attendances([{"user_id": user.id, "rsvp": rsvp}], meeting, "rsvp")


def mark_attendance(
    actor: User, meeting: Meeting, user_ids_attended: Collection[int], now: datetime | None = None
) -> None:
    """Record who came: every active member is marked present or absent."""
    require(actor, Action.MANAGE, meeting)
    if meeting.is_cancelled:
        raise DomainError(_l("This session was cancelled."))
    if meeting.starts_at > (now or utcnow()):
        raise DomainError(_l("Attendance can be marked once the session has started."))
    member_ids = db.session.scalars(
        select(Membership.user_id).where(
            Membership.cohort_id == meeting.cohort_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    ).all()
    rows = [{"user_id": uid, "attended": uid in user_ids_attended} for uid in member_ids]
    _upsert_attendances(rows, meeting, "attended")


def record_attended(meeting: Meeting, user_id: int, attended: bool) -> None:
    """One person's attendance, for a caller that checked who may mark it."""
    _upsert_attendances([{"user_id": user_id, "attended": attended}], meeting, "attended")


def _upsert_attendances(rows: list[dict], meeting: Meeting, column: str) -> None:
    # One statement per answer: a double click or two tabs never make a second row.
    if not rows:
        return
    now = utcnow()
    rows = [{**row, "meeting_id": meeting.id, "updated_at": now} for row in rows]
    insert = _insert(Attendance).values(rows)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["meeting_id", "user_id"],
            set_={column: insert.excluded[column], "updated_at": insert.excluded.updated_at},
        )
    )
    db.session.flush()


# Reading ----------------------------------------------------------------------------------


def upcoming_meetings(cohort: Cohort, now: datetime) -> list[Meeting]:
    """Sessions not over yet, soonest first (cancelled ones included: pages mark them)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.cohort_id == cohort.id, Meeting.ends_at > now)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def past_meetings(cohort: Cohort, now: datetime, page: int = 1) -> Pagination:
    """Sessions that are over, newest first, one page at a time."""
    query = (
        select(Meeting)
        .where(Meeting.cohort_id == cohort.id, Meeting.ends_at <= now)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAST_PER_PAGE, error_out=False)


def next_meeting(cohort: Cohort, now: datetime) -> Meeting | None:
    """The session that is on now or comes next, not counting cancelled ones (the cohort is
    loaded already, so it is not read again)."""
    return db.session.scalar(
        select(Meeting).where(is_next_meeting(cohort, now)).options(lazyload(Meeting.cohort))
    )


def still_coming(meeting: type[Meeting], now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The sessions (of ``Meeting`` or an alias of it) that are on now or still to come, not
    counting cancelled ones: a cohort's next session is the first of them in time order."""
    return (meeting.status == MeetingStatus.SCHEDULED, meeting.ends_at > now)


def in_time_order(meeting: type[Meeting]) -> tuple[ColumnElement, ...]:
    return (meeting.starts_at, meeting.id)


def next_meeting_id(cohort_id, now, meeting: type[Meeting] = Meeting, correlate_with=None):
    """The id of the cohort's next session (``still_coming``), as a scalar subquery; its own
    scan of the sessions whatever the statement around it, but for ``correlate_with`` (the
    outer table ``cohort_id`` comes from, when it is a column). ``cohort_id`` and ``now`` may
    be values, bound parameters or outer columns."""
    return (
        select(meeting.id)
        .where(meeting.cohort_id == cohort_id, *still_coming(meeting, now))
        .order_by(*in_time_order(meeting))
        .limit(1)
        .correlate(correlate_with)
        .scalar_subquery()
    )


def is_next_meeting(cohort: Cohort, now: datetime) -> ColumnElement[bool]:
    """The condition on ``Meeting`` that picks ``next_meeting``, for a statement that reads
    more with it. For one cohort the first session in time order is enough (``next_meetings``
    ranks every cohort's)."""
    return Meeting.id == next_meeting_id(cohort.id, now)


def next_meetings(cohorts: Iterable[Cohort], now: datetime) -> dict[int, Meeting]:
    """Each cohort's next session (by cohort id), in one query whatever the number."""
    ids = [cohort.id for cohort in cohorts]
    if not ids:
        return {}
    ranked = (
        select(
            Meeting.id,
            func.row_number()
            .over(partition_by=Meeting.cohort_id, order_by=in_time_order(Meeting))
            .label("rank"),
        )
        .where(Meeting.cohort_id.in_(ids), *still_coming(Meeting, now))
        .subquery()
    )
    meetings = db.session.scalars(
        select(Meeting).join(ranked, ranked.c.id == Meeting.id).where(ranked.c.rank == 1)
    )
    return {meeting.cohort_id: meeting for meeting in meetings}


def answer_of(user: User, attendances: Iterable[Attendance]) -> Rsvp | None:
    """The user's answer among a session's ``attendances`` already read."""
    return next((a.rsvp for a in attendances if a.user_id == user.id), None)


def by_answer(attendances: Iterable[Attendance]) -> dict[Rsvp, list[Attendance]]:
    """The answers grouped as the session page lists them (going, maybe, not going), each
    group in the order given: one pass instead of one filter per group."""
    groups: dict[Rsvp, list[Attendance]] = {answer: [] for answer in Rsvp}
    for attendance in attendances:
        if attendance.rsvp is not None:
            groups[attendance.rsvp].append(attendance)
    return groups


def attendance_counts(meetings: Iterable[Meeting]) -> dict[int, dict[str, int]]:
    """Per session id: how many answered going / maybe / not_going, and how many attended."""
    ids = [meeting.id for meeting in meetings]
    counts: dict[int, dict[str, int]] = {
        meeting_id: dict.fromkeys([*Rsvp, "attended"], 0) for meeting_id in ids
    }
    if not ids:
        return counts
    rows = db.session.execute(
        select(Attendance.meeting_id, Attendance.rsvp, Attendance.attended, func.count())
        .where(Attendance.meeting_id.in_(ids))
        .group_by(Attendance.meeting_id, Attendance.rsvp, Attendance.attended)
    )
    for meeting_id, rsvp, attended, number in rows:
        if rsvp is not None:
            counts[meeting_id][rsvp] += number
        if attended:
            counts[meeting_id]["attended"] += number
    return counts
