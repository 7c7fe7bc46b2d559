"""What the outbox keeps once an email is done with.

The outbox is a queue, not an archive. Bodies and headers carry secrets — reset, invitation and
confirmation links, unsubscribe tokens — that must not outlive their use, so once an email is
sent or has failed for good they are emptied; the row keeps who, what kind, the subject, the
outcome and when, for support. Rows older than ``OUTBOX_KEEP_DAYS`` go altogether.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from ..extensions import db
from .models import OutboundEmail, OutboxStatus

FINAL = (OutboxStatus.SENT, OutboxStatus.FAILED)
EMPTIED = {"text_body": "", "html_body": "", "headers": {}}
PURGE_BATCH = 1000


def forget_bodies(email_ids: Iterable[int]) -> None:
    """Empty the bodies and headers of these emails if they are final (sent or failed)."""
    ids = list(email_ids)
    if ids:
        db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.id.in_(ids), OutboundEmail.status.in_(FINAL))
            .values(**EMPTIED)
            .execution_options(synchronize_session=False)
        )


def purge_old_emails(now: datetime) -> int:
    """Delete final emails older than the retention period, a batch per transaction."""
    cutoff = now - timedelta(days=current_app.config["OUTBOX_KEEP_DAYS"])
    deleted = 0
    while True:
        ids = db.session.scalars(
            select(OutboundEmail.id)
            .where(OutboundEmail.status.in_(FINAL), OutboundEmail.created_at < cutoff)
            .limit(PURGE_BATCH)
        ).all()
        if not ids:
            return deleted
        db.session.execute(
            delete(OutboundEmail)
            .where(OutboundEmail.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        deleted += len(ids)
