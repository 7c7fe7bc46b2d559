"""Periodic work for feedback, run by the scheduler process (listed in cohort/scheduler.py)."""

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..database import utcnow
from ..emails import external_url
from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting, MeetingStatus
from ..notifications.ledger import claim
from ..notifications.outbox import queue_email
from ..notifications.services import notify
from .models import Feedback
from .services import site_path

ALERT_BEFORE_DUE = timedelta(hours=48)


def missing_feedback_alerts(now: datetime) -> int:
    """Tell each organizer, once, about every shared inventory that still has no feedback
    when the session's feedback is due within 48 hours; returns how many alerts were new."""
    meeting_ids = (
        select(Meeting.id)
        .join(Cohort, Meeting.cohort_id == Cohort.id)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Cohort.is_archived.is_(False),
            Meeting.feedback_due_at > now,
            Meeting.feedback_due_at <= now + ALERT_BEFORE_DUE,
        )
    )
    has_feedback = exists().where(Feedback.inventory_id == Inventory.id)
    inventories = db.session.scalars(
        select(Inventory).where(
            Inventory.meeting_id.in_(meeting_ids),
            Inventory.status == InventoryStatus.SHARED,
            ~has_feedback,
        )
    ).all()
    if not inventories:
        return 0
    organizers: dict[int, list[int]] = {}
    for cohort_id, user_id in db.session.execute(
        select(Membership.cohort_id, Membership.user_id).where(
            Membership.cohort_id.in_(sorted({inventory.cohort_id for inventory in inventories})),
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role == Role.ORGANIZER,
        )
    ):
        organizers.setdefault(cohort_id, []).append(user_id)
    sent = 0
    by_email: dict[tuple[int, int], list[Inventory]] = {}
    for inventory in inventories:
        url = site_path("inventories.show", slug=inventory.cohort.slug, inventory_id=inventory.id)
        for organizer_id in organizers.get(inventory.cohort_id, []):
            if organizer_id == inventory.user_id:
                continue  # an organizer's own inventory: the other organizers hear of it
            if claim(organizer_id, "feedback_missing", f"inventory-{inventory.id}"):
                notify(
                    organizer_id,
                    "feedback_missing",
                    url=url,
                    cohort_id=inventory.cohort_id,
                    recipient=inventory.user.display_name,
                )
                by_email.setdefault((organizer_id, inventory.meeting_id), []).append(inventory)
                sent += 1
    _email_organizers(by_email)
    return sent


def _email_organizers(by_email: dict[tuple[int, int], list[Inventory]]) -> None:
    """One email per organizer and session listing the inventories still without feedback."""
    for (organizer_id, _meeting_id), rows in by_email.items():
        meeting, cohort = rows[0].meeting, rows[0].cohort
        queue_email(
            db.session.get(User, organizer_id),
            "organizer_reminders",
            "reminder_feedback_missing",
            meeting=meeting,
            cohort=cohort,
            names=[row.user.display_name for row in rows],
            month_url=external_url(
                "feedback_organizer.coverage", slug=cohort.slug, meeting_id=meeting.id
            ),
        )


def alert_missing_feedback() -> None:
    """The scheduler's tick: alerts about inventories without feedback (every 15 minutes)."""
    missing_feedback_alerts(utcnow())
