"""The member's feedback page: what they owe, what they received (a page of it), what they
gave lately.

Each part reads only the columns it shows, as plain rows, rather than the pieces and
assignments as entities with their sessions, cohorts and people joined: what they received is
shown in full, as cards (``cards.py`` draws them); what they owe and gave is a line each."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from math import ceil
from typing import NamedTuple

from sqlalchemy import Integer, Row, Select, bindparam, func, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..cohorts.models import Cohort
from ..database import utcnow
from ..i18n import gettext
from ..meetings.models import Meeting
from ..permissions import visible_feedback
from ..statements import ANY_VIEWER, plain_rows
from .models import PARTS, Feedback
from .reading import owed_feedback

RECEIVED_PER_PAGE = 10
RECENTLY_GIVEN = 10


class CardSession(NamedTuple):
    """The session a received piece was given in, as its card reads it."""

    title: str
    season_id: int | None

    @property
    def is_closed(self) -> bool:
        """In a closed season, as ``Meeting.is_closed``: an archive, read and not answered."""
        return self.season_id is not None


@dataclass(slots=True)
class ReceivedCard:
    """A piece of feedback the viewer received, with what its card shows: the rendered parts
    (not the Markdown they were made from), the giver's name (None once their account is
    gone) and the session. ``cohort`` is the page's, already loaded. The names are the
    entity's, so the permission rules and the kept body read a card as they read a piece."""

    id: int
    inventory_id: int
    giver_id: int | None
    recipient_id: int
    giver_display_name: str | None
    meeting: CardSession
    ask_answer_html: str
    situation_html: str
    behaviour_html: str
    impact_html: str
    keep_html: str
    start_html: str
    stop_html: str
    question_html: str
    traits: list
    reply_html: str
    replied_at: datetime | None
    is_helpful: bool
    is_shared: bool
    created_at: datetime
    updated_at: datetime
    cohort: Cohort

    @property
    def has_reply(self) -> bool:
        return self.replied_at is not None

    @property
    def giver_name(self) -> str:
        """Who gave it, as ``Feedback.giver_name`` says it."""
        if self.giver_display_name is None:
            return gettext("a former member")
        return self.giver_display_name


@dataclass
class ReceivedPage:
    """One page of the feedback received, numbered as ``db.paginate`` numbers them (a page
    past the end is empty, and still links back)."""

    items: list[ReceivedCard]
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


# What a card reads of a piece past its ids, names and session, in the order of
# ``ReceivedCard``'s fields.
_CARD_PARTS = (
    *(f"{part}_html" for part in PARTS),
    "traits",
    "reply_html",
    "replied_at",
    "is_helpful",
    "is_shared",
    "created_at",
    "updated_at",
)


@cache  # built once for every viewer (cohort/statements.py)
def _received_statement() -> Select:
    """The viewer's pieces in ``cohort_id`` they may read, newest first, from ``offset`` on,
    each with the number of them all (a window count)."""
    giver = aliased(User)
    return (
        visible_feedback(ANY_VIEWER)
        .with_only_columns(
            Feedback.id,
            Feedback.inventory_id,
            Feedback.giver_id,
            Feedback.recipient_id,
            giver.display_name,
            Meeting.title,
            Meeting.season_id,
            *(getattr(Feedback, name) for name in _CARD_PARTS),
            func.count().over().label("total"),
        )
        .join_from(Feedback, Meeting, Meeting.id == Feedback.meeting_id)
        .outerjoin(giver, giver.id == Feedback.giver_id)
        .where(
            Feedback.recipient_id == ANY_VIEWER.id,
            Feedback.cohort_id == bindparam("cohort_id"),
        )
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(RECEIVED_PER_PAGE)
        .offset(bindparam("offset", type_=Integer))
    )


def _card(row: Row, cohort: Cohort) -> ReceivedCard:
    return ReceivedCard(*row[:5], CardSession(row[5], row[6]), *row[7:-1], cohort)


def received_page(user: User, cohort: Cohort, page: int) -> ReceivedPage:
    """The page and the number of pieces in one statement; a page past the end has no row to
    carry the count, and asks for it apart."""
    offset = (page - 1) * RECEIVED_PER_PAGE
    params = {"viewer_id": user.id, "cohort_id": cohort.id}
    rows = plain_rows(_received_statement(), {**params, "offset": offset}).all()
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:
        every = _received_statement().limit(None).offset(None).order_by(None)
        total = plain_rows(select(func.count()).select_from(every.subquery()), params).scalar()
    cards = [_card(row, cohort) for row in rows]
    return ReceivedPage(cards, page, RECEIVED_PER_PAGE, total)


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


def inbox_context(user: User, cohort: Cohort, page: int, next_url: str) -> dict:
    """What the user owes, what they received (paginated, as cards whose forms come back to
    ``next_url``) and what they gave lately."""
    from .cards import ReceivedCards  # which draws this module's rows

    return {
        "owed": owed_feedback(user, cohort, utcnow()),
        "received": received_page(user, cohort, page),
        "received_cards": ReceivedCards(user, cohort, next_url),
        "given": given_lately(user, cohort),
    }
