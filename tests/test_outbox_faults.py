"""The outbox against mail servers that misbehave: down, dropping connections, hanging,
answering 4xx or 5xx. Whatever happens, no email is lost or sent twice, a broken connection
spends no attempt, and nothing waits on the server longer than the configured timeout."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask, current_app
from sqlalchemy import select

from cohort.database import utcnow
from cohort.delivery.models import OutboundEmail, OutboxStatus
from cohort.delivery.outbox import deliver_due
from cohort.extensions import db

from . import factories
from .smtp_servers import FaultyServer, Misbehaviour, faulty_server, free_port
from .test_outbox import queued as queue

TIMEOUT = 0.5


@contextmanager
def app_sending_to(make_app, port: int, **config) -> Iterator[Flask]:
    app = make_app(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_TIMEOUT=TIMEOUT,
        MAIL_TIMEOUT_NOW=TIMEOUT,
        **config,
    )
    with app.app_context():
        yield app
        db.session.remove()


@contextmanager
def misbehaving(make_app, **behaviour) -> Iterator[FaultyServer]:
    """A faulty server, and an app context whose mail goes to it."""
    with (
        faulty_server(Misbehaviour(**behaviour)) as server,
        app_sending_to(make_app, server.port),
    ):
        yield server


def states() -> dict[str, tuple[OutboxStatus, int]]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutboundEmail)).all()
    return {row.message_id: (row.status, row.attempts) for row in rows}


def test_a_server_that_drops_every_connection_after_a_few_messages_loses_nothing(make_app, app):
    """Each dropped connection is replaced and the message it broke on is sent on the new
    one: every email arrives exactly once, on its first attempt."""
    with misbehaving(make_app, drop_after=7) as server:
        queue(100)
        assert deliver_due(utcnow()) == 100
        found = states()
    assert sorted(server.message_ids) == sorted(found)  # each exactly once
    assert set(found.values()) == {(OutboxStatus.SENT, 1)}
    assert server.connections >= 100 // 7


def test_a_server_that_is_down_spends_one_attempt_and_leaves_the_rest_for_later(make_app, app):
    with app_sending_to(make_app, free_port()):
        queue(20)
        assert deliver_due(utcnow()) == 0
        found = states()
    assert {status for status, _ in found.values()} == {OutboxStatus.PENDING}
    tried = [attempts for _, attempts in found.values() if attempts]
    # At most one email per connection was tried; the others spent nothing and stay due.
    assert 1 <= len(tried) <= current_app.config["OUTBOX_CONNECTIONS"]
    assert tried == [1] * len(tried)


@pytest.mark.parametrize("hang", ["hang_after_greeting", "hang_after_data"])
def test_a_hung_server_times_out_and_the_email_waits_for_a_retry(make_app, app, hang):
    with misbehaving(make_app, **{hang: True}) as server:
        (email,) = queue(1)
        assert deliver_due(utcnow()) == 0
        db.session.refresh(email)
        assert (email.status, email.attempts) == (OutboxStatus.PENDING, 1)
        assert "timed out" in email.last_error
        assert email.next_attempt_at > utcnow()  # backing off, not leased for ten minutes
        assert email.next_attempt_at < utcnow() + timedelta(minutes=5)
    assert server.messages == []


def test_a_hung_server_cannot_hold_a_page_that_sends_an_account_email(make_app, app):
    """deliver_now gives up after MAIL_TIMEOUT_NOW; the email stays queued for the job."""
    user = factories.make_user(email="ann@example.org")
    with misbehaving(make_app, hang_after_greeting=True):
        client = current_app.test_client()
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        response = client.post(
            "/settings/password",
            data={"current_password": factories.PASSWORD, "new_password": "a new passphrase"},
        )
        assert response.status_code == 302
        email = db.session.scalar(select(OutboundEmail))
        assert (email.status, email.attempts) == (OutboxStatus.PENDING, 1)
        assert "timed out" in email.last_error


def test_a_temporary_refusal_is_retried_with_backoff_on_the_same_connection(
    make_app, app, frozen_time
):
    with misbehaving(make_app, rcpt_reply="451 4.2.0 Mailbox busy") as server:
        queue(10)
        assert deliver_due(utcnow()) == 0
        assert set(states().values()) == {(OutboxStatus.PENDING, 1)}
        assert server.connections <= current_app.config["OUTBOX_CONNECTIONS"]
        assert deliver_due(utcnow()) == 0  # backing off: nothing is due yet
        server.behaviour.rcpt_reply = "250 OK"
        frozen_time.shift(timedelta(minutes=3))
        assert deliver_due(utcnow()) == 10
    assert set(states().values()) == {(OutboxStatus.SENT, 2)}
    assert len(set(server.message_ids)) == 10


def test_a_permanent_refusal_fails_that_email_at_once_and_the_batch_goes_on(make_app, app):
    addresses = ["ken@example.org", "gone@example.org"]
    with misbehaving(make_app, reject_addresses={"gone@example.org"}) as server:
        queue(10, addresses)
        assert deliver_due(utcnow()) == 5
    db.session.expire_all()
    failed = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.status == OutboxStatus.FAILED)
    ).all()
    assert {email.to_address for email in failed} == {"gone@example.org"}
    assert all(email.attempts == 1 and "550" in email.last_error for email in failed)
    assert len(server.messages) == 5
