"""Who has the companion on, and which engine each cohort allows."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..cohorts.models import string_enum
from ..database import UTCDateTime, utcnow
from ..extensions import db


class CompanionMode(enum.StrEnum):
    OFF = "off"  # no "Ask me a question" buttons in this cohort
    BUILTIN = "builtin"  # questions from rules over the text, computed here
    MODEL = "model"  # also a language model, for members who opt in (when one is configured)


class CohortCompanion(db.Model):
    """An organizer's choice for the cohort (absent: the built-in engine)."""

    __tablename__ = "cohort_companions"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[CompanionMode] = mapped_column(
        string_enum(CompanionMode, "companion_mode"), default=CompanionMode.BUILTIN
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CompanionPreference(db.Model):
    """A member's own choice (absent: the companion is off for them)."""

    __tablename__ = "companion_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Consent to send the text of the sections asked about to the configured model service.
    use_model: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
