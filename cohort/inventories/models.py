"""Career inventories, their template and revisions, and the goals and tasks they track."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, joinedload, lazyload, mapped_column, relationship

from ..auth.models import User
from ..cohorts.models import Cohort, string_enum
from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..meetings.models import Meeting

RATING_AREAS = ("skills", "experience", "network", "money", "time")


class InventoryStatus(enum.StrEnum):
    DRAFT = "draft"  # only the author sees it
    SHARED = "shared"  # the cohort's members, mentors and organizers see it
    PAUSED = "paused"  # "life happened": no inventory this month, no reminders


class InventoryKind(enum.StrEnum):
    MONTH = "month"  # the monthly inventory
    # A quarter review: the quarter's questions, with or without this month's sections. It is
    # still the member's one inventory for the session, so it is shared, read, cheered and
    # answered with feedback like any other.
    QUARTER = "quarter"


class GoalStatus(enum.StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class TaskOutcome(enum.StrEnum):
    DONE = "done"
    CARRIED = "carried"
    DROPPED = "dropped"


class InventoryTemplate(db.Model):
    """A cohort's sections at one point in time. Editing adds a new row, so inventories keep
    the template they were started with."""

    __tablename__ = "inventory_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    # [{"key": "will", "title": None, "help": None, "hidden": False, "custom": False}, …]
    # Built-in sections keep title None and are shown in the reader's language.
    sections: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PromptBank(db.Model):
    """A cohort's own deepening questions per section (absent: the default bank)."""

    __tablename__ = "prompt_banks"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    prompts: Mapped[dict] = mapped_column(JSON)  # {"section key": ["question", …]}
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def _rating_column() -> Mapped[int | None]:
    return mapped_column(SmallInteger)


class Inventory(db.Model):
    __tablename__ = "inventories"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    template_id: Mapped[int] = mapped_column(ForeignKey("inventory_templates.id"))
    status: Mapped[InventoryStatus] = mapped_column(
        string_enum(InventoryStatus, "inventory_status"), default=InventoryStatus.DRAFT
    )
    # Raised on every save; a form carrying an older number is a conflict, never an overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[InventoryKind] = mapped_column(
        string_enum(InventoryKind, "inventory_kind"),
        default=InventoryKind.MONTH,
        server_default=InventoryKind.MONTH.value,
    )
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # {"section key": "Markdown"}
    answers_html: Mapped[dict] = mapped_column(JSON, default=dict)  # rendered when saved
    # Traits the member sees in themselves (keys of feedback.traits.TRAITS), picked in the
    # CAN section; the blind-spot map sets them beside the traits peers picked.
    self_traits: Mapped[list] = mapped_column(JSON, default=list)
    energy: Mapped[int | None] = _rating_column()
    rating_skills: Mapped[int | None] = _rating_column()
    rating_experience: Mapped[int | None] = _rating_column()
    rating_network: Mapped[int | None] = _rating_column()
    rating_money: Mapped[int | None] = _rating_column()
    rating_time: Mapped[int | None] = _rating_column()
    # How the month's time and energy split across the cohort's parts of life:
    # {"area key": 0–5}; None when the member did not rate it.
    life_split: Mapped[dict | None] = mapped_column(JSON)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    edited_after_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    meeting: Mapped[Meeting] = relationship(lazy="joined", innerjoin=True)
    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)
    template: Mapped[InventoryTemplate] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        Index("ix_inventories_user_created", "user_id", "created_at"),
        # A person's shared months, newest last: the feed picks its page from these entries
        # (on PostgreSQL from the index alone).
        Index(
            "ix_inventories_user_status_shared",
            "user_id",
            "status",
            "shared_at",
            postgresql_include=["cohort_id", "id"],
        ),
        *(
            CheckConstraint(f"{column} BETWEEN 1 AND 5", name=column)
            for column in ["energy", *(f"rating_{area}" for area in RATING_AREAS)]
        ),
    )

    @property
    def is_shared(self) -> bool:
        return self.status == InventoryStatus.SHARED

    @property
    def is_quarter(self) -> bool:
        return self.kind == InventoryKind.QUARTER

    def ratings(self) -> dict[str, int | None]:
        return {area: getattr(self, f"rating_{area}") for area in RATING_AREAS}


# How a list of inventory cards loads them. By default an inventory comes with its author,
# session, cohort and template in one statement, and the session brings the cohort again: six
# tables whose joins cost PostgreSQL more to plan than the rows cost to read. A card's session
# finds its cohort among those already loaded (same id, no statement), and the template (its
# section titles) is read only when a card's kept rendering is missing (cohort/fragments.py),
# once per template.
CARD_LOADING = (
    lazyload(Inventory.template),
    joinedload(Inventory.meeting).lazyload(Meeting.cohort),
)


class InventoryRevision(db.Model):
    """Each shared version of an inventory, so readers can see what changed."""

    __tablename__ = "inventory_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(
        ForeignKey("inventories.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)
    ratings: Mapped[dict] = mapped_column(JSON)  # energy and the five areas
    after_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("inventory_id", "version"),)


class Goal(db.Model):
    """A person's goal; it lives across months and cohorts. A cohort sees it only through
    inventories shared in that cohort."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    target_on: Mapped[date | None] = mapped_column(Date)
    area: Mapped[str | None] = mapped_column(String(40))  # a key of the cohort's parts of life
    status: Mapped[GoalStatus] = mapped_column(
        string_enum(GoalStatus, "goal_status"), default=GoalStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Task(db.Model):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    # The inventory the task was planned in: it is shown with that inventory only, and
    # reviewed in the same cohort's next inventory, never in another cohort's.
    inventory_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventories.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    area: Mapped[str | None] = mapped_column(String(40))  # a key of the cohort's parts of life
    status: Mapped[TaskStatus] = mapped_column(
        string_enum(TaskStatus, "task_status"), default=TaskStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    goal: Mapped[Goal | None] = relationship(lazy="joined")


class TaskReview(db.Model):
    """What became of an open task in one month's inventory."""

    __tablename__ = "task_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(ForeignKey("inventories.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[TaskOutcome] = mapped_column(string_enum(TaskOutcome, "task_outcome"))

    task: Mapped[Task] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("inventory_id", "task_id"),)


class GoalProgress(db.Model):
    """Progress on one goal as recorded in one month's inventory."""

    __tablename__ = "goal_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(ForeignKey("inventories.id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    percent: Mapped[int] = mapped_column(SmallInteger, default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    goal: Mapped[Goal] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("inventory_id", "goal_id"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )


# What a card of an inventory shows, wherever it is drawn (the feed, the month's pages), and no
# more: every column read costs its conversion on every page. The feed builds its cards from
# these in this order (``timeline.feed.CardInventory``).
CARD_COLUMNS = (
    Inventory.id,
    Inventory.cohort_id,
    Inventory.meeting_id,
    Inventory.user_id,
    Inventory.template_id,
    Inventory.status,
    Inventory.version,
    Inventory.kind,
    Inventory.energy,
    Inventory.shared_at,
    Inventory.updated_at,
)
