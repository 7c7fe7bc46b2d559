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
from ..emails import external_url
from ..extensions import db
from ..notifications.ledger import claim
from ..notifications.outbox import queue_email
from ..notifications.services import notify
from .models import Meeting

CANCELLED, MOVED = "session_cancelled", "session_changed"


def what_changed(meeting: Meeting, before: dict) -> list[str]:
    """Which of time / place / link a member would need to know about."""
    changed = []
    if (before["starts_at"], before["ends_at"]) != (meeting.starts_at, meeting.ends_at):
        changed.append("time")
    for name in ("place", "online_url"):
        if before[name] and before[name] != getattr(meeting, name):
            changed.append(name)
    return changed


def snapshot(meeting: Meeting) -> dict:
    return {
        name: getattr(meeting, name) for name in ("starts_at", "ends_at", "place", "online_url")
    }


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
    url = external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id)
    ics_url = external_url("meetings.ics", slug=cohort.slug, meeting_id=meeting.id)
    told = 0
    for membership in members:
        if not claim(membership.user_id, kind, f"meeting-{meeting.id}:seq-{meeting.sequence}"):
            continue
        notify(membership.user_id, kind, url=url, cohort_id=cohort.id, meeting=meeting.title)
        queue_email(
            membership.user,
            "session_changes",
            kind,
            meeting=meeting,
            cohort=cohort,
            organizer=actor,
            changed=list(changed),
            session_url=url,
            ics_url=ics_url,
            sessions_url=external_url("meetings.index", slug=cohort.slug),
        )
        told += 1
    return told
