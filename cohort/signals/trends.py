"""Cohort health over the sessions: per session, who shared (and on time), how far feedback
reached, how much of it was found helpful, who came. Five queries whatever the number of
members and sessions; the rates are computed here from grouped counts."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from ..cohorts.models import Cohort, Membership, Role
from ..extensions import db
from ..feedback.models import Feedback
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Attendance, Meeting, MeetingStatus
from ..year.models import Season

# Measure key → label; each is a share from 0 to 100 %, None when nothing could be counted.
MEASURES = {
    "share_rate": _l("Shared inventories"),
    "on_time_rate": _l("Shared on time"),
    "coverage": _l("Feedback coverage"),
    "helpful_rate": _l("Feedback marked helpful"),
    "attendance_rate": _l("Attendance"),
}


@dataclass
class SessionHealth:
    meeting: Meeting
    present: int  # members who write (members and organizers), in the cohort then
    expected: int  # of them, those who had not paused the month
    shared: int
    on_time: int
    covered: int  # shared inventories with at least k pieces of feedback
    feedback: int  # pieces given
    helpful: int
    attended: int
    attendance_taken: bool

    @staticmethod
    def _rate(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def share_rate(self) -> int | None:
        return self._rate(self.shared, self.expected)

    @property
    def on_time_rate(self) -> int | None:
        return self._rate(self.on_time, self.expected)

    @property
    def coverage(self) -> int | None:
        return self._rate(self.covered, self.shared)

    @property
    def helpful_rate(self) -> int | None:
        return self._rate(self.helpful, self.feedback)

    @property
    def attendance_rate(self) -> int | None:
        return self._rate(self.attended, self.present) if self.attendance_taken else None

    def value(self, key: str) -> int | None:
        return getattr(self, key)


def _writers(cohort: Cohort) -> list[Membership]:
    """Everyone who has been a writing member (member or organizer), also those gone since."""
    return list(
        db.session.scalars(
            select(Membership).where(
                Membership.cohort_id == cohort.id, Membership.role != Role.MENTOR
            )
        )
    )


def _in_cohort_at(membership: Membership, moment: datetime) -> bool:
    return membership.joined_at < moment and (
        membership.ended_at is None or membership.ended_at > moment
    )


def past_sessions(cohort: Cohort, now: datetime) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.cohort_id == cohort.id,
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at <= now,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


Counts = dict[int, dict[str, int]]  # meeting id → what was counted there


def _writer_ids(cohort: Cohort):
    return select(Membership.user_id).where(
        Membership.cohort_id == cohort.id, Membership.role != Role.MENTOR
    )


def _count_inventories(cohort: Cohort, ids: list[int], counts: Counts) -> None:
    """Shared (and on time) and paused inventories of writing members, per session."""
    for meeting_id, status, is_late, number in db.session.execute(
        select(Inventory.meeting_id, Inventory.status, Inventory.is_late, func.count())
        .where(
            Inventory.meeting_id.in_(ids),
            Inventory.status != InventoryStatus.DRAFT,
            Inventory.user_id.in_(_writer_ids(cohort)),
        )
        .group_by(Inventory.meeting_id, Inventory.status, Inventory.is_late)
    ):
        if status == InventoryStatus.PAUSED:
            counts[meeting_id]["paused"] += number
        else:
            counts[meeting_id]["shared"] += number
            counts[meeting_id]["on_time"] += 0 if is_late else number


def _count_feedback(ids: list[int], k: int, counts: Counts) -> None:
    """Pieces given, marked helpful, and inventories with at least ``k`` pieces."""
    per_inventory = (
        select(
            Feedback.meeting_id,
            func.count().label("pieces"),
            func.sum(case((Feedback.is_helpful, 1), else_=0)).label("helpful"),
        )
        .where(Feedback.meeting_id.in_(ids))
        .group_by(Feedback.meeting_id, Feedback.inventory_id)
        .subquery()
    )
    for meeting_id, pieces, helpful, covered in db.session.execute(
        select(
            per_inventory.c.meeting_id,
            func.sum(per_inventory.c.pieces),
            func.sum(per_inventory.c.helpful),
            func.sum(case((per_inventory.c.pieces >= k, 1), else_=0)),
        ).group_by(per_inventory.c.meeting_id)
    ):
        counts[meeting_id]["feedback"] = int(pieces or 0)
        counts[meeting_id]["helpful"] = int(helpful or 0)
        counts[meeting_id]["covered"] = int(covered or 0)


def _count_attendance(cohort: Cohort, ids: list[int], counts: Counts) -> None:
    """Writing members marked present, and whether attendance was taken at all."""
    for meeting_id, attended, marked in db.session.execute(
        select(
            Attendance.meeting_id,
            func.sum(case((Attendance.attended.is_(True), 1), else_=0)),
            func.count(Attendance.attended),
        )
        .where(Attendance.meeting_id.in_(ids), Attendance.user_id.in_(_writer_ids(cohort)))
        .group_by(Attendance.meeting_id)
    ):
        counts[meeting_id]["attended"] = int(attended or 0)
        counts[meeting_id]["marked"] = int(marked or 0)


def cohort_health(cohort: Cohort, now: datetime, k: int) -> list[SessionHealth]:
    """One row per past session, oldest first (five queries)."""
    sessions = past_sessions(cohort, now)
    if not sessions:
        return []
    ids = [meeting.id for meeting in sessions]
    writers = _writers(cohort)
    counts: Counts = defaultdict(lambda: defaultdict(int))
    _count_inventories(cohort, ids, counts)
    _count_feedback(ids, k, counts)
    _count_attendance(cohort, ids, counts)
    rows = []
    for meeting in sessions:
        count = counts[meeting.id]
        present = sum(_in_cohort_at(m, meeting.starts_at) for m in writers)
        rows.append(
            SessionHealth(
                meeting=meeting,
                present=present,
                expected=max(present - count["paused"], count["shared"]),
                shared=count["shared"],
                on_time=count["on_time"],
                covered=count["covered"],
                feedback=count["feedback"],
                helpful=count["helpful"],
                attended=count["attended"],
                attendance_taken=count["marked"] > 0,
            )
        )
    return rows


# Seasons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: date  # cohort-local, inclusive
    ends_on: date  # cohort-local, exclusive


def _local_day(meeting: Meeting, cohort: Cohort) -> date:
    return meeting.starts_at.astimezone(ZoneInfo(cohort.timezone)).date()


def season_periods(cohort: Cohort, sessions: list[Meeting]) -> list[Period]:
    """The cohort's seasons that have sessions, oldest first: the seasons its organizers
    closed, then the one under way since the last of them. A cohort that never closed a
    season is read by calendar years of its sessions."""
    days = sorted(_local_day(meeting, cohort) for meeting in sessions)
    if not days:
        return []
    closed = db.session.scalars(
        select(Season).where(Season.cohort_id == cohort.id).order_by(Season.starts_on)
    ).all()
    if not closed:
        years = sorted({day.year for day in days})
        return [Period(str(year), date(year, 1, 1), date(year + 1, 1, 1)) for year in years]
    periods = [
        Period(season.name, season.starts_on, season.ends_on + timedelta(days=1))
        for season in closed
    ]
    since = periods[-1].ends_on
    if days[-1] >= since:
        periods.append(Period(str(_l("This season")), since, days[-1] + timedelta(days=1)))
    return [p for p in periods if any(p.starts_on <= day < p.ends_on for day in days)]


@dataclass
class Comparison:
    current: Period
    previous: Period
    averages: dict[str, tuple[int | None, int | None]]  # key → (previous, current)


def _average(rows: list[SessionHealth], key: str) -> int | None:
    values = [value for row in rows if (value := row.value(key)) is not None]
    return round(sum(values) / len(values)) if values else None


def compare_seasons(cohort: Cohort, rows: list[SessionHealth]) -> Comparison | None:
    """This season against the one before, when there is one."""
    periods = season_periods(cohort, [row.meeting for row in rows])
    if len(periods) < 2:
        return None
    previous, current = periods[-2:]

    def within(period: Period) -> list[SessionHealth]:
        return [
            r for r in rows if period.starts_on <= _local_day(r.meeting, cohort) < period.ends_on
        ]

    before, now = within(previous), within(current)
    averages = {key: (_average(before, key), _average(now, key)) for key in MEASURES}
    return Comparison(current, previous, averages)
