"""A member's timeline in one cohort: their months in order, goals, milestones and charts.

In a cohort, a member's months and goals come only from inventories visible there
(``permissions.timeline_inventories``): shared ones for everyone, and for the member themselves
also drafts and paused months. A skipped or paused month is a gap, never a zero. Whatever the
number of months, building it runs a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload, lazyload

from ..auth.models import User
from ..cohorts.models import Cohort
from ..extensions import db
from ..inventories.models import (
    RATING_AREAS,
    Goal,
    GoalProgress,
    Inventory,
    InventoryStatus,
    Task,
    TaskOutcome,
    TaskReview,
)
from ..inventories.sections import AREA_LABELS, CARD_SECTIONS, resolve_sections
from ..meetings.models import Meeting
from ..permissions import can_cheer, timeline_inventories
from . import charts
from .milestones import Milestone, milestones_for
from .services import Cheers, cheers_on

MONTH_FORMATS = {"ja": "y年M月", "en": "MMM y"}
RECENT_CARDS = 12  # a year of monthly sessions
HIGHLIGHTS = tuple(key for key in CARD_SECTIONS if key != "feedback_ask")  # did, praised, …


def month_label(meeting: Meeting) -> str:
    """The cohort-local month of a session, in the reader's language: "Dec 2026" / "2026年12月"."""
    month = meeting.month_on or meeting.starts_at.astimezone(ZoneInfo(meeting.cohort.timezone))
    return format_date(month, MONTH_FORMATS.get(str(get_locale().language), "MMM y"), False)


@dataclass
class Month:
    meeting: Meeting
    label: str
    inventory: Inventory | None
    state: str  # "shared", "draft" (owner only), "paused" (owner only) or "gap"
    progress: list[GoalProgress] = field(default_factory=list)
    tasks: dict[str, int] = field(default_factory=dict)  # outcome → how many
    feedback: int | None = None  # received, once the feedback feature counts it
    milestones: list[Milestone] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # section key → title

    @property
    def is_gap(self) -> bool:
        """Skipped or paused: nothing to read, nothing to chart."""
        return self.state in ("gap", "paused")

    def card_key(self) -> tuple:
        """Everything the month's card shows but its cheer buttons (cohort/fragments.py): the
        inventory's saved version, and what others change (a feedback, a goal's title)."""
        inventory = self.inventory
        return (
            inventory.id,
            inventory.version,
            inventory.updated_at,
            inventory.kind,
            self.state,
            self.label,
            self.meeting.title,
            self.feedback,
            tuple((row.goal_id, row.goal.title, row.percent) for row in self.progress),
            tuple(sorted(self.tasks.items())),
            tuple(self.titles.get(key, key) for key in HIGHLIGHTS),
        )

    def highlights(self) -> list[tuple[str, str]]:
        """(title, HTML) of what they did, were praised for, learned, and will try."""
        answers = self.inventory.answers_html if self.inventory and not self.is_gap else {}
        return [(self.titles.get(key, key), answers[key]) for key in HIGHLIGHTS if answers.get(key)]


@dataclass
class Timeline:
    member_id: int
    is_own: bool
    months: list[Month]  # oldest first
    goals: list[Goal]
    cheers: dict[tuple[int, str], Cheers]
    can_cheer: bool = False  # the viewer's, on this member's shared months
    # The months the charts and their tables span: the last year's unless all are asked for.
    charted: list[Month] = field(default_factory=list)
    rating_panels: list[charts.Panel] = field(default_factory=list)
    goal_panels: list[charts.Panel] = field(default_factory=list)

    @property
    def area_labels(self) -> dict:
        """The five current-state areas, in the reader's language (for the table's header)."""
        return AREA_LABELS

    @property
    def newest_first(self) -> list[Month]:
        return self.months[::-1]

    def cards(self, show_all: bool) -> list[Month]:
        """The months shown as cards, newest first: the last year's unless all are asked for
        (as for the charts). A page's cost then stays that of a year, however long someone
        has been reflecting."""
        return self.newest_first if show_all else self.newest_first[:RECENT_CARDS]

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


def _state(inventory: Inventory | None) -> str:
    if inventory is None:
        return "gap"
    return {InventoryStatus.SHARED: "shared", InventoryStatus.PAUSED: "paused"}.get(
        inventory.status, "draft"
    )


@cache  # built once per part of life: constructing the expressions costs more than running them
def _detail_columns(area: str | None = None) -> tuple:
    """Per inventory: feedback received and tasks done / carried / dropped (only the tasks of
    one part of life, given ``area``), as correlated counts read with the inventory itself."""
    from ..feedback.models import Feedback

    def count(model, *conditions):
        return (
            select(func.count())
            .select_from(model)
            .where(model.inventory_id == Inventory.id, *conditions)
            .correlate(Inventory)
            .scalar_subquery()
        )

    tagged = [TaskReview.task_id.in_(select(Task.id).where(Task.area == area))] if area else []
    return (
        count(Feedback),
        *(count(TaskReview, TaskReview.outcome == o, *tagged) for o in TaskOutcome),
    )


# A member's months come in one cohort, for one member: both are loaded already (the identity
# map hands them over), and each session's cohort is that same cohort.
MONTH_LOADING = (
    lazyload(Inventory.cohort),
    lazyload(Inventory.user),
    joinedload(Inventory.meeting).lazyload(Meeting.cohort),
)


def visible_months(
    viewer: User,
    cohort: Cohort,
    member_id: int,
    now: datetime,
    area: str | None = None,
    markdown: bool = True,
) -> list[Month]:
    """From the first visible inventory to now (or a later draft), one Month per session;
    sessions without a visible inventory are gaps, cancelled ones are left out (2 queries).
    Each written month comes with its feedback and task counts (of one part of life, given
    ``area``), and its Markdown answers unless a page shows only rendered ones."""
    loading = MONTH_LOADING if markdown else (*MONTH_LOADING, defer(Inventory.answers))
    rows = db.session.execute(
        timeline_inventories(viewer, cohort, member_id)
        .add_columns(*_detail_columns(area))
        .options(*loading)
    ).all()
    if not rows:
        return []
    by_meeting = {row[0].meeting_id: row for row in rows}
    starts = [row[0].meeting.starts_at for row in rows]
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.cohort_id == cohort.id,
            Meeting.starts_at >= min(starts),
            Meeting.starts_at <= max(max(starts), now),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    months = []
    for meeting in meetings:
        row = by_meeting.get(meeting.id)
        if row is None and meeting.is_cancelled:
            continue
        inventory = row[0] if row else None
        month = Month(meeting, month_label(meeting), inventory, _state(inventory))
        if row and not month.is_gap:
            month.feedback = row[1]
            month.tasks = {
                outcome.value: n for outcome, n in zip(TaskOutcome, row[2:], strict=True) if n
            }
        months.append(month)
    return months


def _attach_details(months: list[Month]) -> None:
    """Goal progress and milestones (2 queries at most)."""
    written = {m.inventory.id: m for m in months if m.inventory and not m.is_gap}
    for row in db.session.scalars(
        select(GoalProgress).where(GoalProgress.inventory_id.in_(written)).order_by(GoalProgress.id)
    ):
        written[row.inventory_id].progress.append(row)
    shared = [m.inventory.id for m in months if m.state == "shared"]
    ordinals = {inventory_id: index for index, inventory_id in enumerate(shared, start=1)}
    milestones = milestones_for(shared, ordinals)
    for inventory_id, month in written.items():
        month.milestones = milestones.get(inventory_id, [])
        month.titles = {s.key: s.title for s in resolve_sections(month.inventory.template.sections)}


def _goals(months: list[Month]) -> list[Goal]:
    """Goals in the order they first appear; only those seen through visible months."""
    seen: dict[int, Goal] = {}
    for month in months:
        for row in month.progress:
            seen.setdefault(row.goal_id, row.goal)
    return list(seen.values())


def _charts(timeline: Timeline) -> None:
    columns = [
        charts.Column(m.label, is_gap=m.is_gap, is_draft=m.state == "draft")
        for m in timeline.charted
    ]

    def rating(name: str) -> list[int | None]:
        return [None if m.is_gap else getattr(m.inventory, name) for m in timeline.charted]

    series = [(_("Energy"), rating("energy"))] + [
        (str(AREA_LABELS[area]), rating(f"rating_{area}")) for area in RATING_AREAS
    ]
    timeline.rating_panels = [
        charts.line_panel(title, columns, values, charts.RATING_SCALE, charts.RATING_TICKS)
        for title, values in series
    ]
    for goal in timeline.goals:
        values = [
            next((row.percent for row in m.progress if row.goal_id == goal.id), None)
            for m in timeline.charted
        ]
        timeline.goal_panels.append(
            charts.line_panel(
                goal.title, columns, values, charts.PERCENT_SCALE, charts.PERCENT_TICKS, "%"
            )
        )


def member_timeline(
    viewer: User,
    cohort: Cohort,
    member_id: int,
    now: datetime,
    show_all: bool = False,
    area: str | None = None,
) -> Timeline:
    """The member's timeline in this cohort as the viewer may see it (at most 7 queries),
    charted over the last year, or over every month with ``show_all``; its goals and tasks
    those of one part of life, given ``area``."""
    months = visible_months(viewer, cohort, member_id, now, area, markdown=False)
    if not months:
        return Timeline(member_id, viewer.id == member_id, [], [], {})
    _attach_details(months)
    shared = [m.inventory.id for m in months if m.state == "shared"]
    charted = months if show_all else months[-RECENT_CARDS:]
    timeline = Timeline(
        member_id=member_id,
        is_own=viewer.id == member_id,
        months=months,
        goals=_goals(charted),
        cheers=cheers_on(viewer, shared),
        charted=charted,
    )
    first_shared = next((m.inventory for m in months if m.state == "shared"), None)
    timeline.can_cheer = first_shared is not None and can_cheer(viewer, first_shared)
    _charts(timeline)
    only_area(timeline, area)
    return timeline


def only_area(timeline: Timeline, area: str | None) -> None:
    """Keep the goals of one part of life and their progress; the goal charts follow. (The
    months' task counts are that part's already when ``visible_months`` was given it.)"""
    if not area:
        return
    timeline.goals = [goal for goal in timeline.goals if goal.area == area]
    for month in timeline.months:
        month.progress = [row for row in month.progress if row.goal.area == area]
    timeline.goal_panels = []
    _charts(timeline)


def timeline_of(viewer: User, member_id: int, months: list[Month]) -> Timeline:
    """A timeline of these months (taken from ``visible_months``), with their goal progress,
    milestones and charts over all of them; no cheers (2 queries at most)."""
    if not months:
        return Timeline(member_id, viewer.id == member_id, [], [], {})
    _attach_details(months)
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
