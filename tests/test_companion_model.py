"""The companion's model engine against a local stand-in service: what it is sent (only the
member's own words), and the silent fall back to the built-in engine on every failure."""

import logging
import time

import pytest

from cohort.companion import services
from cohort.companion.engine import Kind
from cohort.companion.model import ModelSettings, questions_in
from cohort.companion.models import CompanionMode
from cohort.extensions import db

from . import factories
from .model_servers import model_stub
from .smtp_servers import free_port

OWN_TEXT = "Paired on the booking page with Grace Okafor; write to me at tom.b@example.com"


@pytest.fixture
def stub():
    with model_stub() as server:
        yield server


@pytest.fixture
def setup(app, monkeypatch, stub):
    """A cohort that allows the model, a member who opted in, and another member whose own
    inventory must never be sent."""
    monkeypatch.setitem(app.config, "COMPANION_MODEL_URL", stub.url)
    monkeypatch.setitem(app.config, "COMPANION_MODEL_NAME", "tiny-model")
    monkeypatch.setitem(app.config, "COMPANION_MODEL_KEY", "sk-test-key")
    monkeypatch.setitem(app.config, "COMPANION_CONNECT_TIMEOUT", 0.5)
    monkeypatch.setitem(app.config, "COMPANION_READ_TIMEOUT", 0.5)
    organizer = factories.make_user(email="priya@example.org", display_name="Priya Raman")
    cohort = factories.make_cohort(organizer)
    tom = factories.make_user(email="tom@example.org", display_name="Tom Becker")
    grace = factories.make_user(email="grace@example.org", display_name="Grace Okafor")
    factories.add_member(cohort, tom)
    factories.add_member(cohort, grace)
    meeting = factories.make_meeting(cohort)
    factories.make_shared_inventory(meeting, grace, did="GRACE-ONLY: my promotion talk")
    services.set_cohort_mode(organizer, cohort, CompanionMode.MODEL)
    services.update_preference(tom, enabled=True, use_model=True)
    db.session.commit()
    return {"cohort": cohort, "meeting": meeting, "tom": tom, "organizer": organizer}


def ask(client, setup, section="did", **answers):
    client.post("/login", data={"email": "tom@example.org", "password": factories.PASSWORD})
    url = f"/c/{setup['cohort'].slug}/sessions/{setup['meeting'].id}/companion"
    data = {f"answer_{key}": text for key, text in answers.items()}
    return client.post(url, data={**data, "companion_ask": section})


def test_the_model_gets_only_the_members_own_text(client, setup, stub):
    response = ask(client, setup, did=OWN_TEXT, learned="A SECTION NOT ASKED ABOUT")
    assert response.status_code == 200
    assert response.json["engine"] == "model"
    assert [q["text"] for q in response.json["questions"]] == [
        "What did the booking page teach you?",
        "Who noticed the change first?",
    ]
    (request,) = stub.received
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer sk-test-key"
    assert request.body["model"] == "tiny-model"
    system, user = request.body["messages"]
    assert system["role"] == "system" and "questions" in system["content"]
    assert user["role"] == "user"
    assert "Paired on the booking page with [name]; write to me at [email]" in user["content"]
    sent = stub.sent_text
    for never in (
        "Grace", "Okafor", "GRACE-ONLY", "promotion", "Tom", "Becker", "tom@example.org",
        "tom.b@example.com", "Priya", "priya@example.org", "A SECTION NOT ASKED ABOUT",
        setup["cohort"].name,
    ):  # fmt: skip
        assert never not in sent, never


def test_an_empty_answer_sends_the_rest_of_the_draft_and_last_months_try(client, setup, stub):
    earlier = factories.make_meeting(
        setup["cohort"], starts_at=setup["meeting"].starts_at.replace(year=2020)
    )
    factories.make_shared_inventory(earlier, setup["tom"], **{"try": "Ask for feedback weekly"})
    ask(client, setup, section="learned", did="Shipped the booking page.")
    user = stub.received[0].body["messages"][1]["content"]
    assert "Shipped the booking page." in user
    assert "Ask for feedback weekly" in user


@pytest.mark.parametrize(
    ("behaviour", "content"),
    [
        ("hang", ""),
        ("trickle", ""),
        ("error", ""),
        ("broken", ""),
        ("refuse", ""),
        ("answer", "You should rewrite this section to sound more confident."),
        ("answer", "Here is a better version: I shipped the booking page."),
        ("answer", ""),
    ],
)
def test_failures_fall_back_silently_to_the_builtin_engine(
    client, setup, stub, caplog, behaviour, content
):
    stub.behaviour, stub.content = behaviour, content
    caplog.set_level(logging.DEBUG)
    started = time.monotonic()
    response = ask(client, setup, did="I learned a lot from stuff.")
    assert response.status_code == 200
    assert response.json["engine"] == "builtin"
    assert response.json["questions"][0]["kind"] == Kind.VAGUE
    assert len(stub.received) == 1
    assert time.monotonic() - started < 5  # the time-outs are short
    assert "learned a lot" not in caplog.text  # the draft is never logged
    assert "I learned" not in caplog.text


def test_a_refused_connection_falls_back(client, setup, stub, app, monkeypatch):
    monkeypatch.setitem(app.config, "COMPANION_MODEL_URL", f"http://127.0.0.1:{free_port()}/v1")
    response = ask(client, setup, did="Things happened.")
    assert response.json["engine"] == "builtin"
    assert stub.received == []


def test_advice_mixed_with_questions_keeps_only_the_questions(client, setup, stub):
    stub.content = (
        "Great work! You should add numbers.\n1. What did you finish first?\n"
        "- **Which part surprised you?**\nTry harder next month."
    )
    response = ask(client, setup, did="Shipped it.")
    assert [q["text"] for q in response.json["questions"]] == [
        "What did you finish first?",
        "Which part surprised you?",
    ]


@pytest.mark.parametrize(
    ("mode", "use_model", "configured"),
    [
        (CompanionMode.BUILTIN, True, True),  # the organizer did not allow the model
        (CompanionMode.MODEL, False, True),  # the member did not opt in
        (CompanionMode.MODEL, True, False),  # no model is configured
    ],
)
def test_the_model_is_asked_only_when_everyone_agreed(
    client, setup, stub, app, monkeypatch, mode, use_model, configured
):
    services.set_cohort_mode(setup["organizer"], setup["cohort"], mode)
    services.update_preference(setup["tom"], enabled=True, use_model=use_model)
    db.session.commit()
    if not configured:
        monkeypatch.setitem(app.config, "COMPANION_MODEL_URL", "")
    response = ask(client, setup, did="Shipped it.")
    assert response.json["engine"] == "builtin"
    assert stub.received == []


def test_settings_from_config():
    assert (
        ModelSettings.from_config({"COMPANION_MODEL_URL": "", "COMPANION_MODEL_NAME": "m"}) is None
    )
    settings = ModelSettings.from_config(
        {"COMPANION_MODEL_URL": "http://localhost:8080/v1/", "COMPANION_MODEL_NAME": "m"}
    )
    assert settings.url == "http://localhost:8080/v1/chat/completions"
    assert settings.host == "localhost:8080"


def test_questions_in_an_answer():
    assert [
        q.text for q in questions_in("「今月いちばん驚いたことは何ですか？」\n頑張りましょう。")
    ] == ["今月いちばん驚いたことは何ですか？"]
    assert questions_in("Why?" + "x" * 300 + "?") == []


def test_a_japanese_member_gets_a_japanese_system_prompt(client, setup, stub):
    stub.content = "今月いちばん手応えがあったのはどの場面ですか？"
    setup["tom"].locale = "ja"
    db.session.commit()
    response = ask(client, setup, did="予約ページを公開した")
    assert response.json["questions"] == [
        {"kind": "model", "text": "今月いちばん手応えがあったのはどの場面ですか？"}
    ]
    system, user = stub.received[0].body["messages"]
    assert "質問だけを返し" in system["content"]
    assert "予約ページを公開した" in user["content"]
