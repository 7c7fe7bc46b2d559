"""Everyone else in the room: listeners' private notes, the recap to members and the
attendees' check-out."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..database import utcnow
from ..delivery.ledger import claim
from ..delivery.notices import notify
from ..delivery.outbox import queue_email
from ..emails import external_url
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Attendance, Meeting
from ..notifications.chat import post_session_recap
from ..permissions import Action, can, require
from .minutes import read_minutes
from .models import CheckOut, ListenerNote, LiveRun, RunStatus

NOTE_MAX = 5000
LINE_MAX = 200
RECAP, MISSED = "session_recap", "session_missed"


# Listeners' notes -----------------------------------------------------------------------


def my_notes(author: User, meeting: Meeting) -> dict[int, ListenerNote]:
    rows = db.session.scalars(
        select(ListenerNote).where(
            ListenerNote.meeting_id == meeting.id, ListenerNote.author_id == author.id
        )
    )
    return {note.speaker_id: note for note in rows}


def save_note(author: User, meeting: Meeting, run: LiveRun | None, speaker_id: int, body: str):
    """Keep (or replace) the author's private note on a speaker of the run."""
    require(author, Action.PARTICIPATE, meeting)
    if run is None or run.status == RunStatus.READY or speaker_id not in run.speakers():
        raise DomainError(_l("Notes are for the people who speak in this session."), field="body")
    if speaker_id == author.id:
        raise DomainError(_l("Notes are for what others say."), field="body")
    body = body.strip()
    if len(body) > NOTE_MAX:
        raise DomainError(_l("The note is too long."), field="body")
    note = db.session.scalar(
        select(ListenerNote).where(
            ListenerNote.meeting_id == meeting.id,
            ListenerNote.author_id == author.id,
            ListenerNote.speaker_id == speaker_id,
        )
    )
    now = utcnow()
    if note is None:
        note = ListenerNote(
            cohort_id=meeting.cohort_id,
            meeting_id=meeting.id,
            author_id=author.id,
            speaker_id=speaker_id,
            created_at=now,
        )
        db.session.add(note)
    note.body = body
    note.updated_at = now
    db.session.flush()
    return note


def speaker_inventory(meeting: Meeting, speaker_id: int) -> Inventory | None:
    return db.session.scalar(
        select(Inventory).where(
            Inventory.meeting_id == meeting.id,
            Inventory.user_id == speaker_id,
            Inventory.status == InventoryStatus.SHARED,
        )
    )


def start_draft(author: User, meeting: Meeting, note: ListenerNote, now: datetime) -> Inventory:
    """The note becomes the start of the author's feedback on the speaker's inventory:
    marks it, and returns the inventory whose feedback form then opens prefilled."""
    inventory = speaker_inventory(meeting, note.speaker_id)
    if inventory is None or not can(author, Action.GIVE_FEEDBACK, inventory):
        raise DomainError(_l("There is no shared inventory to give feedback on."))
    if note.draft_started_at is None:
        note.draft_started_at = now
        db.session.flush()
    return inventory


def note_for_feedback(giver: User, inventory: Inventory) -> str:
    """The giver's note from the room on this inventory's author, once they started a draft
    from it ("" otherwise)."""
    body = db.session.scalar(
        select(ListenerNote.body).where(
            ListenerNote.meeting_id == inventory.meeting_id,
            ListenerNote.author_id == giver.id,
            ListenerNote.speaker_id == inventory.user_id,
            ListenerNote.draft_started_at.is_not(None),
        )
    )
    return body or ""


# The recap --------------------------------------------------------------------------------


def send_recap(meeting: Meeting, run: LiveRun) -> int:
    """Tell every active member the session is over, in the app and by email: attendees get
    the recap, the others "what you missed". Once per member (the ledger)."""
    members = db.session.scalars(
        select(Membership).where(
            Membership.cohort_id == meeting.cohort_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    ).all()
    attended = set(
        db.session.scalars(
            select(Attendance.user_id).where(
                Attendance.meeting_id == meeting.id, Attendance.attended.is_(True)
            )
        )
    )
    cohort = meeting.cohort
    session_url = external_url("meetings.show", slug=cohort.slug, meeting_id=meeting.id)
    record = read_minutes(run, drafts_started=0)
    told = 0
    for membership in members:
        was_there = membership.user_id in attended
        kind = RECAP if was_there else MISSED
        if not claim(membership.user_id, "session_recap", f"meeting-{meeting.id}"):
            continue
        notify(
            membership.user_id, kind, url=session_url, cohort_id=cohort.id, meeting=meeting.title
        )
        queue_email(
            membership.user,
            "session_recaps",
            kind,
            meeting=meeting,
            cohort=cohort,
            speakers=[turn.name for turn in record.turns],
            notes=run.notes,
            session_url=session_url,
        )
        told += 1
    spoke = sum(1 for turn in record.turns if turn.seconds)
    post_session_recap(meeting, spoke=spoke, attended=len(attended))
    return told


# Check-out -------------------------------------------------------------------------------


def attended(user: User, meeting: Meeting) -> bool:
    return bool(
        db.session.scalar(
            select(Attendance.attended).where(
                Attendance.meeting_id == meeting.id, Attendance.user_id == user.id
            )
        )
    )


def attended_and_checkout(user: User, meeting: Meeting) -> tuple[bool, CheckOut | None]:
    """Whether the user was there, and their check-out if any (one query)."""
    row = db.session.execute(
        select(Attendance.attended, CheckOut)
        .select_from(Attendance)
        .outerjoin(
            CheckOut,
            (CheckOut.meeting_id == Attendance.meeting_id)
            & (CheckOut.user_id == Attendance.user_id),
        )
        .where(Attendance.meeting_id == meeting.id, Attendance.user_id == user.id)
    ).first()
    return (bool(row[0]), row[1]) if row is not None else (False, None)


def my_checkout(user: User, meeting: Meeting) -> CheckOut | None:
    return db.session.scalar(
        select(CheckOut).where(CheckOut.meeting_id == meeting.id, CheckOut.user_id == user.id)
    )


def check_out(user: User, meeting: Meeting, run: LiveRun | None, score: int, line: str):
    """An attendee's answer after the session ended; answering again replaces it."""
    require(user, Action.PARTICIPATE, meeting)
    if run is None or not run.is_ended:
        raise DomainError(_l("The check-out opens when the session ends."))
    if not attended(user, meeting):
        raise DomainError(_l("The check-out is for the people who were there."))
    if not 1 <= score <= 5:
        raise DomainError(_l("Choose 1 to 5."), field="score")
    line = line.strip()
    if len(line) > LINE_MAX:
        raise DomainError(_l("One line: at most 200 characters."), field="line")
    row = my_checkout(user, meeting)
    if row is None:
        row = CheckOut(cohort_id=meeting.cohort_id, meeting_id=meeting.id, user_id=user.id)
        db.session.add(row)
    row.score, row.line = score, line
    db.session.flush()
    return row


@dataclass
class CheckOutSummary:
    meeting_id: int
    title: str
    starts_at: datetime
    answers: int
    average: float | None
    lines: list[tuple[int, str]]


def checkout_trend(cohort: Cohort, limit: int = 12) -> list[CheckOutSummary]:
    """The cohort's last ended runs, oldest first: how many answered, the average score and
    each answer (score and line), in two statements."""
    rows = db.session.execute(
        select(
            Meeting.id,
            Meeting.title,
            Meeting.starts_at,
            func.count(CheckOut.id),
            func.avg(CheckOut.score),
        )
        .join(LiveRun, LiveRun.meeting_id == Meeting.id)
        .outerjoin(CheckOut, CheckOut.meeting_id == Meeting.id)
        .where(Meeting.cohort_id == cohort.id, LiveRun.status == RunStatus.ENDED)
        .group_by(Meeting.id, Meeting.title, Meeting.starts_at)
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    ).all()
    lines: dict[int, list[tuple[int, str]]] = {}
    if rows:
        answers = db.session.execute(
            select(CheckOut.meeting_id, CheckOut.score, CheckOut.line)
            .where(CheckOut.meeting_id.in_([row[0] for row in rows]))
            .order_by(CheckOut.created_at, CheckOut.id)
        )
        for meeting_id, score, line in answers:
            lines.setdefault(meeting_id, []).append((score, line))
    return [
        CheckOutSummary(
            mid, title, starts, count, float(avg) if avg is not None else None, lines.get(mid, [])
        )
        for mid, title, starts, count, avg in reversed(rows)
    ]
