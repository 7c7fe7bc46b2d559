"""A member's year in one cohort: twelve months (or a closed season) told on one page.

Everything comes from the viewer's timeline (``timeline.months.visible_months``), so a shared year
shows others only the shared months, as the timeline does. Building it runs a fixed number
of queries whatever the number of months.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, get_locale

from ..auth.models import User
from ..cohorts.models import Cohort
from ..errors import DomainError
from ..extensions import db
from ..feedback.models import Feedback
from ..feedback.reading import Quadrants, quadrants
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..inventories.models import RATING_AREAS, Goal, GoalStatus
from ..inventories.sections import AREA_LABELS
from ..permissions import visible_feedback
from ..timeline.months import MONTH_FORMATS, Month, visible_months
from ..timeline.timeline import Timeline, only_area, timeline_of
from . import threads
from .models import Season

MONTHS = 12
TOP_CHANGES = 5


def add_months(day: date, count: int) -> date:
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class YearRange:
    """Twelve cohort-local months from ``start`` (a first of the month), or one season."""

    start: date
    end: date  # exclusive: the first day after the range
    season: Season | None = None

    @property
    def last(self) -> date:
        return add_months(self.end, -1)

    def label(self) -> str:
        """ "Dec 2025 – Nov 2026" / "2025年12月 – 2026年11月", or the season's name."""
        if self.season is not None:
            return _("Season %(name)s", name=self.season.name)
        pattern = MONTH_FORMATS.get(str(get_locale().language), "MMM y")
        return f"{format_date(self.start, pattern)} – {format_date(self.last, pattern)}"

    def query(self) -> dict:
        """The page's arguments that choose this range."""
        if self.season is not None:
            return {"season": self.season.id}
        return {"start": f"{self.start:%Y-%m}"}


def last_twelve_months(today: date) -> YearRange:
    end = add_months(date(today.year, today.month, 1), 1)
    return YearRange(add_months(end, -MONTHS), end)


def parse_range(start: str | None, season_id: str | None, today: date, seasons: list[Season]):
    """The range a member asked for: ``start`` as YYYY-MM for twelve months from it, or a
    season's id; the last twelve months when neither is given. Bad input is a DomainError."""
    if season_id:
        season = next((s for s in seasons if str(s.id) == season_id.strip()), None)
        if season is None:
            raise DomainError(_l("There is no such season in this cohort."), "season")
        first = date(season.starts_on.year, season.starts_on.month, 1)
        return YearRange(
            first, add_months(date(season.ends_on.year, season.ends_on.month, 1), 1), season
        )
    if not start:
        return last_twelve_months(today)
    try:
        year, month = (int(part) for part in start.strip().split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise DomainError(
            _l("Choose the first month as year and month, for example 2026-01."), "start"
        ) from None
    if first.year < 2000 or first > today:
        raise DomainError(_l("Choose a first month between 2000 and this month."), "start")
    return YearRange(first, add_months(first, MONTHS))


def _month_day(month: Month) -> date:
    meeting = month.meeting
    if meeting.month_on is not None:
        return meeting.month_on
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.cohort.timezone))
    return date(local.year, local.month, 1)


def in_range(months: list[Month], chosen: YearRange) -> list[Month]:
    if chosen.season is not None:
        return [m for m in months if m.meeting.season_id == chosen.season.id]
    return [m for m in months if chosen.start <= _month_day(m) < chosen.end]


@dataclass
class Change:
    label: str
    first: int
    last: int
    unit: str = ""

    @property
    def delta(self) -> int:
        return self.last - self.first


@dataclass
class Will:
    month: Month
    html: str
    text: str


@dataclass
class BlindSpotMonth:
    month: Month
    quadrants: Quadrants


@dataclass
class YearReview:
    member: User
    cohort: Cohort
    chosen: YearRange
    timeline: Timeline
    is_own: bool
    will_start: Will | None = None
    will_end: Will | None = None
    reached: list[Goal] = field(default_factory=list)
    dropped: list[Goal] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    habits: list[threads.Habit] = field(default_factory=list)
    problems: list[threads.Recurring] = field(default_factory=list)
    helpful: list[Feedback] = field(default_factory=list)
    blind_spots: list[BlindSpotMonth] = field(default_factory=list)
    blind_start: Quadrants | None = None
    blind_end: Quadrants | None = None

    @property
    def months(self) -> list[Month]:
        return self.timeline.months

    @property
    def written(self) -> list[Month]:
        return [m for m in self.months if not m.is_gap]

    @property
    def newly_seen(self) -> list[str]:
        """Traits only peers saw at the start that the member also sees by the end."""
        if self.blind_start is None or self.blind_end is None:
            return []
        end_both = {key for key, _p, _s in self.blind_end.both}
        return [key for key, _p, _s in self.blind_start.peers_only if key in end_both]


def _will(month: Month | None) -> Will | None:
    if month is None or not month.inventory.answers.get("will"):
        return None
    inventory = month.inventory
    return Will(month, inventory.answers_html.get("will", ""), inventory.answers["will"])


def _changes(review: YearReview) -> list[Change]:
    written = review.written
    series = [("energy", _("Energy"), "")] + [
        (f"rating_{area}", str(AREA_LABELS[area]), "") for area in RATING_AREAS
    ]
    found = []
    for name, label, unit in series:
        values = [getattr(m.inventory, name) for m in written if getattr(m.inventory, name)]
        if len(values) > 1 and values[0] != values[-1]:
            found.append(Change(label, values[0], values[-1], unit))
    for goal in review.timeline.goals:
        values = [row.percent for m in written for row in m.progress if row.goal_id == goal.id]
        if len(values) > 1 and values[0] != values[-1]:
            found.append(Change(goal.title, values[0], values[-1], "%"))
    found.sort(key=lambda c: (-abs(c.delta), c.label))
    return found[:TOP_CHANGES]


def _goals(review: YearReview, until: datetime | None) -> None:
    for goal in review.timeline.goals:
        closed_in_range = goal.closed_at is None or until is None or goal.closed_at < until
        if goal.status == GoalStatus.ACHIEVED and closed_in_range:
            review.reached.append(goal)
        elif goal.status == GoalStatus.DROPPED and closed_in_range:
            review.dropped.append(goal)


def _threads(review: YearReview) -> None:
    written = review.written
    answers = [m.inventory.answers for m in written]
    parts = [threads.split_keep_problem(a.get("keep_problem", "")) for a in answers]
    tries = {i: a.get("try", "") for i, a in enumerate(answers)}
    review.habits = threads.habits(written, tries, {i: p[0] for i, p in enumerate(parts)})
    review.problems = threads.recurring(written, {i: p[1] for i, p in enumerate(parts)})


def _feedback(viewer: User, review: YearReview) -> None:
    """Helpful feedback and the blind-spot map month by month (1 query)."""
    ids = [m.inventory.id for m in review.written]
    if not ids:
        return
    rows = db.session.scalars(
        visible_feedback(viewer)
        .where(Feedback.recipient_id == review.member.id, Feedback.inventory_id.in_(ids))
        .order_by(Feedback.created_at, Feedback.id)
    ).all()
    by_inventory = {m.inventory.id: m for m in review.written}
    review.helpful = [f for f in rows if f.is_helpful]
    peers: dict[int, Counter] = {}
    for piece in rows:
        peers.setdefault(piece.inventory_id, Counter()).update(piece.traits or [])
    halves = (Counter(), Counter()), (Counter(), Counter())
    marked = [
        m
        for m in review.written
        if m.state == "shared" and (m.inventory.self_traits or peers.get(m.inventory.id))
    ]
    for index, month in enumerate(marked):
        mine = Counter(set(month.inventory.self_traits or []))
        theirs = peers.get(month.inventory.id, Counter())
        review.blind_spots.append(
            BlindSpotMonth(by_inventory[month.inventory.id], quadrants(mine, theirs))
        )
        half = halves[0] if index < (len(marked) + 1) // 2 else halves[1]
        half[0].update(mine)
        half[1].update(theirs)
    if len(marked) > 1:
        review.blind_start = quadrants(*halves[0])
        review.blind_end = quadrants(*halves[1])


def year_review(
    viewer: User,
    cohort: Cohort,
    member: User,
    chosen: YearRange,
    now: datetime,
    area: str | None = None,
) -> YearReview:
    """The member's year as the viewer may see it (at most 5 queries), its goals and tasks
    those of one part of life when ``area`` is given."""
    months = in_range(visible_months(viewer, cohort, member.id, now, area), chosen)
    timeline = timeline_of(viewer, member.id, months)
    only_area(timeline, area)
    review = YearReview(member, cohort, chosen, timeline, is_own=viewer.id == member.id)
    written = review.written
    review.will_start = _will(written[0] if written else None)
    review.will_end = _will(written[-1] if len(written) > 1 else None)
    zone = ZoneInfo(cohort.timezone)
    until = datetime.combine(chosen.end, datetime.min.time(), zone) if not chosen.season else None
    _goals(review, until)
    review.changes = _changes(review)
    _threads(review)
    _feedback(viewer, review)
    return review
