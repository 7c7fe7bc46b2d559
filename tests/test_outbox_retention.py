"""The outbox forgets: bodies and headers go once an email is final, old rows go later."""

from datetime import timedelta

from sqlalchemy import select

from cohort.database import utcnow
from cohort.delivery.models import OutboundEmail, OutboxStatus
from cohort.delivery.outbox import deliver_due
from cohort.delivery.retention import purge_old_emails
from cohort.extensions import db
from cohort.scheduler import job_by_id

from .test_outbox import queued, smtp  # noqa: F401 (the fixture)


def test_a_sent_email_keeps_no_body_or_headers(smtp):  # noqa: F811
    (email,) = queued()
    email.text_body = "Reset: https://cohort.test/password/reset/SECRET"
    email.headers = {"List-Unsubscribe": "<https://cohort.test/unsubscribe/SECRET>"}
    db.session.commit()
    assert deliver_due(utcnow()) == 1
    assert b"SECRET" in smtp.messages[0]  # it went out whole
    db.session.refresh(email)
    assert email.status == OutboxStatus.SENT
    assert (email.text_body, email.html_body, email.headers) == ("", "", {})
    assert email.subject == "Subject 0" and email.to_address == "ken@example.org"


def test_a_failed_email_keeps_no_body_but_a_retried_one_does(smtp, frozen_time):  # noqa: F811
    smtp.temporary_failures = 1
    (retried,) = queued()
    deliver_due(utcnow())
    db.session.refresh(retried)
    assert retried.status == OutboxStatus.PENDING and retried.text_body == "Hello"
    smtp.reject_recipients = True
    frozen_time.shift(timedelta(minutes=5))
    deliver_due(utcnow())
    db.session.refresh(retried)
    assert retried.status == OutboxStatus.FAILED
    assert (retried.text_body, retried.html_body) == ("", "")
    assert "550" in retried.last_error


def test_old_final_emails_are_purged_and_the_rest_kept(app, frozen_time):
    emails = queued(4)
    ages = [40, 40, 10, 40]
    statuses = [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SENT, OutboxStatus.PENDING]
    for email, days, status in zip(emails, ages, statuses, strict=True):
        email.created_at = utcnow() - timedelta(days=days)
        email.status = status
    db.session.commit()
    assert purge_old_emails(utcnow()) == 2
    left = db.session.scalars(select(OutboundEmail.subject).order_by(OutboundEmail.id)).all()
    assert left == ["Subject 2", "Subject 3"]  # recent, and still waiting to go


def test_the_purge_runs_on_the_scheduler(app):
    job = job_by_id("purge_emails")
    assert job.seconds <= 24 * 3600
    queued(1)[0].status = OutboxStatus.SENT
    db.session.execute(
        OutboundEmail.__table__.update().values(created_at=utcnow() - timedelta(days=90))
    )
    db.session.commit()
    job.func()
    assert db.session.scalar(select(OutboundEmail)) is None
