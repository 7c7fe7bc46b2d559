"""Sessions: made from the rhythm and kept in step with it, scheduled and edited by
organizers, RSVPs and attendance, calendar files and the personal feed."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cohort.cohorts import services as cohort_services
from cohort.cohorts.models import RhythmKind
from cohort.errors import DomainError
from cohort.extensions import db
from cohort.meetings import services
from cohort.meetings.models import Attendance, Meeting, MeetingStatus, Rsvp

from . import factories


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def cohort_at(now: datetime, organizer=None, **settings):
    """A cohort created at ``now``: its rhythm's sessions are made from that moment."""
    with time_machine.travel(now, tick=False):
        return factories.make_cohort(organizer, **settings)


def settings_of(cohort, **changes) -> cohort_services.CohortSettings:
    names = [field.name for field in dataclasses.fields(cohort_services.CohortSettings)]
    return cohort_services.CohortSettings(
        **{name: getattr(cohort, name) for name in names} | changes
    )


def meetings_of(cohort) -> list[Meeting]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(Meeting.starts_at)
        )
    )


def login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


# Following the rhythm ---------------------------------------------------------------------


def test_the_last_sunday_keeps_its_local_time_when_berlin_changes_its_clocks(app):
    cohort = cohort_at(at(2027, 2, 1), timezone="Europe/Berlin", rhythm_week=-1, rhythm_weekday=6)
    meetings = meetings_of(cohort)
    assert [m.starts_at for m in meetings] == [
        at(2027, 2, 28, 9, 0),  # 10:00 CET
        at(2027, 3, 28, 8, 0),  # 10:00 CEST, hours after the clocks went forward
        at(2027, 4, 25, 8, 0),
    ]
    assert [m.title for m in meetings] == ["February session", "March session", "April session"]
    assert all(m.follows_rhythm for m in meetings)
    # Two days before 10:00 on the cohort's clock is 10:00 again, in winter time then.
    assert meetings[1].inventory_due_at == at(2027, 3, 26, 9, 0)
    assert meetings[1].feedback_due_at == at(2027, 4, 4, 10, 0)  # 7 days after 12:00 CEST


def test_october_sessions_move_back_an_hour_in_utc(app):
    cohort = cohort_at(at(2027, 9, 1), timezone="Europe/Berlin", rhythm_week=-1, rhythm_weekday=6)
    assert [m.starts_at for m in meetings_of(cohort)] == [
        at(2027, 9, 26, 8, 0),  # CEST
        at(2027, 10, 31, 9, 0),  # CET: the clocks went back that night
        at(2027, 11, 28, 9, 0),
    ]


def test_sessions_belong_to_the_cohorts_month_not_the_utc_month(app):
    # 1st Monday 08:00 in Tokyo: 1 Feb 2027 is still 31 January in UTC.
    cohort = cohort_at(
        at(2027, 1, 10), timezone="Asia/Tokyo", rhythm_week=1, rhythm_weekday=0,
        rhythm_starts_at=time(8, 0),
    )  # fmt: skip
    meetings = meetings_of(cohort)
    assert meetings[0].starts_at == at(2027, 1, 31, 23, 0)
    assert [m.month_on for m in meetings] == [date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 1)]
    assert meetings[0].title == "February session"
    services.sync_meetings_from_rhythm(cohort, at(2027, 1, 31, 22, 0))
    db.session.commit()
    assert len(meetings_of(cohort)) == 3


def test_sync_is_idempotent_and_rolls_forward_month_by_month(app):
    cohort = cohort_at(at(2026, 11, 20))
    before = [(m.id, m.starts_at, m.sequence, m.updated_at) for m in meetings_of(cohort)]
    for hour in (1, 2):
        services.sync_meetings_from_rhythm(cohort, at(2026, 11, 20, hour))
        db.session.commit()
    assert [(m.id, m.starts_at, m.sequence, m.updated_at) for m in meetings_of(cohort)] == before
    services.sync_meetings_from_rhythm(cohort, at(2026, 12, 20))  # December's is over
    db.session.commit()
    assert [m.month_on.month for m in meetings_of(cohort)] == [12, 1, 2, 3]


def test_the_hourly_job_rolls_every_cohort_forward_in_batches(app, count_queries):
    from cohort.meetings.jobs import sync_all_meetings

    cohorts = [cohort_at(at(2026, 11, 20), name=f"Circle {n}") for n in range(5)]
    berlin = cohort_at(at(2026, 11, 20), name="Berlin circle", timezone="Europe/Berlin")
    manual = cohort_at(at(2026, 11, 20), name="By hand", rhythm_kind=RhythmKind.MANUAL)
    with time_machine.travel(at(2026, 12, 20), tick=False):
        sync_all_meetings(batch=2)
    for cohort in [*cohorts, berlin]:
        assert [m.month_on.month for m in meetings_of(cohort)] == [12, 1, 2, 3]
    assert meetings_of(manual) == []

    def statements_of_a_quiet_tick(batch: int) -> int:
        with time_machine.travel(at(2026, 12, 20, 1), tick=False), count_queries() as counter:
            sync_all_meetings(batch=batch)
        return counter.count

    # Nothing to add: the statements depend on the number of batches, not of cohorts.
    assert statements_of_a_quiet_tick(batch=100) < statements_of_a_quiet_tick(batch=1)
    assert statements_of_a_quiet_tick(batch=100) <= 5


def test_a_rhythm_change_moves_future_rhythm_sessions_only(app):
    organizer = factories.make_user()
    cohort = cohort_at(at(2026, 10, 1), organizer)  # 2nd Saturday, 10:00 Tokyo
    with time_machine.travel(at(2026, 11, 20), tick=False):
        services.sync_meetings_from_rhythm(cohort, at(2026, 11, 20))
        db.session.commit()
        october, november, december, january, february = meetings_of(cohort)
        january_details = services.MeetingDetails(
            title=january.title,
            starts_at=at(2027, 1, 16, 1, 0),
            ends_at=at(2027, 1, 16, 3, 0),
        )
        services.update_meeting(organizer, january, january_details)
        agenda_only = services.MeetingDetails(
            **{f: getattr(february, f) for f in ("title", "starts_at", "ends_at")},
            agenda="1. Check-in",
        )
        services.update_meeting(organizer, february, agenda_only)
        db.session.commit()
        past = [(m.id, m.starts_at) for m in (october, november)]

        settings = settings_of(cohort, rhythm_week=-1, rhythm_weekday=6)  # last Sunday
        cohort_services.update_cohort_settings(organizer, cohort, settings)
        db.session.commit()

    meetings = meetings_of(cohort)
    assert len(meetings) == 5
    by_id = {m.id: m for m in meetings}
    assert [(m.id, by_id[m.id].starts_at) for m in (october, november)] == past
    assert by_id[december.id].starts_at == at(2026, 12, 27, 1, 0)
    assert by_id[december.id].sequence == 1
    assert by_id[january.id].starts_at == at(2027, 1, 16, 1, 0)  # chosen by hand: kept
    assert not by_id[january.id].follows_rhythm
    assert by_id[february.id].starts_at == at(2027, 2, 28, 1, 0)  # only its agenda was edited
    assert by_id[february.id].agenda_html == "<ol>\n<li>Check-in</li>\n</ol>"


def test_switching_to_manual_drops_only_untouched_future_rhythm_sessions(app):
    organizer = factories.make_user()
    member = factories.make_user()
    cohort = cohort_at(at(2026, 10, 1), organizer)  # Oct, Nov, Dec
    factories.add_member(cohort, member)
    october, _november, december = meetings_of(cohort)
    factories.make_attendance(december, member, "maybe")
    with time_machine.travel(at(2026, 10, 20), tick=False):
        extra = factories.make_meeting(cohort, starts_at=at(2026, 11, 28, 1, 0))
        settings = settings_of(cohort, rhythm_kind=RhythmKind.MANUAL)
        cohort_services.update_cohort_settings(organizer, cohort, settings)
        db.session.commit()
    # October is over, December has an answer, the extra session was made by hand.
    assert {m.id for m in meetings_of(cohort)} == {october.id, december.id, extra.id}

    with time_machine.travel(at(2026, 10, 20), tick=False):
        settings = settings_of(cohort, rhythm_kind=RhythmKind.MONTHLY_WEEKDAY)
        cohort_services.update_cohort_settings(organizer, cohort, settings)
        db.session.commit()
    assert [m.month_on for m in meetings_of(cohort)] == [
        date(2026, 10, 1), date(2026, 11, 1), None, date(2026, 12, 1), date(2027, 1, 1),
    ]  # fmt: skip


def test_a_manual_cohort_gets_no_sessions_by_itself(app):
    cohort = cohort_at(at(2026, 11, 20), rhythm_kind=RhythmKind.MANUAL)
    assert meetings_of(cohort) == []


def test_a_cancelled_month_is_not_filled_again(app):
    organizer = factories.make_user()
    cohort = cohort_at(at(2026, 11, 20), organizer)
    december = meetings_of(cohort)[0]
    services.cancel_meeting(organizer, december, now=at(2026, 11, 20))
    services.sync_meetings_from_rhythm(cohort, at(2026, 11, 21))
    db.session.commit()
    assert len(meetings_of(cohort)) == 3
    assert meetings_of(cohort)[0].status == MeetingStatus.CANCELLED


def test_titles_use_the_cohorts_language(app):
    cohort = cohort_at(at(2026, 11, 20), locale="ja")
    assert "12月" in meetings_of(cohort)[0].title


def test_the_hourly_job_syncs_active_cohorts_and_skips_archived_ones(app, runner):
    with time_machine.travel(at(2026, 11, 20), tick=False):
        active = factories.make_cohort()
        archived = factories.make_cohort(is_archived=True)
        db.session.execute(Meeting.__table__.delete())
        db.session.commit()
        result = runner.invoke(args=["scheduler", "tick", "sync_meetings"])
    assert result.exit_code == 0, result.output
    assert len(meetings_of(active)) == 3
    assert meetings_of(archived) == []


# Organizers -------------------------------------------------------------------------------


@pytest.fixture
def tokyo(app, user):
    """Ann (London) organizes a Tokyo cohort made on 20 November 2026: Dec, Jan, Feb."""
    return cohort_at(at(2026, 11, 20), user)


def test_organizers_schedule_a_session_in_the_cohorts_time(frozen_time, tokyo, logged_in):
    form = {
        "title": "Year-end extra",
        "starts_at": "2026-12-20T19:00",
        "ends_at": "2026-12-20T21:00",
        "place": "Shibuya, room 3",
        "online_url": "https://meet.example.org/abc",
        "agenda": "**Welcome**",
        "inventory_due_at": "2026-12-18T19:00",
        "feedback_due_at": "2026-12-27T21:00",
    }
    response = logged_in.post(f"/c/{tokyo.slug}/organize/sessions/new", data=form)
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Year-end extra"))
    assert response.location == f"/c/{tokyo.slug}/sessions/{meeting.id}"
    assert meeting.starts_at == at(2026, 12, 20, 10, 0)
    assert meeting.inventory_due_at == at(2026, 12, 18, 10, 0)
    assert meeting.month_on is None  # December already has its session
    assert not meeting.follows_rhythm
    assert "<strong>Welcome</strong>" in meeting.agenda_html
    page = logged_in.get(response.location).get_data(as_text=True)
    assert "Sun 20 Dec, 10:00</time>–12:00" in page  # Ann's London time
    assert "Asia/Tokyo" in page and "Shibuya, room 3" in page


def test_the_session_form_explains_impossible_times(frozen_time, tokyo, logged_in):
    url = f"/c/{tokyo.slug}/organize/sessions/new"
    bad = {
        "title": "Oops",
        "starts_at": "2026-12-20T19:00",
        "ends_at": "2026-12-20T18:00",
        "online_url": "javascript:alert(1)",
        "inventory_due_at": "2026-12-18T19:00",
        "feedback_due_at": "2026-12-27T21:00",
    }
    page = logged_in.post(url, data=bad).get_data(as_text=True)
    assert "Enter a link that starts with https://" in page
    page = logged_in.post(url, data={**bad, "online_url": ""}).get_data(as_text=True)
    assert "The session must end after it starts." in page
    assert db.session.scalar(select(Meeting).where(Meeting.title == "Oops")) is None


def test_a_clock_change_gap_is_not_a_time(frozen_time, user, logged_in):
    berlin = factories.make_cohort(user, timezone="Europe/Berlin")
    data = {
        "title": "Night owls",
        "starts_at": "2027-03-28T02:30",
        "ends_at": "2027-03-28T04:00",
        "inventory_due_at": "2027-03-26T02:30",
        "feedback_due_at": "2027-04-04T04:00",
    }
    page = logged_in.post(f"/c/{berlin.slug}/organize/sessions/new", data=data)
    assert "does not exist in Europe/Berlin" in page.get_data(as_text=True)


def test_editing_and_cancelling(frozen_time, tokyo, logged_in):
    december = meetings_of(tokyo)[0]
    url = f"/c/{tokyo.slug}/organize/sessions/{december.id}/edit"
    page = logged_in.get(url).get_data(as_text=True)
    assert 'value="2026-12-12T10:00"' in page  # shown on the cohort's clock
    data = {
        "title": "December session",
        "starts_at": "2026-12-12T13:00",
        "ends_at": "2026-12-12T15:00",
        "place": "Online",
        "inventory_due_at": "2026-12-10T10:00",
        "feedback_due_at": "2026-12-19T12:00",
    }
    assert logged_in.post(url, data=data).status_code == 302
    db.session.refresh(december)
    assert december.starts_at == at(2026, 12, 12, 4, 0)
    assert not december.follows_rhythm
    cancel = f"/c/{tokyo.slug}/organize/sessions/{december.id}/cancel"
    assert logged_in.post(cancel).status_code == 302
    db.session.refresh(december)
    assert december.is_cancelled
    overview = logged_in.get(f"/c/{tokyo.slug}/").get_data(as_text=True)
    assert "January session" in overview  # the next session that will take place
    sessions = logged_in.get(f"/c/{tokyo.slug}/sessions/").get_data(as_text=True)
    assert "Cancelled" in sessions

    logged_in.post(f"/c/{tokyo.slug}/organize/archive", data={"archived": "1"})
    january = meetings_of(tokyo)[1]
    assert logged_in.get(f"/c/{tokyo.slug}/organize/sessions/{january.id}/edit").status_code == 403
    page = logged_in.get(f"/c/{tokyo.slug}/sessions/{january.id}").get_data(as_text=True)
    assert 'name="rsvp"' not in page and "Edit the session" not in page


# Members ----------------------------------------------------------------------------------


def test_rsvp_going_then_maybe_keeps_one_answer(frozen_time, tokyo, client):
    ken = factories.make_user(display_name="Ken")
    factories.add_member(tokyo, ken)
    login(client, ken)
    december = meetings_of(tokyo)[0]
    url = f"/c/{tokyo.slug}/sessions/{december.id}/rsvp"
    client.post(url, data={"rsvp": "going"})
    response = client.post(url, data={"rsvp": "maybe", "next": f"/c/{tokyo.slug}/"})
    assert response.location == f"/c/{tokyo.slug}/"
    (attendance,) = db.session.scalars(select(Attendance)).all()
    assert (attendance.user_id, attendance.rsvp) == (ken.id, Rsvp.MAYBE)
    page = client.get(f"/c/{tokyo.slug}/sessions/{december.id}").get_data(as_text=True)
    assert 'value="maybe" aria-pressed="true"' in page
    assert "Maybe (1)" in page and "Ken" in page
    overview = client.get(f"/c/{tokyo.slug}/").get_data(as_text=True)
    assert 'value="maybe" aria-pressed="true"' in overview
    sessions = client.get(f"/c/{tokyo.slug}/sessions/").get_data(as_text=True)
    assert "0 going · 1 maybe · 0 not going" in sessions


def test_no_rsvp_for_cancelled_started_or_archived_sessions(frozen_time, tokyo, user):
    ken = factories.make_user()
    factories.add_member(tokyo, ken)
    december, january, _february = meetings_of(tokyo)
    with pytest.raises(DomainError, match="already started"):
        services.set_rsvp(ken, december, Rsvp.GOING, now=december.starts_at)
    services.cancel_meeting(user, january)
    with pytest.raises(DomainError, match="cancelled"):
        services.set_rsvp(ken, january, Rsvp.GOING)
    tokyo.is_archived = True
    with pytest.raises(Exception, match="not allowed"):
        services.set_rsvp(ken, december, Rsvp.GOING)


def test_only_organizers_mark_attendance_and_only_of_members(frozen_time, tokyo, user, client):
    ken = factories.make_user(display_name="Ken")
    factories.add_member(tokyo, ken)
    outsider = factories.make_user()
    december = meetings_of(tokyo)[0]
    url = f"/c/{tokyo.slug}/organize/sessions/{december.id}/attendance"
    login(client, ken)
    assert client.post(url, data={"attended": [ken.id]}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0

    login(client, user)
    client.post(url, data={"attended": [ken.id]})  # before the session: refused
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    frozen_time.move_to(december.starts_at + timedelta(hours=3))
    login(client, user)
    client.post(url, data={"attended": [ken.id, outsider.id]})
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    client.post(url, data={"attended": [ken.id]})
    marked = {a.user_id: a.attended for a in db.session.scalars(select(Attendance))}
    assert marked == {ken.id: True, user.id: False}
    sessions = client.get(f"/c/{tokyo.slug}/sessions/").get_data(as_text=True)
    assert "1 attended" in sessions


def test_my_cohorts_shows_next_sessions_in_the_same_number_of_queries(
    frozen_time, user, logged_in, count_queries
):
    factories.make_cohort(user, name="First")
    with count_queries() as one:
        logged_in.get("/c/")
    for n in range(3):
        factories.make_cohort(user, name=f"More {n}")
    with count_queries() as four:
        page = logged_in.get("/c/").get_data(as_text=True)
    assert four.count == one.count
    assert page.count("Sat 12 Dec, 01:00") == 4


# Cross-cohort guessing --------------------------------------------------------------------


def test_guessing_another_cohorts_session_ids_gives_404_and_changes_nothing(
    frozen_time, tokyo, user, logged_in
):
    theirs = factories.make_cohort(name="Theirs")
    stranger = factories.make_user()
    factories.add_member(theirs, stranger)
    target = meetings_of(theirs)[0]
    factories.make_attendance(target, stranger, "going")
    before = (target.title, target.starts_at, target.status, target.sequence)
    a, b = tokyo.slug, theirs.slug
    edit = {"title": "Taken", "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T11:00"}
    attempts = [
        ("GET", f"/c/{a}/sessions/{target.id}", {}),
        ("GET", f"/c/{a}/sessions/{target.id}.ics", {}),
        ("POST", f"/c/{a}/sessions/{target.id}/rsvp", {"rsvp": "not_going"}),
        ("GET", f"/c/{a}/organize/sessions/{target.id}/edit", {}),
        ("POST", f"/c/{a}/organize/sessions/{target.id}/edit", edit),
        ("POST", f"/c/{a}/organize/sessions/{target.id}/cancel", {}),
        ("POST", f"/c/{a}/organize/sessions/{target.id}/attendance", {"attended": [user.id]}),
        ("GET", f"/c/{b}/sessions/{target.id}", {}),
        ("POST", f"/c/{b}/sessions/{target.id}/rsvp", {"rsvp": "going"}),
        ("POST", f"/c/{b}/organize/sessions/{target.id}/cancel", {}),
        ("POST", f"/c/{b}/organize/sessions/new", edit),
    ]
    for method, url, data in attempts:
        assert logged_in.open(url, method=method, data=data).status_code == 404, url
    db.session.expire_all()
    target = db.session.get(Meeting, target.id)
    assert (target.title, target.starts_at, target.status, target.sequence) == before
    assert [(a.user_id, a.rsvp) for a in db.session.scalars(select(Attendance))] == [
        (stranger.id, Rsvp.GOING)
    ]
    assert len(meetings_of(theirs)) == 3
