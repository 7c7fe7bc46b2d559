"""What "Download my data" holds: the member's own records, section by section.

Everything here is the member's: their profile, cohorts, inventories (drafts included), goals
and tasks with their monthly outcomes, feedback they gave and received, their replies and
helpful marks, cheers, follows, RSVPs and preferences. Other people appear only by the display
name the member sees in the app (a giver, a recipient, someone followed), never with an email
address or anything they wrote for themselves. Each section is read in one or two queries.
"""

from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..cohorts.models import Cohort, Membership
from ..delivery.models import DeliverySettings, EmailPreference, PushPreference, PushSubscription
from ..extensions import db
from ..feedback.models import PARTS, Feedback
from ..inventories.models import (
    Goal,
    GoalProgress,
    Inventory,
    InventoryRevision,
    Task,
    TaskReview,
)
from ..live.models import CheckOut, ListenerNote
from ..meetings.models import Attendance, Meeting
from ..mentoring.export import mentoring
from ..timeline.models import Cheer, Follow
from ..writing.models import WritingPreference

SCHEMA_VERSION = 1


def when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def profile(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "language": user.locale,
        "timezone": user.timezone,
        "bio": user.bio,
        "calendar_feed": user.calendar_token_hash is not None,
        "created_at": when(user.created_at),
    }


def cohorts(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Membership, Cohort)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    return [
        {
            "cohort": cohort.slug,
            "name": cohort.name,
            "role": str(membership.role),
            "status": str(membership.status),
            "joined_at": when(membership.joined_at),
            "ended_at": when(membership.ended_at),
        }
        for membership, cohort in rows
    ]


def inventories(user: User) -> Iterator[Inventory]:
    """The member's inventories in every cohort, oldest session first, drafts included."""
    return iter(
        db.session.scalars(
            select(Inventory)
            .where(Inventory.user_id == user.id)
            .order_by(Inventory.cohort_id, Meeting.starts_at)
            .join(Meeting, Meeting.id == Inventory.meeting_id)
        ).all()
    )


def revisions_by_inventory(user: User) -> dict[int, list[dict]]:
    rows = db.session.scalars(
        select(InventoryRevision)
        .join(Inventory, Inventory.id == InventoryRevision.inventory_id)
        .where(Inventory.user_id == user.id)
        .order_by(InventoryRevision.inventory_id, InventoryRevision.version)
    )
    found: dict[int, list[dict]] = {}
    for revision in rows:
        found.setdefault(revision.inventory_id, []).append(
            {
                "version": revision.version,
                "answers": revision.answers,
                "ratings": revision.ratings,
                "after_meeting": revision.after_meeting,
                "created_at": when(revision.created_at),
            }
        )
    return found


def inventory_record(inventory: Inventory, revisions: list[dict]) -> dict:
    return {
        "id": inventory.id,
        "cohort": inventory.cohort.slug,
        "session": inventory.meeting.title,
        "session_starts_at": when(inventory.meeting.starts_at),
        "status": str(inventory.status),
        "kind": str(inventory.kind),  # a month's inventory, or a quarter review
        "answers": inventory.answers,
        "self_traits": inventory.self_traits,
        "energy": inventory.energy,
        "ratings": inventory.ratings(),
        "life_split": inventory.life_split,
        "shared_at": when(inventory.shared_at),
        "late": inventory.is_late,
        "edited_after_meeting": inventory.edited_after_meeting,
        "created_at": when(inventory.created_at),
        "updated_at": when(inventory.updated_at),
        "shared_versions": revisions,
    }


def goals(user: User) -> list[dict]:
    progress: dict[int, list[dict]] = {}
    for row in db.session.scalars(
        select(GoalProgress)
        .join(Goal, Goal.id == GoalProgress.goal_id)
        .where(Goal.user_id == user.id)
        .order_by(GoalProgress.id)
    ):
        progress.setdefault(row.goal_id, []).append(
            {"inventory_id": row.inventory_id, "percent": row.percent, "note": row.note}
        )
    return [
        {
            "id": goal.id,
            "title": goal.title,
            "why": goal.why,
            "target_on": when(goal.target_on),
            "status": str(goal.status),
            "part_of_life": goal.area,
            "created_at": when(goal.created_at),
            "closed_at": when(goal.closed_at),
            "progress": progress.get(goal.id, []),
        }
        for goal in db.session.scalars(
            select(Goal).where(Goal.user_id == user.id).order_by(Goal.created_at, Goal.id)
        )
    ]


def tasks(user: User) -> list[dict]:
    outcomes: dict[int, list[dict]] = {}
    for review in db.session.scalars(
        select(TaskReview)
        .join(Task, Task.id == TaskReview.task_id)
        .where(Task.user_id == user.id)
        .order_by(TaskReview.id)
    ):
        outcomes.setdefault(review.task_id, []).append(
            {"inventory_id": review.inventory_id, "outcome": str(review.outcome)}
        )
    return [
        {
            "id": task.id,
            "title": task.title,
            "goal_id": task.goal_id,
            "planned_in_inventory_id": task.inventory_id,
            "part_of_life": task.area,
            "status": str(task.status),
            "created_at": when(task.created_at),
            "closed_at": when(task.closed_at),
            "monthly_outcomes": outcomes.get(task.id, []),
        }
        for task in db.session.scalars(
            select(Task).where(Task.user_id == user.id).order_by(Task.created_at, Task.id)
        )
    ]


def _feedback_record(feedback: Feedback, other_name: str, other_key: str) -> dict:
    return {
        "id": feedback.id,
        "cohort": feedback.cohort.slug,
        "session": feedback.meeting.title,
        "inventory_id": feedback.inventory_id,
        other_key: other_name,
        **{part: getattr(feedback, part) for part in PARTS},
        "traits": feedback.traits,
        "reply": feedback.reply,
        "replied_at": when(feedback.replied_at),
        "helpful": feedback.is_helpful,
        "shared_with_cohort": feedback.is_shared,
        "created_at": when(feedback.created_at),
        "updated_at": when(feedback.updated_at),
    }


def feedback_given(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Feedback).where(Feedback.giver_id == user.id).order_by(Feedback.created_at)
    )
    return [_feedback_record(f, f.recipient.display_name, "recipient") for f in rows]


def feedback_received(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Feedback).where(Feedback.recipient_id == user.id).order_by(Feedback.created_at)
    )
    return [_feedback_record(f, f.giver_name, "giver") for f in rows]


def cheers(user: User) -> list[dict]:
    author = aliased(User)
    rows = db.session.execute(
        select(Cheer, Inventory.id, author.display_name)
        .join(Inventory, Inventory.id == Cheer.inventory_id)
        .join(author, author.id == Inventory.user_id)
        .where(Cheer.user_id == user.id)
        .order_by(Cheer.created_at)
    )
    return [
        {
            "inventory_id": inventory_id,
            "author": name,
            "milestone": cheer.milestone,
            "created_at": when(cheer.created_at),
        }
        for cheer, inventory_id, name in rows
    ]


def follows(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Follow.created_at, User.display_name)
        .join(User, User.id == Follow.followee_id)
        .where(Follow.follower_id == user.id)
        .order_by(Follow.created_at)
    )
    return [{"following": name, "since": when(since)} for since, name in rows]


def rsvps(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Attendance, Meeting, Cohort.slug)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(Attendance.user_id == user.id)
        .order_by(Meeting.starts_at)
    )
    return [
        {
            "cohort": slug,
            "session": meeting.title,
            "session_starts_at": when(meeting.starts_at),
            "rsvp": str(attendance.rsvp) if attendance.rsvp else None,
            "attended": attendance.attended,
        }
        for attendance, meeting, slug in rows
    ]


def session_notes(user: User) -> list[dict]:
    """The person's private notes taken while others spoke at a session."""
    speaker = aliased(User)
    rows = db.session.execute(
        select(ListenerNote, Meeting, Cohort.slug, speaker.display_name)
        .join(Meeting, Meeting.id == ListenerNote.meeting_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .join(speaker, speaker.id == ListenerNote.speaker_id)
        .where(ListenerNote.author_id == user.id)
        .order_by(Meeting.starts_at, ListenerNote.id)
    )
    return [
        {
            "cohort": slug,
            "session": meeting.title,
            "about": name,
            "note": note.body,
            "feedback_started_at": when(note.draft_started_at),
            "written_at": when(note.updated_at),
        }
        for note, meeting, slug, name in rows
    ]


def check_outs(user: User) -> list[dict]:
    """How useful the person found each session they attended."""
    rows = db.session.execute(
        select(CheckOut, Meeting, Cohort.slug)
        .join(Meeting, Meeting.id == CheckOut.meeting_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(CheckOut.user_id == user.id)
        .order_by(Meeting.starts_at)
    )
    return [
        {"cohort": slug, "session": meeting.title, "score": row.score, "line": row.line}
        for row, meeting, slug in rows
    ]


def _choices(model, user: User, name: str) -> list[dict]:
    """A member's rows of a preference table (user, kind, enabled), the kind under ``name``."""
    rows = db.session.scalars(select(model).where(model.user_id == user.id).order_by(model.kind))
    return [{name: row.kind, "enabled": row.enabled} for row in rows]


def notification_preferences(user: User) -> list[dict]:
    return _choices(EmailPreference, user, "email_kind")


def push_preferences(user: User) -> list[dict]:
    return _choices(PushPreference, user, "push_kind")


def push_devices(user: User) -> list[dict]:
    """The devices with notifications on: their names and dates only (a subscription's
    address and keys are the browser's secrets, not the member's data)."""
    rows = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.created_at, PushSubscription.id)
    )
    return [
        {
            "label": row.label,
            "added_at": when(row.created_at),
            "last_success_at": when(row.last_success_at),
        }
        for row in rows
    ]


def writing_preference(user: User) -> dict | None:
    """The member's own choice of the short or the full form (None: the cohort's default)."""
    row = db.session.get(WritingPreference, user.id)
    return {"short_form": row.short_form} if row else None


def local_hours(user: User) -> dict | None:
    settings = db.session.get(DeliverySettings, user.id)
    if settings is None:
        return None
    return {
        "quiet_from": settings.quiet_start.strftime("%H:%M"),
        "quiet_until": settings.quiet_end.strftime("%H:%M"),
        "reminder_time": settings.reminder_time.strftime("%H:%M"),
        "email_paused_until": (
            settings.email_paused_until.isoformat() if settings.email_paused_until else None
        ),
    }


def small_sections(user: User) -> list[tuple[str, object]]:
    """Every section but the inventories, in the order the JSON file lists them."""
    received = feedback_received(user)
    return [
        ("profile", profile(user)),
        ("cohorts", cohorts(user)),
        ("goals", goals(user)),
        ("tasks", tasks(user)),
        ("feedback_given", feedback_given(user)),
        ("feedback_received", received),
        (
            "replies",
            [
                {"feedback_id": f["id"], "reply": f["reply"], "replied_at": f["replied_at"]}
                for f in received
                if f["replied_at"]
            ],
        ),
        ("helpful_marks", [{"feedback_id": f["id"]} for f in received if f["helpful"]]),
        ("cheers", cheers(user)),
        ("follows", follows(user)),
        ("rsvps", rsvps(user)),
        ("session_notes", session_notes(user)),
        ("check_outs", check_outs(user)),
        ("notification_preferences", notification_preferences(user)),
        ("push_preferences", push_preferences(user)),
        ("push_devices", push_devices(user)),
        ("mentoring", mentoring(user)),
        ("writing_preference", writing_preference(user)),
        ("local_hours", local_hours(user)),
    ]
