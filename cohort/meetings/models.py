"""Monthly sessions ("sessions" in the interface) and who comes to them."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..cohorts.models import Cohort, string_enum
from ..database import UTCDateTime, utcnow
from ..extensions import db


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Rsvp(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    agenda_html: Mapped[str] = mapped_column(Text, default="")
    inventory_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    feedback_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[MeetingStatus] = mapped_column(
        string_enum(MeetingStatus, "meeting_status"), default=MeetingStatus.SCHEDULED
    )
    # Made from the cohort's rhythm and still following it; choosing its time by hand (or
    # cancelling it) sets it False, so a rhythm change never overwrites what organizers decided.
    follows_rhythm: Mapped[bool] = mapped_column(Boolean, default=False)
    # The cohort-local month (its first day) whose session this is: the rhythm fills each month
    # once and never again, even after the session was moved or cancelled. None for an extra
    # session added by hand in a month that already has one.
    month_on: Mapped[date | None] = mapped_column(Date)
    # RFC 5545 SEQUENCE: raised when the time, place or status changes, so a calendar that
    # imported the .ics takes the newer version.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Set when an organizer closes the season this session belongs to: from then on it and
    # everything written for it is a read-only archive (``permissions``).
    season_id: Mapped[int | None] = mapped_column(
        ForeignKey("seasons.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        Index("ix_meetings_cohort_starts", "cohort_id", "starts_at"),
        UniqueConstraint("cohort_id", "month_on"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_closed(self) -> bool:
        """In a closed season: read-only."""
        return self.season_id is not None


class Attendance(db.Model):
    """A member's RSVP for a session and, afterwards, whether they attended."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rsvp: Mapped[Rsvp | None] = mapped_column(string_enum(Rsvp, "rsvp"))
    attended: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)
