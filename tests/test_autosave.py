"""Autosave: late saves never win, shared inventories are never touched, two devices still
meet the conflict page; the preview uses the sanitizer. Run on SQLite and PostgreSQL."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from cohort.database import database_busy
from cohort.extensions import db
from cohort.inventories import services
from cohort.inventories.models import Inventory, InventoryRevision, InventoryStatus
from cohort.meetings.models import MeetingStatus
from cohort.writing.autosave import AutosaveInput, Outcome
from cohort.writing.autosave import autosave as autosave_service
from cohort.writing.models import AutosaveMark

from . import factories


@pytest.fixture
def session_(app, user):
    cohort = factories.make_cohort(user)
    meeting = factories.make_meeting(cohort)
    return cohort, meeting


def autosave_url(cohort, meeting) -> str:
    return f"/c/{cohort.slug}/sessions/{meeting.id}/inventory/autosave"


def autosave(client, cohort, meeting, tab, seq, version, **answers):
    data = {"autosave_tab": tab, "autosave_seq": str(seq), "version": str(version)}
    data.update({f"answer_{key}": text for key, text in answers.items()})
    return client.post(autosave_url(cohort, meeting), data=data)


def saved() -> Inventory:
    db.session.expire_all()
    return db.session.scalar(select(Inventory))


def test_an_autosave_saves_the_draft_and_says_when(logged_in, session_):
    cohort, meeting = session_
    response = autosave(logged_in, cohort, meeting, "tab-a", 1, 0, did="Wrote the plan")
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "saved"
    assert body["message"].startswith("Saved ")
    inventory = saved()
    assert inventory.answers == {"did": "Wrote the plan"}
    assert "<p>Wrote the plan</p>" in inventory.answers_html["did"]
    assert inventory.status == InventoryStatus.DRAFT
    assert body["version"] == inventory.version == 1


def test_an_older_autosave_arriving_late_never_overwrites_a_newer_one(logged_in, session_):
    cohort, meeting = session_
    newer = autosave(logged_in, cohort, meeting, "tab-a", 2, 0, did="Second, newer text")
    assert newer.get_json()["state"] == "saved"
    late = autosave(logged_in, cohort, meeting, "tab-a", 1, 0, did="First, older text")
    assert late.status_code == 200
    assert late.get_json()["state"] == "stale"
    repeated = autosave(logged_in, cohort, meeting, "tab-a", 2, 0, did="Second, again")
    assert repeated.get_json()["state"] == "stale"
    assert saved().answers["did"] == "Second, newer text"
    assert saved().version == 1


def test_a_tab_goes_on_from_its_own_autosave_before_hearing_back(logged_in, session_):
    """Save 2 is sent before the answer to save 1 came: it still knows version 0."""
    cohort, meeting = session_
    autosave(logged_in, cohort, meeting, "tab-a", 1, 0, did="one")
    second = autosave(logged_in, cohort, meeting, "tab-a", 2, 0, did="one two")
    assert second.get_json()["state"] == "saved"
    third = autosave(logged_in, cohort, meeting, "tab-a", 3, 2, did="one two three")
    assert third.get_json() | {"message": None} == {
        "state": "saved",
        "version": 3,
        "saved_at": third.get_json()["saved_at"],
        "message": None,
    }
    assert saved().answers["did"] == "one two three"
    mark = db.session.get(AutosaveMark, saved().id)
    assert (mark.tab, mark.seq, mark.version) == ("tab-a", 3, 3)


def test_two_devices_the_second_is_stopped_and_its_explicit_save_meets_the_conflict_page(
    logged_in, session_
):
    cohort, meeting = session_
    autosave(logged_in, cohort, meeting, "phone", 1, 0, did="start")
    # Both devices opened the page at version 1; the phone goes on writing.
    assert autosave(logged_in, cohort, meeting, "phone", 2, 1, did="from the phone").status_code
    laptop = autosave(logged_in, cohort, meeting, "laptop", 1, 1, did="from the laptop")
    assert laptop.status_code == 409
    assert laptop.get_json()["state"] == "conflict"
    assert "another tab or device" in laptop.get_json()["message"]
    assert saved().answers["did"] == "from the phone"
    # The laptop's Save button: the conflict page with both texts, nothing overwritten.
    url = f"/c/{cohort.slug}/sessions/{meeting.id}/inventory"
    page = logged_in.post(url, data={"version": "1", "answer_did": "from the laptop"})
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "from the phone" in text and "from the laptop" in text
    assert saved().answers["did"] == "from the phone"


def test_an_explicit_save_after_autosaves_goes_through_with_the_version_they_returned(
    logged_in, session_
):
    cohort, meeting = session_
    body = autosave(logged_in, cohort, meeting, "tab-a", 1, 0, did="draft").get_json()
    url = f"/c/{cohort.slug}/sessions/{meeting.id}/inventory"
    response = logged_in.post(
        url, data={"version": str(body["version"]), "answer_did": "final", "action": "save"}
    )
    assert response.status_code == 302
    assert saved().answers["did"] == "final"
    # A late autosave of that tab, still on the old version, is now a conflict, not a win.
    late = autosave(logged_in, cohort, meeting, "tab-a", 2, 1, did="draft and more")
    assert late.get_json()["state"] == "conflict"
    assert saved().answers["did"] == "final"


def test_an_autosave_never_changes_a_shared_inventory(logged_in, user, session_):
    cohort, meeting = session_
    inventory = factories.make_shared_inventory(meeting, user, did="Published text")
    revisions = db.session.scalar(select(func.count()).select_from(InventoryRevision))
    response = autosave(
        logged_in, cohort, meeting, "tab-a", 1, inventory.version, did="Half-typed edit"
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body["state"] == "shared"
    assert "Save changes" in body["message"]
    assert saved().answers["did"] == "Published text"
    assert saved().version == inventory.version
    assert db.session.scalar(select(func.count()).select_from(InventoryRevision)) == revisions


def test_autosave_after_share_from_a_tab_that_still_shows_the_draft(logged_in, user, session_):
    cohort, meeting = session_
    body = autosave(logged_in, cohort, meeting, "tab-a", 1, 0, did="ready").get_json()
    services.share_inventory(user, saved())
    db.session.commit()
    late = autosave(logged_in, cohort, meeting, "tab-a", 2, body["version"], did="ready, edited")
    assert late.get_json()["state"] == "shared"
    assert saved().answers["did"] == "ready"
    assert saved().is_shared


def test_answers_not_sent_are_kept_and_emptied_ones_removed(logged_in, user, session_):
    cohort, meeting = session_
    services.save_inventory(
        user, meeting, services.InventoryInput(answers={"did": "a", "will": "b"}, energy=4), 0
    )
    db.session.commit()
    response = autosave(logged_in, cohort, meeting, "tab-a", 1, 1, did="", learned="c")
    assert response.get_json()["state"] == "saved"
    inventory = saved()
    assert inventory.answers == {"will": "b", "learned": "c"}
    assert set(inventory.answers_html) == {"will", "learned"}
    assert inventory.energy == 4


def test_ratings_are_autosaved_and_unknown_answers_ignored(logged_in, session_):
    cohort, meeting = session_
    data = {
        "autosave_tab": "tab-a",
        "autosave_seq": "1",
        "version": "0",
        "energy": "3",
        "rating_money": "2",
        "rating_time": "9",
        "answer_not_a_section": "x",
        "answer_state_money": "rent went up",
    }
    assert logged_in.post(autosave_url(cohort, meeting), data=data).status_code == 200
    inventory = saved()
    assert (inventory.energy, inventory.rating_money, inventory.rating_time) == (3, 2, None)
    assert inventory.answers == {"state_money": "rent went up"}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"autosave_tab": "tab-a", "autosave_seq": "x", "version": "0"},
        {"autosave_tab": "tab-a", "autosave_seq": "0", "version": "0"},
        {"autosave_tab": "t" * 41, "autosave_seq": "1", "version": "0"},
        {"autosave_tab": "tab-a", "autosave_seq": "99999999999999", "version": "0"},
        {"autosave_tab": "tab-a", "autosave_seq": "1", "version": "-1"},
        {"autosave_tab": "tab-a", "autosave_seq": "1", "version": "0", "answer_did": "x" * 20001},
    ],
)
def test_garbage_is_refused_and_nothing_is_saved(logged_in, session_, data):
    cohort, meeting = session_
    response = logged_in.post(autosave_url(cohort, meeting), data=data)
    assert response.status_code == 400
    assert response.get_json()["state"] == "invalid"
    assert db.session.scalar(select(func.count()).select_from(Inventory)) == 0


def test_a_cancelled_session_takes_no_autosave(logged_in, session_):
    cohort, meeting = session_
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    response = autosave(logged_in, cohort, meeting, "tab-a", 1, 0, did="x")
    assert response.status_code == 409
    assert response.get_json()["state"] == "refused"


def test_a_mentor_and_an_outsider_cannot_autosave(app, client, auth, user, session_):
    cohort, meeting = session_
    mentor = factories.make_user(email="mentor@example.org")
    factories.add_member(cohort, mentor, role="mentor")
    factories.make_user(email="out@example.org")
    auth.login("mentor@example.org")
    assert autosave(client, cohort, meeting, "t", 1, 0, did="x").status_code == 403
    auth.logout()
    auth.login("out@example.org")
    assert autosave(client, cohort, meeting, "t", 1, 0, did="x").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Inventory)) == 0


def test_an_autosave_runs_a_handful_of_statements(logged_in, session_, count_queries):
    cohort, meeting = session_
    autosave(logged_in, cohort, meeting, "tab-a", 1, 0, did="warm")
    with count_queries() as counter:
        response = autosave(logged_in, cohort, meeting, "tab-a", 2, 1, did="warm and more")
    assert response.get_json()["state"] == "saved"
    assert counter.count <= 10, counter.statements


def test_the_preview_renders_through_the_sanitizer(logged_in, session_):
    cohort, _ = session_
    response = logged_in.post(
        f"/c/{cohort.slug}/preview",
        data={"text": "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_the_preview_refuses_text_past_the_answer_limit(logged_in, session_):
    cohort, _ = session_
    response = logged_in.post(f"/c/{cohort.slug}/preview", data={"text": "x" * 20001})
    assert response.status_code == 400


def test_two_devices_autosaving_at_the_same_moment_never_both_win(app, user, session_):
    """Both read version 1, then write at once: one is saved, the other is told (a conflict,
    or on SQLite a busy file), never a silent overwrite."""
    _, meeting = session_
    services.save_inventory(user, meeting, services.InventoryInput(answers={"did": "start"}), 0)
    db.session.commit()
    user_id, meeting_id = user.id, meeting.id
    db.session.remove()
    ready = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(tab: str) -> None:
        with app.app_context():
            try:
                person = db.session.get(type(user), user_id)
                session_row = db.session.get(type(meeting), meeting_id)
                services.find_inventory(person, session_row)
                ready.wait()
                result = autosave_service(
                    person,
                    session_row,
                    AutosaveInput(tab=tab, seq=1, version=1, answers={"did": f"from {tab}"}),
                )
                db.session.commit()
                outcomes[tab] = result.outcome.value
            except OperationalError as error:
                assert database_busy(error), error
                outcomes[tab] = "busy"
            finally:
                db.session.rollback()
                db.session.remove()

    threads = [threading.Thread(target=save, args=(tab,)) for tab in ("phone", "laptop")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [tab for tab, outcome in outcomes.items() if outcome == Outcome.SAVED]
    assert len(winners) == 1, outcomes
    assert set(outcomes.values()) - {"saved"} <= {"conflict", "busy"}
    assert saved().answers["did"] == f"from {winners[0]}"
    assert saved().version == 2


def test_autosave_and_preview_have_limits_per_member(app, logged_in, session_, monkeypatch):
    """A runaway tab (or script) is stopped per member; over the limit the answer is a 429,
    the saved draft stays as it was, and the page keeps the text to send again later."""
    monkeypatch.setitem(app.config, "RATELIMIT_AUTOSAVE", "3 per minute")
    monkeypatch.setitem(app.config, "RATELIMIT_PREVIEW", "2 per minute")
    cohort, meeting = session_
    for seq in range(1, 4):
        response = autosave(logged_in, cohort, meeting, "tab-a", seq, seq - 1, did=f"Draft {seq}")
        assert response.status_code == 200, seq
    over = autosave(logged_in, cohort, meeting, "tab-a", 4, 3, did="Draft 4")
    assert over.status_code == 429
    assert saved().answers == {"did": "Draft 3"}
    previews = [
        logged_in.post(f"/c/{cohort.slug}/preview", data={"text": "*hi*"}).status_code
        for _ in range(3)
    ]
    assert previews == [200, 200, 429]
