"""Password reset by email: hashed, single-use, expiring tokens; no account enumeration."""

import re

from sqlalchemy import select

from cohort.auth.models import PasswordResetToken
from cohort.database import utcnow
from cohort.delivery.models import OutboundEmail, OutboxStatus
from cohort.delivery.outbox import deliver_due
from cohort.extensions import db

from . import factories


def reset_link(message) -> str:
    match = re.search(r"http://cohort\.test(/password/reset/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def ask_for_reset(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def request_reset(client, email: str):
    """Ask for a reset link, then run the delivery job that sends it."""
    response = ask_for_reset(client, email)
    deliver_due(utcnow())
    return response


def test_same_answer_whether_or_not_the_account_exists(client, user, outbox):
    known = request_reset(client, user.email)
    known_flash = client.get("/login").get_data(as_text=True)
    unknown = request_reset(client, "nobody@example.org")
    unknown_flash = client.get("/login").get_data(as_text=True)
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert "If an account exists for" in known_flash
    assert "If an account exists for" in unknown_flash
    assert len(outbox) == 1


def test_the_reset_email_is_queued_never_sent_during_the_request(client, user, outbox):
    """No mail server is contacted while the page answers, so a registered email's answer
    is not slower than an unknown one's: the delivery job sends the link."""
    assert ask_for_reset(client, user.email).status_code == 302
    assert ask_for_reset(client, "nobody@example.org").status_code == 302
    assert outbox == []
    (queued,) = db.session.scalars(select(OutboundEmail)).all()
    assert (queued.kind, queued.status, queued.attempts) == (
        "password_reset",
        OutboxStatus.PENDING,
        0,
    )
    assert queued.next_attempt_at <= utcnow()  # due at the delivery job's next tick
    assert deliver_due(utcnow()) == 1
    assert [message.to for message in outbox] == [[user.email]]


def test_reset_email_links_to_the_configured_base_url_in_the_users_language(client, outbox):
    user = factories.make_user(email="ken@example.org", locale="ja")
    request_reset(client, "KEN@example.org")
    (message,) = outbox
    assert message.to == [user.email]
    assert reset_link(message).startswith("/password/reset/")
    html = message.alternatives[0][0]
    assert "http://cohort.test/password/reset/" in html
    assert '<html lang="ja">' in html


def test_token_is_stored_only_as_a_hash(client, user, outbox):
    request_reset(client, user.email)
    token = reset_link(outbox[0]).rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordResetToken))
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_token_works_once_and_ends_other_sessions(app, client, user, outbox):
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    request_reset(client, user.email)
    link = reset_link(outbox[0])
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}

    assert client.get(link).status_code == 200
    assert client.post(link, data=new).status_code == 302
    assert client.get("/settings/").status_code == 200  # logged in with the new password
    assert other_device.get("/settings/").status_code == 302  # everywhere else logged out

    replay = app.test_client().post(link, data=new)
    assert replay.status_code == 410
    assert "This link no longer works" in replay.get_data(as_text=True)


def test_token_expires(client, user, outbox, frozen_time):
    request_reset(client, user.email)
    link = reset_link(outbox[0])
    frozen_time.shift(59 * 60)
    assert client.get(link).status_code == 200
    frozen_time.shift(2 * 60)
    assert client.get(link).status_code == 410


def test_a_newer_link_kills_the_older_one(client, user, outbox):
    request_reset(client, user.email)
    request_reset(client, user.email)
    older, newer = (reset_link(message) for message in outbox)
    assert client.get(older).status_code == 410
    assert client.get(newer).status_code == 200


def test_reset_refuses_a_weak_password_and_keeps_the_token(client, user, outbox):
    request_reset(client, user.email)
    link = reset_link(outbox[0])
    response = client.post(link, data={"password": "qwertyuiop", "confirm": "qwertyuiop"})
    assert "most common" in response.get_data(as_text=True)
    assert client.get(link).status_code == 200


def test_reset_requests_are_rate_limited(client, real_limits):
    statuses = [ask_for_reset(client, f"someone{n}@example.org").status_code for n in range(6)]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


def test_a_reset_sends_a_notice_and_says_the_device_is_logged_in(client, user, outbox):
    request_reset(client, user.email)
    link = reset_link(outbox[0])
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    page = client.post(link, data=new, follow_redirects=True).get_data(as_text=True)
    assert "you are now logged in on this device" in page
    notice = outbox[-1]
    assert notice.to == [user.email]
    assert notice.subject == "Your Cohort password was changed"
    assert "http://cohort.test/password/forgot" in notice.body


def test_changing_the_password_kills_outstanding_reset_links(client, user, outbox):
    request_reset(client, user.email)
    link = reset_link(outbox[0])
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    changed = client.post(
        "/settings/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "my own new passphrase",
            "confirm": "my own new passphrase",
        },
    )
    assert changed.status_code == 302
    assert outbox[-1].subject == "Your Cohort password was changed"
    assert client.get(link).status_code == 410


def test_changing_the_email_address_kills_outstanding_reset_links(client, user, outbox):
    from cohort.auth import services

    request_reset(client, user.email)
    link = reset_link(outbox[0])
    _, token = services.request_email_change(user, "ann.new@example.org")
    services.confirm_email_change(user, token)
    db.session.commit()
    assert db.session.scalar(select(PasswordResetToken)) is None
    assert client.get(link).status_code == 410
