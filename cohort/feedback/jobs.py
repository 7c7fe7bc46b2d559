"""Periodic work for feedback, run by the scheduler process (listed in cohort/scheduler.py)."""

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import String, cast, exists, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..database import utcnow
from ..delivery.ledger import batch_size, claim_batch, unclaimed
from ..delivery.notices import Notice, notify_many
from ..delivery.outbox import opted_out, queue_email
from ..emails import external_url
from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting, MeetingStatus
from ..notifications.reminders import load_people_and_sessions
from .models import Feedback
from .services import site_path

ALERT_BEFORE_DUE = timedelta(hours=48)
KIND = "feedback_missing"


class Alert(NamedTuple):
    """An organizer to tell that a shared inventory has no feedback yet (plain values)."""

    organizer_id: int
    meeting_id: int
    cohort_id: int
    cohort_slug: str
    inventory_id: int
    author: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.organizer_id, KIND, f"inventory-{self.inventory_id}")


def _unsent_alerts(now: datetime) -> list[Alert]:
    """Every alert due now and not in the ledger yet, ordered by organizer and session (one
    query: the ledger anti-join leaves out what was sent before)."""
    has_feedback = exists().where(Feedback.inventory_id == Inventory.id)
    organizer = Membership
    rows = db.session.execute(
        select(
            organizer.user_id,
            Inventory.meeting_id,
            Inventory.cohort_id,
            Cohort.slug,
            Inventory.id,
            User.display_name,
        )
        .join(Meeting, Meeting.id == Inventory.meeting_id)
        .join(Cohort, Cohort.id == Inventory.cohort_id)
        .join(User, User.id == Inventory.user_id)
        .join(organizer, organizer.cohort_id == Inventory.cohort_id)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Cohort.is_archived.is_(False),
            Meeting.feedback_due_at > now,
            Meeting.feedback_due_at <= now + ALERT_BEFORE_DUE,
            Inventory.status == InventoryStatus.SHARED,
            ~has_feedback,
            organizer.status == MembershipStatus.ACTIVE,
            organizer.role == Role.ORGANIZER,
            # An organizer's own inventory: the other organizers hear of it.
            organizer.user_id != Inventory.user_id,
            unclaimed(organizer.user_id, KIND, "inventory-" + cast(Inventory.id, String)),
        )
        .order_by(organizer.user_id, Inventory.meeting_id, Inventory.id)
    )
    return [Alert(*row) for row in rows]


def _batches(alerts: list[Alert]) -> list[list[Alert]]:
    """Bounded batches that never split one organizer's session, so each gets one email."""
    batches: list[list[Alert]] = [[]]
    for alert in alerts:
        current = batches[-1]
        same_email = current and current[-1][:2] == alert[:2]
        if len(current) >= batch_size() and not same_email:
            batches.append(current := [])
        current.append(alert)
    return [batch for batch in batches if batch]


def missing_feedback_alerts(now: datetime) -> int:
    """Tell each organizer, once, about every shared inventory that still has no feedback
    when the session's feedback is due within 48 hours; returns how many alerts were new.

    Claims are made in bulk and committed batch by batch with their notifications and emails.
    """
    sent = 0
    for batch in _batches(_unsent_alerts(now)):
        sent += claim_batch(batch, key=lambda alert: alert.key, send=_send)
        db.session.commit()
    return sent


def _send(alerts: list[Alert]) -> None:
    notify_many([_notice(alert) for alert in alerts])
    _email_organizers(alerts)


def _notice(alert: Alert) -> Notice:
    url = site_path("inventories.show", slug=alert.cohort_slug, inventory_id=alert.inventory_id)
    return Notice(alert.organizer_id, KIND, url, alert.cohort_id, {"recipient": alert.author})


def _email_organizers(alerts: list[Alert]) -> None:
    """One email per organizer and session listing the inventories still without feedback."""
    by_email: dict[tuple[int, int], list[str]] = {}
    for alert in alerts:
        by_email.setdefault((alert.organizer_id, alert.meeting_id), []).append(alert.author)
    loaded = load_people_and_sessions({key[0] for key in by_email}, {key[1] for key in by_email})
    off = opted_out(loaded.users.keys(), ["organizer_reminders"])
    for (organizer_id, meeting_id), names in by_email.items():
        meeting = loaded.meetings[meeting_id]
        queue_email(
            loaded.users[organizer_id],
            "organizer_reminders",
            "reminder_feedback_missing",
            enabled=(organizer_id, "organizer_reminders") not in off,
            meeting=meeting,
            cohort=meeting.cohort,
            names=names,
            month_url=external_url(
                "feedback_organizer.coverage", slug=meeting.cohort.slug, meeting_id=meeting.id
            ),
        )


def alert_missing_feedback() -> None:
    """The scheduler's tick: alerts about inventories without feedback (every 15 minutes)."""
    missing_feedback_alerts(utcnow())
