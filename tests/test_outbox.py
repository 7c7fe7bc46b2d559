"""The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): retries, failures,
stable Message-IDs, one-click unsubscribe, and concurrent senders."""

import re
import threading
from datetime import datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from cohort.cohorts.models import RhythmKind
from cohort.database import utcnow
from cohort.delivery.models import EmailPreference, OutboundEmail, OutboxStatus
from cohort.delivery.outbox import MAX_ATTEMPTS, deliver_due, queue_email, queue_message
from cohort.extensions import db

from . import factories
from .smtp_servers import free_port, smtp_sink
from .test_reminders import make_session


@pytest.fixture
def smtp(make_app, app):
    """An app whose mail goes by SMTP to a local server; yields the server's handler."""
    with smtp_sink() as (handler, port):
        smtp_app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with smtp_app.app_context():
            yield handler
            db.session.remove()


def queued(n: int = 1, addresses: list[str] | None = None) -> list[OutboundEmail]:
    """``n`` plain emails to Ken's account, sent to ``addresses`` in turn if given."""
    user = factories.make_user(email="ken@example.org")
    addresses = addresses or [user.email]
    emails = []
    for index in range(n):
        email = OutboundEmail(
            user_id=user.id,
            to_account=True,
            to_address=addresses[index % len(addresses)],
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


def test_an_email_that_cannot_be_built_fails_at_once_and_is_not_retried(smtp, frozen_time):
    (email,) = queued()
    email.subject = "Hello\r\nBcc: everyone@example.org"  # a header injection never leaves
    db.session.commit()
    deliver_due(utcnow())
    db.session.refresh(email)
    assert (email.status, email.attempts) == (OutboxStatus.FAILED, 1)
    frozen_time.shift(timedelta(days=1))
    assert deliver_due(utcnow()) == 0
    db.session.refresh(email)
    assert email.attempts == 1 and smtp.messages == []


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
    email = queue_nudge(user, cohort, user)
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


def change_password(client, current: str, new: str):
    return client.post(
        "/settings/password", data={"current_password": current, "new_password": new}
    )


def test_account_emails_go_out_at_once_and_are_retried_when_the_server_fails(smtp, frozen_time):
    """A password change while the mail server refuses: the page answers as usual, the notice
    waits in the outbox with its attempt counted, and the delivery job sends it later."""
    user = factories.make_user(email="ann@example.org")
    client = current_app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert change_password(client, factories.PASSWORD, "first new passphrase").status_code == 302
    assert len(smtp.messages) == 1  # sent at once: the owner should hear of it now
    (sent,) = db.session.scalars(select(OutboundEmail)).all()
    assert (sent.kind, sent.status, sent.user_id) == (
        "password_changed",
        OutboxStatus.SENT,
        user.id,
    )
    assert "List-Unsubscribe" not in sent.headers  # an account email cannot be switched off

    smtp.temporary_failures = 1
    response = change_password(client, "first new passphrase", "second new passphrase")
    assert response.status_code == 302
    waiting = db.session.scalar(
        select(OutboundEmail).where(OutboundEmail.status == OutboxStatus.PENDING)
    )
    assert waiting.attempts == 1 and "451" in waiting.last_error
    frozen_time.shift(timedelta(minutes=3))
    assert deliver_due(utcnow()) == 1
    assert len(smtp.messages) == 2


def test_a_password_reset_link_goes_out_with_the_delivery_job(smtp):
    """Not during the request (see test_password_reset.py): the next delivery tick sends it."""
    user = factories.make_user(email="ann@example.org")
    client = current_app.test_client()
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    assert smtp.messages == []
    assert deliver_due(utcnow()) == 1
    (sent,) = db.session.scalars(select(OutboundEmail)).all()
    assert (sent.kind, sent.status, sent.user_id) == ("password_reset", OutboxStatus.SENT, user.id)
    assert len(smtp.messages) == 1


def test_a_large_backlog_goes_out_in_one_tick_over_a_few_reused_connections(smtp):
    emails = queued(450)
    expected = sorted(email.message_id for email in emails)
    assert deliver_due(utcnow()) == 450
    assert sorted(smtp.message_ids) == expected  # each exactly once, with its own Message-ID
    assert 1 <= smtp.connections <= current_app.config["OUTBOX_CONNECTIONS"]
    rows = db.session.scalars(select(OutboundEmail)).all()
    assert {(row.status, row.attempts) for row in rows} == {(OutboxStatus.SENT, 1)}
    assert all(row.sent_at is not None for row in rows)


def test_a_tick_stops_at_its_limit_and_the_next_one_goes_on(smtp):
    queued(30)
    assert deliver_due(utcnow(), limit=12) == 12
    assert len(smtp.messages) == 12
    assert deliver_due(utcnow()) == 18
    assert len(set(smtp.message_ids)) == 30


def test_two_senders_with_their_own_engines_share_the_work_and_send_each_email_once(make_app, app):
    """Two scheduler processes by mistake: on PostgreSQL they skip each other's locked rows,
    on SQLite each claim holds the write lock; either way nothing goes twice."""
    emails = queued(300)
    expected = sorted(email.message_id for email in emails)
    with smtp_sink() as (handler, port):
        config = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
        senders = [make_app(**config, OUTBOX_BATCH_SIZE=20) for _ in range(2)]
        start, sent, errors = threading.Barrier(2), [], []

        def run(sender_app):
            with sender_app.app_context():
                start.wait()
                try:
                    sent.append(deliver_due(utcnow()))
                except Exception as error:
                    errors.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=run, args=(sender,)) for sender in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert sum(sent) == 300
    assert sorted(handler.message_ids) == expected


def queue_nudge(user, cohort, organizer) -> OutboundEmail:
    meeting = make_session(cohort, datetime(2027, 5, 1, 10, 0))
    email = queue_email(
        user,
        "nudge",
        "nudge",
        meeting=meeting,
        cohort=cohort,
        organizer=organizer,
        message="",
        write_url="http://cohort.test/x",
    )
    db.session.commit()
    return email


def test_emails_are_checked_again_when_sent_and_go_only_to_who_still_wants_them(smtp):
    from cohort.auth.models import User
    from cohort.cohorts.services import remove_member
    from cohort.delivery.notices import unsubscribe

    organizer = factories.make_user(email="org@example.org")
    cohort = factories.make_cohort(organizer, rhythm_kind=RhythmKind.MANUAL)
    stays, opts_out, removed, deleted = (
        factories.add_member(cohort, factories.make_user(email=f"{name}@example.org"))
        for name in ("stays", "opts-out", "removed", "deleted")
    )
    nudges = {
        m.user.email: queue_nudge(m.user, cohort, organizer)
        for m in (stays, opts_out, removed, deleted)
    }
    reset = queue_message(
        "deleted@example.org",
        "password_reset",
        locale="en",
        user_id=deleted.user_id,
        user=deleted.user,
        reset_url="http://cohort.test/r",
        max_age_minutes=60,
    )
    invitation = queue_message(
        "new@example.org",
        "invitation",
        locale="en",
        cohort=cohort,
        inviter=organizer,
        join_url="http://cohort.test/j",
        expires_at=utcnow(),
    )
    db.session.commit()
    unsubscribe(opts_out.user_id, "nudge")
    remove_member(organizer, removed)
    db.session.delete(db.session.get(User, deleted.user_id))
    db.session.commit()

    assert deliver_due(utcnow()) == 2
    assert sorted(smtp.message_ids) == sorted(
        [nudges["stays@example.org"].message_id, invitation.message_id]
    )
    skipped = {
        nudges["opts-out@example.org"].id: "skipped: recipient opted out",
        nudges[
            "removed@example.org"
        ].id: "skipped: recipient no longer an active member of the cohort",
        nudges["deleted@example.org"].id: "skipped: recipient account deleted",
        reset.id: "skipped: recipient account deleted",
    }
    for email_id, reason in skipped.items():
        email = db.session.get(OutboundEmail, email_id)
        assert (email.status, email.attempts, email.last_error) == (OutboxStatus.FAILED, 0, reason)


def test_healthz_reports_the_outbox_backlog(client, frozen_time):
    emails = queued(3)
    emails[0].next_attempt_at = utcnow() + timedelta(minutes=8)  # backing off after a failure
    db.session.commit()
    frozen_time.shift(90)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["outbox"] == {
        "status": "ok",
        "pending": 3,
        "due": 2,
        "counted_up_to": 10_000,
        "oldest_due_age_seconds": 90.0,
    }


def test_healthz_fails_when_a_due_email_has_waited_too_long(client, frozen_time):
    queued(1)
    frozen_time.shift(current_app.config["OUTBOX_STALL_AFTER"] + 1)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["outbox"]["status"] == "stalled"


def test_healthz_reports_an_empty_outbox_as_healthy(client):
    body = client.get("/healthz").json
    assert body["outbox"]["pending"] == 0 and body["outbox"]["oldest_due_age_seconds"] is None
