"""Closed seasons of a cohort, and members' choice to share their year with the cohort."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..cohorts.models import Cohort
from ..database import UTCDateTime, utcnow
from ..extensions import db


class Season(db.Model):
    """A closed season ("2026") of a cohort: its sessions (``Meeting.season_id``) are a
    read-only archive from then on. A season is created closed and never reopened."""

    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[date] = mapped_column(Date)  # cohort-local dates, both included
    ends_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)
    closed_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("cohort_id", "name"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )


class YearShare(db.Model):
    """A member shares their year in review with the cohort's members (until taken back)."""

    __tablename__ = "year_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)
