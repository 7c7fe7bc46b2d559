"""Closing a season: what may be closed (and the messages when not), the archive page with the
season's figures, and the archive being read-only through every route of the app."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from cohort.database import utcnow
from cohort.errors import DomainError
from cohort.extensions import db
from cohort.feedback.models import FeedbackAssignment
from cohort.meetings.models import Meeting
from cohort.meetings.services import MeetingDetails, schedule_meeting, update_meeting
from cohort.permissions import NotAllowed
from cohort.year.models import Season
from cohort.year.seasons import SeasonInput, close_season, season_archive

from . import factories
from .test_permissions import ROUTES
from .test_timeline import login, make_circle, months_ago, write
from .test_year import give


@pytest.fixture
def circle(app, user):
    return make_circle(user)


def local_day(cohort, meeting) -> date:
    return meeting.starts_at.astimezone(ZoneInfo(cohort.timezone)).date()


def season_story(cohort, organizer, ken, aiko):
    """Two past sessions: Ken shares both (the first late), Aiko one and pauses the other;
    Aiko gives Ken feedback on the first; Ken attends both, Aiko one. A later session is
    coming up."""
    from cohort.cohorts.models import Membership

    for membership in db.session.scalars(select(Membership)):
        membership.joined_at = utcnow() - timedelta(days=365)
    first, second = months_ago(cohort, 3), months_ago(cohort, 2)
    coming = months_ago(cohort, -1)
    ken_first = write(ken, first, answers={"did": "Ken's first"})
    ken_first.is_late = True
    write(ken, second, answers={"did": "Ken's second"})
    aiko_first = write(aiko, first, answers={"did": "Aiko's first"})
    aiko_first.is_late = False
    from cohort.inventories.services import pause_month

    pause_month(aiko, second)
    give(ken_first, aiko)
    for meeting, user in [(first, ken), (second, ken), (first, aiko)]:
        factories.make_attendance(meeting, user, attended=True)
    db.session.add(
        FeedbackAssignment(
            cohort_id=cohort.id,
            meeting_id=first.id,
            inventory_id=ken_first.id,
            giver_id=organizer.id,
            recipient_id=ken.id,
        )
    )
    db.session.commit()
    return first, second, coming


def close(cohort, organizer, first, second, name="2026"):
    season = close_season(
        organizer,
        cohort,
        SeasonInput(name, local_day(cohort, first), local_day(cohort, second)),
        utcnow(),
    )
    db.session.commit()
    return season


def test_closing_a_season_archives_its_sessions_and_the_cohort_goes_on(client, circle, user):
    cohort, ken, aiko = circle
    first, second, coming = season_story(cohort, user, ken, aiko)
    season = close(cohort, user, first, second)
    assert {
        m.id for m in db.session.scalars(select(Meeting).where(Meeting.season_id == season.id))
    } == {
        first.id,
        second.id,
    }
    assert db.session.get(Meeting, coming.id).season_id is None
    login(client, ken)
    page = client.get(f"/c/{cohort.slug}/sessions/{coming.id}/inventory")
    assert page.status_code == 200  # the next session is written as ever


def test_the_archive_shows_the_seasons_figures(client, circle, user):
    cohort, ken, aiko = circle
    first, second, _coming = season_story(cohort, user, ken, aiko)
    season = close(cohort, user, first, second)
    archive = season_archive(season)
    by_meeting = {row.meeting.id: row for row in archive.sessions}
    assert (by_meeting[first.id].expected, by_meeting[first.id].shared) == (3, 2)
    assert by_meeting[first.id].on_time == 1 and by_meeting[second.id].paused == 1
    assert by_meeting[first.id].coverage == 50  # Ken's had feedback, Aiko's none
    assert (archive.total.shared, archive.total.expected, archive.total.attended) == (3, 6, 3)
    assert archive.total.share_rate == 50 and archive.total.attendance == 50
    login(client, ken)
    page = client.get(f"/c/{cohort.slug}/sessions/seasons/{season.id}").get_data(as_text=True)
    assert "Season 2026" in page and "read-only archive" in page
    assert "Share rate" in page and "50%" in page and "2 / 3" in page
    listing = client.get(f"/c/{cohort.slug}/sessions/seasons").get_data(as_text=True)
    assert f"/sessions/seasons/{season.id}" in listing
    assert "Close a season" not in listing  # members read; organizers close


def test_who_wrote_was_expected_whenever_they_joined_and_mentors_are_not(circle, user):
    cohort, ken, aiko = circle
    first, second, _coming = season_story(cohort, user, ken, aiko)
    factories.add_member(cohort, factories.make_user(display_name="Mentor"), role="mentor")
    sora = factories.make_user(display_name="Sora")
    factories.add_member(cohort, sora)  # joins today, yet wrote for the second session
    write(sora, second, answers={"did": "Caught up"})
    archive = season_archive(close(cohort, user, first, second))
    expected = {row.meeting.id: row.expected for row in archive.sessions}
    assert expected == {first.id: 3, second.id: 4}


@pytest.mark.parametrize(
    ("name", "start_shift", "end_shift", "message"),
    [
        ("", 0, 0, "Give the season a name"),
        ("2026", 0, -40, "must end on or after its first day"),
        ("2026", 0, 400, "Only a season that is over can be closed."),
        ("2026", -400, -390, "No session of this cohort falls within these dates."),
    ],
)
def test_a_season_that_cannot_be_closed_says_why(
    circle, user, name, start_shift, end_shift, message
):
    cohort, ken, aiko = circle
    first, second, _coming = season_story(cohort, user, ken, aiko)
    data = SeasonInput(
        name,
        local_day(cohort, first) + timedelta(days=start_shift),
        local_day(cohort, second) + timedelta(days=end_shift),
    )
    with pytest.raises(DomainError) as refused:
        close_season(user, cohort, data, utcnow())
    assert message in str(refused.value.message)


def test_seasons_neither_overlap_nor_share_a_name_nor_take_a_session_still_running(circle, user):
    cohort, ken, aiko = circle
    first, second, _coming = season_story(cohort, user, ken, aiko)
    close(cohort, user, first, first, name="Spring")
    day = local_day(cohort, second)
    with pytest.raises(DomainError, match="already has a season called Spring"):
        close_season(user, cohort, SeasonInput("Spring", day, day), utcnow())
    with pytest.raises(DomainError, match="overlap the season Spring"):
        close_season(user, cohort, SeasonInput("Summer", local_day(cohort, first), day), utcnow())
    running = factories.make_meeting(
        cohort, starts_at=utcnow() - timedelta(days=3), minutes=4 * 24 * 60
    )
    day = local_day(cohort, running)
    with pytest.raises(DomainError, match="has not ended yet"):
        close_season(user, cohort, SeasonInput("Now", day, day), utcnow())


def test_only_organizers_close_a_season(client, circle, user):
    cohort, ken, aiko = circle
    first, second, _coming = season_story(cohort, user, ken, aiko)
    with pytest.raises(NotAllowed):
        close(cohort, ken, first, second)
    login(client, ken)
    data = {
        "name": "2026",
        "starts_on": local_day(cohort, first),
        "ends_on": local_day(cohort, second),
    }
    assert client.post(f"/c/{cohort.slug}/sessions/seasons", data=data).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Season)) == 0


def test_the_close_form_explains_bad_input_and_keeps_it(client, circle, user):
    cohort, ken, aiko = circle
    first, second, _coming = season_story(cohort, user, ken, aiko)
    login(client, user)
    data = {
        "name": "My season",
        "starts_on": local_day(cohort, second),
        "ends_on": local_day(cohort, first),
    }
    page = client.post(f"/c/{cohort.slug}/sessions/seasons", data=data).get_data(as_text=True)
    assert "The season must end on or after its first day." in page
    assert 'value="My season"' in page
    data = {**data, "starts_on": local_day(cohort, first), "ends_on": local_day(cohort, second)}
    response = client.post(f"/c/{cohort.slug}/sessions/seasons", data=data)
    assert response.status_code == 302
    assert "/sessions/seasons/" in response.headers["Location"]


def test_no_session_can_be_scheduled_or_moved_into_a_closed_season(circle, user):
    cohort, ken, aiko = circle
    first, second, coming = season_story(cohort, user, ken, aiko)
    close(cohort, user, first, second)
    inside = first.starts_at + timedelta(days=1)
    details = MeetingDetails(
        title="Late extra", starts_at=inside, ends_at=inside + timedelta(hours=1)
    )
    with pytest.raises(DomainError, match="The season 2026 is closed"):
        schedule_meeting(user, cohort, details)
    with pytest.raises(DomainError, match="The season 2026 is closed"):
        update_meeting(user, coming, details)
    db.session.rollback()
    assert db.session.get(Meeting, coming.id).starts_at > utcnow()


# ---- Read-only through every route ------------------------------------------------------------

# Everything a form on these routes could send: each route takes what it knows.
EVERYTHING = {
    "rsvp": "going",
    "attended": [],
    "action": "add",
    "reply": "Thanks!",
    "value": "1",
    "on": "1",
    "helpful": "1",
    "shared": "1",
    "message": "Please write",
    "title": "Renamed",
    "starts_at": "2030-01-01T10:00",
    "ends_at": "2030-01-01T12:00",
    "energy": "5",
    "answer_did": "Changed my mind",
    "did": "Changed my mind",
    "situation": "x",
    "behaviour": "y",
    "impact": "z",
    "ask_answer": "a",
    "question": "q",
    "traits": ["calm_under_pressure"],
    "share": "1",
    "version": "1",
}


def snapshot() -> dict:
    """Every row of every table but the accounts, as plain values."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in ("scheduler_heartbeats", "users"):  # signing in is seen there
            continue
        result = db.session.execute(select(table)).all()
        rows[table.name] = sorted(tuple(str(v) for v in row) for row in result)
    return rows


def test_nothing_in_a_closed_season_changes_through_any_route(app, circle, user):
    """Every POST route that names a session, an inventory, a piece of feedback or an
    assignment of the closed season, sent by its organizer, its member and its peer, changes
    no row (notifications read aside, none exist)."""
    cohort, ken, aiko = circle
    mentor = factories.make_user(display_name="Mentor")
    factories.add_member(cohort, mentor, role="mentor")
    first, second, _coming = season_story(cohort, user, ken, aiko)
    ken_first = db.session.scalar(
        select(Meeting).where(Meeting.id == first.id)
    )  # the session itself
    from cohort.feedback.models import Feedback
    from cohort.inventories.models import Inventory

    inventory = db.session.scalar(
        select(Inventory).where(Inventory.meeting_id == first.id, Inventory.user_id == ken.id)
    )
    aiko_inventory = db.session.scalar(
        select(Inventory).where(Inventory.meeting_id == first.id, Inventory.user_id == aiko.id)
    )
    feedback = db.session.scalar(select(Feedback))
    assignment = db.session.scalar(select(FeedbackAssignment))
    close(cohort, user, first, second)
    values = {
        "slug": cohort.slug,
        "meeting_id": ken_first.id,
        "feedback_id": feedback.id,
        "assignment_id": assignment.id,
        "note_id": 1,  # a listener's note (none here: 404)
    }
    walked = [
        (endpoint, method)
        for endpoint, method in ROUTES
        if method == "POST"
        and any(
            name in rule.arguments
            for rule in app.url_map.iter_rules(endpoint)
            for name in ("meeting_id", "inventory_id", "feedback_id", "assignment_id")
        )
    ]
    assert len(walked) >= 12
    before = snapshot()
    for person in (user, ken, aiko, mentor):
        client = app.test_client()
        login(client, person)
        for endpoint, _method in walked:
            (rule,) = app.url_map.iter_rules(endpoint)
            for target in (inventory, aiko_inventory):
                url_values = {**values, "inventory_id": target.id}
                url = rule.build({k: url_values[k] for k in rule.arguments}, append_unknown=False)[
                    1
                ]
                data = {**EVERYTHING, "giver_id": str(person.id), "attended": [str(ken.id)]}
                response = client.post(url, data=data)
                assert response.status_code in (302, 403, 404), (endpoint, person.display_name)
        db.session.expire_all()
        assert snapshot() == before, person.display_name
    db.session.expire_all()
    assert db.session.get(Meeting, first.id).title == first.title
