"""A quarter review's content: the last three written months side by side.

Goals and their progress, energy and the five ratings with their change, each Try item and
whether the next month kept it, Problems that came back, and the feedback marked helpful.
Everything comes from the viewer's timeline (``timeline.months.visible_months``): a reader sees the
shared months only, the author also drafts. Building it runs a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import datetime

from ..auth.models import User
from ..cohorts.models import Cohort
from ..extensions import db
from ..feedback.models import Feedback
from ..i18n import gettext as _
from ..inventories.models import RATING_AREAS, Goal, Inventory
from ..inventories.sections import AREA_LABELS
from ..meetings.models import Meeting
from ..permissions import visible_feedback
from ..timeline.months import Month, visible_months
from ..timeline.timeline import timeline_of
from ..year import threads
from .schedule import QUARTER_KEYS

QUARTER = 3


def change_of(values: list[int | None]) -> int | None:
    """Last minus first of the values that were given; None with fewer than two."""
    given = [v for v in values if v is not None]
    return given[-1] - given[0] if len(given) > 1 else None


@dataclass
class Row:
    """One line of the side-by-side table: a value per month and the quarter's change."""

    label: str
    values: list[int | None]
    unit: str = ""
    goal: Goal | None = None

    @property
    def change(self) -> int | None:
        return change_of(self.values)


@dataclass
class TryItem:
    text: str
    month: Month
    kept_in: Month | None  # the next written month, if any
    kept: str = ""  # the Keep item that says much the same

    @property
    def happened(self) -> bool | None:
        """True or False once there is a next month to tell; None before."""
        return None if self.kept_in is None else bool(self.kept)


@dataclass
class QuarterReview:
    member: User
    months: list[Month]  # up to three, oldest first
    goals: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    tries: list[TryItem] = field(default_factory=list)
    problems: list[threads.Recurring] = field(default_factory=list)
    helpful: list[Feedback] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return len(self.months) == QUARTER


def has_month_content(inventory: Inventory) -> bool:
    """Whether a (quarter) inventory also tells this month, beyond the quarter's questions."""
    return inventory.energy is not None or any(
        text for key, text in inventory.answers.items() if key not in QUARTER_KEYS
    )


def quarter_months_of(
    viewer: User, cohort: Cohort, member_id: int, meeting: Meeting, now: datetime
) -> list[Month]:
    """The member's last three written months up to this session, as the viewer sees them;
    this session's own month counts once it tells more than the quarter's questions."""
    written = [
        m
        for m in visible_months(viewer, cohort, member_id, now)
        if not m.is_gap
        and m.meeting.starts_at <= meeting.starts_at
        and (m.meeting.id != meeting.id or has_month_content(m.inventory))
    ]
    return written[-QUARTER:]


def _rows(review: QuarterReview, goals: list[Goal]) -> None:
    months = review.months
    series = [("energy", _("Energy"))] + [
        (f"rating_{area}", str(AREA_LABELS[area])) for area in RATING_AREAS
    ]
    review.ratings = [
        Row(label, [getattr(m.inventory, name) for m in months]) for name, label in series
    ]
    for goal in goals:
        values = [
            next((row.percent for row in m.progress if row.goal_id == goal.id), None)
            for m in months
        ]
        review.goals.append(Row(goal.title, values, "%", goal))


def _tries(review: QuarterReview) -> None:
    """Each month's Try items, and whether the next month's Keep says much the same."""
    months = review.months
    for index, month in enumerate(months):
        following = months[index + 1] if index + 1 < len(months) else None
        keeps = []
        if following is not None:
            keep_part = threads.split_keep_problem(following.inventory.answers.get("keep_problem"))
            keeps = threads.items(keep_part[0])
        for tried in threads.items(month.inventory.answers.get("try", "")):
            kept = next((k for k in keeps if threads.similarity(tried, k) >= threads.SIMILAR), "")
            review.tries.append(TryItem(tried, month, following, kept))


def _problems(review: QuarterReview) -> None:
    problems = {
        index: threads.split_keep_problem(m.inventory.answers.get("keep_problem", ""))[1]
        for index, m in enumerate(review.months)
    }
    review.problems = threads.recurring(review.months, problems)


def _helpful(viewer: User, review: QuarterReview) -> None:
    """Feedback on these months that the member marked helpful and the viewer may read."""
    ids = [m.inventory.id for m in review.months]
    if not ids:
        return
    review.helpful = list(
        db.session.scalars(
            visible_feedback(viewer)
            .where(
                Feedback.recipient_id == review.member.id,
                Feedback.inventory_id.in_(ids),
                Feedback.is_helpful.is_(True),
            )
            .order_by(Feedback.created_at, Feedback.id)
        )
    )


def quarter_review(
    viewer: User, cohort: Cohort, member: User, meeting: Meeting, now: datetime
) -> QuarterReview:
    """The quarter up to this session as the viewer may see it (at most 5 queries)."""
    months = quarter_months_of(viewer, cohort, member.id, meeting, now)
    timeline = timeline_of(viewer, member.id, months)
    review = QuarterReview(member, months)
    _rows(review, timeline.goals)
    _tries(review)
    _problems(review)
    _helpful(viewer, review)
    return review
