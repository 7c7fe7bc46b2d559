"""The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): retries, failures,
stable Message-IDs, one-click unsubscribe, and concurrent senders."""

import re
import socket
import threading
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import current_app
from sqlalchemy import select

from cohort.cohorts.models import RhythmKind
from cohort.database import utcnow
from cohort.extensions import db
from cohort.notifications.models import EmailPreference, OutboundEmail, OutboxStatus
from cohort.notifications.outbox import MAX_ATTEMPTS, deliver_due, queue_email

from . import factories
from .test_reminders import make_session


class Recorder:
    """An SMTP server's handler that can refuse on purpose."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.temporary_failures = 0
        self.reject_recipients = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_recipients:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.temporary_failures:
            self.temporary_failures -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(envelope.content)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(make_app, app):
    """An app whose mail goes by SMTP to a local server; yields the server's handler."""
    handler, port = Recorder(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    smtp_app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with smtp_app.app_context():
        yield handler
        db.session.remove()
    controller.stop()


def queued(n: int = 1) -> list[OutboundEmail]:
    user = factories.make_user(email="ken@example.org")
    emails = []
    for index in range(n):
        email = OutboundEmail(
            user_id=user.id,
            to_address=user.email,
            kind="nudge",
            subject=f"Subject {index}",
            text_body="Hello",
            html_body="<p>Hello</p>",
            headers={},
            message_id=f"<m{index}@cohort.test>",
        )
        db.session.add(email)
        emails.append(email)
    db.session.commit()
    return emails


def test_an_email_is_delivered_with_its_message_id(smtp):
    (email,) = queued()
    assert deliver_due(utcnow()) == 1
    db.session.refresh(email)
    assert email.status == OutboxStatus.SENT and email.attempts == 1
    assert b"Message-ID: <m0@cohort.test>" in smtp.messages[0]


def test_a_temporary_failure_is_retried_later_with_the_same_message_id(smtp, frozen_time):
    smtp.temporary_failures = 1
    (email,) = queued()
    assert deliver_due(utcnow()) == 0
    db.session.refresh(email)
    assert (email.status, email.attempts) == (OutboxStatus.PENDING, 1)
    assert "451" in email.last_error
    assert deliver_due(utcnow()) == 0  # not due yet: backing off
    frozen_time.shift(timedelta(minutes=3))
    assert deliver_due(utcnow()) == 1
    db.session.refresh(email)
    assert email.status == OutboxStatus.SENT and email.attempts == 2
    assert b"Message-ID: <m0@cohort.test>" in smtp.messages[0]


def test_a_permanent_failure_ends_as_failed_at_once(smtp):
    smtp.reject_recipients = True
    (email,) = queued()
    deliver_due(utcnow())
    db.session.refresh(email)
    assert (email.status, email.attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in email.last_error


def test_a_server_that_stays_down_fails_after_a_few_attempts_and_loses_nothing(
    make_app, app, frozen_time
):
    down = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with down.app_context():
        (email,) = queued()
        for _ in range(MAX_ATTEMPTS):
            deliver_due(utcnow())
            frozen_time.shift(timedelta(hours=2))
        db.session.refresh(email)
        assert (email.status, email.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
        assert email.last_error
        db.session.remove()


def test_two_senders_at_once_send_each_email_exactly_once(smtp):
    queued(50)
    app = current_app._get_current_object()
    start = threading.Barrier(2)

    def send():
        with app.app_context():
            start.wait()
            try:
                deliver_due(utcnow())
            except Exception:  # SQLite may refuse a writer for a moment; the next tick resends
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deliver_due(utcnow())  # the next tick picks up anything left
    ids = re.findall(rb"Message-ID: (<m\d+@cohort.test>)", b"".join(smtp.messages))
    assert len(ids) == 50 and len(set(ids)) == 50


def test_emails_carry_one_click_unsubscribe_that_works_without_a_session(make_app, app, user):
    cohort = factories.make_cohort(user, rhythm_kind=RhythmKind.MANUAL)
    meeting = make_session(cohort, datetime(2027, 5, 1, 10, 0))
    email = queue_email(
        user,
        "nudge",
        "nudge",
        meeting=meeting,
        cohort=cohort,
        organizer=user,
        message="",
        write_url="http://cohort.test/x",
    )
    db.session.commit()
    url = email.headers["List-Unsubscribe"].strip("<>")
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.text_body
    path = url.removeprefix("http://cohort.test")
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    response = csrf_app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    preference = db.session.scalar(select(EmailPreference))
    assert (preference.kind, preference.enabled) == ("nudge", False)
    assert queue_email(user, "nudge", "nudge") is None  # opted out: nothing queued


def test_account_emails_go_out_at_once_and_are_retried_when_the_server_fails(smtp, frozen_time):
    """A password reset while the mail server refuses: the page answers as usual, the email
    waits in the outbox with its attempt counted, and the delivery job sends it later."""
    user = factories.make_user(email="ann@example.org")
    client = current_app.test_client()
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    assert len(smtp.messages) == 1  # sent at once: someone is waiting for it
    (sent,) = db.session.scalars(select(OutboundEmail)).all()
    assert (sent.kind, sent.status, sent.user_id) == ("password_reset", OutboxStatus.SENT, user.id)
    assert "List-Unsubscribe" not in sent.headers  # an account email cannot be switched off

    smtp.temporary_failures = 1
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    waiting = db.session.scalar(
        select(OutboundEmail).where(OutboundEmail.status == OutboxStatus.PENDING)
    )
    assert waiting.attempts == 1 and "451" in waiting.last_error
    frozen_time.shift(timedelta(minutes=3))
    assert deliver_due(utcnow()) == 1
    assert len(smtp.messages) == 2
