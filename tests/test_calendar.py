"""Calendar files: one session as .ics, and the personal feed behind a secret address."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from cohort.extensions import db
from cohort.meetings import services
from cohort.meetings.models import Meeting

from . import factories


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def tokyo(frozen_time, user):
    """Ann (London) organizes a Tokyo cohort; its next session is on 12 December, 10:00."""
    return factories.make_cohort(user)


def first_meeting(cohort) -> Meeting:
    return db.session.scalars(
        select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(Meeting.starts_at)
    ).first()


def parse(body: bytes):
    return Calendar.from_ical(body).walk("VEVENT")


def test_a_session_downloads_as_ics_with_utc_start_and_an_alarm(frozen_time, tokyo, logged_in):
    december = first_meeting(tokyo)
    response = logged_in.get(f"/c/{tokyo.slug}/sessions/{december.id}.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    (event,) = parse(response.data)
    assert event.decoded("dtstart").astimezone(UTC) == at(2026, 12, 12, 1, 0)
    assert event.decoded("dtend").astimezone(UTC) == at(2026, 12, 12, 3, 0)
    assert str(event["uid"]) == f"meeting-{december.id}@cohort.test"
    assert str(event["summary"]) == "Career Circle: December session"
    assert f"http://cohort.test/c/{tokyo.slug}/sessions/{december.id}" in str(event["description"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=-1)
    assert str(event["status"]) == "CONFIRMED"


def test_a_cancelled_session_says_so_in_the_calendar(frozen_time, tokyo, user, logged_in):
    december = first_meeting(tokyo)
    services.cancel_meeting(user, december)
    db.session.commit()
    (event,) = parse(logged_in.get(f"/c/{tokyo.slug}/sessions/{december.id}.ics").data)
    assert str(event["status"]) == "CANCELLED"
    assert event.walk("VALARM") == []
    assert int(event["sequence"]) == 1


def feed_url(client) -> str:
    """Create or reset the signed-in user's feed; the address shown once, as a path."""
    client.post("/settings/calendar", data={"action": "reset"})
    page = client.get("/settings/calendar").get_data(as_text=True)
    start = page.index("http://cohort.test/calendar/")
    return page[start : page.index('"', start)].removeprefix("http://cohort.test")


def test_the_feed_lists_the_sessions_of_active_cohorts_only(frozen_time, user, logged_in):
    mine = factories.make_cohort(user, name="Mine")
    left = factories.make_cohort(name="Left")
    factories.add_member(left, user, status="left")
    archived = factories.make_cohort(name="Sleeping")
    factories.add_member(archived, user)
    archived.is_archived = True
    factories.make_cohort(name="Strangers")
    past = factories.make_meeting(mine, starts_at=at(2026, 10, 1, 1, 0), title="October session")
    old = factories.make_meeting(mine, starts_at=at(2026, 6, 1, 1, 0), title="June session")
    db.session.commit()
    url = feed_url(logged_in)
    anonymous = logged_in.application.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200
    events = parse(response.data)
    assert {str(e["summary"]).split(":")[0] for e in events} == {"Mine"}
    uids = {str(e["uid"]) for e in events}
    assert f"meeting-{past.id}@cohort.test" in uids
    assert f"meeting-{old.id}@cohort.test" not in uids  # more than three months ago
    assert len(events) == 4
    assert all(e.walk("VALARM") for e in events)
    assert "VTIMEZONE" in response.get_data(as_text=True)


def test_a_new_feed_address_kills_the_old_one(frozen_time, user, logged_in):
    factories.make_cohort(user)
    first = feed_url(logged_in)
    second = feed_url(logged_in)
    anonymous = logged_in.application.test_client()
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    token = second.removeprefix("/calendar/").removesuffix(".ics")
    db.session.refresh(user)
    assert user.calendar_token_hash not in (None, token)
    logged_in.post("/settings/calendar", data={"action": "stop"})
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404
