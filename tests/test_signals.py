"""Who might need a hand: each signal from a built history, dismissal until the evidence
changes, talking at the session, personal notes, and who may see any of it."""

import pytest
from sqlalchemy import func, select

from cohort.database import utcnow
from cohort.delivery.models import Notification, OutboundEmail
from cohort.extensions import db
from cohort.signals.history import load_history
from cohort.signals.models import PersonalNote, SessionTalk
from cohort.signals.rules import Kind, signals_in
from cohort.signals.services import current_signals

from . import factories
from .conftest import AuthActions
from .signal_history import History


def kinds_of(history: History) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for signal in signals_in(load_history(history.cohort, utcnow())):
        found.setdefault(signal.user.display_name, set()).add(signal.kind)
    return found


def shares_everything(history: History, user, energy=4) -> None:
    for index in range(len(history.sessions)):
        history.inventory(index, user, energy=energy)


@pytest.fixture
def history(app, frozen_time):
    return History(sessions=6)


def test_two_sessions_without_sharing_raise_a_signal_a_paused_month_does_not(history):
    quiet = history.member("Quiet")
    paused = history.member("Paused")
    steady = history.member("Steady")
    late = history.member("Late", joined_before=5)  # only the last session counts for them
    for index in range(4):
        history.inventory(index, quiet, energy=4)
        history.inventory(index, paused, energy=4)
    history.inventory(4, paused, status="paused")  # life happened, then silence
    shares_everything(history, steady)
    history.commit()
    found = kinds_of(history)
    assert Kind.NOT_SHARED in found["Quiet"]
    assert Kind.NOT_SHARED not in found.get("Paused", set())
    assert "Steady" not in found
    assert "Late" not in found, late


def test_a_draft_is_no_shared_inventory(history):
    drafting = history.member("Drafting")
    for index in range(4):
        history.inventory(index, drafting, energy=4)
    history.inventory(4, drafting, status="draft")
    history.commit()
    assert Kind.NOT_SHARED in kinds_of(history)["Drafting"]


def test_energy_low_or_falling_three_months_running(history):
    low, falling, recovering = (history.member(n) for n in ("Low", "Falling", "Recovering"))
    for index, (a, b, c) in enumerate([(4, 5, 3), (4, 5, 3), (3, 5, 3), (4, 5, 3), (4, 4, 2),
                                       (2, 3, 4)]):  # fmt: skip
        history.inventory(index, low, energy=a)
        history.inventory(index, falling, energy=b)
        history.inventory(index, recovering, energy=c)
    history.commit()
    signals = {s.user.display_name: s for s in signals_in(load_history(history.cohort, utcnow()))}
    assert signals["Low"].kind == Kind.ENERGY and signals["Low"].values == (2,)
    assert signals["Falling"].values == (5, 4, 3)
    assert "Recovering" not in signals


def test_goals_that_did_not_move_for_three_months(history):
    stuck, moving = history.member("Stuck"), history.member("Moving")
    stuck_goal, moving_goal = history.goal(stuck), history.goal(moving)
    for index, percent in enumerate([10, 30, 40, 40, 40, 40]):
        history.progress(history.inventory(index, stuck, energy=4), stuck_goal, percent)
    for index, percent in enumerate([10, 10, 10, 10, 10, 20]):
        history.progress(history.inventory(index, moving, energy=4), moving_goal, percent)
    history.commit()
    found = kinds_of(history)
    assert Kind.GOALS_STALLED in found["Stuck"]
    assert "Moving" not in found


def test_goals_of_a_member_who_joined_late_need_three_months_first(history):
    newcomer = history.member("Newcomer", joined_before=4)
    goal = history.goal(newcomer)
    for index in (4, 5):
        history.progress(history.inventory(index, newcomer, energy=4), goal, 10)
    history.commit()
    assert "Newcomer" not in kinds_of(history)


def test_feedback_owed_and_not_given_twice(history):
    author, once, twice = (history.member(n) for n in ("Author", "Once", "Twice"))
    for index in range(6):
        inventory = history.inventory(index, author, energy=4)
        history.inventory(index, once, energy=4)
        history.inventory(index, twice, energy=4)
        history.ask(inventory, once)
        history.ask(inventory, twice)
        if index != 2:
            history.feedback(inventory, once)
        if index not in (1, 3):
            history.feedback(inventory, twice)
    history.commit()
    found = kinds_of(history)
    assert Kind.FEEDBACK_OWED in found["Twice"]
    assert Kind.FEEDBACK_OWED not in found.get("Once", set())


def test_a_quarter_without_a_try_carried_out(history):
    idle, doer = history.member("Idle"), history.member("Doer")
    for index in range(6):
        history.review(history.inventory(index, idle, energy=4), "carried")
        history.review(
            history.inventory(index, doer, energy=4), "done" if index == 4 else "dropped"
        )
    history.commit()
    signals = {s.user.display_name: s for s in signals_in(load_history(history.cohort, utcnow()))}
    assert signals["Idle"].kind == Kind.NO_TRY and signals["Idle"].values == (3,)
    assert "Doer" not in signals


def test_help_asked_for_and_no_feedback_on_it(history):
    asking, helped, peer = (
        history.member("Asking"),
        history.member("Helped"),
        history.member("Peer"),
    )
    for index in range(6):
        history.inventory(index, peer, energy=4)
        blockers = {"blockers": "I need an intro to a hiring manager."} if index == 4 else {}
        history.inventory(index, asking, energy=4, did="Worked.", **blockers)
        helped_inventory = history.inventory(index, helped, energy=4, did="Worked.", **blockers)
        history.feedback(helped_inventory, peer)
    history.commit()
    found = kinds_of(history)
    assert found["Asking"] == {Kind.HELP_UNANSWERED}
    assert "Helped" not in found


def test_dismissed_until_new_data_changes_the_signal(app, frozen_time, history):
    quiet = history.member("Quiet")
    for index in range(4):
        history.inventory(index, quiet, energy=4)
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    slug = history.cohort.slug
    page = client.get(f"/c/{slug}/organize/signals").get_data(as_text=True)
    assert "No shared inventory for 2 sessions in a row" in page
    response = client.post(
        f"/c/{slug}/organize/signals/dismiss", data={"user_id": quiet.id, "kind": "not_shared"}
    )
    assert response.status_code == 302
    signals, dismissed = current_signals(history.cohort, utcnow())
    assert (signals, dismissed) == ([], 1)
    page = client.get(f"/c/{slug}/organize/signals").get_data(as_text=True)
    assert "No shared inventory for 2 sessions" not in page
    assert "1 signal is dismissed" in page
    # A month later nothing is shared again: the evidence is new, the signal is back.
    history.add_session(history.sessions[-1].starts_at.replace(month=12))
    history.commit()
    frozen_time.shift(31 * 24 * 3600)
    signals, dismissed = current_signals(history.cohort, utcnow())
    assert [s.kind for s in signals] == [Kind.NOT_SHARED] and dismissed == 0


def test_dismissing_a_signal_that_is_gone_says_so(app, history):
    steady = history.member("Steady")
    shares_everything(history, steady)
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    slug = history.cohort.slug
    response = client.post(
        f"/c/{slug}/organize/signals/dismiss",
        data={"user_id": steady.id, "kind": "not_shared"},
        follow_redirects=True,
    )
    assert "This signal has changed or is gone" in response.get_data(as_text=True)


def test_talk_at_the_session_lists_the_member_for_organizers_only(app, history):
    quiet = history.member("Quiet")
    history.member("Other")
    for index in range(4):
        history.inventory(index, quiet, energy=4)
    coming = factories.make_meeting(history.cohort, title="December session")
    history.commit()
    mentor = factories.make_user(display_name="Mentor")
    factories.add_member(history.cohort, mentor, role="mentor")
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    slug = history.cohort.slug
    client.post(
        f"/c/{slug}/organize/signals/talk", data={"user_id": quiet.id, "kind": "not_shared"}
    )
    talk = db.session.scalar(select(SessionTalk))
    assert (talk.meeting_id, talk.user_id) == (coming.id, quiet.id)
    assert "To talk with at this session" in client.get(f"/c/{slug}/sessions/{coming.id}").get_data(
        as_text=True
    )
    signals_page = client.get(f"/c/{slug}/organize/signals").get_data(as_text=True)
    assert "To talk with at December session" in signals_page
    assert "On the list for the coming session" in signals_page
    mentor_client = app.test_client()
    AuthActions(mentor_client).login(mentor.email)
    assert "To talk with" not in mentor_client.get(f"/c/{slug}/sessions/{coming.id}").get_data(
        as_text=True
    )
    assert mentor_client.get(f"/c/{slug}/organize/signals").status_code == 403
    client.post(f"/c/{slug}/organize/signals/talks/remove", data={"talk_id": talk.id})
    assert db.session.scalar(select(SessionTalk)) is None


def test_talk_without_a_coming_session_is_refused_plainly(app, history):
    quiet = history.member("Quiet")
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    response = client.post(
        f"/c/{history.cohort.slug}/organize/signals/talk",
        data={"user_id": quiet.id, "kind": "not_shared"},
        follow_redirects=True,
    )
    assert "No session is scheduled" in response.get_data(as_text=True)


def test_a_personal_note_reaches_the_member_in_their_language(app, history, outbox):
    hanako = history.member("Hanako", locale="ja")
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    url = f"/c/{history.cohort.slug}/organize/signals/members/{hanako.id}/note"
    form = client.get(url + "?kind=energy").get_data(as_text=True)
    assert "Hanakoさん、最近エネルギーが低め" in form  # the energy template, in Japanese
    response = client.post(url, data={"kind": "energy", "body": "Hanakoさん、少し話しませんか。"})
    assert response.status_code == 302
    note = db.session.scalar(select(PersonalNote))
    assert (note.recipient_id, note.kind) == (hanako.id, "energy")
    notification = db.session.scalar(select(Notification).where(Notification.user_id == hanako.id))
    assert notification.kind == "personal_note"
    assert notification.data["note"] == "Hanakoさん、少し話しませんか。"
    email = db.session.scalar(select(OutboundEmail).where(OutboundEmail.user_id == hanako.id))
    assert email.kind == "personal_note"
    (sent,) = outbox
    assert sent.to == [hanako.email]
    assert "Mika" in sent.subject and "メモ" in sent.subject
    assert "少し話しませんか" in sent.body and "個別のメッセージ" in sent.body


def test_an_empty_note_is_refused_and_nothing_is_sent(app, history):
    person = history.member("Ken")
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    url = f"/c/{history.cohort.slug}/organize/signals/members/{person.id}/note"
    response = client.post(url, data={"kind": "energy", "body": "   "})
    assert response.status_code == 400
    assert "Write the note first." in response.get_data(as_text=True)
    assert db.session.scalar(select(PersonalNote)) is None


def test_notes_go_only_to_members_of_the_cohort(app, history):
    outsider = factories.make_user(display_name="Outsider")
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    url = f"/c/{history.cohort.slug}/organize/signals/members/{outsider.id}/note"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"body": "Hello"}).status_code == 404


def test_the_guide_tells_members_what_organizers_can_see(app, history):
    member = history.member("Ken")
    history.commit()
    client = app.test_client()
    AuthActions(client).login(member.email)
    page = client.get(f"/c/{history.cohort.slug}/guide").get_data(as_text=True)
    assert "What organizers can see" in page
    assert "energy at 1 or 2" in page


def test_another_cohorts_talk_list_cannot_be_touched(app, history):
    quiet = history.member("Quiet")
    coming = factories.make_meeting(history.cohort, title="December session")
    history.commit()
    other = History(sessions=1)
    other.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    slug = history.cohort.slug
    client.post(
        f"/c/{slug}/organize/signals/talk", data={"user_id": quiet.id, "kind": "not_shared"}
    )
    talk = db.session.scalar(select(SessionTalk))
    assert talk.meeting_id == coming.id
    other_client = app.test_client()
    AuthActions(other_client).login(other.organizer.email)
    other_slug = other.cohort.slug
    for url in (f"/c/{other_slug}/organize/signals/talks/remove", f"/c/{slug}/organize/signals"):
        assert other_client.post(url, data={"talk_id": talk.id}).status_code in (404, 405)
    response = other_client.post(
        f"/c/{other_slug}/organize/signals/talk", data={"user_id": quiet.id, "kind": "not_shared"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SessionTalk)) == 1


def test_an_archived_cohort_shows_its_signals_but_takes_no_action(app, history):
    quiet = history.member("Quiet")
    for index in range(4):
        history.inventory(index, quiet, energy=4)
    history.cohort.is_archived = True
    history.commit()
    client = app.test_client()
    AuthActions(client).login(history.organizer.email)
    slug = history.cohort.slug
    page = client.get(f"/c/{slug}/organize/signals").get_data(as_text=True)
    assert "No shared inventory for 2 sessions" in page
    assert "Dismiss for this month" not in page
    response = client.post(
        f"/c/{slug}/organize/signals/dismiss", data={"user_id": quiet.id, "kind": "not_shared"}
    )
    assert response.status_code == 403
