"""The companion on the inventory form: asking with and without the page's script, ask again,
pin, dismiss, nothing saved by asking, the member's and the organizer's settings, the limit."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.companion import services
from cohort.companion.models import CohortCompanion, CompanionMode, CompanionPreference
from cohort.extensions import db
from cohort.inventories.models import Inventory

from . import factories


class Circle:
    def __init__(self):
        self.organizer = factories.make_user(display_name="Olu")
        self.cohort = factories.make_cohort(self.organizer)
        self.member = factories.make_user(display_name="Mia")
        factories.add_member(self.cohort, self.member)
        self.meeting = factories.make_meeting(self.cohort)
        self.write_url = f"/c/{self.cohort.slug}/sessions/{self.meeting.id}/inventory"
        self.ask_url = f"/c/{self.cohort.slug}/sessions/{self.meeting.id}/companion"

    def turn_on(self):
        services.update_preference(self.member, enabled=True, use_model=False)
        db.session.commit()


@pytest.fixture
def circle(app):
    return Circle()


@pytest.fixture
def member(client, circle):
    response = client.post(
        "/login", data={"email": circle.member.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    return client


def inventories() -> int:
    return db.session.scalar(select(func.count(Inventory.id)))


def questions_in(html: str) -> list[str]:
    return re.findall(r"<span class=\"companion-question\"[^>]*>([^<]*)</span>", html)


def test_the_form_offers_the_companion_until_the_member_turns_it_on(member, circle):
    page = member.get(circle.write_url).get_data(as_text=True)
    assert "Ask me a question" not in page
    assert "/settings/companion" in page
    assert "companion.js" not in page
    refused = member.post(circle.ask_url, data={"companion_ask": "did", "answer_did": "x"})
    assert refused.status_code == 409
    assert "turn it on" in refused.json["error"]
    circle.turn_on()
    page = member.get(circle.write_url).get_data(as_text=True)
    assert page.count('name="companion_ask"') == page.count('class="inventory-section"')
    assert "companion.js" in page


def test_asking_returns_questions_and_the_fragment_and_saves_nothing(member, circle):
    circle.turn_on()
    response = member.post(
        circle.ask_url,
        data={"companion_ask": "did", "answer_did": "I did lots of things.", "energy": "4"},
    )
    assert response.status_code == 200
    body = response.json
    assert body["engine"] == "builtin" and body["section"] == "did"
    assert body["questions"][0] == {
        "kind": "vague",
        "text": "You wrote “lots of”. What is one example of it from this month?",
    }
    assert questions_in(body["html"]) == [q["text"] for q in body["questions"]]
    assert 'name="companion_pin"' in body["html"] and "Ask again" in body["html"]
    assert inventories() == 0


def test_asking_again_sends_what_was_shown_and_gets_something_else(member, circle):
    circle.turn_on()
    data = {"companion_ask": "did", "answer_did": "Stuff."}
    first = member.post(circle.ask_url, data=data).json["questions"]
    seen = [q["text"] for q in first]
    again = member.post(circle.ask_url, data={**data, "companion_seen_did": seen}).json
    assert again["questions"]
    assert {q["text"] for q in again["questions"]}.isdisjoint(seen)


def test_the_question_bank_of_the_cohort_is_used(member, circle):
    circle.turn_on()
    from cohort.inventories.organizing import update_prompts

    update_prompts(circle.organizer, circle.cohort, {"did": ["Which client call mattered most?"]})
    db.session.commit()
    response = member.post(circle.ask_url, data={"companion_ask": "did", "answer_did": "Shipped."})
    assert "Which client call mattered most?" in [q["text"] for q in response.json["questions"]]


def test_a_section_outside_the_inventory_is_refused(member, circle):
    circle.turn_on()
    response = member.post(circle.ask_url, data={"companion_ask": "nope"})
    assert response.status_code == 409
    assert response.json["error"] == "This section is not part of your inventory."
    assert member.post(circle.ask_url, data={}).status_code == 400


def test_without_the_script_the_form_comes_back_with_questions_and_every_word(member, circle):
    circle.turn_on()
    typed = {"answer_did": "I did lots of things & <b>more</b>.", "answer_learned": "Patience."}
    page = member.post(circle.write_url, data={**typed, "companion_ask": "did"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = questions_in(html)
    assert shown[0] == "You wrote “lots of”. What is one example of it from this month?"
    assert "I did lots of things &amp; &lt;b&gt;more&lt;/b&gt;." in html
    assert "Patience." in html
    assert inventories() == 0

    again = member.post(
        circle.write_url, data={**typed, "companion_ask": "did", "companion_seen_did": shown}
    ).get_data(as_text=True)
    assert set(questions_in(again)).isdisjoint(shown)

    pinned = member.post(
        circle.write_url, data={**typed, "companion_pin": f"did|{shown[0]}"}
    ).get_data(as_text=True)
    assert (
        "I did lots of things &amp; &lt;b&gt;more&lt;/b&gt;.\n\n### You wrote “lots of”." in pinned
    )
    assert questions_in(pinned) == []

    dismissed = member.post(circle.write_url, data={**typed, "companion_dismiss": "did"})
    assert questions_in(dismissed.get_data(as_text=True)) == []
    assert "Patience." in dismissed.get_data(as_text=True)
    assert inventories() == 0


def test_pinning_adds_a_heading_to_write_under():
    assert services.pinned("", "Why?") == "### Why?\n\n"
    assert (
        services.pinned("Shipped it.\n\n", "## What  next?") == "Shipped it.\n\n### What next?\n\n"
    )


def test_asks_are_limited_per_member(member, circle, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_COMPANION", "2 per hour")
    circle.turn_on()
    data = {"companion_ask": "did", "answer_did": "Shipped."}
    assert member.post(circle.ask_url, data=data).status_code == 200
    assert member.post(circle.write_url, data=data).status_code == 200  # counts too
    refused = member.post(circle.ask_url, data=data)
    assert refused.status_code == 429
    assert "a lot of questions" in refused.json["error"]
    page = member.post(circle.write_url, data=data).get_data(as_text=True)
    assert "a lot of questions" in page and "Shipped." in page


def test_an_organizer_can_turn_the_companion_off_for_the_cohort(member, circle, client):
    circle.turn_on()
    services.set_cohort_mode(circle.organizer, circle.cohort, CompanionMode.OFF)
    db.session.commit()
    page = member.get(circle.write_url).get_data(as_text=True)
    assert "Ask me a question" not in page and "/settings/companion" not in page
    assert member.post(circle.ask_url, data={"companion_ask": "did"}).status_code == 409


def test_the_members_settings_page(member, circle, app, monkeypatch):
    page = member.get("/settings/companion").get_data(as_text=True)
    assert "What is sent where" in page
    assert "no language model set up" in page
    response = member.post("/settings/companion", data={"use_model": "y"})
    assert response.status_code == 302
    choice = db.session.get(CompanionPreference, circle.member.id)
    assert (choice.enabled, choice.use_model) == (False, False)  # no model without the companion
    member.post("/settings/companion", data={"enabled": "y", "use_model": "y"})
    db.session.expire_all()
    choice = db.session.get(CompanionPreference, circle.member.id)
    assert (choice.enabled, choice.use_model) == (True, True)
    monkeypatch.setitem(app.config, "COMPANION_MODEL_URL", "https://llm.example.net/v1")
    monkeypatch.setitem(app.config, "COMPANION_MODEL_NAME", "small-1")
    page = member.get("/settings/companion").get_data(as_text=True)
    assert "is sent to llm.example.net, model small-1" in page


def test_the_organizers_page(client, circle):
    client.post("/login", data={"email": circle.organizer.email, "password": factories.PASSWORD})
    url = f"/c/{circle.cohort.slug}/organize/companion"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input checked id="[^"]+" name="mode" type="radio" value="builtin">', page)
    assert client.post(url, data={"mode": "model"}).status_code == 302
    assert db.session.get(CohortCompanion, circle.cohort.id).mode == CompanionMode.MODEL
    assert client.post(url, data={"mode": "everything"}).status_code == 200
    assert db.session.get(CohortCompanion, circle.cohort.id).mode == CompanionMode.MODEL


def test_asking_reads_the_same_statements_however_many_months_came_before(
    member, circle, count_queries
):
    circle.turn_on()
    data = {"companion_ask": "try", "answer_try": "Write every morning"}

    def add_earlier_month(n: int) -> None:
        starts_at = circle.meeting.starts_at - timedelta(days=30 * n)
        earlier = factories.make_meeting(circle.cohort, starts_at=starts_at)
        factories.make_shared_inventory(earlier, circle.member, **{"try": "Write every morning"})

    counts = []
    for months in ((1,), (2, 3, 4, 5, 6)):
        for n in months:
            add_earlier_month(n)
        with count_queries() as counter:
            response = member.post(circle.ask_url, data=data)
        assert response.status_code == 200
        counts.append(counter.count)
    assert response.json["questions"][0]["kind"] == "repeated_try"
    assert counts[0] == counts[1]


def test_only_the_members_own_earlier_months_count(member, circle):
    """Another member planned the same Try twice: that says nothing about this member."""
    circle.turn_on()
    other = factories.make_user(display_name="Noa")
    factories.add_member(circle.cohort, other)
    for n in (1, 2):
        starts_at = circle.meeting.starts_at - timedelta(days=30 * n)
        earlier = factories.make_meeting(circle.cohort, starts_at=starts_at)
        factories.make_shared_inventory(earlier, other, **{"try": "Write every morning"})
    data = {"companion_ask": "try", "answer_try": "Write every morning"}
    kinds = [q["kind"] for q in member.post(circle.ask_url, data=data).json["questions"]]
    assert "repeated_try" not in kinds
    for n in (1, 2):
        starts_at = circle.meeting.starts_at - timedelta(days=30 * n, hours=1)
        earlier = factories.make_meeting(circle.cohort, starts_at=starts_at)
        factories.make_shared_inventory(earlier, circle.member, **{"try": "Write every morning"})
    kinds = [q["kind"] for q in member.post(circle.ask_url, data=data).json["questions"]]
    assert kinds[0] == "repeated_try"


def test_a_mentor_and_an_archived_cohort_get_no_companion(client, circle):
    mentor = factories.make_user(display_name="Ada")
    factories.add_member(circle.cohort, mentor, role="mentor")
    services.update_preference(mentor, enabled=True, use_model=False)
    db.session.commit()
    client.post("/login", data={"email": mentor.email, "password": factories.PASSWORD})
    assert client.post(circle.ask_url, data={"companion_ask": "did"}).status_code == 403
    client.post("/logout")
    circle.turn_on()
    circle.cohort.is_archived = True
    db.session.commit()
    client.post("/login", data={"email": circle.member.email, "password": factories.PASSWORD})
    assert client.post(circle.ask_url, data={"companion_ask": "did"}).status_code == 403
