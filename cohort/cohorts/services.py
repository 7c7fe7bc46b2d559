"""Cohort use cases. Each one checks permissions, flushes, and leaves the commit to the caller."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..auth.services import normalize_email
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..markdown import render_markdown
from ..meetings.services import sync_meetings_from_rhythm
from ..permissions import Action, active_membership, forget_cached_memberships, require
from ..tokens import hash_token, new_token
from .models import (
    Cohort,
    EventKind,
    Invitation,
    Membership,
    MembershipEvent,
    MembershipStatus,
    RhythmKind,
    Role,
)
from .slugs import change_slug, check_slug, suggest_slug

GUIDES = Path(__file__).parent / "guides"


def default_guide(locale: str) -> str:
    """The starter guide offered to new cohorts, in the cohort's language."""
    path = GUIDES / f"{locale}.md"
    return (path if path.exists() else GUIDES / "en.md").read_text(encoding="utf-8")


@dataclass
class CohortSettings:
    name: str
    description: str
    guide: str
    timezone: str
    locale: str
    rhythm_kind: RhythmKind
    rhythm_week: int
    rhythm_weekday: int
    rhythm_starts_at: time
    rhythm_minutes: int
    inventory_due_days: int
    feedback_due_days: int
    feedback_reviewers: int = 2
    keep_start_stop: bool = False
    first_reminder_days: int = 7
    last_reminder_days: int = 1


def _apply_settings(cohort: Cohort, settings: CohortSettings) -> None:
    for name, value in vars(settings).items():
        setattr(cohort, name, value.strip() if isinstance(value, str) else value)
    cohort.guide_html = render_markdown(cohort.guide)


def _log(
    cohort: Cohort,
    kind: EventKind,
    actor: User | None,
    subject: User | None = None,
    invitation: Invitation | None = None,
    detail: str = "",
) -> None:
    db.session.add(
        MembershipEvent(
            cohort_id=cohort.id,
            kind=kind,
            actor_id=actor.id if actor else None,
            subject_id=subject.id if subject else None,
            invitation_id=invitation.id if invitation else None,
            detail=detail,
        )
    )


def create_cohort(user: User, settings: CohortSettings, slug: str | None = None) -> Cohort:
    """A new cohort with ``user`` as its first organizer, at the address ``slug`` (or one
    suggested from its name)."""
    if slug:
        check_slug(slug)
    cohort = Cohort(slug=slug or suggest_slug(settings.name))
    _apply_settings(cohort, settings)
    _insert_at_free_address(cohort, settings.name, chosen=bool(slug))
    db.session.add(Membership(cohort_id=cohort.id, user_id=user.id, role=Role.ORGANIZER))
    _log(cohort, EventKind.JOINED, user, user, detail=Role.ORGANIZER.value)
    db.session.flush()
    forget_cached_memberships()
    sync_meetings_from_rhythm(cohort, utcnow())
    return cohort


def _insert_at_free_address(cohort: Cohort, name: str, chosen: bool) -> None:
    """Insert the cohort; when another request took the same address a moment earlier (both
    found it free), a chosen address is refused like any taken one and a suggested one is
    suggested afresh, instead of the unique index ending the request with an error."""
    for _attempt in range(3):
        try:
            with db.session.begin_nested():
                db.session.add(cohort)
                db.session.flush()
            return
        except IntegrityError:
            if chosen:
                check_slug(cohort.slug)  # now sees the other cohort and says so
                raise
            cohort.slug = suggest_slug(name)
    raise DomainError(_l("We are sorry. Please try again in a moment."), field="slug")


def update_cohort_settings(
    actor: User, cohort: Cohort, settings: CohortSettings, slug: str | None = None
) -> None:
    """Save the settings; a new ``slug`` moves the cohort, its old address redirecting."""
    require(actor, Action.MANAGE, cohort)
    if slug:
        change_slug(cohort, slug)
    _apply_settings(cohort, settings)
    db.session.flush()
    sync_meetings_from_rhythm(cohort, utcnow())  # a new rhythm moves the future sessions


def set_archived(actor: User, cohort: Cohort, archived: bool) -> None:
    """Archive (read-only for everyone, no reminders) or bring the cohort back."""
    require(actor, Action.ARCHIVE, cohort)
    if cohort.is_archived == archived:
        return
    cohort.is_archived = archived
    _log(cohort, EventKind.ARCHIVED if archived else EventKind.UNARCHIVED, actor)
    db.session.flush()


# Invitations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown or sent once; only its hash is stored


def create_invitation(
    actor: User,
    cohort: Cohort,
    *,
    max_uses: int,
    valid_days: int,
    role: Role = Role.MEMBER,
    email: str | None = None,
) -> IssuedInvitation:
    """A shareable link (``email`` None) or a personal invitation bound to ``email``."""
    require(actor, Action.MANAGE, cohort)
    if role == Role.ORGANIZER:
        raise DomainError(_l("Invite people as members or mentors, then change their role."))
    if email is not None:
        email = normalize_email(email)
        max_uses = 1
        already = db.session.scalar(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.status == MembershipStatus.ACTIVE,
                User.email == email,
            )
        )
        if already is not None:
            raise DomainError(_l("%(email)s is already a member.", email=email), "email")
    token, token_hash = new_token()
    invitation = Invitation(
        cohort_id=cohort.id,
        token_hash=token_hash,
        email=email,
        role=role,
        max_uses=max_uses,
        expires_at=utcnow() + timedelta(days=valid_days),
        created_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    _log(cohort, EventKind.INVITATION_CREATED, actor, invitation=invitation, detail=email or "")
    db.session.flush()
    return IssuedInvitation(invitation, token)


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    require(actor, Action.MANAGE, invitation)
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        _log(invitation.cohort, EventKind.INVITATION_REVOKED, actor, invitation=invitation)
        db.session.flush()


def find_invitation(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


INVITATION_PROBLEMS = {
    "revoked": _l("This invitation was withdrawn by the cohort's organizers."),
    "expired": _l("This invitation has expired."),
    "used": _l("This invitation has already been used."),
    "archived": _l("This cohort is archived and no longer takes new members."),
    "other_email": _l(
        "This invitation was sent to another email address. Log in with that address, "
        "or ask the organizers for a new invitation."
    ),
    "removed": _l(
        "You were removed from this cohort. Only a new personal invitation from its "
        "organizers lets you back in."
    ),
}


def invitation_problem(invitation: Invitation, user: User | None, now: datetime) -> str | None:
    """Why this invitation cannot be used (a key of INVITATION_PROBLEMS), or None."""
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.cohort.is_archived:
        return "archived"
    if invitation.expires_at <= now:
        return "expired"
    if invitation.use_count >= invitation.max_uses:
        return "used"
    if user is not None and invitation.email and invitation.email != user.email:
        return "other_email"
    if user is not None and _removed_before(user, invitation):
        return "removed"
    return None


def _removed_before(user: User, invitation: Invitation) -> bool:
    """True when an organizer removed the user from the cohort and has not invited them
    again since: only a personal invitation made after the removal brings them back."""
    removal = db.session.execute(
        select(Membership.ended_at).where(
            Membership.cohort_id == invitation.cohort_id,
            Membership.user_id == user.id,
            Membership.status == MembershipStatus.REMOVED,
        )
    ).first()
    if removal is None:
        return False
    invited_again = invitation.email is not None and (
        removal.ended_at is None or invitation.created_at > removal.ended_at
    )
    return not invited_again


def redeem_invitation(user: User, invitation: Invitation) -> Membership:
    """Join the invitation's cohort. Already a member: nothing changes.

    One conditional UPDATE claims a use, so a single-use invitation admits exactly one person
    even when two requests arrive at the same moment (on PostgreSQL the second waits for the
    first and then finds no use left).
    """
    cohort = invitation.cohort
    membership = active_membership(user, cohort)
    if membership is not None:
        return membership
    problem = invitation_problem(invitation, user, utcnow())
    if problem:
        raise DomainError(INVITATION_PROBLEMS[problem])
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.use_count < Invitation.max_uses,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .values(use_count=Invitation.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError(INVITATION_PROBLEMS["used"])
    db.session.refresh(invitation)
    membership = db.session.scalar(
        select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(cohort_id=cohort.id, user_id=user.id)
        db.session.add(membership)
    membership.role = invitation.role
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = utcnow()
    membership.ended_at = None
    membership.invitation_id = invitation.id
    _log(cohort, EventKind.JOINED, user, user, invitation, detail=invitation.role.value)
    db.session.flush()
    forget_cached_memberships()
    return membership


# Members ----------------------------------------------------------------------------------


def _organizer_count(cohort: Cohort) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role == Role.ORGANIZER,
        )
    )


def _keep_one_organizer(membership: Membership) -> None:
    if membership.is_organizer and _organizer_count(membership.cohort) <= 1:
        raise DomainError(
            _l("A cohort needs at least one organizer. Make someone else an organizer first.")
        )


def change_role(actor: User, membership: Membership, role: Role) -> None:
    require(actor, Action.MANAGE, membership)
    if not membership.is_active or membership.role == role:
        return
    if role != Role.ORGANIZER:
        _keep_one_organizer(membership)
    old = membership.role
    if old == Role.MENTOR:
        from ..mentoring.services import end_pairings_of

        end_pairings_of(membership, as_mentor_only=True)  # no mentoring without the role
    membership.role = role
    _log(membership.cohort, EventKind.ROLE_CHANGED, actor, membership.user, detail=f"{old}→{role}")
    db.session.flush()
    forget_cached_memberships()


def _end_membership(membership: Membership, status: MembershipStatus) -> None:
    from ..mentoring.services import end_pairings_of

    end_pairings_of(membership)  # a mentoring ends with either side's membership
    membership.status = status
    membership.ended_at = utcnow()
    forget_cached_memberships()


def remove_member(actor: User, membership: Membership) -> None:
    """The member loses access on their very next request."""
    require(actor, Action.MANAGE, membership)
    if not membership.is_active:
        return
    if membership.user_id == actor.id:
        raise DomainError(
            _l('To leave the cohort yourself, use "Leave this cohort" on the members page.')
        )
    _keep_one_organizer(membership)
    _end_membership(membership, MembershipStatus.REMOVED)
    _log(membership.cohort, EventKind.REMOVED, actor, membership.user)
    db.session.flush()


def leave_cohort(user: User, cohort: Cohort) -> None:
    require(user, Action.PARTICIPATE, cohort)
    membership = active_membership(user, cohort)
    _keep_one_organizer(membership)
    _end_membership(membership, MembershipStatus.LEFT)
    _log(cohort, EventKind.LEFT, user, user)
    db.session.flush()
