"""The feed: new shared inventories of the people you follow (or of everyone in your
cohorts), newest first, each with the milestones it marks and its cheers.

Every item is a shared inventory the viewer may see (``permissions.visible_inventories``), so
the feed can never show more than the inventory pages do. A page runs a fixed number of
queries whatever the number of people followed.
"""

import enum
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..inventories.sections import resolve_sections
from ..meetings.models import Meeting
from ..permissions import (
    can_cheer,
    co_member_ids,
    remember_memberships,
    visible_follows,
    visible_inventories,
)
from ..statements import ANY_VIEWER
from .milestones import (
    Milestone,
    achieved_goals,
    marks_a_goal_column,
    milestones_of,
    ordinal_column,
)
from .models import Follow
from .services import Cheers, cheers_on
from .timeline import month_label

PER_PAGE = 20
FEED_SECTIONS = ("did", "try")  # a feed card is a taste; the inventory has the rest


class Scope(enum.StrEnum):
    FOLLOWING = "following"
    COHORTS = "cohorts"  # everyone in your cohorts


@dataclass
class FeedItem:
    inventory: Inventory
    milestones: list[Milestone]
    cheers: dict[str, Cheers]  # milestone key ("" for the inventory) → cheers
    can_cheer: bool  # false while the cohort is archived
    month: str = ""  # the session's month, as ``month_label`` says it
    # The rendered answers of FEED_SECTIONS only: the slice reads these two keys, never the
    # inventory's whole rendered answers (kilobytes per card, for a piece that is mostly kept).
    taste: dict[str, str | None] = field(default_factory=dict)

    def cheers_for(self, key: str = "") -> Cheers:
        return self.cheers.get(key) or Cheers()

    def highlights(self) -> list[tuple[str, str]]:
        """The card's taste of the inventory (asked only when its rendered piece is not kept
        already, see cohort/fragments.py)."""
        titles = {s.key: s.title for s in resolve_sections(self.inventory.template.sections)}
        answers = self.taste
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
# to aware datetimes, JSON parsed) on every page. The session's cohort is the inventory's
# (same id, found in the session without a statement); the template is read only when a
# card's kept rendering is missing (cohort/fragments.py), once per template.
FEED_CARD_LOADING = (
    load_only(
        Inventory.cohort_id,
        Inventory.meeting_id,
        Inventory.user_id,
        Inventory.template_id,
        Inventory.status,
        Inventory.version,
        Inventory.kind,
        Inventory.energy,
        Inventory.shared_at,
        Inventory.updated_at,
    ),
    lazyload(Inventory.template),
    joinedload(Inventory.meeting)
    .load_only(Meeting.cohort_id, Meeting.starts_at, Meeting.month_on, Meeting.season_id)
    .lazyload(Meeting.cohort),
    joinedload(Inventory.user).load_only(User.display_name),
    joinedload(Inventory.cohort).load_only(
        Cohort.slug, Cohort.name, Cohort.timezone, Cohort.is_archived
    ),
    lazyload(Membership.cohort),  # the inventory's, already in the session
    lazyload(Membership.user),  # the viewer
)


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

    Each row also brings what would otherwise cost a statement of its own: the inventory's
    ordinal (its "first" and "year" milestones), whether it marks an achieved goal, and the
    viewer's active membership of its cohort (which answers ``can_cheer``). The membership
    join drops no row: ``visible_inventories`` already asks for that membership."""
    ids = feed_inventories(user, scope).with_only_columns(Inventory.id).offset(offset).limit(limit)
    taste = [Inventory.answers_html[key].as_string().label(key) for key in FEED_SECTIONS]
    return (
        select(
            Inventory,
            ordinal_column().label("ordinal"),
            marks_a_goal_column().label("marks_a_goal"),
            Membership,
            *taste,
        )
        .join(
            Membership,
            (Membership.cohort_id == Inventory.cohort_id)
            & (Membership.user_id == user.id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .where(Inventory.id.in_(ids))
        .order_by(*NEWEST_FIRST)
        .options(*FEED_CARD_LOADING)
    )


def feed_page(
    user: User, scope: Scope = Scope.FOLLOWING, page: int = 1, per_page: int = PER_PAGE
) -> FeedPage:
    """One page of the feed in two queries (the slice, the cheers), and a third only when
    the page holds an achieved goal."""
    page = max(page, 1)
    rows = db.session.execute(
        feed_slice_for_anyone(scope),
        {"viewer_id": user.id, "offset": (page - 1) * per_page, "limit": per_page + 1},
    ).all()
    result = FeedPage(scope, page, has_next=len(rows) > per_page)
    rows = rows[:per_page]
    for row in rows:
        remember_memberships(user.id, row.Inventory.cohort_id, row.Membership)
    goals = achieved_goals([row.Inventory.id for row in rows if row.marks_a_goal])
    cheers: dict[int, dict[str, Cheers]] = {}
    for (inventory_id, key), entry in cheers_on(user, [row.Inventory.id for row in rows]).items():
        cheers.setdefault(inventory_id, {})[key] = entry
    # A page spans a few sessions: each month is said, and the cheer permission asked, once
    # per session. Every row is someone else's shared inventory, so ``can_cheer`` depends on
    # its session (closed or not) and cohort (archived or not) only.
    months: dict[int, str] = {}
    cheerable: dict[int, bool] = {}
    for row in rows:
        inventory = row.Inventory
        if inventory.meeting_id not in months:
            months[inventory.meeting_id] = month_label(inventory.meeting)
            cheerable[inventory.meeting_id] = can_cheer(user, inventory)
        result.items.append(
            FeedItem(
                inventory=inventory,
                milestones=milestones_of(inventory.id, row.ordinal, goals.get(inventory.id)),
                cheers=cheers.get(inventory.id, {}),
                can_cheer=cheerable[inventory.meeting_id],
                month=months[inventory.meeting_id],
                taste={key: row._mapping[key] for key in FEED_SECTIONS},
            )
        )
    return result
