"""Mentoring inside a cohort: what a mentor offers, a member's request, the pair and what
they keep together (agreement, goal comments, one-to-ones with next steps, a phased plan,
reviews of the relationship), and a mentor's private reflection.

Everything hangs off memberships: ending a membership ends its pairings (see services), and
deleting an account takes its memberships, and with them these rows, along."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, string_enum
from ..database import UTCDateTime, utcnow
from ..extensions import db


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    PAIRED = "paired"
    WITHDRAWN = "withdrawn"


class PairingStatus(enum.StrEnum):
    PROPOSED = "proposed"  # an organizer paired them; the mentor has yet to accept
    ACTIVE = "active"
    DECLINED = "declined"  # the mentor refused
    ENDED = "ended"


class Side(enum.StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class Decision(enum.StrEnum):
    CONTINUE = "continue"
    CHANGE_FOCUS = "change_focus"
    END = "end"


class MentoringSettings(db.Model):
    """A cohort's choice: may a mentor take an open request without an organizer?"""

    __tablename__ = "mentoring_settings"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    mentors_accept_directly: Mapped[bool] = mapped_column(Boolean, default=False)


class MentorProfile(db.Model):
    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), unique=True
    )
    fields: Mapped[str] = mapped_column(String(300), default="")  # comma-separated
    roles_held: Mapped[str] = mapped_column(String(300), default="")
    years: Mapped[int] = mapped_column(SmallInteger, default=0)
    will_do: Mapped[str] = mapped_column(String(500), default="")
    will_not_do: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(SmallInteger, default=2)
    reflection: Mapped[str] = mapped_column(Text, default="")  # private to the mentor
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    membership: Mapped[Membership] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        CheckConstraint("years BETWEEN 0 AND 80", name="mentor_years"),
        CheckConstraint("capacity BETWEEN 0 AND 20", name="mentor_capacity"),
        Index("ix_mentor_profiles_cohort", "cohort_id"),
    )


class MentoringRequest(db.Model):
    __tablename__ = "mentoring_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    wish: Mapped[str] = mapped_column(Text)
    goal_ids: Mapped[list] = mapped_column(JSON, default=list)  # the member's own goals
    status: Mapped[RequestStatus] = mapped_column(
        string_enum(RequestStatus, "mentoring_request_status"), default=RequestStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (Index("ix_mentoring_requests_cohort_status", "cohort_id", "status"),)


class Pairing(db.Model):
    __tablename__ = "pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    # A mentor who deletes their account leaves the pair's record to the mentee (a former
    # member); a mentee's deletion takes the pair along.
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_requests.id", ondelete="SET NULL")
    )
    status: Mapped[PairingStatus] = mapped_column(
        string_enum(PairingStatus, "pairing_status"), default=PairingStatus.PROPOSED
    )
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # The agreement, written together.
    goals_text: Mapped[str] = mapped_column(Text, default="")
    goal_ids: Mapped[list] = mapped_column(JSON, default=list)  # the mentee's goals
    meeting_frequency: Mapped[str] = mapped_column(String(120), default="")
    contact_way: Mapped[str] = mapped_column(String(120), default="")
    review_months: Mapped[int] = mapped_column(SmallInteger, default=3)
    next_meeting_on: Mapped[date | None] = mapped_column(Date)
    agreement_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    agreement_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Ending: each side's closing note.
    mentor_closing: Mapped[str] = mapped_column(Text, default="")
    mentee_closing: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)
    mentor: Mapped[Membership | None] = relationship(foreign_keys=[mentor_id], lazy="joined")
    mentee: Mapped[Membership] = relationship(
        foreign_keys=[mentee_id], lazy="joined", innerjoin=True
    )
    agreement_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("review_months BETWEEN 1 AND 12", name="review_months"),
        CheckConstraint("mentor_id <> mentee_id", name="pairing_two_people"),
        Index("ix_pairings_cohort_status", "cohort_id", "status"),
    )

    @property
    def is_active(self) -> bool:
        return self.status == PairingStatus.ACTIVE

    def side_of(self, user_id: int) -> Side | None:
        if self.mentor is not None and self.mentor.user_id == user_id:
            return Side.MENTOR
        if self.mentee.user_id == user_id:
            return Side.MENTEE
        return None


class GoalComment(db.Model):
    """The mentor's comment on one of the mentee's goals."""

    __tablename__ = "mentor_goal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_mentor_goal_comments_pairing", "pairing_id", "created_at"),)


class OneToOne(db.Model):
    """A one-to-one meeting of the pair, as either of them logged it."""

    __tablename__ = "one_to_ones"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_one_to_ones_pairing_held", "pairing_id", "held_on"),)


class NextStep(db.Model):
    """Agreed at a one-to-one; shown again at every later one until done."""

    __tablename__ = "next_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    one_to_one_id: Mapped[int | None] = mapped_column(
        ForeignKey("one_to_ones.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(String(300))
    owner: Mapped[Side] = mapped_column(string_enum(Side, "mentoring_side"))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_next_steps_pairing", "pairing_id", "done_at"),)


class PlanPhase(db.Model):
    """A phase of the pair's plan, e.g. "Learn" in months 1–3, with its tasks (one a line)."""

    __tablename__ = "plan_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    first_month: Mapped[int] = mapped_column(SmallInteger, default=1)
    last_month: Mapped[int] = mapped_column(SmallInteger, default=1)
    tasks: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(
            "first_month BETWEEN 1 AND 60 AND last_month BETWEEN first_month AND 60",
            name="phase_months",
        ),
    )

    @property
    def task_list(self) -> list[str]:
        return [line.strip() for line in self.tasks.splitlines() if line.strip()]


class RelationshipReview(db.Model):
    """One side's answer to the pair's review number ``round``."""

    __tablename__ = "relationship_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(SmallInteger)
    side: Mapped[Side] = mapped_column(string_enum(Side, "mentoring_side"))
    helping: Mapped[int] = mapped_column(SmallInteger)
    change: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[Decision] = mapped_column(string_enum(Decision, "review_decision"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("pairing_id", "round", "side"),
        CheckConstraint("helping BETWEEN 1 AND 5", name="review_helping"),
        CheckConstraint("round >= 1", name="review_round"),
    )
