"""A member's months in one cohort, as a viewer may see them: one per session, from the
first visible inventory to now, each with its session, inventory (or a gap), label, counts
and section titles. The year, quarter and "what changed" pages read them as entities
(``visible_months``); the member page as plain rows (``card_months``), and builds its
timeline from them (``timeline.member_timeline``).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import format_date, get_locale
from sqlalchemy import Row

from ..auth.models import User
from ..cohorts.models import Cohort
from ..extensions import db
from ..inventories.models import (
    Goal,
    GoalProgress,
    GoalStatus,
    Inventory,
    InventoryStatus,
    TaskOutcome,
)
from ..inventories.sections import CARD_SECTIONS
from ..meetings.models import Meeting
from ..statements import ReadWhenAsked, plain_rows, read_json_lines
from .milestones import Milestone
from .rows import CardGoal, CardProgress, MonthInventory, MonthMeeting
from .statements import months_statement

MONTH_FORMATS = {"ja": "y年M月", "en": "MMM y"}
HIGHLIGHTS = tuple(key for key in CARD_SECTIONS if key != "feedback_ask")  # did, praised, …


def month_label(meeting: Meeting, locale: str | None = None) -> str:
    """The cohort-local month of a session, in the reader's language: "Dec 2026" / "2026年12月"
    (a list of months passes the language, found once)."""
    month = meeting.month_on or meeting.starts_at.astimezone(ZoneInfo(meeting.cohort.timezone))
    return _month_label(month.year, month.month, locale or str(get_locale()))


@lru_cache(maxsize=1024)  # a timeline labels every month it holds, on every page view
def _month_label(year: int, month: int, locale: str) -> str:
    """A month's label reads the same whatever its day: formatted once per month and locale."""
    language = locale.split("_", 1)[0]
    return format_date(date(year, month, 1), MONTH_FORMATS.get(language, "MMM y"), False)


@dataclass
class Month:
    # Entities, or on the member page plain rows (``rows.MonthMeeting``, ``MonthInventory``).
    meeting: Meeting | MonthMeeting
    label: str
    inventory: Inventory | MonthInventory | None
    state: str  # "shared", "draft" (owner only), "paused" (owner only) or "gap"
    # Goal progress: entities, or on the member page ``CardProgress`` rows.
    progress: list[GoalProgress | CardProgress] = field(default_factory=list)
    # The achieved goals whose last recorded progress is this month's (``CardGoal`` rows on
    # the member page, entities on the year pages).
    marks: list[Goal | CardGoal] = field(default_factory=list)
    tasks: dict[str, int] = field(default_factory=dict)  # outcome → how many
    feedback: int | None = None  # received, once the feedback feature counts it
    milestones: list[Milestone] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # section key → title
    answers: ReadWhenAsked | None = None  # where the rendered answers are, when not loaded
    # The traits picked in each feedback on it the viewer may read (the member page's).
    peer_traits: list[list[str]] = field(default_factory=list)
    can_cheer: bool = False  # the viewer's, on a card of the member page
    cheer_lines: str | None = None  # the member page's cheers, as read (services.cheers_from_lines)

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

    def percents(self) -> dict[int, int]:
        """Goal id → percent recorded this month: one lookup per chart point or table cell."""
        return {row.goal_id: row.percent for row in self.progress}

    def highlights(self) -> list[tuple[str, str]]:
        """(title, HTML) of what they did, were praised for, learned, and will try."""
        if self.inventory is None or self.is_gap:
            return []
        if self.answers is not None:
            answers = self.answers.of(self.inventory.id)
        else:
            answers = self.inventory.answers_html or {}
        return [(self.titles.get(key, key), answers[key]) for key in HIGHLIGHTS if answers.get(key)]


def _state(inventory: Inventory | MonthInventory | None) -> str:
    if inventory is None:
        return "gap"
    return {InventoryStatus.SHARED: "shared", InventoryStatus.PAUSED: "paused"}.get(
        inventory.status, "draft"
    )


def visible_months(
    viewer: User,
    cohort: Cohort,
    member_id: int,
    now: datetime,
    area: str | None = None,
) -> list[Month]:
    """From the first visible inventory to now (or a later draft), one Month per session;
    sessions without a visible inventory are gaps, cancelled ones are left out (1 query).
    Each written month comes with its feedback and task counts (of one part of life, given
    ``area``), and its answers (Markdown and rendered)."""
    rows = db.session.execute(
        months_statement(area, False),
        {"viewer_id": viewer.id, "cohort_id": cohort.id, "member_id": member_id, "now": now},
    ).all()
    locale = str(get_locale())
    months = []
    for meeting, inventory, feedback, outcomes in rows:
        if inventory is None and meeting.is_cancelled:
            continue
        month = Month(meeting, month_label(meeting, locale), inventory, _state(inventory))
        _add_counts(month, feedback, outcomes)
        months.append(month)
    return months


_MEETING_WIDTH = len(MonthMeeting._fields) - 1  # all but the cohort, the page's
_INVENTORY_END = _MEETING_WIDTH + len(MonthInventory._fields)


def card_months(
    viewer: User, cohort: Cohort, member_id: int, now: datetime, area: str | None = None
) -> list[Month]:
    """``visible_months`` for the member page, read as plain rows (``rows.MonthMeeting``,
    ``MonthInventory``, ``CardProgress``) with each month's peer traits, cheers and goal
    progress and without its answers: the cards read those themselves (``card_answers``)."""
    return months_of_rows(card_rows(viewer, cohort, member_id, now, area), cohort)


def card_rows(
    viewer: User, cohort: Cohort, member_id: int, now: datetime, area: str | None = None
) -> list[Row]:
    """The rows ``card_months`` builds its months from (1 query)."""
    return plain_rows(
        months_statement(area, True),
        {"viewer_id": viewer.id, "cohort_id": cohort.id, "member_id": member_id, "now": now},
    ).all()


_TRAITS = _MEETING_WIDTH + MonthInventory._fields.index("self_traits")


def rows_key(rows: list[Row]) -> tuple:
    """``card_rows`` as a key: everything the member's months show, as the viewer may see
    them (their self traits, a JSON list, as a tuple)."""
    return tuple((*row[:_TRAITS], tuple(row[_TRAITS] or ()), *row[_TRAITS + 1 :]) for row in rows)


def months_of_rows(rows: list[Row], cohort: Cohort) -> list[Month]:
    """``card_months`` from rows already read."""
    locale = str(get_locale())
    months = []
    goals: dict[int, CardGoal] = {}
    for row in rows:
        meeting = MonthMeeting(*row[:_MEETING_WIDTH], cohort)
        written = row[_MEETING_WIDTH] is not None
        if not written and meeting.is_cancelled:
            continue
        inventory = MonthInventory(*row[_MEETING_WIDTH:_INVENTORY_END]) if written else None
        month = Month(meeting, month_label(meeting, locale), inventory, _state(inventory))
        feedback, outcomes, traits, cheers, progress = row[_INVENTORY_END:]
        if _add_counts(month, feedback, outcomes):
            month.peer_traits = _trait_lists(traits)
            month.cheer_lines = cheers
            _add_progress(month, progress, goals)
        months.append(month)
    return months


def _add_progress(month: Month, lines: str | None, goals: dict[int, CardGoal]) -> None:
    """A month's goal progress, in the order it was recorded, and the achieved goals whose
    last recorded progress it holds (``marks``), from the column read beside it
    (``statements._progress_lines``). Each goal is built once, whatever the months that
    record it (``goals`` holds those built so far)."""
    for _, goal_id, percent, *goal, marks in sorted(read_json_lines(lines)):
        card_goal = goals.get(goal_id)
        if card_goal is None:
            title, status, area, closed_at = goal
            card_goal = goals[goal_id] = CardGoal(
                goal_id, title, GoalStatus(status), area, closed_at
            )
        month.progress.append(CardProgress(month.inventory.id, goal_id, percent, card_goal))
        if marks:
            month.marks.append(card_goal)


def _add_counts(month: Month, feedback: int, outcomes: str | None) -> bool:
    """A written month's feedback and task counts, from what was read beside it
    (``statements.detail_columns``); whether it is one."""
    if month.inventory is None or month.is_gap:
        return False
    month.feedback = feedback
    month.tasks = task_counts(outcomes)
    return True


def task_counts(outcomes: str | None) -> dict[str, int]:
    """Outcome → how many tasks had it, in ``TaskOutcome``'s order, from the outcomes of a
    month's task reviews as one string ("done,carried,done")."""
    if not outcomes:
        return {}
    found = outcomes.split(",")
    return {outcome: count for outcome in _OUTCOMES if (count := found.count(outcome))}


_OUTCOMES = tuple(outcome.value for outcome in TaskOutcome)  # an enum is slow to walk


def _trait_lists(lines: str | None) -> list[list[str]]:
    """The peer traits column (``statements.months_statement``): a JSON list a line."""
    return [traits or [] for traits in read_json_lines(lines)]
