"""What a cohort's chat hears: a session tomorrow, how many members have shared once their
inventories are due, and a session recap when a feature has one to post. Never anyone's
inventory text: counts, titles, times and links only.

Each post is claimed in the channel ledger once per (chat, kind, period), like a reminder, so
two schedulers post it once; the webhook channel sends it with the outbox's retries.
"""

from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..delivery.channels import webhook
from ..delivery.channels.sending import queue
from ..delivery.ledger import claim_channel_many
from ..delivery.models import ChatWebhook
from ..emails import external_url
from ..extensions import db
from ..i18n import datetime_zoned_filter
from ..i18n import gettext as _
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Meeting, MeetingStatus
from .due import shifted

SHARED_WINDOW = timedelta(hours=12)  # "N have shared" goes out within this after the due time


def _hooked_sessions(now: datetime) -> list[tuple[Meeting, ChatWebhook]]:
    """Scheduled sessions of cohorts with a chat switched on, near a post (one query)."""
    rows = db.session.execute(
        select(Meeting, ChatWebhook)
        .join(ChatWebhook, ChatWebhook.cohort_id == Meeting.cohort_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(
            ChatWebhook.enabled.is_(True),
            Cohort.is_archived.is_(False),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now,
            Meeting.inventory_due_at <= now + timedelta(days=2),
        )
    )
    return [(meeting, hook) for meeting, hook in rows]


def _shared_counts(meeting_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(shared, writers) per session, in two grouped queries."""
    if not meeting_ids:
        return {}
    shared = dict(
        db.session.execute(
            select(Inventory.meeting_id, func.count())
            .where(
                Inventory.meeting_id.in_(meeting_ids), Inventory.status == InventoryStatus.SHARED
            )
            .group_by(Inventory.meeting_id)
        ).all()
    )
    writers = dict(
        db.session.execute(
            select(Meeting.id, func.count())
            .join(Membership, Membership.cohort_id == Meeting.cohort_id)
            .where(
                Meeting.id.in_(meeting_ids),
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role != Role.MENTOR,
            )
            .group_by(Meeting.id)
        ).all()
    )
    return {mid: (shared.get(mid, 0), writers.get(mid, 0)) for mid in meeting_ids}


def _text(kind: str, meeting: Meeting, counts: tuple[int, int] | None = None) -> str:
    cohort = meeting.cohort
    with force_locale(cohort.locale):
        link = external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id)
        when = datetime_zoned_filter(meeting.starts_at, cohort.timezone)
        if kind == "chat_session_tomorrow":
            line = _("%(title)s is tomorrow, %(when)s.", title=meeting.title, when=when)
        else:
            shared, writers = counts or (0, 0)
            line = _(
                "%(shared)d of %(writers)d members have shared their inventory for %(title)s.",
                shared=shared,
                writers=writers,
                title=meeting.title,
            )
        return f"{line} {link}"


def _payload(kind: str, meeting: Meeting, text: str) -> dict:
    cohort = meeting.cohort
    return {
        "text": text,
        "cohort": cohort.name,
        "settings_url": external_url("notifications.chat", slug=cohort.slug),
    }


def queue_chat_posts(now: datetime) -> int:
    """Claim and queue the chat posts due now; returns how many were queued."""
    wanted: dict[tuple[str, str, str, str], tuple[str, Meeting]] = {}
    sessions = _hooked_sessions(now)
    for meeting, hook in sessions:
        zone, recipient = meeting.cohort.timezone, f"cohort-{meeting.cohort_id}"
        day_before = shifted(meeting.starts_at, zone, days=1)
        if hook.post_sessions and day_before <= now:
            key = ("webhook", recipient, "chat_session_tomorrow", f"meeting-{meeting.id}:T-1d")
            wanted[key] = ("chat_session_tomorrow", meeting)
        due = meeting.inventory_due_at
        if hook.post_shared and due <= now < due + SHARED_WINDOW:
            key = ("webhook", recipient, "chat_shared", f"meeting-{meeting.id}:due")
            wanted[key] = ("chat_shared", meeting)
    claimed = claim_channel_many(list(wanted))
    counts = _shared_counts(
        sorted({wanted[key][1].id for key in claimed if key[2] == "chat_shared"})
    )
    for key in sorted(claimed):
        kind, meeting = wanted[key]
        text = _text(kind, meeting, counts.get(meeting.id))
        queue(webhook.NAME, kind, _payload(kind, meeting, text), cohort_id=meeting.cohort_id)
    db.session.commit()
    return len(claimed)


def post_recap(meeting: Meeting, lines: list[str]) -> bool:
    """The session recap hook: a feature that writes a recap (never inventory text) posts it
    to the cohort's chat once per session. Returns whether it was queued; the caller commits."""
    hook = db.session.get(ChatWebhook, meeting.cohort_id)
    if hook is None or not hook.enabled or not lines:
        return False
    key = ("webhook", f"cohort-{meeting.cohort_id}", "chat_recap", f"meeting-{meeting.id}:recap")
    if not claim_channel_many([key]):
        return False
    text = "\n".join([meeting.title, *lines])[:3000]
    queue(
        webhook.NAME,
        "chat_recap",
        _payload("chat_recap", meeting, text),
        cohort_id=meeting.cohort_id,
    )
    return True


def post_session_recap(meeting: Meeting, spoke: int, attended: int) -> bool:
    """A session that ran live tells the chat it is over: how many spoke and were there, and
    where the minutes are (no names, no notes, nothing anyone wrote)."""
    cohort = meeting.cohort
    with force_locale(cohort.locale):
        link = external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id)
        line = _(
            "The session is over: %(spoke)d spoke and %(attended)d were there. Minutes: %(link)s",
            spoke=spoke,
            attended=attended,
            link=link,
        )
    return post_recap(meeting, [line])
