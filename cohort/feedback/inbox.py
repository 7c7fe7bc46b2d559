"""The member's feedback page: what they owe, what they received (a page of it), what they
gave lately.

What they received is shown in full, as cards; what they owe and gave is a line each, so those
read only the columns the lines show rather than the pieces and assignments as entities with
their sessions, cohorts and people joined."""

from dataclasses import dataclass
from functools import cache
from math import ceil
from typing import NamedTuple

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import defer, joinedload, lazyload

from ..auth.models import User
from ..cohorts.models import Cohort
from ..database import utcnow
from ..extensions import db
from ..meetings.models import Meeting
from ..permissions import visible_feedback
from ..statements import ANY_VIEWER, plain_rows
from .models import PARTS, Feedback
from .reading import owed_feedback
from .traits import TRAITS

RECEIVED_PER_PAGE = 10
RECENTLY_GIVEN = 10

# How the cards load a piece: its rendered parts, not the Markdown they were made from; of the
# giver their name; of the session its title and season (a closed season is read-only, see
# ``permissions``). The cohort and the recipient are the page's cohort and user, already
# loaded: they are not joined again.
CARD_LOADING = (
    *(defer(getattr(Feedback, part)) for part in (*PARTS, "reply")),
    lazyload(Feedback.cohort),
    lazyload(Feedback.recipient),
    joinedload(Feedback.giver).load_only(User.display_name),
    joinedload(Feedback.meeting)
    .load_only(Meeting.title, Meeting.season_id)
    .lazyload(Meeting.cohort),
)


@dataclass
class ReceivedPage:
    """One page of the feedback received, numbered as ``db.paginate`` numbers them (a page
    past the end is empty, and still links back)."""

    items: list[Feedback]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


@cache  # built once for every viewer (cohort/statements.py)
def _received_statement() -> Select:
    """The viewer's pieces in ``cohort_id`` they may read, newest first, from ``offset`` on,
    each with the number of them all (a window count)."""
    return (
        visible_feedback(ANY_VIEWER)
        .where(
            Feedback.recipient_id == ANY_VIEWER.id,
            Feedback.cohort_id == bindparam("cohort_id"),
        )
        .add_columns(func.count().over().label("total"))
        .options(*CARD_LOADING)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(RECEIVED_PER_PAGE)
        .offset(bindparam("offset", type_=Integer))
    )


def received_page(user: User, cohort: Cohort, page: int) -> ReceivedPage:
    """The page and the number of pieces in one statement; a page past the end has no row to
    carry the count, and asks for it apart."""
    offset = (page - 1) * RECEIVED_PER_PAGE
    params = {"viewer_id": user.id, "cohort_id": cohort.id}
    rows = db.session.execute(_received_statement(), {**params, "offset": offset}).all()
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:
        every = _received_statement().limit(None).offset(None).order_by(None)
        total = db.session.scalar(select(func.count()).select_from(every.subquery()), params)
    return ReceivedPage([row.Feedback for row in rows], page, RECEIVED_PER_PAGE, total)


class GivenLine(NamedTuple):
    id: int
    inventory_id: int
    is_helpful: bool
    has_reply: bool
    recipient_name: str
    meeting_title: str


@cache
def _given_statement() -> Select:
    return (
        select(
            Feedback.id,
            Feedback.inventory_id,
            Feedback.is_helpful,
            Feedback.replied_at.is_not(None),
            User.display_name,
            Meeting.title,
        )
        .join(User, User.id == Feedback.recipient_id)
        .join(Meeting, Meeting.id == Feedback.meeting_id)
        .where(
            Feedback.giver_id == bindparam("user_id"),
            Feedback.cohort_id == bindparam("cohort_id"),
        )
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(RECENTLY_GIVEN)
    )


def given_lately(user: User, cohort: Cohort) -> list[GivenLine]:
    """The user's latest pieces in the cohort, newest first."""
    rows = plain_rows(_given_statement(), {"user_id": user.id, "cohort_id": cohort.id})
    return [GivenLine(*row) for row in rows]


def inbox_context(user: User, cohort: Cohort, page: int) -> dict:
    """What the user owes, what they received (paginated) and what they gave lately."""
    return {
        "owed": owed_feedback(user, cohort, utcnow()),
        "received": received_page(user, cohort, page),
        "given": given_lately(user, cohort),
        "trait_labels": TRAITS,
    }
