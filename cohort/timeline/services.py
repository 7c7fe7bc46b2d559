"""Following peers and cheering them on (応援).

Each use case checks permissions, flushes, and leaves the commit to the caller.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..cohorts.models import Membership
from ..delivery.notices import notify
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory
from ..permissions import (
    Action,
    NotAllowed,
    can,
    can_cheer,
    can_follow,
    shares_cohort,
    visible_follows,
    visible_memberships,
)
from ..statements import read_json_lines
from .milestones import milestones_for
from .models import Cheer, Follow


def follow(user: User, other: User) -> None:
    """Follow someone who shares a cohort with you; following twice changes nothing."""
    if not can_follow(user, other):
        raise NotAllowed(visible=shares_cohort(user, other.id))
    exists = db.session.scalar(
        select(Follow.id).where(Follow.follower_id == user.id, Follow.followee_id == other.id)
    )
    if exists:
        return
    try:
        with db.session.begin_nested():  # a double click in two requests makes one row
            db.session.add(Follow(follower_id=user.id, followee_id=other.id))
            db.session.flush()
    except IntegrityError:
        pass


def unfollow(user: User, other: User) -> None:
    if not shares_cohort(user, other.id):
        raise NotAllowed(visible=False)
    db.session.execute(
        delete(Follow).where(Follow.follower_id == user.id, Follow.followee_id == other.id)
    )


def followed_ids(user: User) -> set[int]:
    """Who the user follows, among the people they share a cohort with (1 query)."""
    return set(
        db.session.scalars(
            visible_follows(user)
            .where(Follow.follower_id == user.id)
            .with_only_columns(Follow.followee_id)
        )
    )


@dataclass
class Person:
    user: User
    slug: str  # a cohort both share, for a link to the person's page there
    is_followed: bool = False


def follow_lists(user: User) -> tuple[list[Person], list[Person]]:
    """Whom the user follows and who follows them, each with a shared cohort (2 queries)."""
    follows = db.session.scalars(visible_follows(user).order_by(Follow.created_at.desc())).all()
    others = {f.followee_id if f.follower_id == user.id else f.follower_id for f in follows}
    slugs: dict[int, str] = {}
    for membership in db.session.scalars(
        visible_memberships(user).where(Membership.user_id.in_(others)).order_by(Membership.id)
    ):
        slugs.setdefault(membership.user_id, membership.cohort.slug)
    followed = {f.followee_id for f in follows if f.follower_id == user.id}
    following = [
        Person(f.followee, slugs[f.followee_id], True) for f in follows if f.follower_id == user.id
    ]
    followers = [
        Person(f.follower, slugs[f.follower_id], f.follower_id in followed)
        for f in follows
        if f.followee_id == user.id
    ]
    return following, followers


def _require_cheerable(user: User, inventory: Inventory, milestone: str) -> None:
    if not can_cheer(user, inventory):
        raise NotAllowed(visible=can(user, Action.VIEW, inventory))
    if milestone and milestone not in {
        m.key for m in milestones_for([inventory.id]).get(inventory.id, [])
    }:
        raise DomainError(_l("This milestone does not exist."))


def cheer(user: User, inventory: Inventory, milestone: str = "") -> bool:
    """Cheer a shared inventory or one of its milestones, once; the member is told in-app.
    Returns whether a new cheer was made."""
    _require_cheerable(user, inventory, milestone)
    exists = db.session.scalar(
        select(Cheer.id).where(
            Cheer.user_id == user.id,
            Cheer.inventory_id == inventory.id,
            Cheer.milestone == milestone,
        )
    )
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Cheer(user_id=user.id, inventory_id=inventory.id, milestone=milestone))
            db.session.flush()
    except IntegrityError:
        return False
    url = url_for("inventories.show", slug=inventory.cohort.slug, inventory_id=inventory.id)
    notify(
        inventory.user_id,
        "cheered",
        url=url + "#cheers",
        cohort_id=inventory.cohort_id,
        name=user.display_name,
    )
    return True


def take_back_cheer(user: User, inventory: Inventory, milestone: str = "") -> None:
    if not can_cheer(user, inventory):
        raise NotAllowed(visible=can(user, Action.VIEW, inventory))
    db.session.execute(
        delete(Cheer).where(
            Cheer.user_id == user.id,
            Cheer.inventory_id == inventory.id,
            Cheer.milestone == milestone,
        )
    )


@dataclass
class Cheers:
    """Who cheered one inventory or milestone, for its button and count."""

    names: list[str] = field(default_factory=list)
    by_viewer: bool = False

    @property
    def count(self) -> int:
        return len(self.names)


def cheers_from_lines(
    viewer: User, months: Iterable[tuple[int, str | None]]
) -> dict[tuple[int, str], Cheers]:
    """Cheers per (inventory id, milestone key) on inventories the caller may show, read
    with them as lines (``(id, lines)`` pairs; ``timeline.statements.cheer_lines_column``),
    oldest first. Missing keys have no cheers yet."""
    found: dict[tuple[int, str], Cheers] = {}
    viewer_id = viewer.id
    for inventory_id, lines in months:
        for _, milestone, user_id, name in sorted(read_json_lines(lines)):
            _count_in(found, viewer_id, (inventory_id, milestone), user_id, name)
    return found


def _count_in(
    found: dict[tuple[int, str], Cheers],
    viewer_id: int,
    key: tuple[int, str],
    user_id: int,
    name: str,
) -> None:
    entry = found.setdefault(key, Cheers())
    entry.names.append(name)
    entry.by_viewer = entry.by_viewer or user_id == viewer_id
