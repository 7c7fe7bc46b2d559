"""The email outbox: every email becomes a row in the transaction that causes it (a claimed
reminder, a password reset, an invitation); a job sends them with retries, backoff and a
stable Message-ID (see ``delivery``). Account emails are also tried at once, right after their
commit, except password reset links: those wait for the job, so that the answer to a reset
request takes the same time whether or not the email has an account."""

import uuid
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import insert

from ..auth.models import User
from ..database import utcnow
from ..emails import external_url, render_email
from ..extensions import db
from .batch_render import BatchRenderer
from .dispatch import LEASE, MAX_ATTEMPTS, deliver_due, deliver_now, opted_out
from .hours import paused_users
from .models import EmailPreference, OutboundEmail

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "deliver_due",
    "deliver_now",
    "email_enabled",
    "opted_out",
    "queue_email",
    "queue_emails",
    "queue_message",
    "read_unsubscribe_token",
    "unsubscribe_token",
]

UNSUBSCRIBE_SALT = "cohort-unsubscribe"


def email_enabled(user: User, kind: str) -> bool:
    preference = db.session.get(EmailPreference, (user.id, kind))
    return preference is None or preference.enabled


def unsubscribe_token(user: User, kind: str, serializer: URLSafeSerializer | None = None) -> str:
    serializer = serializer or URLSafeSerializer(
        current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT
    )
    return serializer.dumps([user.id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    try:
        user_id, kind = serializer.loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(user_id), str(kind)


def queue_email(
    user: User,
    kind: str,
    template: str,
    *,
    cohort_id: int | None = None,
    enabled: bool | None = None,
    **context,
) -> OutboundEmail | None:
    """Render an email for ``user`` in their language and queue it (None if they opted out).

    Every email carries a one-click unsubscribe link for its kind. An email about a cohort
    (``cohort_id``, or the ``cohort`` its template shows) goes only if the recipient is still
    an active member there when it is sent. ``enabled``: the preference when the caller has
    read it already (see ``opted_out``); the delivery job checks it again before sending.
    """
    if enabled is None:
        enabled = email_enabled(user, kind) and not paused_users([user.id], utcnow())
    if not enabled:
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
    if cohort_id is None and context.get("cohort") is not None:
        cohort_id = context["cohort"].id
    email = OutboundEmail(
        user_id=user.id,
        to_account=True,
        cohort_id=cohort_id,
        to_address=user.email,
        kind=kind,
        subject=subject,
        text_body=text,
        html_body=html,
        headers=_unsubscribe_headers(unsubscribe_url),
        message_id=_new_message_id(),
    )
    db.session.add(email)
    return email


class QueuedEmail(NamedTuple):
    """One email of a batch for ``queue_emails``: what ``queue_email`` takes."""

    user: User
    kind: str
    template: str
    context: dict


def queue_emails(emails: Sequence[QueuedEmail]) -> int:
    """``queue_email`` for a batch whose preferences the caller has read already: each email
    is the same text ``queue_email`` writes, rendered once per group of recipients who share
    it (``BatchRenderer``), and all are inserted in one statement. Returns how many."""
    if not emails:
        return 0
    renderer = BatchRenderer()
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    now = utcnow()
    rows = []
    for user, kind, template, context in emails:
        token = unsubscribe_token(user, kind, serializer)
        unsubscribe_url = external_url("notifications.unsubscribe", token=token)
        subject, text, html = renderer.render(template, user, unsubscribe_url, context)
        cohort = context.get("cohort")
        rows.append(
            {
                "user_id": user.id,
                "to_account": True,
                "cohort_id": cohort.id if cohort is not None else None,
                "to_address": user.email,
                "kind": kind,
                "subject": subject,
                "text_body": text,
                "html_body": html,
                "headers": _unsubscribe_headers(unsubscribe_url),
                "message_id": _new_message_id(),
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    db.session.execute(insert(OutboundEmail.__table__), rows)  # Core: no ORM bookkeeping
    return len(rows)


def _unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_message(
    to_address: str, template: str, *, locale: str, user_id: int | None = None, **context
) -> OutboundEmail:
    """An account email (password reset, invitation, address change): sent whatever the
    recipient's email preferences (unless the account it was for is deleted first), with no
    unsubscribe link, and queued in the caller's transaction so that it exists exactly when
    what caused it does. Pass it to ``deliver_now`` after the commit."""
    subject, text, html = render_email(template, locale=locale, **context)
    email = OutboundEmail(
        user_id=user_id,
        to_account=user_id is not None,
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


def _new_message_id() -> str:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"
