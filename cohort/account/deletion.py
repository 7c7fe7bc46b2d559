"""Deleting an account: every column that points at a user has one fate, decided here.

- ``DELETE``: the rows are the person's own (inventories, goals, follows, the outbox's emails to
  them, …) and go. Rows hanging off them (an inventory's revisions, the feedback on it, others'
  cheers on it) go through the database's ON DELETE rules.
- ``ANONYMISE``: the rows are worth keeping for others (the feedback the person gave stays with
  its recipient); the pointer is cleared and the page shows "a former member".
- ``SET_NULL``: the rows are others' records (an invitation the person created, a log entry);
  only the pointer is cleared.

A feature that adds a table pointing at ``users`` classifies its columns with ``classify`` (and,
if its rows can hold the person's name or address as text, registers a ``scrubber``);
tests/test_account_deletion.py fails for any column left out.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, delete, func, select, update

from ..auth.models import User
from ..cohorts.models import Cohort, Invitation, Membership, MembershipEvent, MembershipStatus, Role
from ..delivery.models import Notification, OutboundEmail
from ..delivery.notices import FORMER_MEMBER, NAMED_PERSON
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..passwords import verify_password


class Fate(enum.StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    SET_NULL = "set_null"


# "table.column" → fate, for every foreign key to users.id.
FATES: dict[str, Fate] = {}


def classify(column: str, fate: Fate) -> None:
    FATES[column] = fate


for _column, _fate in {
    "password_reset_tokens.user_id": Fate.DELETE,
    "memberships.user_id": Fate.DELETE,
    "invitations.created_by_id": Fate.SET_NULL,
    "membership_events.actor_id": Fate.SET_NULL,
    "membership_events.subject_id": Fate.SET_NULL,
    "inventories.user_id": Fate.DELETE,
    "goals.user_id": Fate.DELETE,
    "tasks.user_id": Fate.DELETE,
    "attendances.user_id": Fate.DELETE,
    "feedback.giver_id": Fate.ANONYMISE,
    "feedback.recipient_id": Fate.DELETE,
    "feedback_assignments.giver_id": Fate.DELETE,
    "feedback_assignments.recipient_id": Fate.DELETE,
    "feedback_assignments.created_by_id": Fate.SET_NULL,
    "notifications.user_id": Fate.DELETE,
    "reminder_deliveries.user_id": Fate.DELETE,
    "reminder_holds.user_id": Fate.DELETE,
    "outbound_emails.user_id": Fate.DELETE,
    "email_preferences.user_id": Fate.DELETE,
    "delivery_settings.user_id": Fate.DELETE,
    "push_subscriptions.user_id": Fate.DELETE,
    "push_preferences.user_id": Fate.DELETE,
    "chat_webhooks.set_by_id": Fate.SET_NULL,
    "follows.follower_id": Fate.DELETE,
    "follows.followee_id": Fate.DELETE,
    "cheers.user_id": Fate.DELETE,
    # Organizers' notes go with either side: their text may name the sender.
    "personal_notes.sender_id": Fate.DELETE,
    "personal_notes.recipient_id": Fate.DELETE,
    "signal_dismissals.user_id": Fate.DELETE,
    "signal_dismissals.dismissed_by_id": Fate.SET_NULL,
    "session_talks.user_id": Fate.DELETE,
    "session_talks.added_by_id": Fate.SET_NULL,
    "companion_preferences.user_id": Fate.DELETE,
    "year_shares.user_id": Fate.DELETE,
    "writing_preferences.user_id": Fate.DELETE,
    "seasons.closed_by_id": Fate.SET_NULL,
    "live_runs.facilitator_id": Fate.SET_NULL,
    # A listener's notes are theirs alone; notes about a person go with that person too.
    "listener_notes.author_id": Fate.DELETE,
    "listener_notes.speaker_id": Fate.DELETE,
    "session_checkouts.user_id": Fate.DELETE,
    # The pair's agreement names who changed it last; the pair's rows go with the membership.
    "pairings.agreement_by_id": Fate.SET_NULL,
}.items():
    classify(_column, _fate)


def user_columns() -> list[Column]:
    """Every column of the schema with a foreign key to users.id."""
    return [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if any(key.column.table.name == "users" for key in column.foreign_keys)
    ]


def unclassified() -> list[str]:
    return [
        f"{c.table.name}.{c.name}"
        for c in user_columns()
        if f"{c.table.name}.{c.name}" not in FATES
    ]


# Clean-ups of text that names the person in rows that do not point at them: each gets the
# user before anything is deleted.
SCRUBBERS: list[Callable[[User], None]] = []


def scrubber(function: Callable[[User], None]) -> Callable[[User], None]:
    SCRUBBERS.append(function)
    return function


@scrubber
def _invitations_to_their_address(user: User) -> None:
    db.session.execute(delete(Invitation).where(Invitation.email == user.email))


@scrubber
def _their_address_in_the_log(user: User) -> None:
    db.session.execute(
        update(MembershipEvent).where(MembershipEvent.detail.contains(user.email)).values(detail="")
    )


@scrubber
def _emails_to_their_address(user: User) -> None:
    db.session.execute(delete(OutboundEmail).where(OutboundEmail.to_address == user.email))


@scrubber
def _their_name_in_others_notifications(user: User) -> None:
    """Notifications of the person's cohorts that name them now name "a former member"."""
    cohort_ids = select(Membership.cohort_id).where(Membership.user_id == user.id)
    notices = db.session.scalars(
        select(Notification).where(
            Notification.cohort_id.in_(cohort_ids),
            Notification.kind.in_(NAMED_PERSON),
            Notification.user_id != user.id,
        )
    )
    for notice in notices:
        key = NAMED_PERSON[notice.kind]
        if notice.data.get(key) == user.display_name:
            notice.data = {**notice.data, key: "", FORMER_MEMBER: key}
    db.session.flush()


@scrubber
def _their_mentoring_ends(user: User) -> None:
    """Their pairings end first, so that a mentee keeps the record of an ended mentoring
    (the mentor shown as a former member) and no reminder goes to half a pair."""
    from ..mentoring.services import end_pairings_of

    for membership in db.session.scalars(select(Membership).where(Membership.user_id == user.id)):
        end_pairings_of(membership)
    db.session.flush()


def last_organizer_of(user: User) -> list[Cohort]:
    """Active cohorts the person is the only organizer of: they must hand the role over or
    archive the cohort before the account can go."""
    others = (
        select(func.count())
        .where(
            Membership.cohort_id == Cohort.id,
            Membership.user_id != user.id,
            Membership.role == Role.ORGANIZER,
            Membership.status == MembershipStatus.ACTIVE,
        )
        .correlate(Cohort)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(Cohort)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(
                Membership.user_id == user.id,
                Membership.role == Role.ORGANIZER,
                Membership.status == MembershipStatus.ACTIVE,
                Cohort.is_archived.is_(False),
                others == 0,
            )
            .order_by(Cohort.name)
        )
    )


@dataclass(frozen=True)
class DeletedAccount:
    email: str
    locale: str


def delete_account(user: User, password: str) -> DeletedAccount:
    """Delete the account and everything of it, as ``FATES`` says; flushes, the caller
    commits. Every session ends with the row."""
    if not verify_password(user.password_hash, password or ""):
        raise DomainError(_l("The password is not correct."), "password")
    blocking = last_organizer_of(user)
    if blocking:
        raise DomainError(
            _l("You are the only organizer of %(names)s: hand the role over or archive it first.",
               names=", ".join(cohort.name for cohort in blocking))
        )  # fmt: skip
    missing = unclassified()
    if missing:
        raise RuntimeError(f"columns pointing at users without a fate: {missing}")
    gone = DeletedAccount(email=user.email, locale=user.locale)
    db.session.flush()
    for scrub in SCRUBBERS:
        scrub(user)
    _apply_fates(user.id)
    db.session.expunge(user)
    db.session.expire_all()
    return gone


def _apply_fates(user_id: int) -> None:
    """Clear the pointers first, then delete, children before parents, then the user row."""
    columns = {f"{c.table.name}.{c.name}": c for c in user_columns()}
    for name, column in columns.items():
        if FATES[name] in (Fate.ANONYMISE, Fate.SET_NULL):
            db.session.execute(
                update(column.table).where(column == user_id).values({column.name: None})
            )
    for name, column in reversed(columns.items()):
        if FATES[name] is Fate.DELETE:
            db.session.execute(delete(column.table).where(column == user_id))
    db.session.execute(delete(User.__table__).where(User.__table__.c.id == user_id))
