"""Who facilitates a session: the organizers, or a member an organizer names; "next in
rotation" suggests whoever facilitated longest ago."""

from sqlalchemy import func, select

from ..auth.models import User
from ..cohorts.models import Membership, MembershipStatus, Role
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..meetings.models import Meeting
from ..permissions import Action, require
from .models import LiveRun
from .services import _bump, _ensure_run


def _facilitator_candidates(meeting: Meeting) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.cohort_id == meeting.cohort_id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role.in_((Role.MEMBER, Role.ORGANIZER)),
            )
            .order_by(Membership.joined_at, Membership.id)
        )
    )


def facilitator_choices(meeting: Meeting) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.display_name) for m in _facilitator_candidates(meeting)]


def suggest_facilitator(meeting: Meeting, candidates: list[int] | None = None) -> int | None:
    """Next in rotation: whoever facilitated longest ago (or never), the earliest to join
    first among equals. ``candidates``: the members who may facilitate, when known."""
    last = dict(
        db.session.execute(
            select(LiveRun.facilitator_id, func.max(Meeting.starts_at))
            .join(Meeting, Meeting.id == LiveRun.meeting_id)
            .where(
                Meeting.cohort_id == meeting.cohort_id,
                Meeting.id != meeting.id,
                LiveRun.facilitator_id.is_not(None),
            )
            .group_by(LiveRun.facilitator_id)
        ).all()
    )
    if candidates is None:
        candidates = [m.user_id for m in _facilitator_candidates(meeting)]
    if not candidates:
        return None
    never = [uid for uid in candidates if uid not in last]
    if never:
        return never[0]
    return min(candidates, key=lambda uid: last[uid])


def set_facilitator(actor: User, meeting: Meeting, user_id: int | None) -> LiveRun:
    """Organizers name the facilitator (None: the organizers themselves)."""
    require(actor, Action.MANAGE, meeting)
    if meeting.is_cancelled:
        raise DomainError(_l("This session was cancelled."))
    if user_id is not None and user_id not in {m.user_id for m in _facilitator_candidates(meeting)}:
        raise DomainError(_l("Choose an active member of this cohort."), field="facilitator")
    run = _ensure_run(meeting)
    run.facilitator_id = user_id
    _bump(run)
    return run
