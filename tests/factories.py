"""Test data with sensible defaults; each factory commits so views see the rows."""

from itertools import count

from cohort.auth import services as account_services
from cohort.auth.models import User
from cohort.extensions import db

PASSWORD = "a long enough passphrase"
_sequence = count(1)


def make_user(
    email: str | None = None,
    display_name: str | None = None,
    password: str = PASSWORD,
    locale: str = "en",
    timezone: str = "Europe/London",
    **attributes,
) -> User:
    n = next(_sequence)
    user = account_services.register_user(
        email or f"member{n}@example.org",
        display_name or f"Member {n}",
        password,
        locale,
        timezone,
    )
    for name, value in attributes.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def make_cohort(
    organizer: User | None = None,
    name: str = "Career Circle",
    is_archived=False,
    slug: str | None = None,
    **settings,
):
    """A cohort whose first organizer is ``organizer`` (created when omitted)."""
    from datetime import time

    from cohort.cohorts import services as cohort_services
    from cohort.cohorts.models import RhythmKind

    values = {
        "name": name,
        "description": "We reflect on our careers every month.",
        "guide": "## How we work\n\nWrite, share, respond.",
        "timezone": "Asia/Tokyo",
        "locale": "en",
        "rhythm_kind": RhythmKind.MONTHLY_WEEKDAY,
        "rhythm_week": 2,
        "rhythm_weekday": 5,
        "rhythm_starts_at": time(10, 0),
        "rhythm_minutes": 120,
        "inventory_due_days": 2,
        "feedback_due_days": 7,
        **settings,
    }
    cohort = cohort_services.create_cohort(
        organizer or make_user(), cohort_services.CohortSettings(**values), slug=slug
    )
    cohort.is_archived = is_archived
    db.session.commit()
    return cohort


def add_member(cohort, user: User | None = None, role: str = "member", status: str = "active"):
    """Put ``user`` (created when omitted) into ``cohort`` directly, without an invitation."""
    from cohort.cohorts.models import Membership, MembershipStatus, Role

    membership = Membership(
        cohort_id=cohort.id,
        user_id=(user or make_user()).id,
        role=Role(role),
        status=MembershipStatus(status),
    )
    db.session.add(membership)
    db.session.commit()
    return membership


def make_invitation(cohort, by: User, **options):
    from cohort.cohorts import services as cohort_services

    options = {"max_uses": 1, "valid_days": 7, **options}
    issued = cohort_services.create_invitation(by, cohort, **options)
    db.session.commit()
    return issued


def make_meeting(cohort, starts_at=None, minutes: int = 120, **values):
    """A session scheduled by hand (follows no rhythm), ten days ahead unless told."""
    from datetime import timedelta

    from cohort.database import utcnow
    from cohort.meetings.models import Meeting

    starts_at = starts_at or utcnow().replace(second=0, microsecond=0) + timedelta(days=10)
    ends_at = starts_at + timedelta(minutes=minutes)
    meeting = Meeting(
        cohort_id=cohort.id,
        title=values.pop("title", "Extra session"),
        starts_at=starts_at,
        ends_at=ends_at,
        inventory_due_at=values.pop("inventory_due_at", starts_at - timedelta(days=2)),
        feedback_due_at=values.pop("feedback_due_at", ends_at + timedelta(days=7)),
        **values,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def close_in_season(meeting, closed_by: User, name: str = "Past"):
    """Put the session in a closed season of its own (read-only from then on), committed."""
    from cohort.year.models import Season

    season = Season(
        cohort_id=meeting.cohort_id,
        name=name,
        starts_on=meeting.starts_at.date().replace(day=1),
        ends_on=meeting.starts_at.date(),
        closed_by_id=closed_by.id,
    )
    db.session.add(season)
    db.session.flush()
    meeting.season_id = season.id
    db.session.commit()
    return season


def make_attendance(meeting, user: User, rsvp: str | None = "going", attended=None):
    from cohort.meetings.models import Attendance, Rsvp

    attendance = Attendance(
        meeting_id=meeting.id,
        user_id=user.id,
        rsvp=Rsvp(rsvp) if rsvp else None,
        attended=attended,
    )
    db.session.add(attendance)
    db.session.commit()
    return attendance


def make_shared_inventory(meeting, user: User, self_traits=(), **answers):
    """``user``'s inventory for ``meeting``, written and shared through the services."""
    from cohort.inventories.services import InventoryInput, save_inventory, share_inventory

    data = InventoryInput(
        answers=answers or {"did": "Ran my first workshop."}, self_traits=list(self_traits)
    )
    inventory = save_inventory(user, meeting, data, 0)
    share_inventory(user, inventory)
    db.session.commit()
    return inventory


FEEDBACK_PARTS = {
    "ask_answer": "Lead with the client's own words: they show the impact.",
    "situation": "In the December workshop",
    "behaviour": "You re-planned the agenda calmly",
    "impact": "Everyone left with a decision",
    "question": "What would you try if nobody was watching?",
}


def make_feedback(inventory, giver: User, traits=("calm_under_pressure",), **parts):
    """Feedback from ``giver`` on ``inventory``, through the service."""
    from cohort.feedback.services import FeedbackInput, give_feedback

    feedback = give_feedback(
        giver, inventory, FeedbackInput(**{**FEEDBACK_PARTS, **parts}, traits=list(traits))
    )
    db.session.commit()
    return feedback


def set_local_hours(user: User, quiet_start=None, quiet_end=None, reminder_time=None, paused=None):
    """Give a member their own local hours; equal quiet start and end mean none at all."""
    from cohort.delivery.hours import settings_for

    settings = settings_for(user)
    if quiet_start is not None:
        settings.quiet_start, settings.quiet_end = quiet_start, quiet_end
    if reminder_time is not None:
        settings.reminder_time = reminder_time
    settings.email_paused_until = paused
    db.session.commit()
    return settings
