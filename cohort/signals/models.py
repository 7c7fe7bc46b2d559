"""What organizers did about a signal: dismissed it, put it on a session's list, wrote a note."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import UTCDateTime, utcnow
from ..extensions import db


class SignalDismissal(db.Model):
    """A signal an organizer set aside. It stays hidden while its evidence (summed up in
    ``fingerprint``) is the same; new data makes a new fingerprint and the signal returns."""

    __tablename__ = "signal_dismissals"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    fingerprint: Mapped[str] = mapped_column(String(64))
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("cohort_id", "user_id", "kind"),)


class SessionTalk(db.Model):
    """A member an organizer means to talk with at a session, and why."""

    __tablename__ = "session_talks"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id], lazy="joined")

    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", "kind"),
        Index("ix_session_talks_cohort_meeting", "cohort_id", "meeting_id"),
    )


class PersonalNote(db.Model):
    """A note an organizer sent a member (in the app and by email), kept so that the
    organizers see who has already been written to."""

    __tablename__ = "personal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30), default="")  # the signal it answers
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id], lazy="joined")
    recipient: Mapped[User] = relationship(
        foreign_keys=[recipient_id], lazy="joined", innerjoin=True
    )

    __table_args__ = (Index("ix_personal_notes_cohort_created", "cohort_id", "created_at"),)
