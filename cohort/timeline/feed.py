"""The feed: new shared inventories of the people you follow (or of everyone in your
cohorts), newest first, each with the milestones it marks and its cheers.

Every item is a shared inventory the viewer may see (``permissions.visible_inventories``), so
the feed can never show more than the inventory pages do. A page runs a fixed number of
queries whatever the number of people followed.
"""

import enum
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import defer

from ..auth.models import User
from ..extensions import db
from ..inventories.models import CARD_LOADING, Inventory, InventoryStatus
from ..inventories.sections import resolve_sections
from ..permissions import can_cheer, co_member_ids, visible_follows, visible_inventories
from .milestones import Milestone, milestones_for
from .models import Follow
from .services import Cheers, cheers_on

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

    def cheers_for(self, key: str = "") -> Cheers:
        return self.cheers.get(key) or Cheers()

    def highlights(self) -> list[tuple[str, str]]:
        """The card's taste of the inventory (asked only when its rendered piece is not kept
        already, see cohort/fragments.py)."""
        titles = {s.key: s.title for s in resolve_sections(self.inventory.template.sections)}
        answers = self.inventory.answers_html
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


def feed_slice(user: User, scope: Scope, offset: int, limit: int) -> Select:
    """One slice of the feed in one statement that the planner can only run cheaply: the ids
    are picked from the index of the authors' shared months (a few hundred entries, whatever
    the installation's size), then only those rows are read with what they show."""
    ids = feed_inventories(user, scope).with_only_columns(Inventory.id).offset(offset).limit(limit)
    return (
        select(Inventory)
        .where(Inventory.id.in_(ids))
        .order_by(*NEWEST_FIRST)
        .options(defer(Inventory.answers), *CARD_LOADING)  # a card shows rendered answers only
    )


def feed_page(
    user: User, scope: Scope = Scope.FOLLOWING, page: int = 1, per_page: int = PER_PAGE
) -> FeedPage:
    """One page of the feed (4 queries: inventories, ordinals, achieved goals, cheers)."""
    page = max(page, 1)
    inventories = db.session.scalars(
        feed_slice(user, scope, (page - 1) * per_page, per_page + 1)
    ).all()
    result = FeedPage(scope, page, has_next=len(inventories) > per_page)
    inventories = inventories[:per_page]
    if not inventories:
        return result
    ids = [inventory.id for inventory in inventories]
    milestones = milestones_for(ids)
    cheers = cheers_on(user, ids)
    for inventory in inventories:
        result.items.append(
            FeedItem(
                inventory=inventory,
                milestones=milestones.get(inventory.id, []),
                cheers={key: c for (i, key), c in cheers.items() if i == inventory.id},
                can_cheer=can_cheer(user, inventory),
            )
        )
    return result
