"""Running a session: the facilitator, starting, the timer, the order, notes, ending.

Each use case checks permissions, flushes, and leaves the commit to the caller. Every change
to a run names the version its page showed (``seen``); ``_claim`` moves the run on from that
version in one conditional UPDATE before anything else is written, so of two changes made
from the same page (two tabs, a double click on "Next") exactly one applies and the other is
a ``StaleState`` the page explains.
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import User
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..inventories.models import Inventory, InventoryStatus
from ..markdown import render_markdown
from ..meetings.models import Meeting
from ..meetings.services import record_attended
from ..permissions import Action, NotAllowed, active_membership, can
from . import order
from .minutes import write_minutes
from .models import LiveRun, OrderMode, RunStatus

NOTES_MAX = 20_000


class StaleState(DomainError):
    def __init__(self):
        super().__init__(
            _l(
                "The session changed a moment ago (another tab or a second click). "
                "Here is where it is now."
            )
        )


# Reading --------------------------------------------------------------------------------


def run_of(meeting: Meeting) -> LiveRun | None:
    return db.session.scalar(select(LiveRun).where(LiveRun.meeting_id == meeting.id))


def can_facilitate(user: User | None, meeting: Meeting, run: LiveRun | None) -> bool:
    """Organizers, and the member named facilitator, while the session may be changed."""
    if meeting.is_cancelled or not can(user, Action.PARTICIPATE, meeting):
        return False
    if can(user, Action.MANAGE, meeting):
        return True
    return run is not None and run.facilitator_id == user.id


def _require_facilitator(user: User, meeting: Meeting, run: LiveRun | None) -> None:
    if not can_facilitate(user, meeting, run):
        raise NotAllowed(visible=can(user, Action.VIEW, meeting))


def remaining(run: LiveRun, now: datetime) -> int:
    """Seconds left on the current item's clock; below zero once it runs over."""
    if run.timer_started_at is None:
        return run.remaining_seconds
    return run.remaining_seconds - int((now - run.timer_started_at).total_seconds())


def current_item(run: LiveRun) -> int | str | None:
    return run.agenda[run.current] if 0 <= run.current < len(run.agenda) else None


def shared_people(meeting: Meeting) -> list[int]:
    """Who shared an inventory for the session, in the order they shared."""
    return list(
        db.session.scalars(
            select(Inventory.user_id)
            .where(Inventory.meeting_id == meeting.id, Inventory.status == InventoryStatus.SHARED)
            .order_by(Inventory.shared_at, Inventory.id)
        )
    )


def past_openers(meeting: Meeting, limit: int = 12) -> list[int | None]:
    """Who opened the cohort's earlier runs, the latest first."""
    rows = db.session.scalars(
        select(LiveRun.agenda)
        .join(Meeting, Meeting.id == LiveRun.meeting_id)
        .where(
            Meeting.cohort_id == meeting.cohort_id,
            Meeting.starts_at < meeting.starts_at,
            LiveRun.status != RunStatus.READY,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    return [next((item for item in agenda if isinstance(item, int)), None) for agenda in rows]


# The run ----------------------------------------------------------------------------------


def _ensure_run(meeting: Meeting) -> LiveRun:
    run = run_of(meeting)
    if run is None:
        minutes = meeting.cohort.rhythm_minutes
        run = LiveRun(
            cohort_id=meeting.cohort_id,
            meeting_id=meeting.id,
            meeting=meeting,
            status=RunStatus.READY,
            version=1,
            agenda=[],
            skipped=[],
            spoken={},
            current=0,
            remaining_seconds=0,
            speaker_seconds=600,
            opening_minutes=min(10, max(minutes // 12, 0)),
            break_minutes=0,
            closing_minutes=min(10, max(minutes // 12, 0)),
            notes="",
            notes_html="",
        )
        db.session.add(run)
        db.session.flush()
    return run


# Changing the run -----------------------------------------------------------------------


def _bump(run: LiveRun) -> None:
    run.version = (run.version or 0) + 1
    run.updated_at = utcnow()
    db.session.flush()


def _claim(run: LiveRun, seen: int | None) -> None:
    if seen is None or seen != run.version:
        raise StaleState()
    result = db.session.execute(
        update(LiveRun)
        .where(LiveRun.id == run.id, LiveRun.version == seen)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleState()
    set_committed_value(run, "version", seen + 1)


def _changing(actor: User, meeting: Meeting, seen: int | None, live_only: bool = True) -> LiveRun:
    run = run_of(meeting)
    _require_facilitator(actor, meeting, run)
    if run is None or (live_only and not run.is_live):
        raise DomainError(_l("The session is not running."))
    _claim(run, seen)
    return run


def _stop_clock(run: LiveRun, now: datetime) -> None:
    if run.timer_started_at is None:
        return
    elapsed = max(0, int((now - run.timer_started_at).total_seconds()))
    item = current_item(run)
    if isinstance(item, int):
        spoken = dict(run.spoken or {})
        spoken[str(item)] = spoken.get(str(item), 0) + elapsed
        run.spoken = spoken
    run.remaining_seconds -= elapsed
    run.timer_started_at = None


def _box(run: LiveRun, item) -> int:
    if isinstance(item, int):
        return run.speaker_seconds
    return 60 * {
        "opening": run.opening_minutes,
        "break": run.break_minutes,
        "closing": run.closing_minutes,
    }.get(item, 0)


def _session_seconds(meeting: Meeting) -> int:
    return int((meeting.ends_at - meeting.starts_at).total_seconds())


def start(
    actor: User,
    meeting: Meeting,
    seen: int | None,
    now: datetime,
    mode: OrderMode = OrderMode.SHARED,
    slots: tuple[int, int, int] | None = None,
    seed: int | None = None,
) -> LiveRun:
    """Open the live run: build the agenda and start the first item's clock. Starting a run
    that is live already just resumes it."""
    run = run_of(meeting)
    _require_facilitator(actor, meeting, run)
    if run is not None and run.is_live:
        return run
    if run is not None and run.is_ended:
        raise DomainError(_l("This session has ended: its minutes are on the session page."))
    if run is None:  # the page showed no run yet (version 0): this start makes it
        run = _ensure_run(meeting)
        seen = seen or run.version
    _claim(run, run.version if seen is None else seen)
    if slots is not None:
        run.opening_minutes, run.break_minutes, run.closing_minutes = slots
    speakers = order.speaking_order(mode, shared_people(meeting), past_openers(meeting), seed=seed)
    run.mode = mode
    run.agenda = order.build_agenda(
        speakers, run.opening_minutes, run.break_minutes, run.closing_minutes
    )
    run.speaker_seconds = order.time_box(
        _session_seconds(meeting),
        len(speakers),
        run.opening_minutes,
        run.break_minutes,
        run.closing_minutes,
    )
    run.status = RunStatus.LIVE
    run.current = 0
    run.started_at = now
    run.remaining_seconds = _box(run, current_item(run))
    run.timer_started_at = now if run.agenda else None
    run.updated_at = now
    db.session.flush()
    return run


def pause(actor: User, meeting: Meeting, seen: int | None, now: datetime) -> LiveRun:
    run = _changing(actor, meeting, seen)
    _stop_clock(run, now)
    run.updated_at = now
    db.session.flush()
    return run


def resume(actor: User, meeting: Meeting, seen: int | None, now: datetime) -> LiveRun:
    run = _changing(actor, meeting, seen)
    if run.timer_started_at is None and current_item(run) is not None:
        run.timer_started_at = now
    run.updated_at = now
    db.session.flush()
    return run


def advance(actor: User, meeting: Meeting, seen: int | None, now: datetime) -> LiveRun:
    """Next: the current item's clock stops and the next one's starts."""
    run = _changing(actor, meeting, seen)
    _stop_clock(run, now)
    if run.current < len(run.agenda) - 1:
        run.current += 1
        run.remaining_seconds = _box(run, current_item(run))
        run.timer_started_at = now
    run.updated_at = now
    db.session.flush()
    return run


def move(actor: User, meeting: Meeting, seen: int | None, person: int, step: int) -> LiveRun:
    """Move a speaker who has not spoken yet one place up (−1) or down (+1)."""
    run = _changing(actor, meeting, seen)
    later = run.agenda[run.current + 1 :]
    if person not in later:
        raise DomainError(_l("Only people who have not spoken yet can be moved."))
    run.agenda = run.agenda[: run.current + 1] + order.move(later, person, step)
    db.session.flush()
    return run


def skip(actor: User, meeting: Meeting, seen: int | None, person: int, now: datetime) -> LiveRun:
    """Take someone off the order (they are not here, or would rather not speak)."""
    run = _changing(actor, meeting, seen)
    if person not in run.agenda or person in run.agenda[: run.current]:
        raise DomainError(_l("Only people who have not spoken yet can be skipped."))
    at = run.agenda.index(person)
    if at == run.current:
        _stop_clock(run, now)
    run.agenda = [item for item in run.agenda if item != person]
    run.skipped = [*run.skipped, person]
    if at == run.current:
        run.current = min(run.current, max(len(run.agenda) - 1, 0))
        run.remaining_seconds = _box(run, current_item(run))
        run.timer_started_at = now if run.agenda else None
    db.session.flush()
    return run


def add_late(actor: User, meeting: Meeting, seen: int | None, person: int) -> LiveRun:
    """Someone shared late (or was skipped and is here after all): they speak last."""
    run = _changing(actor, meeting, seen)
    if active_membership(db.session.get(User, person), meeting.cohort) is None:
        raise DomainError(_l("Choose an active member of this cohort."))
    if person in run.agenda:
        raise DomainError(_l("They are on the order already."))
    at = len(run.agenda)
    if run.agenda and run.agenda[-1] == "closing":
        at -= 1
    at = max(at, run.current + 1)
    run.agenda = [*run.agenda[:at], person, *run.agenda[at:]]
    run.skipped = [uid for uid in run.skipped if uid != person]
    db.session.flush()
    return run


def check_in(actor: User, meeting: Meeting, person: int, present: bool) -> None:
    """Mark one person present or not from the live page (the facilitator may, too)."""
    run = run_of(meeting)
    _require_facilitator(actor, meeting, run)
    if active_membership(db.session.get(User, person), meeting.cohort) is None:
        raise DomainError(_l("Choose an active member of this cohort."))
    record_attended(meeting, person, present)
    if run is not None:
        _bump(run)


def late_candidates(run: LiveRun, people: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Of ``people`` (active members and organizers), those not on the order."""
    on = set(run.agenda)
    return [(uid, name) for uid, name in people if uid not in on]


def save_notes(actor: User, meeting: Meeting, seen: int | None, text: str) -> LiveRun:
    run = _changing(actor, meeting, seen, live_only=False)
    if len(text) > NOTES_MAX:
        raise DomainError(_l("The notes are too long."), field="notes")
    run.notes = text
    run.notes_html = render_markdown(text)
    db.session.flush()
    return run


def end(actor: User, meeting: Meeting, seen: int | None, now: datetime) -> tuple[LiveRun, bool]:
    """Close the run and keep its minutes. Ending an ended run changes nothing; returns
    (run, whether it ended now)."""
    run = run_of(meeting)
    _require_facilitator(actor, meeting, run)
    if run is not None and run.is_ended:
        return run, False
    if run is None or not run.is_live:
        raise DomainError(_l("The session is not running."))
    _claim(run, seen)
    _stop_clock(run, now)
    run.status = RunStatus.ENDED
    run.ended_at = now
    run.updated_at = now
    write_minutes(meeting, run)
    return run, True


def slot_labels() -> dict[str, str]:
    return {
        "opening": _l("Opening"),
        "break": _l("Break"),
        "closing": _l("Closing"),
    }
