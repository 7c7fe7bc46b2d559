"""A member's timeline in one cohort: their months in order (``months``), goals, milestones
and charts.

In a cohort, a member's months and goals come only from inventories visible there
(``permissions.timeline_inventories``): shared ones for everyone, and for the member themselves
also drafts and paused months. A skipped or paused month is a gap, never a zero. Whatever the
number of months, building it runs a fixed number of queries.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain

from ..auth.models import User
from ..cohorts.models import Cohort
from ..extensions import db
from ..i18n import gettext as _
from ..inventories.cards import card_answers, section_titles
from ..inventories.models import RATING_AREAS, Goal
from ..inventories.sections import AREA_LABELS
from ..permissions import active_membership, can_cheer_from_facts
from . import charts
from .milestones import AchievedGoal, Milestone, milestones_of
from .months import Month, card_months
from .rows import CardGoal
from .services import Cheers, cheers_from_lines
from .statements import progress_statement

CHARTED_MONTHS = 12  # the charts span a year of monthly sessions
# The months shown as cards: half a year, two quarters. Twelve full cards made a long scroll on
# a phone and half of the page's cost; the charts, the milestones and the year page keep the
# long view, and every card is one link away (``?months=all``).
RECENT_CARDS = 6


@dataclass
class Timeline:
    member_id: int
    is_own: bool
    months: list[Month]  # oldest first
    goals: list[Goal | CardGoal]  # entities, or on the member page ``CardGoal`` rows
    cheers: dict[tuple[int, str], Cheers]  # on the months shown as cards, where they are given
    # The months the charts and their tables span: the last year's unless all are asked for.
    charted: list[Month] = field(default_factory=list)
    rating_charts: charts.Grid = field(default_factory=charts.Grid)
    goal_charts: charts.Grid = field(default_factory=lambda: charts.Grid(percent=True))

    @property
    def rating_panels(self) -> list[charts.Panel]:
        return self.rating_charts.panels

    @property
    def goal_panels(self) -> list[charts.Panel]:
        return self.goal_charts.panels

    @property
    def area_labels(self) -> dict:
        """The five current-state areas, in the reader's language (for the table's header)."""
        return AREA_LABELS

    @property
    def newest_first(self) -> list[Month]:
        return self.months[::-1]

    def cards(self, show_all: bool) -> list[Month]:
        """The months shown as cards, newest first: the last half year's unless all are asked
        for. A page's cost then stays the same, however long someone has been reflecting."""
        return _last(self.months, RECENT_CARDS, show_all)[::-1]

    @property
    def charted_states(self) -> tuple[str, ...]:
        """What the table of ratings tells apart that the charts do not: paused or skipped."""
        return tuple(month.state for month in self.charted)

    @property
    def earlier_than_charted(self) -> int:
        return len(self.months) - len(self.charted)

    @property
    def milestones(self) -> list[tuple[Month, Milestone]]:
        """Every milestone with its month, oldest first."""
        return [(month, m) for month in self.months for m in month.milestones]

    @property
    def shared_count(self) -> int:
        return sum(1 for month in self.months if month.state == "shared")

    def cheers_for(self, inventory_id: int, key: str = "") -> Cheers:
        return self.cheers.get((inventory_id, key)) or Cheers()

    def traits_by_month(self) -> tuple[list[tuple[int, list, str]], dict[int, Counter]]:
        return traits_by_month(self.months)


def traits_by_month(months: list[Month]) -> tuple[list[tuple[int, list, str]], dict[int, Counter]]:
    """For the blind-spot map (``feedback.reading.blind_spot_context``): the shared months
    as (inventory id, self traits, session title), and per inventory how often peers picked
    each trait (read with the months on the member page)."""
    shared = [month for month in months if month.state == "shared"]
    return (
        [(m.inventory.id, m.inventory.self_traits, m.meeting.title) for m in shared],
        {m.inventory.id: Counter(chain.from_iterable(m.peer_traits)) for m in shared},
    )


def _last(months: list[Month], count: int, show_all: bool) -> list[Month]:
    """The last ``count`` months, oldest first (every month with ``show_all``): those a page
    charts or shows as cards."""
    return months if show_all else months[-count:]


def _milestones(months: list[Month]) -> dict[int, list[Milestone]]:
    """Milestones per shared month, as ``milestones.milestones_for`` finds them, from the
    months' ordinals and the achieved goals each marks (``Month.marks``; no query)."""
    shared = [m for m in months if m.state == "shared"]
    found = {}
    for ordinal, month in enumerate(shared, start=1):
        marked = sorted(month.marks, key=_closing_order)
        goals = [AchievedGoal(goal.id, goal.title) for goal in marked]
        found[month.inventory.id] = milestones_of(month.inventory.id, ordinal, goals)
    return found


def _closing_order(goal: Goal | CardGoal) -> tuple:
    """Achieved goals in the order they were closed, as ``milestones.achieved_goals`` lists
    them (PostgreSQL puts a missing moment last)."""
    return (goal.closed_at is None, goal.closed_at or _NEVER, goal.id)


_NEVER = datetime.min.replace(tzinfo=UTC)


def _attach_details(months: list[Month], read_progress: bool = False) -> None:
    """Milestones and section titles; first, with ``read_progress``, goal progress and the
    achieved goals each month marks (1 query: the year pages' months are read without them,
    the member page's with them)."""
    written = {m.inventory.id: m for m in months if m.inventory and not m.is_gap}
    if written and read_progress:
        _attach_progress(written)
    milestones = _milestones(months)
    titles = section_titles({m.inventory.template_id for m in written.values()})
    for inventory_id, month in written.items():
        month.milestones = milestones.get(inventory_id, [])
        month.titles = titles[month.inventory.template_id]


def _attach_progress(written: dict[int, Month]) -> None:
    """Goal progress entities of these months, and the achieved goals each marks: those
    whose last recording (``statements._last_recorded``) is at its session (1 query)."""
    for row, last_at in db.session.execute(progress_statement(), {"ids": list(written)}):
        month = written[row.inventory_id]
        month.progress.append(row)
        if last_at is not None and month.meeting.starts_at >= last_at:
            month.marks.append(row.goal)


def _goals(months: list[Month]) -> list[Goal | CardGoal]:
    """Goals in the order they first appear; only those seen through visible months."""
    seen: dict[int, Goal | CardGoal] = {}
    for month in months:
        for row in month.progress:
            seen.setdefault(row.goal_id, row.goal)
    return list(seen.values())


def _charts(timeline: Timeline) -> None:
    """The charts' months and values (their panels are drawn only if not kept rendered)."""
    columns = tuple(
        charts.Column(m.label, is_gap=m.is_gap, is_draft=m.state == "draft")
        for m in timeline.charted
    )

    def rating(name: str) -> tuple[int | None, ...]:
        return tuple(None if m.is_gap else getattr(m.inventory, name) for m in timeline.charted)

    areas = ((str(AREA_LABELS[area]), rating(f"rating_{area}")) for area in RATING_AREAS)
    ratings = ((_("Energy"), rating("energy")), *areas)
    timeline.rating_charts = charts.Grid(columns, ratings)
    percents = [m.percents() for m in timeline.charted]
    goals = tuple(
        (goal.title, tuple(recorded.get(goal.id) for recorded in percents))
        for goal in timeline.goals
    )
    timeline.goal_charts = charts.Grid(columns, goals, percent=True)


def member_timeline(
    viewer: User,
    cohort: Cohort,
    member_id: int,
    now: datetime,
    show_all: bool = False,
    area: str | None = None,
    months: list[Month] | None = None,
) -> Timeline:
    """The member's timeline in this cohort as the viewer may see it (1 query: the months
    with their goal progress and their cards' cheers, unless ``card_months`` was read
    already; the answers a second, only for a card whose kept rendering is missing),
    charted over the last year, or over every month with ``show_all``; its goals and tasks
    those of one part of life, given ``area``."""
    if months is None:
        months = card_months(viewer, cohort, member_id, now, area)
    if not months:
        return Timeline(member_id, viewer.id == member_id, [], [], {})
    _attach_details(months)
    charted = _last(months, CHARTED_MONTHS, show_all)
    carded, cheers = viewer_cards(viewer, cohort, member_id, months, show_all)
    answers = card_answers([m.inventory.id for m in carded])
    for month in carded:
        month.answers = answers
    timeline = Timeline(
        member_id=member_id,
        is_own=viewer.id == member_id,
        months=months,
        goals=_goals(charted),
        cheers=cheers,
        charted=charted,
    )
    _charts(timeline)
    only_area(timeline, area)
    return timeline


def viewer_cards(
    viewer: User, cohort: Cohort, member_id: int, months: list[Month], show_all: bool
) -> tuple[list[Month], dict[tuple[int, str], Cheers]]:
    """The written months shown as cards, each told whether the viewer may cheer it, and
    their cheers as the viewer sees them: what is the viewer's own on the cards (no query)."""
    shown = _last(months, RECENT_CARDS, show_all)
    carded = [m for m in shown if m.inventory is not None and not m.is_gap]
    cheers = cheers_from_lines(
        viewer, [(m.inventory.id, m.cheer_lines) for m in carded if m.state == "shared"]
    )
    _may_cheer(viewer, cohort, member_id, carded)
    return carded, cheers


def _may_cheer(viewer: User, cohort: Cohort, member_id: int, months: list[Month]) -> None:
    """Whether the viewer may cheer each of these months, as ``permissions.can_cheer`` would
    on its inventory, from what the page has read: a month of a closed season may not be
    cheered, the open months beside it may."""
    is_active_member = active_membership(viewer, cohort) is not None
    for month in months:
        month.can_cheer = can_cheer_from_facts(
            viewer,
            author_id=member_id,
            is_shared=month.state == "shared",
            is_active_member=is_active_member,
            cohort_is_archived=cohort.is_archived,
            session_is_closed=month.meeting.is_closed,
        )


def only_area(timeline: Timeline, area: str | None) -> None:
    """Keep the goals of one part of life and their progress; the goal charts follow. (The
    months' task counts are that part's already when ``visible_months`` was given it.)"""
    if not area:
        return
    timeline.goals = [goal for goal in timeline.goals if goal.area == area]
    for month in timeline.months:
        month.progress = [row for row in month.progress if row.goal.area == area]
    _charts(timeline)


def timeline_of(viewer: User, member_id: int, months: list[Month]) -> Timeline:
    """A timeline of these months (taken from ``visible_months``), with their goal progress,
    milestones and charts over all of them; no cheers (1 query)."""
    if not months:
        return Timeline(member_id, viewer.id == member_id, [], [], {})
    _attach_details(months, read_progress=True)
    timeline = Timeline(
        member_id=member_id,
        is_own=viewer.id == member_id,
        months=months,
        goals=_goals(months),
        cheers={},
        charted=months,
    )
    _charts(timeline)
    return timeline
