"""In-app notifications: written by other features' services, read behind the bell."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, insert, select, update

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from .models import Notification

# Each kind's sentence; ``data`` fills the placeholders when the reader sees it, in their
# language. Features register their kinds here (one line each).
MESSAGES = {
    "feedback_received": _l("%(giver)s gave feedback on your inventory."),
    "feedback_helpful": _l("%(recipient)s found your feedback helpful."),
    "feedback_replied": _l("%(recipient)s replied to your feedback."),
    "feedback_assigned": _l("You are asked to give feedback to %(recipient)s."),
    "feedback_missing": _l("%(recipient)s's inventory has no feedback yet."),
    "cheered": _l("%(name)s cheered you on."),
    "inventory_due": _l("Your inventory for %(meeting)s is due soon."),
    "organizer_not_shared": _l("%(count)d members have not shared for %(meeting)s yet."),
    "session_soon": _l("%(meeting)s is coming up soon."),
    "nudge": _l("Your organizer reminds you to write your inventory for %(meeting)s."),
    "digest": _l("Before %(meeting)s: see what changed for your peers."),
    "feedback_owed": _l("You owe feedback to %(count)d members for %(meeting)s."),
    "session_changed": _l("%(meeting)s has a new time or place."),
    "session_cancelled": _l("%(meeting)s was cancelled."),
    "personal_note": _l("A note from %(organizer)s: %(note)s"),
    "session_recap": _l("%(meeting)s is over: its minutes are on the session page."),
    "session_missed": _l("What you missed at %(meeting)s: notes and who shared."),
    "mentoring_proposed": _l("%(name)s asked for a mentor and the organizers suggest you."),
    "mentoring_declined": _l("%(name)s cannot mentor you; your request is open again."),
    "mentoring_declined_organizer": _l(
        "The proposed mentor declined %(name)s's request; it waits for another mentor."
    ),
    "mentoring_started": _l("%(name)s is now your mentor."),
    "mentoring_one_to_one": _l("Your one-to-one with %(name)s is coming up."),
    "mentoring_steps_due": _l("Next steps with %(name)s are due: %(count)d."),
    "mentoring_review_due": _l("Time to review your mentoring with %(name)s."),
    "chat_switched_off": _l(
        "Posting to the chat of %(cohort)s was switched off: it kept refusing messages."
    ),
    "push_device_removed": _l(
        "Notifications on %(device)s were turned off: its browser kept refusing them. Turn "
        "them on again from that device if you still use it."
    ),
}

# A kind's other sentence, chosen by the notification's ``variant`` (its kind, and so its
# ledger entry and email preference, stay the same).
VARIANTS = {
    ("inventory_due", "quarter"): _l(
        "Your inventory for %(meeting)s is due soon. This session closes a quarter: "
        "you are invited to write a quarter review."
    ),
}


def notify(user_id: int, kind: str, *, url: str = "", cohort_id: int | None = None, **data) -> None:
    """Add a notification for a user; it is written in the caller's transaction."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    db.session.add(
        Notification(
            user_id=user_id, cohort_id=cohort_id, kind=kind, url=url, data=data, created_at=utcnow()
        )
    )


class Notice(NamedTuple):
    """One in-app notification to write with ``notify_many``."""

    user_id: int
    kind: str
    url: str
    cohort_id: int | None
    data: dict


def notify_many(notices: Sequence[Notice]) -> None:
    """Add many notifications in one statement, in the caller's transaction: a reminder tick
    writes hundreds per batch, and one ORM object each would cost time and memory for nothing."""
    for notice in notices:
        if notice.kind not in MESSAGES:
            raise ValueError(f"unknown notification kind {notice.kind!r}")
    if not notices:
        return
    now = utcnow()
    db.session.execute(
        insert(Notification.__table__),  # Core: no ORM bookkeeping per row
        [
            {
                "user_id": notice.user_id,
                "cohort_id": notice.cohort_id,
                "kind": notice.kind,
                "url": notice.url,
                "data": notice.data,
                "created_at": now,
            }
            for notice in notices
        ],
    )


# The key of a notification's data that names another person, per kind: when that person
# deletes their account, the name is replaced and ``FORMER_MEMBER`` records which key it was.
NAMED_PERSON = {
    "feedback_received": "giver",
    "feedback_helpful": "recipient",
    "feedback_replied": "recipient",
    "feedback_assigned": "recipient",
    "feedback_missing": "recipient",
    "cheered": "name",
    "mentoring_proposed": "name",
    "mentoring_declined": "name",
    "mentoring_declined_organizer": "name",
    "mentoring_started": "name",
    "mentoring_one_to_one": "name",
    "mentoring_steps_due": "name",
    "mentoring_review_due": "name",
}
FORMER_MEMBER = "former_member"


def message_of(notification: Notification) -> str:
    """The notification's sentence in the current language."""
    return sentence_of(notification.kind, notification.data)


def sentence_of(kind: str, data: dict) -> str:
    """A kind's sentence filled with ``data``, in the current language (the bell's, and a
    push notification's body)."""
    data = dict(data)
    if data.get(FORMER_MEMBER) in data:
        data[data[FORMER_MEMBER]] = _l("a former member")
    message = VARIANTS.get((kind, data.get("variant"))) or MESSAGES[kind]
    return str(message) % data


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


@dataclass
class NotificationPage:
    """One page of the bell, newest first. Whether an older page exists is known from one
    row more than the page shows, so no count of every notification is needed."""

    number: int
    items: list[Notification]
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def notifications_page(user: User, page: int, per_page: int = 30) -> NotificationPage:
    page = max(page, 1)
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return NotificationPage(page, rows[:per_page], has_next=len(rows) > per_page)


def mark_read(user: User, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications read, or all of them when no id is given."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    db.session.execute(statement.values(read_at=utcnow()))


# Kinds of email a member can switch off (in-app notifications always stay on).
EMAIL_KINDS = {
    "inventory_due": _l("Reminders to write your inventory"),
    "session_soon": _l("Reminders of an upcoming session"),
    "session_changes": _l("A session's new time or place, or its cancellation"),
    "organizer_reminders": _l("Organizer summaries: who has not shared yet"),
    "nudge": _l("Nudges from your organizers"),
    "digest": _l("A digest before each session, when you have not been around"),
    "feedback_owed": _l("Reminders of feedback you were asked to give"),
    "personal_note": _l("Personal notes from your organizers"),
    "session_recaps": _l("A session's recap when it ends"),
    "mentoring_digest": _l("A monthly digest of your mentees, when you mentor"),
}


def store_choices(model, user: User, kinds, enabled: dict[str, bool]) -> None:
    """Keep a member's choice for each of ``kinds`` in ``model`` (a preference table keyed
    by user and kind, with ``enabled``): a row per kind, on or off as ``enabled`` says."""
    for kind in kinds:
        preference = db.session.get(model, (user.id, kind))
        if preference is None:
            preference = model(user_id=user.id, kind=kind)
            db.session.add(preference)
        preference.enabled = bool(enabled.get(kind))
    db.session.flush()


def set_email_preferences(user: User, enabled: dict[str, bool]) -> None:
    from .models import EmailPreference

    store_choices(EmailPreference, user, EMAIL_KINDS, enabled)


def unsubscribe(user_id: int, kind: str) -> bool:
    """Switch one kind of email off for a user (from a link in an email)."""
    from .models import EmailPreference

    if kind not in EMAIL_KINDS or db.session.get(User, user_id) is None:
        return False
    preference = db.session.get(EmailPreference, (user_id, kind))
    if preference is None:
        db.session.add(EmailPreference(user_id=user_id, kind=kind, enabled=False))
    else:
        preference.enabled = False
    db.session.flush()
    return True
