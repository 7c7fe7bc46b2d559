"""Use cases of the signals page: read the signals, dismiss one, put a member on the coming
session's list, send a personal note. Organizers only; the caller commits."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..delivery.models import OutboundEmail
from ..delivery.notices import notify
from ..delivery.outbox import queue_email
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db
from ..feedback.services import site_path
from ..i18n import lazy_gettext as _l
from ..meetings.models import Meeting
from ..meetings.services import next_meeting
from ..permissions import Action, require
from .history import load_history
from .models import PersonalNote, SessionTalk, SignalDismissal
from .rules import KINDS, Signal, signals_in

NOTE_MAX = 2000
RECENT_NOTES = 10


@dataclass
class SignalsPage:
    signals: list[Signal]
    dismissed: int  # signals set aside whose evidence has not changed
    coming: Meeting | None
    talks: list[SessionTalk]  # at the coming session
    notes: list[PersonalNote]  # the latest notes sent in the cohort
    talking: set[tuple[int, str]] = field(default_factory=set)  # (user id, kind) on the list


def current_signals(cohort: Cohort, now: datetime) -> tuple[list[Signal], int]:
    """The signals not dismissed, and how many are dismissed (eight queries)."""
    signals = signals_in(load_history(cohort, now))
    dismissed = {
        (row.user_id, row.kind): row.fingerprint
        for row in db.session.scalars(
            select(SignalDismissal).where(SignalDismissal.cohort_id == cohort.id)
        )
    }
    shown = [s for s in signals if dismissed.get((s.user.id, s.kind)) != s.fingerprint]
    return shown, len(signals) - len(shown)


def signals_page(actor: User, cohort: Cohort, now: datetime) -> SignalsPage:
    require(actor, Action.VIEW_LOG, cohort)
    signals, dismissed = current_signals(cohort, now)
    coming = next_meeting(cohort, now)
    talks = talks_at(coming) if coming else []
    notes = list(
        db.session.scalars(
            select(PersonalNote)
            .where(PersonalNote.cohort_id == cohort.id)
            .order_by(PersonalNote.created_at.desc(), PersonalNote.id.desc())
            .limit(RECENT_NOTES)
        )
    )
    page = SignalsPage(signals, dismissed, coming, talks, notes)
    page.talking = {(talk.user_id, talk.kind) for talk in talks}
    return page


def _signal_of(cohort: Cohort, now: datetime, user_id: int, kind: str) -> Signal:
    if kind not in KINDS:
        raise DomainError(_l("Unknown signal."))
    signals, _dismissed = current_signals(cohort, now)
    for signal in signals:
        if signal.user.id == user_id and signal.kind == kind:
            return signal
    raise DomainError(_l("This signal has changed or is gone; the page now shows what is current."))


def dismiss_signal(actor: User, cohort: Cohort, user_id: int, kind: str, now: datetime) -> None:
    """Hide the signal until its evidence changes."""
    require(actor, Action.MANAGE, cohort)
    signal = _signal_of(cohort, now, user_id, kind)
    row = db.session.scalar(
        select(SignalDismissal).where(
            SignalDismissal.cohort_id == cohort.id,
            SignalDismissal.user_id == user_id,
            SignalDismissal.kind == kind,
        )
    )
    if row is None:
        row = SignalDismissal(cohort_id=cohort.id, user_id=user_id, kind=kind)
        db.session.add(row)
    row.fingerprint = signal.fingerprint
    row.dismissed_by_id = actor.id
    row.created_at = now
    db.session.flush()


def talk_at_session(actor: User, cohort: Cohort, user_id: int, kind: str, now: datetime) -> Meeting:
    """Put the member on the coming session's list of people to talk with."""
    require(actor, Action.MANAGE, cohort)
    if kind not in KINDS:
        raise DomainError(_l("Unknown signal."))
    _member(cohort, user_id)
    meeting = next_meeting(cohort, now)
    if meeting is None:
        raise DomainError(_l("No session is scheduled: add one first."))
    exists = db.session.scalar(
        select(SessionTalk.id).where(
            SessionTalk.meeting_id == meeting.id,
            SessionTalk.user_id == user_id,
            SessionTalk.kind == kind,
        )
    )
    if exists is None:
        db.session.add(
            SessionTalk(
                cohort_id=cohort.id,
                meeting_id=meeting.id,
                user_id=user_id,
                kind=kind,
                added_by_id=actor.id,
                created_at=now,
            )
        )
        db.session.flush()
    return meeting


def remove_talk(actor: User, talk: SessionTalk) -> None:
    require(actor, Action.MANAGE, db.session.get(Cohort, talk.cohort_id))
    db.session.delete(talk)
    db.session.flush()


def talks_at(meeting: Meeting) -> list[SessionTalk]:
    """The members to talk with at a session (one query)."""
    return list(
        db.session.scalars(
            select(SessionTalk)
            .where(SessionTalk.meeting_id == meeting.id)
            .order_by(SessionTalk.created_at, SessionTalk.id)
        )
    )


def _member(cohort: Cohort, user_id: int) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(
            Membership.cohort_id == cohort.id,
            Membership.user_id == user_id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role == Role.MEMBER,
        )
    )
    if membership is None:
        raise DomainError(_l("This person is not a member of the cohort."))
    return membership


def note_recipient(actor: User, cohort: Cohort, user_id: int) -> Membership:
    require(actor, Action.MANAGE, cohort)
    return _member(cohort, user_id)


def send_note(
    actor: User, cohort: Cohort, user_id: int, kind: str, body: str
) -> OutboundEmail | None:
    """A personal note from the organizer: in the member's notifications and by email (unless
    they switched those emails off). Returns the queued email for ``deliver_now``."""
    membership = note_recipient(actor, cohort, user_id)
    body = body.strip()
    if not body:
        raise DomainError(_l("Write the note first."), field="body")
    if len(body) > NOTE_MAX:
        raise DomainError(_l("Keep the note under %(num)d characters.", num=NOTE_MAX), "body")
    member = membership.user
    db.session.add(
        PersonalNote(
            cohort_id=cohort.id,
            sender_id=actor.id,
            recipient_id=member.id,
            kind=kind if kind in KINDS else "",
            body=body,
        )
    )
    notify(
        member.id,
        "personal_note",
        url=site_path("cohorts.overview", slug=cohort.slug),
        cohort_id=cohort.id,
        organizer=actor.display_name,
        note=body,
    )
    email = queue_email(
        member, "personal_note", "personal_note", cohort=cohort, organizer=actor, note=body,
        cohort_url=external_url("cohorts.overview", slug=cohort.slug),
    )  # fmt: skip
    db.session.flush()
    return email
