"""The feed: new shared inventories of the people you follow (or of everyone in your
cohorts), newest first, each with the milestones it marks and its cheers.

Every item is a shared inventory the viewer may see (``permissions.visible_inventories``), so
the feed can never show more than the inventory pages do. A page runs a fixed number of
queries whatever the number of people followed.
"""

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from flask_babel import get_locale
from sqlalchemy import BindParameter, Select, bindparam, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..inventories.cards import section_titles
from ..inventories.models import CARD_COLUMNS, Inventory, InventoryKind, InventoryStatus
from ..meetings.models import Meeting
from ..permissions import (
    can_cheer_from_facts,
    co_member_ids,
    visible_follows,
    visible_inventories,
)
from ..statements import ANY_VIEWER, ReadWhenAsked, any_of, plain_rows
from .milestones import (
    Milestone,
    achieved_goals_column,
    achieved_goals_from_lines,
    milestones_of,
    ordinal_column,
)
from .models import Follow
from .months import month_label
from .services import Cheers, cheers_from_lines
from .statements import cheer_lines_column

PER_PAGE = 20
FEED_SECTIONS = ("did", "try")  # a feed card is a taste; the inventory has the rest


class Scope(enum.StrEnum):
    FOLLOWING = "following"
    COHORTS = "cohorts"  # everyone in your cohorts


# A card is read from plain rows, not entities: building an inventory, its session, cohort,
# author and the viewer's membership as ORM objects cost a third of the page's time. These
# hold what the card macros read (templates/timeline/_macros.html, quarters/_badge.html),
# under the entities' names, and ``month_label`` reads the session as it reads a Meeting.


class CardCohort(NamedTuple):
    slug: str
    name: str
    timezone: str
    is_archived: bool


class CardMeeting(NamedTuple):
    starts_at: datetime
    month_on: date | None
    season_id: int | None
    cohort: CardCohort

    @property
    def is_closed(self) -> bool:
        """In a closed season, as ``Meeting.is_closed``."""
        return self.season_id is not None


class CardUser(NamedTuple):
    display_name: str


class CardInventory(NamedTuple):
    id: int
    cohort_id: int
    meeting_id: int
    user_id: int
    template_id: int
    status: InventoryStatus
    version: int
    kind: InventoryKind
    energy: int | None
    shared_at: datetime
    updated_at: datetime
    cohort: CardCohort
    meeting: CardMeeting
    user: CardUser

    @property
    def is_shared(self) -> bool:
        return self.status == InventoryStatus.SHARED

    @property
    def is_quarter(self) -> bool:
        return self.kind == InventoryKind.QUARTER


class PageTitles:
    """The section titles of a page's templates, asked of ``section_titles`` once for all of
    them, the first time a card's taste is rendered (most pages keep every taste rendered)."""

    def __init__(self, template_ids: set[int]) -> None:
        self.template_ids = template_ids
        self._by_id: dict[int, dict[str, str]] | None = None

    def of(self, template_id: int) -> dict[str, str]:
        if self._by_id is None:
            self._by_id = section_titles(self.template_ids)
        return self._by_id[template_id]


@cache  # built once: building a statement and its cache key costs about running it
def _tastes_statement() -> Select:
    """The rendered answers of ``FEED_SECTIONS`` of the inventories ``ids``."""
    return select(
        Inventory.id, *(Inventory.answers_html[key].as_string() for key in FEED_SECTIONS)
    ).where(any_of(Inventory.id, "ids"))


def page_tastes(inventory_ids: list[int]) -> ReadWhenAsked:
    """The tastes of a page's cards, read in one statement for all of them the first time a
    card's taste is rendered; most pages keep every taste rendered and read none. Picking two
    answers out of each inventory's rendered JSON (kilobytes, stored compressed) was about a
    third of the feed slice's time in the database."""
    return ReadWhenAsked(
        _tastes_statement(),
        inventory_ids,
        lambda row: dict(zip(FEED_SECTIONS, row[1:], strict=True)),
    )


@dataclass(slots=True)
class FeedItem:
    inventory: CardInventory
    milestones: list[Milestone]
    cheers: dict[str, Cheers]  # milestone key ("" for the inventory) → cheers
    can_cheer: bool  # false while the cohort is archived
    # Where the rendered answers of FEED_SECTIONS are, and the section titles: the page's,
    # shared by its items, read only when a card's taste is rendered.
    tastes: ReadWhenAsked
    titles: PageTitles
    month: str = ""  # the session's month, as ``month_label`` says it

    def cheers_for(self, key: str = "") -> Cheers:
        return self.cheers.get(key) or Cheers()

    def highlights(self) -> list[tuple[str, str]]:
        """The card's taste of the inventory (asked only when its rendered piece is not kept
        already, see cohort/fragments.py)."""
        titles = self.titles.of(self.inventory.template_id)
        answers = self.tastes.of(self.inventory.id)
        return [(titles.get(k, k), answers[k]) for k in FEED_SECTIONS if answers.get(k)]


@dataclass
class FeedPage:
    scope: Scope
    page: int
    items: list[FeedItem] = field(default_factory=list)
    has_next: bool = False

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def feed_authors(user: User, scope: Scope) -> Select:
    """Ids of the people whose inventories fill the feed."""
    if scope == Scope.COHORTS:
        return co_member_ids(user)
    return (
        visible_follows(user)
        .where(Follow.follower_id == user.id)
        .with_only_columns(Follow.followee_id)
    )


NEWEST_FIRST = (Inventory.shared_at.desc(), Inventory.id.desc())


def feed_inventories(user: User, scope: Scope) -> Select:
    """The shared inventories of the feed's people that the user may see, newest first."""
    return (
        visible_inventories(user)
        .where(
            Inventory.status == InventoryStatus.SHARED,
            Inventory.user_id != user.id,
            Inventory.user_id.in_(feed_authors(user, scope)),
        )
        .order_by(*NEWEST_FIRST)
    )


# What a card shows of each row, and no more: every column read costs its conversion (dates
# to aware datetimes, JSON parsed) on every page. The template is read only when a card's kept
# rendering is missing (cohort/fragments.py), once per process (``section_titles``). Each
# group is in the order of its object's fields (tests/test_feed.py checks it): a row's slices
# make the objects.
CARD_INVENTORY_COLUMNS = CARD_COLUMNS  # in CardInventory's order
CARD_COHORT_COLUMNS = (Cohort.slug, Cohort.name, Cohort.timezone, Cohort.is_archived)
CARD_MEETING_COLUMNS = (Meeting.starts_at, Meeting.month_on, Meeting.season_id)
FEED_CARD_COLUMNS = (
    *CARD_INVENTORY_COLUMNS,
    *CARD_COHORT_COLUMNS,
    *CARD_MEETING_COLUMNS,
    User.display_name,
)
_INVENTORY = slice(0, len(CARD_INVENTORY_COLUMNS))
_COHORT = slice(_INVENTORY.stop, _INVENTORY.stop + len(CARD_COHORT_COLUMNS))
_MEETING = slice(_COHORT.stop, _COHORT.stop + len(CARD_MEETING_COLUMNS))


@cache
def feed_slice_for_anyone(scope: Scope) -> Select:
    """``feed_slice`` with the viewer, offset and limit as parameters, built once per scope
    (cohort/statements.py): building it and its cache key cost more than running it."""
    return feed_slice(ANY_VIEWER, scope, bindparam("offset"), bindparam("limit"))


def feed_slice(
    user: User, scope: Scope, offset: int | BindParameter, limit: int | BindParameter
) -> Select:
    """One slice of the feed in one statement that the planner can only run cheaply: the ids
    are picked from the index of the authors' shared months (a few hundred entries, whatever
    the installation's size), then only those rows are read with what they show.

    Each row holds ``FEED_CARD_COLUMNS`` (plain values, no entity) and what would otherwise
    cost a statement of its own: the inventory's ordinal (its "first" and "year" milestones),
    the achieved goals it marks and who cheered it and its milestones (as JSON lines), and the
    id of the viewer's active membership of its cohort (which, with the session and cohort
    columns, answers the cheer permission). The membership join drops no row:
    ``visible_inventories`` already asks for that membership.
    The cards' tastes are read apart, only when one is rendered (``page_tastes``)."""
    ids = feed_inventories(user, scope).with_only_columns(Inventory.id).offset(offset).limit(limit)
    return (
        select(
            *FEED_CARD_COLUMNS,
            ordinal_column().label("ordinal"),
            achieved_goals_column().label("achieved_goals"),
            cheer_lines_column().label("cheer_lines"),
            Membership.id.label("membership_id"),
        )
        .join(Cohort, Cohort.id == Inventory.cohort_id)
        .join(Meeting, Meeting.id == Inventory.meeting_id)
        .join(User, User.id == Inventory.user_id)
        .join(
            Membership,
            (Membership.cohort_id == Inventory.cohort_id)
            & (Membership.user_id == user.id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .where(Inventory.id.in_(ids))
        .order_by(*NEWEST_FIRST)
    )


def feed_page(
    user: User, scope: Scope = Scope.FOLLOWING, page: int = 1, per_page: int = PER_PAGE
) -> FeedPage:
    """One page of the feed in one query (the slice, with the achieved goals its cards mark
    and their cheers), and, when a card's taste is rendered, one for the page's tastes and
    one for templates this process has not read yet."""
    page = max(page, 1)
    rows = plain_rows(
        feed_slice_for_anyone(scope),
        {"viewer_id": user.id, "offset": (page - 1) * per_page, "limit": per_page + 1},
    ).all()
    result = FeedPage(scope, page, has_next=len(rows) > per_page)
    rows = rows[:per_page]
    ids = [row.id for row in rows]
    cheers: dict[int, dict[str, Cheers]] = {}
    lines = [(row.id, row.cheer_lines) for row in rows]  # every row is a shared month
    for (inventory_id, key), entry in cheers_from_lines(user, lines).items():
        cheers.setdefault(inventory_id, {})[key] = entry
    titles = PageTitles({row.template_id for row in rows})
    tastes = page_tastes(ids)
    # A page spans a few sessions and cohorts: each is built, and each month said, once.
    cohorts: dict[int, CardCohort] = {}
    meetings: dict[int, tuple[CardMeeting, str]] = {}
    locale = str(get_locale())
    for row in rows:
        cohort = cohorts.get(row.cohort_id)
        if cohort is None:
            cohort = cohorts[row.cohort_id] = CardCohort(*row[_COHORT])
        if row.meeting_id not in meetings:
            meeting = CardMeeting(*row[_MEETING], cohort)
            meetings[row.meeting_id] = (meeting, month_label(meeting, locale))
        meeting, month = meetings[row.meeting_id]
        inventory = CardInventory(*row[_INVENTORY], cohort, meeting, CardUser(row.display_name))
        result.items.append(
            FeedItem(
                inventory=inventory,
                milestones=milestones_of(
                    inventory.id, row.ordinal, achieved_goals_from_lines(row.achieved_goals)
                ),
                cheers=cheers.get(inventory.id, {}),
                can_cheer=can_cheer_from_facts(
                    user,
                    author_id=inventory.user_id,
                    is_shared=inventory.is_shared,
                    is_active_member=row.membership_id is not None,
                    cohort_is_archived=cohort.is_archived,
                    session_is_closed=meeting.is_closed,
                ),
                month=month,
                tastes=tastes,
                titles=titles,
            )
        )
    return result
