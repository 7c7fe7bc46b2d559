"""Running a session live: the run's state changes and their versions, the facilitator, who
may do what, listeners' notes becoming feedback, the minutes, the recap and the check-out,
and what a poll of the live state costs."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.database import utcnow
from cohort.delivery.models import Notification, OutboundEmail
from cohort.errors import DomainError
from cohort.extensions import db
from cohort.live import facilitation, room, services, state
from cohort.live.models import CheckOut, ListenerNote, LiveRun, OrderMode, RunStatus
from cohort.meetings.models import MeetingStatus
from cohort.permissions import NotAllowed

from . import factories
from .conftest import AuthActions


class Room:
    """A cohort with an organizer, three members who shared (in this order), a mentor and an
    outsider, and a session that started a minute ago."""

    def __init__(self):
        self.organizer = factories.make_user(display_name="Olga")
        self.cohort = factories.make_cohort(self.organizer)
        self.members = []
        for name in ("Aiko", "Ben", "Chie"):
            member = factories.make_user(display_name=name)
            factories.add_member(self.cohort, member)
            self.members.append(member)
        self.mentor = factories.make_user(display_name="Mentor")
        factories.add_member(self.cohort, self.mentor, role="mentor")
        self.outsider = factories.make_user(display_name="Outsider")
        self.meeting = factories.make_meeting(
            self.cohort, starts_at=utcnow() + timedelta(days=1), minutes=90
        )
        self.inventories = [
            factories.make_shared_inventory(
                self.meeting, member, feedback_ask=f"{member.display_name} asks", did="x"
            )
            for member in self.members
        ]
        self.meeting.starts_at = utcnow() - timedelta(minutes=1)
        self.meeting.ends_at = self.meeting.starts_at + timedelta(minutes=90)
        db.session.commit()

    @property
    def ids(self):
        return [member.id for member in self.members]

    def start(self, **options):
        run = services.start(self.organizer, self.meeting, None, utcnow(), **options)
        db.session.commit()
        return run


@pytest.fixture
def the_room(app, frozen_time):
    return Room()


def login(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    return client


def live_url(r: Room, part: str = "") -> str:
    return f"/c/{r.cohort.slug}/sessions/{r.meeting.id}/live{part}"


# Starting ---------------------------------------------------------------------------------


def test_start_builds_the_agenda_in_the_order_people_shared_with_a_time_box(the_room):
    run = the_room.start(slots=(10, 0, 10))
    assert run.status == RunStatus.LIVE
    assert run.agenda == ["opening", *the_room.ids, "closing"]
    assert run.speaker_seconds == (90 - 20) * 60 // 3 - ((90 - 20) * 60 // 3) % 60
    assert run.current == 0 and run.remaining_seconds == 600
    assert run.timer_started_at is not None


def test_a_break_sits_halfway_and_starting_twice_resumes(the_room, frozen_time):
    run = the_room.start(slots=(5, 10, 5))
    assert run.agenda == [
        "opening",
        the_room.ids[0],
        the_room.ids[1],
        "break",
        the_room.ids[2],
        "closing",
    ]
    version = run.version
    services.advance(the_room.organizer, the_room.meeting, version, utcnow())
    db.session.commit()
    again = the_room.start(slots=(0, 0, 0))
    assert again.current == 1 and again.agenda[0] == "opening"  # resumed, not rebuilt


def test_a_cancelled_session_cannot_start(the_room):
    the_room.meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    with pytest.raises(NotAllowed):
        the_room.start()


def test_rotation_keeps_last_sessions_opener_from_opening_again(the_room, frozen_time):
    run = the_room.start(slots=(0, 0, 0), mode=OrderMode.ROTATION)
    first_opener = run.agenda[0]
    services.end(the_room.organizer, the_room.meeting, run.version, utcnow())
    db.session.commit()
    later = factories.make_meeting(the_room.cohort, starts_at=utcnow() + timedelta(days=30))
    for member in the_room.members:
        factories.make_shared_inventory(later, member)
    later.starts_at = utcnow() + timedelta(days=1)
    db.session.commit()
    second = services.start(
        the_room.organizer, later, None, utcnow(), mode=OrderMode.ROTATION, slots=(0, 0, 0)
    )
    assert second.agenda[0] != first_opener
    assert sorted(second.agenda) == sorted(the_room.ids)


# The timer and the order --------------------------------------------------------------------


def test_pause_next_and_end_count_each_speakers_time(the_room, frozen_time):
    run = the_room.start(slots=(0, 0, 5))
    first, second = the_room.ids[0], the_room.ids[1]
    frozen_time.shift(100)
    services.pause(the_room.organizer, the_room.meeting, run.version, utcnow())
    assert services.remaining(run, utcnow()) == run.speaker_seconds - 100
    frozen_time.shift(50)  # paused: does not count
    services.resume(the_room.organizer, the_room.meeting, run.version, utcnow())
    frozen_time.shift(run.speaker_seconds)  # runs over by 100 s
    assert services.remaining(run, utcnow()) == -100
    services.advance(the_room.organizer, the_room.meeting, run.version, utcnow())
    frozen_time.shift(30)
    services.end(the_room.organizer, the_room.meeting, run.version, utcnow())
    db.session.commit()
    assert run.spoken == {str(first): run.speaker_seconds + 100, str(second): 30}
    assert run.status == RunStatus.ENDED


def test_a_stale_version_is_a_conflict_and_a_double_next_advances_once(the_room):
    run = the_room.start()
    seen = run.version
    services.advance(the_room.organizer, the_room.meeting, seen, utcnow())
    db.session.commit()
    with pytest.raises(services.StaleState):
        services.advance(the_room.organizer, the_room.meeting, seen, utcnow())
    db.session.rollback()
    assert db.session.get(LiveRun, run.id).current == 1


def test_double_clicking_next_in_the_page_advances_once(app, the_room):
    run = the_room.start()
    client = login(app, the_room.organizer)
    page = client.get(live_url(the_room))
    assert page.status_code == 200
    form = {"version": run.version, "action": "next"}
    first = client.post(live_url(the_room, "/control"), data=form)
    second = client.post(live_url(the_room, "/control"), data=form, follow_redirects=True)
    assert first.status_code == 302
    assert "changed a moment ago" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LiveRun, run.id).current == 1


def test_move_skip_and_add_a_late_sharer(the_room):
    a, b, c = the_room.ids
    run = the_room.start(slots=(5, 0, 5))
    services.move(the_room.organizer, the_room.meeting, run.version, c, -1)
    assert run.agenda == ["opening", a, c, b, "closing"]
    services.skip(the_room.organizer, the_room.meeting, run.version, c, utcnow())
    assert run.agenda == ["opening", a, b, "closing"] and run.skipped == [c]
    services.add_late(the_room.organizer, the_room.meeting, run.version, c)
    assert run.agenda == ["opening", a, b, c, "closing"] and run.skipped == []
    with pytest.raises(DomainError):
        services.add_late(the_room.organizer, the_room.meeting, run.version, the_room.outsider.id)


def test_ending_twice_changes_nothing_and_recaps_once(the_room, frozen_time):
    run = the_room.start()
    _, ended = services.end(the_room.organizer, the_room.meeting, run.version, utcnow())
    room.send_recap(the_room.meeting, run)
    db.session.commit()
    ended_at = run.ended_at
    frozen_time.shift(60)
    _, again = services.end(the_room.organizer, the_room.meeting, 1, utcnow())
    assert ended and not again and run.ended_at == ended_at
    assert room.send_recap(the_room.meeting, run) == 0


# Facilitator and permissions --------------------------------------------------------------


def test_a_named_facilitator_may_run_it_other_members_may_not(app, the_room):
    aiko, ben = the_room.members[0], the_room.members[1]
    facilitation.set_facilitator(the_room.organizer, the_room.meeting, aiko.id)
    db.session.commit()
    with pytest.raises(NotAllowed) as refused:
        services.start(ben, the_room.meeting, None, utcnow())
    assert refused.value.status_code == 403
    run = services.start(aiko, the_room.meeting, None, utcnow())
    db.session.commit()
    assert run.is_live
    with pytest.raises(NotAllowed):
        facilitation.set_facilitator(aiko, the_room.meeting, ben.id)
    with pytest.raises(NotAllowed) as hidden:
        services.advance(the_room.outsider, the_room.meeting, run.version, utcnow())
    assert hidden.value.status_code == 404


def test_next_in_rotation_is_whoever_facilitated_longest_ago(the_room):
    assert facilitation.suggest_facilitator(the_room.meeting) == the_room.organizer.id
    facilitation.set_facilitator(the_room.organizer, the_room.meeting, the_room.organizer.id)
    db.session.commit()
    later = factories.make_meeting(the_room.cohort)
    assert facilitation.suggest_facilitator(later) == the_room.ids[0]


def test_members_read_the_page_outsiders_get_404_and_members_cannot_control(app, the_room):
    run = the_room.start()
    member = login(app, the_room.members[1])
    assert member.get(live_url(the_room)).status_code == 200
    denied = member.post(
        live_url(the_room, "/control"), data={"version": run.version, "action": "next"}
    )
    assert denied.status_code == 403
    outsider = login(app, the_room.outsider)
    assert outsider.get(live_url(the_room)).status_code == 404
    assert outsider.get(live_url(the_room, "/state")).status_code == 404


# Listeners' notes become feedback ------------------------------------------------------------


def test_a_listeners_note_starts_a_prefilled_feedback_form_and_sends_nothing(app, the_room):
    run = the_room.start(slots=(0, 0, 0))
    speaker, listener = the_room.members[0], the_room.members[1]
    client = login(app, listener)
    page = client.get(live_url(the_room)).get_data(as_text=True)
    assert "Aiko asks" in page  # the speaker's ask, for the room
    client.post(
        live_url(the_room, "/my-note"),
        data={"speaker": speaker.id, "body": "Clear story about the pivot"},
    )
    note = db.session.scalar(select(ListenerNote))
    assert note.author_id == listener.id and note.body == "Clear story about the pivot"
    response = client.post(live_url(the_room, f"/my-notes/{note.id}/draft"))
    assert (
        response.status_code == 302
        and f"/inventories/{the_room.inventories[0].id}/feedback" in response.location
    )
    form = client.get(response.location).get_data(as_text=True)
    assert "Clear story about the pivot" in form
    from cohort.feedback.models import Feedback

    assert db.session.scalar(select(Feedback)) is None  # nothing sent
    # Another member never sees the note.
    other = login(app, the_room.members[2])
    assert "Clear story" not in other.get(live_url(the_room)).get_data(as_text=True)
    assert run.is_live


# After the session ---------------------------------------------------------------------------


def test_end_writes_minutes_and_recaps_attendees_and_absentees_differently(app, the_room, outbox):
    aiko, ben, _ = the_room.members
    run = the_room.start(slots=(0, 0, 0))
    services.check_in(the_room.organizer, the_room.meeting, aiko.id, True)
    services.save_notes(
        the_room.organizer, the_room.meeting, run.version, "Next session: **Jan 9**"
    )
    db.session.commit()
    client = login(app, the_room.organizer)
    response = client.post(
        live_url(the_room, "/control"), data={"version": run.version, "action": "end"}
    )
    assert response.status_code == 302 and "#minutes" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "<strong>Jan 9</strong>" in page and "Minutes" in page
    kinds = dict(db.session.execute(select(Notification.user_id, Notification.kind)).all())
    assert kinds[aiko.id] == "session_recap" and kinds[ben.id] == "session_missed"
    emails = {e.user_id: e for e in db.session.scalars(select(OutboundEmail))}
    assert "missed" in emails[ben.id].subject.lower()
    assert "missed" not in emails[aiko.id].subject.lower()


def test_only_attendees_check_out_and_organizers_see_the_trend(app, the_room):
    aiko, ben, _ = the_room.members
    run = the_room.start()
    services.check_in(the_room.organizer, the_room.meeting, aiko.id, True)
    services.end(the_room.organizer, the_room.meeting, run.version, utcnow())
    db.session.commit()
    room.check_out(aiko, the_room.meeting, run, 4, "Good pace")
    with pytest.raises(DomainError):
        room.check_out(ben, the_room.meeting, run, 5, "")
    db.session.commit()
    assert db.session.scalar(select(CheckOut.score)) == 4
    (summary,) = room.checkout_trend(the_room.cohort)
    assert summary.answers == 1 and summary.average == 4.0
    client = login(app, the_room.organizer)
    session_page = f"/c/{the_room.cohort.slug}/sessions/{the_room.meeting.id}"
    assert "4.0 of 5, from 1 check-out" in client.get(session_page).get_data(as_text=True)
    health = client.get(f"/c/{the_room.cohort.slug}/organize/health").get_data(as_text=True)
    assert "Good pace" in health and "4.0 of 5" in health
    member = login(app, ben)
    assert "of 5, from" not in member.get(session_page).get_data(as_text=True)
    assert member.get(f"/c/{the_room.cohort.slug}/organize/health").status_code == 403


# The polled state -----------------------------------------------------------------------------


def test_polls_cost_no_sql_when_unchanged_and_at_most_two_otherwise(app, the_room, count_queries):
    run = the_room.start()
    client = login(app, the_room.members[1])
    first = client.get(live_url(the_room, "/state"))
    body = first.get_json()
    assert body["status"] == "live" and body["version"] == run.version and body["pass"]
    pass_ = body["pass"]
    tag = first.headers["ETag"]
    url = live_url(the_room, f"/state?pass={pass_}")
    with count_queries() as counter:
        unchanged = client.get(url, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and counter.count == 0, counter.statements
    services.advance(the_room.organizer, the_room.meeting, run.version, utcnow())
    db.session.commit()
    state.forget(the_room.meeting.id)
    with count_queries() as counter:
        changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.get_json()["current"] == 1
    assert counter.count <= 2, counter.statements


def test_a_pass_is_for_its_session_only(app, the_room):
    token = state.issue_pass(the_room.members[0].id, the_room.meeting.id)
    assert state.read_pass(token, the_room.meeting.id) == the_room.members[0].id
    assert state.read_pass(token, the_room.meeting.id + 1) is None
    assert state.read_pass("forged." + token, the_room.meeting.id) is None
    anonymous = app.test_client()
    assert anonymous.get(live_url(the_room, "/state")).status_code == 404


def test_notes_written_while_another_tab_moved_on_are_kept(app, the_room):
    run = the_room.start()
    client = login(app, the_room.organizer)
    seen = run.version
    services.advance(the_room.organizer, the_room.meeting, seen, utcnow())
    db.session.commit()
    response = client.post(
        live_url(the_room, "/notes"), data={"version": seen, "notes": "Decided: a book club"}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Decided: a book club" in page and f'value="{seen + 1}"' in page
    db.session.expire_all()
    assert db.session.get(LiveRun, run.id).notes == ""


def test_a_deleted_speakers_name_leaves_the_minutes(app, the_room):
    from cohort.account.deletion import delete_account

    run = the_room.start(slots=(0, 0, 0))
    services.end(the_room.organizer, the_room.meeting, run.version, utcnow())
    db.session.commit()
    aiko = the_room.members[0]
    assert [row[1] for row in run.record["turns"] if row[0] == aiko.id] == ["Aiko"]
    delete_account(aiko, factories.PASSWORD)
    db.session.commit()
    db.session.expire_all()
    record = db.session.get(LiveRun, run.id).record
    assert [row[1] for row in record["turns"]] == [None, "Ben", "Chie"]
    page = login(app, the_room.members[1]).get(
        f"/c/{the_room.cohort.slug}/sessions/{the_room.meeting.id}"
    )
    assert "a former member" in page.get_data(as_text=True)


def test_ones_own_notes_and_check_outs_are_in_the_account_export(app, the_room):
    from cohort.account.export import small_sections

    aiko, ben, _ = the_room.members
    run = the_room.start(slots=(0, 0, 0))
    room.save_note(ben, the_room.meeting, run, aiko.id, "Strong opening")
    services.check_in(the_room.organizer, the_room.meeting, ben.id, True)
    services.end(the_room.organizer, the_room.meeting, run.version, utcnow())
    room.check_out(ben, the_room.meeting, run, 5, "Useful")
    db.session.commit()
    sections = dict(small_sections(ben))
    assert [(n["about"], n["note"]) for n in sections["session_notes"]] == [
        ("Aiko", "Strong opening")
    ]
    assert [(c["score"], c["line"]) for c in sections["check_outs"]] == [(5, "Useful")]
    assert dict(small_sections(aiko))["session_notes"] == []


def test_starting_from_the_page_works_before_any_run_exists(app, the_room):
    client = login(app, the_room.organizer)
    assert 'name="version" type="hidden" value="0"' in client.get(live_url(the_room)).get_data(
        as_text=True
    )
    data = {"version": 0, "mode": "shuffled", "opening_minutes": 5, "break_minutes": 0}
    client.post(live_url(the_room, "/start"), data={**data, "closing_minutes": 5})
    run = db.session.scalar(select(LiveRun))
    assert run.is_live and run.mode == OrderMode.SHUFFLED
    assert sorted(run.speakers()) == sorted(the_room.ids)


def test_the_cohort_chat_hears_the_session_is_over_in_counts_only(app, the_room, frozen_time):
    from cohort.delivery.channels.sending import deliver_channels
    from cohort.delivery.models import ChatWebhook

    from .http_sinks import Sink

    app.config["CHAT_WEBHOOK_ALLOW_PRIVATE"] = True
    try:
        with Sink() as sink:
            db.session.add(
                ChatWebhook(
                    cohort_id=the_room.cohort.id,
                    url=f"{sink.url}/hook",
                    style="slack",
                    enabled=True,
                    post_sessions=True,
                    post_shared=True,
                    set_by_id=the_room.organizer.id,
                    failures=0,
                )
            )
            run = the_room.start(slots=(0, 0, 5))
            for member in the_room.members[:2]:
                services.check_in(the_room.organizer, the_room.meeting, member.id, True)
            frozen_time.shift(60)
            services.advance(the_room.organizer, the_room.meeting, run.version, utcnow())
            frozen_time.shift(30)
            services.end(the_room.organizer, the_room.meeting, run.version, utcnow())
            db.session.commit()
            room.send_recap(the_room.meeting, run)
            room.send_recap(the_room.meeting, run)  # ending is idempotent: posted once
            db.session.commit()
            deliver_channels(utcnow())
            (body,) = sink.json_bodies()
    finally:
        app.config["CHAT_WEBHOOK_ALLOW_PRIVATE"] = False
    text = body["text"]
    assert "The session is over: 2 spoke and 2 were there." in text
    assert f"/sessions/{the_room.meeting.id}" in text
    assert not any(secret in text for secret in ("Aiko", "Ben", "Chie", "asks"))
