"""``flask demo``: add the demo cohorts once, refuse a database with real accounts unless
forced, and rebuild them on request (the demo's months are relative to the day it is made)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, func, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership
from ..extensions import db
from .builder import DEMO_DOMAIN, DEMO_PASSWORD, build_cohort, companion_user, demo_email
from .content import load, locales


class RealUsersPresent(Exception):
    """The database has accounts that are not part of the demo."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


@dataclass(frozen=True)
class Login:
    cohort: str
    role: str
    name: str
    email: str


def is_demo_email():
    return User.email.like(f"%@{DEMO_DOMAIN}")


def real_user_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(~is_demo_email()))


def demo_present() -> bool:
    return bool(db.session.scalar(select(exists().where(is_demo_email()))))


def remove_demo() -> None:
    """Delete the demo's cohorts (those with no member outside the demo) and its accounts."""
    outsider = (
        select(Membership.id)
        .join(User, Membership.user_id == User.id)
        .where(Membership.cohort_id == Cohort.id, ~is_demo_email())
    )
    insider = (
        select(Membership.id)
        .join(User, Membership.user_id == User.id)
        .where(Membership.cohort_id == Cohort.id, is_demo_email())
    )
    db.session.execute(
        delete(Cohort)
        .where(exists(insider), ~exists(outsider))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(User).where(is_demo_email()).execution_options(synchronize_session=False)
    )
    db.session.flush()


def install_demo(now: datetime, *, force: bool = False, reset: bool = False) -> bool:
    """Build the demo cohorts unless they are already here; returns whether it built them.

    Raises RealUsersPresent when other accounts exist and ``force`` is not given. The caller
    commits."""
    if not force:
        count = real_user_count()
        if count:
            raise RealUsersPresent(count)
    if demo_present():
        if not reset:
            return False
        remove_demo()
    stories = [load(locale) for locale in locales()]
    for story in stories:
        build_cohort(story, now)
    return True


def logins() -> list[Login]:
    """Who to log in as, for each demo cohort: organizer, members, mentor."""
    rows = []
    for locale in locales():
        story = load(locale)
        for person in story.people:
            rows.append(Login(story.cohort["name"], person.role, person.name, demo_email(person)))
    return rows


def companion_logins() -> list[str]:
    """The demo members who write with the companion on, one per cohort."""
    emails = []
    for locale in locales():
        story = load(locale)
        person = next(p for p in story.people if p.key == companion_user(story))
        emails.append(demo_email(person))
    return emails


__all__ = [
    "DEMO_PASSWORD",
    "Login",
    "RealUsersPresent",
    "companion_logins",
    "install_demo",
    "logins",
]
