"""Cohorts, their members, invitations and the membership log."""

import enum
from datetime import datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import UTCDateTime, string_enum, utcnow
from ..extensions import db


class Role(enum.StrEnum):
    ORGANIZER = "organizer"
    MEMBER = "member"
    MENTOR = "mentor"  # reads inventories and gives feedback, posts none


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    REMOVED = "removed"


class RhythmKind(enum.StrEnum):
    MONTHLY_WEEKDAY = "monthly_weekday"  # e.g. every month on the 2nd Saturday
    MANUAL = "manual"  # the organizers schedule each session by hand


class EventKind(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"
    REMOVED = "removed"
    ROLE_CHANGED = "role_changed"
    INVITATION_CREATED = "invitation_created"
    INVITATION_REVOKED = "invitation_revoked"
    ARCHIVED = "archived"
    UNARCHIVED = "unarchived"


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    guide: Mapped[str] = mapped_column(Text, default="")
    guide_html: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str] = mapped_column(String(8), default="en")

    rhythm_kind: Mapped[RhythmKind] = mapped_column(
        string_enum(RhythmKind, "rhythm_kind"), default=RhythmKind.MONTHLY_WEEKDAY
    )
    # The n-th (1–4, or -1 for the last) weekday (0 = Monday) of every month, in the cohort's zone.
    rhythm_week: Mapped[int] = mapped_column(SmallInteger, default=2)
    rhythm_weekday: Mapped[int] = mapped_column(SmallInteger, default=5)
    rhythm_starts_at: Mapped[time] = mapped_column(Time, default=time(10, 0))
    rhythm_minutes: Mapped[int] = mapped_column(SmallInteger, default=120)

    inventory_due_days: Mapped[int] = mapped_column(SmallInteger, default=2)
    feedback_due_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    # Inventory reminders go out this many days before the due time (cohort-local clock).
    first_reminder_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    last_reminder_days: Mapped[int] = mapped_column(SmallInteger, default=1)
    # Peer feedback: reviewers the rotation gives each shared inventory, and whether the
    # feedback form asks for Keep / Start / Stop.
    feedback_reviewers: Mapped[int] = mapped_column(SmallInteger, default=2)
    keep_start_stop: Mapped[bool] = mapped_column(Boolean, default=False)

    # The parts of life goals and tasks are tagged with: [{"key", "en", "ja"}, …];
    # None keeps the built-in list, shown in each reader's language.
    life_areas: Mapped[list | None] = mapped_column(JSON)
    # The cohort-local months whose session asks for a quarter review (None: 3, 6, 9, 12).
    quarter_months: Mapped[list | None] = mapped_column(JSON)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("rhythm_week BETWEEN -1 AND 4 AND rhythm_week <> 0", name="rhythm_week"),
        CheckConstraint("rhythm_weekday BETWEEN 0 AND 6", name="rhythm_weekday"),
        CheckConstraint("rhythm_minutes BETWEEN 15 AND 720", name="rhythm_minutes"),
        CheckConstraint("inventory_due_days BETWEEN 0 AND 28", name="inventory_due_days"),
        CheckConstraint("feedback_due_days BETWEEN 0 AND 28", name="feedback_due_days"),
        CheckConstraint("feedback_reviewers BETWEEN 1 AND 5", name="feedback_reviewers"),
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.slug}>"


class Membership(db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"), default=Role.MEMBER)
    status: Mapped[MembershipStatus] = mapped_column(
        string_enum(MembershipStatus, "membership_status"), default=MembershipStatus.ACTIVE
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_organizer(self) -> bool:
        return self.is_active and self.role == Role.ORGANIZER


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    # Only the SHA-256 of the token is stored; the link itself is shown once to the organizer
    # (shareable links) or sent by email (personal invitations).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))  # bound to this address when set
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"), default=Role.MEMBER)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("max_uses >= 1", name="max_uses"),
        CheckConstraint("use_count >= 0 AND use_count <= max_uses", name="use_count"),
    )

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now and self.use_count < self.max_uses


class MembershipEvent(db.Model):
    """The organizer-visible log: who did what to whose membership, and when."""

    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(string_enum(EventKind, "event_kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    detail: Mapped[str] = mapped_column(String(254), default="")  # e.g. an invited email
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], lazy="joined")

    __table_args__ = (Index("ix_membership_events_cohort_created", "cohort_id", "created_at"),)


class CohortSlugRedirect(db.Model):
    """A cohort's former address: links to /c/<slug>/ keep leading to the cohort."""

    __tablename__ = "cohort_slug_redirects"

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
