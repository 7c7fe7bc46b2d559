"""Scheduler jobs of the notifications feature (listed in cohort/scheduler.py)."""

from ..database import utcnow
from ..delivery.channels.sending import deliver_channels
from ..delivery.holds import forget_old_holds
from ..delivery.outbox import deliver_due
from ..delivery.retention import purge_old_emails
from .chat import queue_chat_posts
from .reminders import send_due_reminders


def send_reminders() -> None:
    """Claim and queue every reminder that is due now. It commits batch by batch itself, so
    no transaction or lock outlives a batch; the scheduler commits what is left (nothing)."""
    now = utcnow()
    send_due_reminders(now)
    queue_chat_posts(now)


def deliver_emails() -> None:
    """Send the outbox's due emails, with retries and backoff."""
    deliver_due(utcnow())


def deliver_channel_messages() -> None:
    """Send the chat posts (and other channels' messages) that are due, with retries."""
    deliver_channels(utcnow())


def purge_emails() -> None:
    """Delete sent and failed emails past the retention period, and long-released holds."""
    now = utcnow()
    purge_old_emails(now)
    forget_old_holds(now)
