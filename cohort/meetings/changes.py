"""Telling members when a coming session moves, changes place or is cancelled.

People plan their evening around a session; a new time or a cancellation that nobody hears
of costs more trust than any reminder earns. Each member is told once per change (the ledger
key carries the session's calendar sequence), in the app and by email in their own language
and time zone. Filling in a place or link for the first time is not a change.
"""

from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Membership, MembershipStatus
from ..database import utcnow
from ..delivery.ledger import claim
from ..delivery.notices import notify
from ..delivery.outbox import queue_email
from ..delivery.pushes import PushNotice, queue_pushes
from ..emails import external_url
from ..extensions import db
from .models import Meeting

CANCELLED, MOVED = "session_cancelled", "session_changed"


def what_changed(meeting: Meeting, details) -> list[str]:
    """Which of time / place / link the new ``details`` change in a way members need to know
    about (call before applying them)."""
    changed = []
    if (meeting.starts_at, meeting.ends_at) != (details.starts_at, details.ends_at):
        changed.append("time")
    for name in ("place", "online_url"):
        before, after = getattr(meeting, name), (getattr(details, name) or "").strip()
        if before and before != after:
            changed.append(name)
    return changed


def tell_members(actor: User, meeting: Meeting, kind: str, changed: list[str] = ()) -> int:
    """Notify every active member but the organizer who made the change; returns how many."""
    if kind == MOVED and (not changed or meeting.ends_at <= utcnow()):
        return 0
    members = db.session.scalars(
        select(Membership).where(
            Membership.cohort_id == meeting.cohort_id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.user_id != actor.id,
        )
    ).all()
    cohort = meeting.cohort
    links = {
        "session_url": external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id),
        "ics_url": external_url("meetings.ics", slug=cohort.slug, meeting_id=meeting.id),
        "sessions_url": external_url("meetings.index", slug=cohort.slug),
    }
    told, pushes = 0, []
    for membership in members:
        if not claim(membership.user_id, kind, f"meeting-{meeting.id}:seq-{meeting.sequence}"):
            continue
        notify(
            membership.user_id,
            kind,
            url=links["session_url"],
            cohort_id=cohort.id,
            meeting=meeting.title,
        )
        queue_email(
            membership.user,
            "session_changes",
            kind,
            meeting=meeting,
            cohort=cohort,
            organizer=actor,
            changed=list(changed),
            **links,
        )
        pushes.append(
            PushNotice(
                user_id=membership.user_id,
                locale=membership.user.locale,
                kind=kind,
                choice="session_changes",
                period_key=f"meeting-{meeting.id}:seq-{meeting.sequence}",
                title=cohort.name,
                url=links["session_url"],
                data={"meeting": meeting.title},
                cohort_id=cohort.id,
            )
        )
        told += 1
    queue_pushes(pushes)  # a new time or a cancellation is worth a buzz on the phone
    return told
