"""Running a session in the room: its facilitator, the live run (speaking order, timer,
notes, minutes), listeners' private notes and the attendees' check-out."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..cohorts.models import string_enum
from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..meetings.models import Meeting


class RunStatus(enum.StrEnum):
    READY = "ready"  # a facilitator is named; nobody has pressed "Start" yet
    LIVE = "live"
    ENDED = "ended"


class OrderMode(enum.StrEnum):
    SHARED = "shared"  # the order people shared their inventories in
    SHUFFLED = "shuffled"
    ROTATION = "rotation"  # nobody opens twice in a row


# The agenda's slots besides speakers, stored by name in ``LiveRun.agenda``.
OPENING, BREAK, CLOSING = "opening", "break", "closing"
SLOTS = (OPENING, BREAK, CLOSING)


class LiveRun(db.Model):
    """One session's run in the room. Every change moves ``version`` on by one; a change made
    from an older version is a conflict (two tabs, a double click), never applied twice."""

    __tablename__ = "live_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    # None: the cohort's organizers facilitate.
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[RunStatus] = mapped_column(
        string_enum(RunStatus, "run_status"), default=RunStatus.READY
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    mode: Mapped[OrderMode] = mapped_column(
        string_enum(OrderMode, "order_mode"), default=OrderMode.SHARED
    )
    # The agenda: speakers' user ids and slot names ("opening", "break", "closing") in order.
    agenda: Mapped[list] = mapped_column(JSON, default=list)
    skipped: Mapped[list] = mapped_column(JSON, default=list)  # user ids taken off the order
    current: Mapped[int] = mapped_column(Integer, default=0)  # index into ``agenda``
    # The timer of the current item: running since ``timer_started_at`` with
    # ``remaining_seconds`` left at that moment; paused when ``timer_started_at`` is None.
    timer_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remaining_seconds: Mapped[int] = mapped_column(Integer, default=0)
    speaker_seconds: Mapped[int] = mapped_column(Integer, default=600)  # each speaker's box
    opening_minutes: Mapped[int] = mapped_column(SmallInteger, default=10)
    break_minutes: Mapped[int] = mapped_column(SmallInteger, default=0)
    closing_minutes: Mapped[int] = mapped_column(SmallInteger, default=10)
    notes: Mapped[str] = mapped_column(Text, default="")  # the facilitator's, in Markdown
    notes_html: Mapped[str] = mapped_column(Text, default="")
    spoken: Mapped[dict] = mapped_column(JSON, default=dict)  # {"user id": seconds spoken}
    # The minutes, written when the run ends so the session page reads them with the run:
    # {"turns": [[user id, name, seconds]], "skipped": [[id, name]], "present": [[id, name]]}.
    # A deleted account's name is replaced (cohort.live.minutes).
    record: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(lazy="joined", innerjoin=True)
    facilitator: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("opening_minutes BETWEEN 0 AND 120", name="opening_minutes"),
        CheckConstraint("break_minutes BETWEEN 0 AND 120", name="break_minutes"),
        CheckConstraint("closing_minutes BETWEEN 0 AND 120", name="closing_minutes"),
    )

    @property
    def is_live(self) -> bool:
        return self.status == RunStatus.LIVE

    @property
    def is_ended(self) -> bool:
        return self.status == RunStatus.ENDED

    def speakers(self) -> list[int]:
        return [item for item in self.agenda if isinstance(item, int)]


class ListenerNote(db.Model):
    """What one listener jotted while someone spoke: theirs alone, the start of their
    feedback on that speaker's inventory."""

    __tablename__ = "listener_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # Set when the author opened their feedback from it ("drafts started" in the minutes).
    draft_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    speaker: Mapped[User] = relationship(foreign_keys=[speaker_id], lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("meeting_id", "author_id", "speaker_id"),)


class CheckOut(db.Model):
    """An attendee's answer to "how useful was this session?" (1–5, one optional line)."""

    __tablename__ = "session_checkouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    line: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        Index("ix_session_checkouts_cohort", "cohort_id", "meeting_id"),
    )
