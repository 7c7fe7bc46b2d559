"""The email outbox: every email becomes a row in the transaction that causes it (a claimed
reminder, a password reset, an invitation); a job sends them with retries, backoff and a
stable Message-ID. Account emails are also tried at once, right after their commit."""

import smtplib
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from ..auth.models import User
from ..database import utcnow
from ..emails import external_url, render_email
from ..extensions import db, mail
from .models import EmailPreference, OutboundEmail, OutboxStatus

MAX_ATTEMPTS = 5
# A claimed attempt is retried after this if its sender died mid-way.
LEASE = timedelta(minutes=10)
UNSUBSCRIBE_SALT = "cohort-unsubscribe"


def email_enabled(user: User, kind: str) -> bool:
    preference = db.session.get(EmailPreference, (user.id, kind))
    return preference is None or preference.enabled


def unsubscribe_token(user: User, kind: str) -> str:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    return serializer.dumps([user.id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    try:
        user_id, kind = serializer.loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(user_id), str(kind)


def queue_email(user: User, kind: str, template: str, **context) -> OutboundEmail | None:
    """Render an email for ``user`` in their language and queue it (None if they opted out).

    Every email carries a one-click unsubscribe link for its kind.
    """
    if not email_enabled(user, kind):
        return None
    unsubscribe_url = external_url("notifications.unsubscribe", token=unsubscribe_token(user, kind))
    subject, text, html = render_email(
        template,
        locale=user.locale,
        user=user,
        zone=user.timezone,
        unsubscribe_url=unsubscribe_url,
        **context,
    )
    email = OutboundEmail(
        user_id=user.id,
        to_address=user.email,
        kind=kind,
        subject=subject,
        text_body=text,
        html_body=html,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        message_id=_new_message_id(),
    )
    db.session.add(email)
    return email


def queue_message(
    to_address: str, template: str, *, locale: str, user_id: int | None = None, **context
) -> OutboundEmail:
    """An account email (password reset, invitation, address change): always sent, with no
    unsubscribe link, and queued in the caller's transaction so that it exists exactly when
    what caused it does. Pass it to ``deliver_now`` after the commit."""
    subject, text, html = render_email(template, locale=locale, **context)
    email = OutboundEmail(
        user_id=user_id,
        to_address=to_address,
        kind=template,
        subject=subject,
        text_body=text,
        html_body=html,
        headers={},
        message_id=_new_message_id(),
    )
    db.session.add(email)
    return email


def deliver_now(email: OutboundEmail) -> bool:
    """Try a just-committed email at once (someone is waiting for it); if the mail server
    fails, the delivery job retries it like any other."""
    return _deliver([email.id], utcnow()) == 1


def _new_message_id() -> str:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def _due(now: datetime, limit: int) -> list[int]:
    query = (
        select(OutboundEmail.id)
        .where(OutboundEmail.status == OutboxStatus.PENDING, OutboundEmail.next_attempt_at <= now)
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        # Two senders at once each take different rows instead of waiting on the same ones.
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def _claim_attempt(email_id: int, now: datetime) -> OutboundEmail | None:
    """Take one attempt at an email; None if another sender took it first."""
    claimed = db.session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.id == email_id,
            OutboundEmail.status == OutboxStatus.PENDING,
            OutboundEmail.next_attempt_at <= now,
        )
        .values(attempts=OutboundEmail.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.get(OutboundEmail, email_id) if claimed.rowcount == 1 else None


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _message(email: OutboundEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[email.to_address],
        headers={**email.headers, "Message-ID": email.message_id},
        connection=connection,
    )
    message.attach_alternative(email.html_body, "text/html")
    return message


def deliver_due(now: datetime, limit: int = 50) -> int:
    """Send due emails and return how many were sent. Commits per email: an attempt is
    claimed (committed) before sending, so two senders never send the same one, and a
    sent email is marked at once, so a crash resends at most the one in flight."""
    ids = _due(now, limit)
    db.session.commit()  # release the row locks; each email is claimed on its own below
    return _deliver(ids, now)


def _deliver(ids: list[int], now: datetime) -> int:
    sent = 0
    # Opened lazily by the first send, so a server that is down counts as that email's failure.
    connection = mail.get_connection()
    try:
        for email_id in ids:
            email = _claim_attempt(email_id, now)
            if email is None:
                continue
            try:
                _message(email, connection).send()
            except (smtplib.SMTPException, OSError) as error:
                email.last_error = f"{type(error).__name__}: {error}"[:2000]
                if _is_permanent(error) or email.attempts >= MAX_ATTEMPTS:
                    email.status = OutboxStatus.FAILED
                else:
                    email.next_attempt_at = now + timedelta(minutes=2**email.attempts)
            else:
                email.status = OutboxStatus.SENT
                email.sent_at = now
                sent += 1
            db.session.commit()
    finally:
        connection.close()
    return sent
