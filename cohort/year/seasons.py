"""Closing a season and reading it back as an archive with its figures.

Closing a season ("2026", with its cohort-local dates) marks each of its sessions
(``Meeting.season_id``); ``permissions`` then refuses every change to them, to their
inventories and to their feedback. The cohort goes on: later sessions are not touched.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, Role
from ..errors import DomainError
from ..extensions import db
from ..feedback.models import Feedback
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting
from ..meetings.services import attendance_counts
from ..permissions import Action, require
from .models import Season

MAX_NAME = 60


@dataclass
class SeasonInput:
    name: str
    starts_on: date | None
    ends_on: date | None


def seasons_of(cohort: Cohort) -> list[Season]:
    """The cohort's closed seasons, newest first."""
    return list(
        db.session.scalars(
            select(Season).where(Season.cohort_id == cohort.id).order_by(Season.starts_on.desc())
        )
    )


def _bounds(cohort: Cohort, starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    """The season's cohort-local days as a half-open UTC range."""
    zone = ZoneInfo(cohort.timezone)
    start = datetime.combine(starts_on, time(0), zone)
    end = datetime.combine(ends_on + timedelta(days=1), time(0), zone)
    return start, end


def _in_range(cohort: Cohort, starts_on: date, ends_on: date):
    start, end = _bounds(cohort, starts_on, ends_on)
    return (
        Meeting.cohort_id == cohort.id,
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
    )


def _check(cohort: Cohort, data: SeasonInput, now: datetime) -> str:
    name = " ".join((data.name or "").split())
    if not name:
        raise DomainError(_l("Give the season a name, for example 2026."), "name")
    if len(name) > MAX_NAME:
        raise DomainError(_l("Keep the name under %(n)d characters.", n=MAX_NAME), "name")
    if data.starts_on is None or data.ends_on is None:
        raise DomainError(_l("Enter the first and the last day of the season."), "starts_on")
    if data.ends_on < data.starts_on:
        raise DomainError(_l("The season must end on or after its first day."), "ends_on")
    if data.ends_on >= now.astimezone(ZoneInfo(cohort.timezone)).date():
        raise DomainError(_l("Only a season that is over can be closed."), "ends_on")
    taken = db.session.scalar(
        select(Season.name).where(
            Season.cohort_id == cohort.id,
            (Season.name == name)
            | ((Season.starts_on <= data.ends_on) & (Season.ends_on >= data.starts_on)),
        )
    )
    if taken == name:
        raise DomainError(
            _l("This cohort already has a season called %(name)s.", name=name), "name"
        )
    if taken is not None:
        raise DomainError(
            _l("These dates overlap the season %(name)s, which is closed.", name=taken), "starts_on"
        )
    return name


def close_season(actor: User, cohort: Cohort, data: SeasonInput, now: datetime) -> Season:
    """Close a season that is over: its sessions become a read-only archive."""
    require(actor, Action.MANAGE, cohort)
    name = _check(cohort, data, now)
    meetings = db.session.execute(
        select(Meeting.id, Meeting.ends_at).where(*_in_range(cohort, data.starts_on, data.ends_on))
    ).all()
    if not meetings:
        raise DomainError(_l("No session of this cohort falls within these dates."), "starts_on")
    if any(ends_at > now for _id, ends_at in meetings):
        raise DomainError(_l("A session within these dates has not ended yet."), "ends_on")
    season = Season(
        cohort_id=cohort.id,
        name=name,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        closed_at=now,
        closed_by_id=actor.id,
    )
    db.session.add(season)
    db.session.flush()
    db.session.execute(
        update(Meeting)
        .where(Meeting.id.in_([meeting_id for meeting_id, _ends in meetings]))
        .values(season_id=season.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return season


# The archive --------------------------------------------------------------------------------


@dataclass
class SessionFigures:
    meeting: Meeting
    expected: int = 0  # members and organizers in the cohort on the day
    shared: int = 0
    on_time: int = 0
    paused: int = 0
    with_feedback: int = 0  # shared inventories that received at least one piece
    feedback: int = 0  # pieces given
    attended: int = 0

    @staticmethod
    def rate(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def share_rate(self) -> int | None:
        return self.rate(self.shared, self.expected)

    @property
    def coverage(self) -> int | None:
        return self.rate(self.with_feedback, self.shared)

    @property
    def attendance(self) -> int | None:
        return self.rate(self.attended, self.expected)


@dataclass
class SeasonArchive:
    season: Season
    sessions: list[SessionFigures] = field(default_factory=list)
    total: SessionFigures | None = None


def _expected(memberships: list[Membership], moment: datetime) -> set[int]:
    """Who was asked to write for a session then: members and organizers in the cohort."""
    return {
        m.user_id
        for m in memberships
        if m.role != Role.MENTOR
        and m.joined_at <= moment
        and (m.ended_at is None or m.ended_at > moment)
    }


def season_archive(season: Season) -> SeasonArchive:
    """The season's sessions with their figures, and the season's totals (5 queries)."""
    cohort = season.cohort
    meetings = list(
        db.session.scalars(
            select(Meeting).where(Meeting.season_id == season.id).order_by(Meeting.starts_at)
        )
    )
    ids = [m.id for m in meetings]
    memberships = list(
        db.session.scalars(select(Membership).where(Membership.cohort_id == cohort.id))
    )
    figures = {m.id: SessionFigures(m) for m in meetings}
    writers = {m.id: _expected(memberships, m.starts_at) for m in meetings}
    for meeting_id, user_id, status, late in db.session.execute(
        select(Inventory.meeting_id, Inventory.user_id, Inventory.status, Inventory.is_late).where(
            Inventory.meeting_id.in_(ids)
        )
    ):
        writers[meeting_id].add(user_id)  # whoever wrote was expected, whenever they joined
        row = figures[meeting_id]
        if status == InventoryStatus.SHARED:
            row.shared += 1
            row.on_time += not late
        elif status == InventoryStatus.PAUSED:
            row.paused += 1
    for meeting in meetings:
        if not meeting.is_cancelled:
            figures[meeting.id].expected = len(writers[meeting.id])
    for meeting_id, covered, pieces in db.session.execute(
        select(Feedback.meeting_id, func.count(func.distinct(Feedback.inventory_id)), func.count())
        .where(Feedback.meeting_id.in_(ids))
        .group_by(Feedback.meeting_id)
    ):
        figures[meeting_id].with_feedback = covered
        figures[meeting_id].feedback = pieces
    for meeting_id, counts in attendance_counts(meetings).items():
        figures[meeting_id].attended = counts["attended"]
    archive = SeasonArchive(season, list(figures.values()))
    total = SessionFigures(meeting=None)
    for row in archive.sessions:
        for name in ("expected", "shared", "on_time", "paused", "with_feedback", "feedback"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.attended += row.attended
    archive.total = total
    return archive


def season_in(cohort: Cohort, season_id: int) -> Season | None:
    season = db.session.get(Season, season_id)
    return season if season is not None and season.cohort_id == cohort.id else None
