"""Emails about a person's own account."""

from ..delivery.models import OutboundEmail
from ..delivery.outbox import queue_message
from ..emails import external_url
from .models import User


def queue_password_changed_notice(user: User) -> OutboundEmail:
    """The notice that the account's password changed (in settings or through a reset),
    queued in the same transaction as the change; pass it to ``deliver_now`` after the
    commit."""
    return queue_message(
        user.email,
        "password_changed",
        locale=user.locale,
        user_id=user.id,
        user=user,
        forgot_url=external_url("auth.forgot_password"),
    )
