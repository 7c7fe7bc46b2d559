"""Members hear when a coming session moves, changes place or is cancelled: once per change,
in the app and by email, in their language and time zone; first-time details and edits of
the title or agenda tell nobody."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from cohort.delivery.models import Notification, OutboundEmail
from cohort.delivery.notices import message_of, set_email_preferences
from cohort.extensions import db
from cohort.meetings import services
from cohort.meetings.services import MeetingDetails

from . import factories
from .test_inventories import session_for


@pytest.fixture
def circle(app, user):
    cohort = factories.make_cohort(user, name="Saturday Circle")
    ken = factories.make_user(display_name="Ken", locale="ja", timezone="Asia/Tokyo")
    aiko = factories.make_user(display_name="Aiko", timezone="America/New_York")
    factories.add_member(cohort, ken)
    factories.add_member(cohort, aiko)
    meeting = session_for(cohort, place="Room 3", online_url="https://meet.example.org/a")
    return cohort, meeting, ken, aiko


def details(meeting, **changes) -> MeetingDetails:
    values = {
        name: getattr(meeting, name)
        for name in ("title", "starts_at", "ends_at", "place", "online_url", "agenda")
    }
    return MeetingDetails(**{**values, **changes})


def told(kind: str) -> dict[int, int]:
    rows = db.session.scalars(select(Notification).where(Notification.kind == kind)).all()
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.user_id] = counts.get(row.user_id, 0) + 1
    return counts


def emails() -> list[OutboundEmail]:
    return db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "session_changes")
    ).all()


def test_a_new_time_reaches_every_member_once_in_their_language_and_zone(user, circle):
    _cohort, meeting, ken, aiko = circle
    later = meeting.starts_at + timedelta(days=7)
    services.update_meeting(
        user, meeting, details(meeting, starts_at=later, ends_at=later + timedelta(hours=2))
    )
    db.session.commit()
    assert told("session_changed") == {ken.id: 1, aiko.id: 1}  # not the organizer
    by_address = {email.to_address: email for email in emails()}
    assert "新しい日時" in by_address[ken.email].text_body
    local = later.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}" in by_address[aiko.email].text_body
    assert "New time:" in by_address[aiko.email].text_body

    # The same form sent again (a double click) is no change and tells nobody again.
    services.update_meeting(
        user, meeting, details(meeting, starts_at=later, ends_at=later + timedelta(hours=2))
    )
    db.session.commit()
    assert told("session_changed") == {ken.id: 1, aiko.id: 1}
    assert len(emails()) == 2


def test_a_new_place_is_a_change_but_a_first_place_or_a_new_title_is_not(user, app):
    cohort = factories.make_cohort(user)
    ken = factories.make_user(display_name="Ken")
    factories.add_member(cohort, ken)
    meeting = session_for(cohort)
    services.update_meeting(user, meeting, details(meeting, place="Room 3", title="Renamed"))
    services.update_meeting(user, meeting, details(meeting, agenda="1. Check-in"))
    db.session.commit()
    assert told("session_changed") == {}
    services.update_meeting(user, meeting, details(meeting, place="Room 5"))
    db.session.commit()
    assert told("session_changed") == {ken.id: 1}
    [email] = emails()
    assert "New place: Room 5" in email.text_body


def test_cancelling_tells_everyone_once(user, circle):
    cohort, meeting, ken, aiko = circle
    services.cancel_meeting(user, meeting)
    services.cancel_meeting(user, meeting)  # a second click changes nothing
    db.session.commit()
    assert told("session_cancelled") == {ken.id: 1, aiko.id: 1}
    [notification] = db.session.scalars(
        select(Notification).where(Notification.user_id == aiko.id)
    ).all()
    assert message_of(notification) == f"{meeting.title} was cancelled."
    by_address = {email.to_address: email for email in emails()}
    assert f"/c/{cohort.slug}/sessions/" in by_address[aiko.email].text_body
    assert "中止" in by_address[ken.email].subject


def test_opting_out_stops_the_email_not_the_notice(user, circle):
    _cohort, meeting, ken, aiko = circle
    set_email_preferences(aiko, {"session_changes": False})
    services.cancel_meeting(user, meeting)
    db.session.commit()
    assert told("session_cancelled") == {ken.id: 1, aiko.id: 1}
    assert [email.to_address for email in emails()] == [ken.email]


def test_removed_members_hear_nothing(user, circle):
    from cohort.cohorts.models import Membership, MembershipStatus

    _cohort, meeting, ken, aiko = circle
    membership = db.session.scalar(select(Membership).where(Membership.user_id == aiko.id))
    membership.status = MembershipStatus.REMOVED
    services.cancel_meeting(user, meeting)
    db.session.commit()
    assert told("session_cancelled") == {ken.id: 1}
