"""The minutes of a run: written once when it ends (who spoke and how long, who was skipped,
who was there), kept on the run so the session page reads them with it; the drafts started
from notes are counted as the page is read, since they go on being started afterwards."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..account.deletion import scrubber
from ..auth.models import User
from ..cohorts.models import Membership
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..meetings.models import Attendance, Meeting
from .models import ListenerNote, LiveRun


def names_of(ids) -> dict[int, str]:
    ids = {uid for uid in ids if isinstance(uid, int)}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return dict(rows.all())


def write_minutes(meeting: Meeting, run: LiveRun) -> None:
    """Keep who spoke (and how long), who was skipped and who was there on the run."""
    present = db.session.execute(
        select(User.id, User.display_name)
        .join(Attendance, Attendance.user_id == User.id)
        .where(Attendance.meeting_id == meeting.id, Attendance.attended.is_(True))
        .order_by(User.display_name)
    ).all()
    names = names_of([*run.speakers(), *run.skipped])
    spoken = run.spoken or {}
    run.record = {
        "turns": [[uid, names.get(uid), int(spoken.get(str(uid), 0))] for uid in run.speakers()],
        "skipped": [[uid, names.get(uid)] for uid in run.skipped],
        "present": [[uid, name] for uid, name in present],
    }
    db.session.flush()


@dataclass
class SpokenTurn:
    name: str
    seconds: int


@dataclass
class Minutes:
    turns: list[SpokenTurn]
    skipped: list[str]
    present: list[str]
    notes_html: str
    drafts_started: int
    started_at: datetime | None
    ended_at: datetime | None


def read_minutes(run: LiveRun, drafts_started: int) -> Minutes:
    record = run.record or {}
    former = str(_l("a former member"))
    return Minutes(
        turns=[SpokenTurn(name or former, seconds) for _, name, seconds in record.get("turns", [])],
        skipped=[name or former for _, name in record.get("skipped", [])],
        present=[name or former for _, name in record.get("present", [])],
        notes_html=run.notes_html,
        drafts_started=drafts_started,
        started_at=run.started_at,
        ended_at=run.ended_at,
    )


def drafts_started(meeting_id):
    """A scalar subquery: feedback drafts started from notes taken at the session."""
    return (
        select(func.count(ListenerNote.id))
        .where(ListenerNote.meeting_id == meeting_id, ListenerNote.draft_started_at.is_not(None))
        .scalar_subquery()
    )


@scrubber
def _their_name_in_minutes(user: User) -> None:
    """Minutes of the person's cohorts that name them name "a former member" instead."""
    cohort_ids = select(Membership.cohort_id).where(Membership.user_id == user.id)
    for run in db.session.scalars(select(LiveRun).where(LiveRun.cohort_id.in_(cohort_ids))):
        record = {
            key: [[row[0], None if row[0] == user.id else row[1], *row[2:]] for row in rows]
            for key, rows in (run.record or {}).items()
        }
        if record != run.record:
            run.record = record
