"""Writing without friction: where each tab's autosaves stand, and the short form choices."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class AutosaveMark(db.Model):
    """The last autosave applied to an inventory: which tab sent it, its place in that tab's
    sequence and the version it produced. A save the same tab sent earlier, arriving late,
    is recognised and dropped; a tab may go on from the version its own autosave made."""

    __tablename__ = "inventory_autosaves"

    inventory_id: Mapped[int] = mapped_column(
        ForeignKey("inventories.id", ondelete="CASCADE"), primary_key=True
    )
    tab: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShortFormSetting(db.Model):
    """An organizer's choice of the core questions of the short form (absent: the defaults)."""

    __tablename__ = "short_form_settings"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    core_sections: Mapped[list] = mapped_column(JSON)  # section keys, at most five
    default_short: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WritingPreference(db.Model):
    """A member's own choice of form (absent: the cohort's default)."""

    __tablename__ = "writing_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    short_form: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
