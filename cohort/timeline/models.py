"""Who follows whom, and the cheers (応援) people give each other's months and milestones."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import UTCDateTime, utcnow
from ..extensions import db


class Follow(db.Model):
    """One person following another. Allowed only between people who share a cohort, and read
    through ``permissions.visible_follows``: once they no longer do, it shows nothing."""

    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    followee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    follower: Mapped[User] = relationship(foreign_keys=[follower_id], lazy="joined")
    followee: Mapped[User] = relationship(foreign_keys=[followee_id], lazy="joined")

    __table_args__ = (
        UniqueConstraint("follower_id", "followee_id"),
        CheckConstraint("follower_id <> followee_id", name="not_self"),
    )


class Cheer(db.Model):
    """A one-tap 応援 on a shared inventory (``milestone`` empty) or on one of the milestones
    it marks (``first``, ``year-1``, ``goal-42``, see ``milestones.py``). Anchored on the
    inventory, so a cheer is visible exactly where its inventory is."""

    __tablename__ = "cheers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    inventory_id: Mapped[int] = mapped_column(ForeignKey("inventories.id", ondelete="CASCADE"))
    milestone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("user_id", "inventory_id", "milestone"),
        Index("ix_cheers_inventory_milestone", "inventory_id", "milestone"),
    )
