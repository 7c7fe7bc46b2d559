"""The delivery core's tables: in-app notifications (the bell), the ledger of claimed
messages, the email outbox and the recipients' preferences."""

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, string_enum, utcnow
from ..extensions import db


class Notification(db.Model):
    """What a user sees behind the bell. ``kind`` names a template; ``data`` fills it, so the
    text is rendered in the reader's language when shown, not when written."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
    )


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ReminderDelivery(db.Model):
    """The ledger: one row per reminder ever claimed. The unique key is the proof that a
    reminder was handled once, whatever the number of schedulers or restarts."""

    __tablename__ = "reminder_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    period_key: Mapped[str] = mapped_column(String(120))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "kind", "period_key"),)


class OutboundEmail(db.Model):
    """A queued email; the delivery job sends it with retries and a stable Message-ID."""

    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Addressed to an account when queued: if user_id is NULL later, the account was deleted
    # and the email is not sent (an invitation to a new address has no account from the start).
    to_account: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The cohort an email is about: it goes only to members still active there when sent.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        string_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbound_emails_due", "status", "next_attempt_at"),)


class EmailPreference(db.Model):
    """A user's choice to receive no email of one kind (absent: emails on)."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)


class DeliverySettings(db.Model):
    """A member's local hours and holiday pause (absent: the defaults of ``hours``)."""

    __tablename__ = "delivery_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    quiet_start: Mapped[time] = mapped_column(Time)
    quiet_end: Mapped[time] = mapped_column(Time)
    reminder_time: Mapped[time] = mapped_column(Time)
    email_paused_until: Mapped[date | None] = mapped_column(Date)


class ChannelDelivery(db.Model):
    """The ledger of the other channels: one row per message claimed for a recipient (a
    member, ``user-5``, or a cohort's chat, ``cohort-3``), kind, period and channel."""

    __tablename__ = "channel_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))
    period_key: Mapped[str] = mapped_column(String(120))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("channel", "recipient", "kind", "period_key"),)


class ChannelMessage(db.Model):
    """A queued message for a channel other than email, sent with the outbox's retries."""

    __tablename__ = "channel_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        string_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_channel_messages_due", "status", "next_attempt_at"),)


class ChatWebhook(db.Model):
    """A cohort's chat (Slack-compatible or Discord incoming webhook), set by organizers."""

    __tablename__ = "chat_webhooks"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(String(500))
    style: Mapped[str] = mapped_column(String(20), default="slack")
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    post_sessions: Mapped[bool] = mapped_column(Boolean, default=True)
    post_shared: Mapped[bool] = mapped_column(Boolean, default=True)
    # Who set it last: told in the bell if the chat keeps failing and is switched off.
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    switched_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderHold(db.Model):
    """A reminder a member's local hours hold back: not selected again before ``not_before``.

    The hold is worth only as long as what it was worked out from: the moment the reminder
    fell due (``due_at``, when the reminder's series has one) and the member's hours (zone,
    quiet hours, reminder time). A tick compares them in SQL, so a member who changes their
    hours, or a session that moves, has the reminder evaluated again at the next tick."""

    __tablename__ = "reminder_holds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    quiet_start: Mapped[time] = mapped_column(Time)
    quiet_end: Mapped[time] = mapped_column(Time)
    reminder_time: Mapped[time] = mapped_column(Time)

    __table_args__ = (Index("ix_reminder_holds_not_before", "not_before"),)


class PushSubscription(db.Model):
    """One browser or phone that a member turned notifications on in (a Web Push
    subscription). Its keys encrypt what is sent; the push service forgets it on 404/410."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(800), unique=True)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(80), default="")  # e.g. "Chrome on Android"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failed for good, in a row


class PushPreference(db.Model):
    """A member's choice for push notifications of one kind (absent: the kind's default)."""

    __tablename__ = "push_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
