"""When a CSRF check fails: long texts are kept, a foreign Referer is never let through,
and whatever the view answers instead is answered cleanly."""

from datetime import timedelta

import pytest

from cohort.config import DefaultConfig
from cohort.extensions import db

from . import factories
from .test_security import csrf_token

HTTPS = "https://localhost"
EXPIRE = timedelta(seconds=DefaultConfig.WTF_CSRF_TIME_LIMIT + 60)


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def login(client, user, base_url="http://localhost"):
    page = client.get("/login", base_url=base_url).get_data(as_text=True)
    data = {"email": user.email, "password": factories.PASSWORD, "csrf_token": csrf_token(page)}
    headers = {"Referer": f"{base_url}/login"}
    assert client.post("/login", data=data, base_url=base_url, headers=headers).status_code == 302


def test_a_keep_text_form_over_https_needs_our_own_referer(csrf_app, user):
    client = csrf_app.test_client()
    login(client, user, HTTPS)
    token = csrf_token(client.get("/settings/", base_url=HTTPS).get_data(as_text=True))
    form = {
        "display_name": "Mallory",
        "locale": "en",
        "timezone": "UTC",
        "bio": "",
        "csrf_token": token,
    }
    for headers in ({}, {"Referer": "https://evil.example/settings/"}):
        response = client.post("/settings/", data=form, base_url=HTTPS, headers=headers)
        assert response.status_code == 400
    db.session.refresh(user)
    assert user.display_name == "Ann"
    ours = {"Referer": f"{HTTPS}/settings/"}
    assert client.post("/settings/", data=form, base_url=HTTPS, headers=ours).status_code == 302


def test_an_expired_token_on_a_page_one_cannot_see_is_a_404(csrf_app, user, frozen_time):
    client = csrf_app.test_client()
    login(client, user)
    token = csrf_token(client.get("/settings/").get_data(as_text=True))
    frozen_time.shift(EXPIRE)
    response = client.post(
        "/c/not-a-cohort/feedback/1/reply", data={"reply": "Thanks!", "csrf_token": token}
    )
    assert response.status_code == 404


@pytest.fixture
def received(user):
    """Feedback Ann received from Bo on her shared inventory."""
    bo = factories.make_user(email="bo@example.org", display_name="Bo")
    cohort = factories.make_cohort(bo)
    factories.add_member(cohort, user)
    inventory = factories.make_shared_inventory(factories.make_meeting(cohort), user)
    return factories.make_feedback(inventory, bo)


def test_a_reply_typed_while_the_token_expired_comes_back(csrf_app, user, received, frozen_time):
    client = csrf_app.test_client()
    login(client, user)
    url = f"/c/{received.cohort.slug}/inventories/{received.inventory_id}"
    token = csrf_token(client.get("/settings/").get_data(as_text=True))
    frozen_time.shift(EXPIRE)
    reply = "Thank you, Bo: I will quote the client next time."
    response = client.post(
        f"/c/{received.cohort.slug}/feedback/{received.id}/reply",
        data={"reply": reply, "csrf_token": token},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "open for a long time" in page
    assert reply in page.replace("&#39;", "'")
    db.session.refresh(received)
    assert not received.reply
    assert reply not in client.get(url).get_data(as_text=True)  # shown once, then forgotten


def test_a_nudge_message_and_prompts_survive_an_expired_token(csrf_app, user, frozen_time):
    cohort = factories.make_cohort(user)
    meeting = factories.make_meeting(cohort)
    client = csrf_app.test_client()
    login(client, user)
    month = f"/c/{cohort.slug}/organize/sessions/{meeting.id}/inventories"
    token = csrf_token(client.get(month).get_data(as_text=True))
    frozen_time.shift(EXPIRE)
    message = "We would love to read how the new job is going."
    page = client.post(
        f"/c/{cohort.slug}/organize/sessions/{meeting.id}/nudge",
        data={"message": message, "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert message in page and "open for a long time" in page

    prompts = client.post(
        f"/c/{cohort.slug}/organize/prompts",
        data={"prompts-did": "What surprised you most?", "csrf_token": token},
    )
    assert "What surprised you most?" in prompts.get_data(as_text=True)
    assert "open for a long time" in prompts.get_data(as_text=True)


def test_a_post_without_any_token_is_refused_plainly_not_as_a_page_left_open(csrf_app, user):
    client = csrf_app.test_client()
    login(client, user)
    response = client.post("/logout")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form could not be checked. Please reload the page and try again." in page
    assert "open for a long time" not in page and "had expired" not in page


def test_an_expired_token_is_still_told_as_expired_on_the_error_page(csrf_app, user, frozen_time):
    client = csrf_app.test_client()
    login(client, user)
    token = csrf_token(client.get("/settings/").get_data(as_text=True))
    frozen_time.shift(EXPIRE)
    page = client.post("/logout", data={"csrf_token": token}).get_data(as_text=True)
    assert "The form had expired" in page and "could not be checked" not in page


def test_a_keep_text_form_without_a_token_keeps_the_text_but_blames_no_clock(csrf_app, user):
    client = csrf_app.test_client()
    login(client, user)
    bio = "Three months of notes about my move into product work."
    form = {"display_name": "Ann", "locale": "en", "timezone": "UTC", "bio": bio}
    page = client.post("/settings/", data=form).get_data(as_text=True)
    assert bio in page.replace("&#39;", "'")
    assert "This form could not be checked, so it was not sent." in page
    assert "open for a long time" not in page


def test_a_reply_sent_without_a_token_comes_back_without_blaming_the_clock(
    csrf_app, user, received
):
    client = csrf_app.test_client()
    login(client, user)
    reply = "Thank you, Bo."
    page = client.post(
        f"/c/{received.cohort.slug}/feedback/{received.id}/reply",
        data={"reply": reply},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert reply in page and "This form could not be checked, so it was not sent." in page
    assert "open for a long time" not in page
