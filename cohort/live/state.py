"""The live state that members' pages poll, cheaply.

Pages poll ``GET …/live/state`` every few seconds with the ETag they hold. The mechanism is
plain polling (no stream), so a sync worker answers each poll in a few milliseconds and is
never held by a viewer, on any number of hosts.

What a poll costs:
- The page carries a *pass*: a signed (user, session) pair the page was rendered with after
  the usual permission check, valid for ``PASS_SECONDS``. With it, a poll needs no sign-in
  lookup at all.
- Each process keeps the state of a session for ``FRESH_SECONDS``. A poll with a valid pass
  whose ETag matches that state is a 304 with no SQL; one that is behind gets the kept state,
  still without SQL. When the kept state is older, one statement reads the run again (and one
  more reads names, only when the order itself changed).
- Without a valid pass (a page open longer than the pass, or none), the poll is checked like
  any page: the signed-in user, and one statement for the run with the user's membership;
  its answer carries a new pass.

So a change reaches every viewer within a poll interval plus ``FRESH_SECONDS``, whichever
host answers; a member removed from the cohort stops getting the state once their pass runs
out (a 304 says nothing but "no change").
"""

import time
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..extensions import db
from ..meetings.models import Meeting
from .models import LiveRun

FRESH_SECONDS = 2.0
PASS_SECONDS = 300
PASS_SALT = "cohort-live-pass"  # noqa: S105 (a salt that names the purpose)

# meeting id → (read at (monotonic), state); names: (meeting id, agenda) → {user id: name}
_states: dict[int, tuple[float, dict]] = {}
_names: dict[tuple, dict[int, str]] = {}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PASS_SALT)


def issue_pass(user_id: int, meeting_id: int) -> str:
    return _serializer().dumps([user_id, meeting_id])


def read_pass(token: str | None, meeting_id: int) -> int | None:
    """The user id the pass was issued to, if it is valid for this session."""
    if not token or len(token) > 200:
        return None
    try:
        user_id, for_meeting = _serializer().loads(token, max_age=PASS_SECONDS)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(user_id) if for_meeting == meeting_id else None


def etag(state: dict) -> str:
    return f'"live-{state["meeting"]}-{state["version"]}"'


def forget(meeting_id: int) -> None:
    """Called after this process changed the run, so its own pollers see it at once."""
    _states.pop(meeting_id, None)


def kept(meeting_id: int) -> dict | None:
    entry = _states.get(meeting_id)
    if entry is None or time.monotonic() - entry[0] > FRESH_SECONDS:
        return None
    return entry[1]


def _epoch(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


def state_of(meeting_id: int, run: LiveRun | None) -> dict:
    """The public state (no notes, nothing private), kept for the next polls."""
    if run is None:
        state = {"meeting": meeting_id, "version": 0, "status": "none", "agenda": []}
    else:
        names = _agenda_names(meeting_id, run.agenda)
        state = {
            "meeting": meeting_id,
            "version": run.version,
            "status": str(run.status),
            "current": run.current,
            "agenda": [
                {"key": item, "name": names.get(item, "") if isinstance(item, int) else ""}
                for item in run.agenda
            ],
            "running": run.timer_started_at is not None,
            "timer_started": _epoch(run.timer_started_at),
            "remaining": run.remaining_seconds,
            "box": run.speaker_seconds,
        }
    _states[meeting_id] = (time.monotonic(), state)
    return state


def _agenda_names(meeting_id: int, agenda: list) -> dict[int, str]:
    key = (meeting_id, tuple(agenda))
    if key not in _names:
        ids = [item for item in agenda if isinstance(item, int)]
        rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
        if len(_names) > 1000:
            _names.clear()
        _names[key] = dict(rows.all()) if ids else {}
    return _names[key]


# The state needs the run's own columns only: no session, cohort or facilitator joined in
# (and the run stays an outer join when the session has none yet).
_RUN_ONLY = (lazyload(LiveRun.meeting), lazyload(LiveRun.facilitator))


def read_run(meeting_id: int) -> LiveRun | None:
    """One statement: the run (None if the session has none yet)."""
    return db.session.scalar(
        select(LiveRun).where(LiveRun.meeting_id == meeting_id).options(*_RUN_ONLY)
    )


def read_for_viewer(slug: str, meeting_id: int, user_id: int):
    """One statement: whether the user may see the session, and its run.

    Returns (visible, run)."""
    row = db.session.execute(
        select(Meeting.id, Membership.id, LiveRun)
        .select_from(Meeting)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .outerjoin(LiveRun, LiveRun.meeting_id == Meeting.id)
        .outerjoin(
            Membership,
            (Membership.cohort_id == Cohort.id)
            & (Membership.user_id == user_id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .where(Meeting.id == meeting_id, Cohort.slug == slug)
        .options(*_RUN_ONLY)
    ).one_or_none()
    if row is None or row[1] is None:
        return False, None
    return True, row[2]
