"""Which reminders are due now, computed from our own tables at every tick.

Each reminder has a period key (``due``: which moment of a session's series has passed); the
ledger lets it out once.

A tick costs what is new, not what exists: the due period of each session is worked out in
Python from the few sessions near their reminders, then one query per kind selects the members
still to remind, leaving out in SQL everyone the ledger already holds. Those are claimed in
bounded batches, and only what a batch claimed is loaded, rendered and queued.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, exists, literal, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus, Role
from ..database import UTCDateTime, utcnow
from ..delivery.holds import Hold, not_held, remember
from ..delivery.hours import DEFAULT, LocalHours, hours_of, release
from ..delivery.ledger import Key, batches, claim_in_batches, unclaimed, without_jit
from ..delivery.notices import Notice, notify_many
from ..delivery.outbox import QueuedEmail, opted_out, queue_emails
from ..emails import external_url
from ..extensions import db
from ..inventories.models import Inventory, InventoryStatus
from ..meetings.models import Attendance, Meeting, Rsvp
from ..quarters.schedule import is_quarter_session
from .due import Due, due_meetings, due_windows
from .push import queue_push

MEETINGS_PER_QUERY = 1000  # keeps each query's CASE and IN list a sane size


@dataclass
class Reminder:
    user: User
    kind: str  # ledger and notification kind
    email_kind: str  # the preference a member can switch off
    period_key: str
    template: str
    url: str
    cohort: Cohort
    data: dict = field(default_factory=dict)  # for the in-app sentence
    context: dict = field(default_factory=dict)  # for the email


class Candidate(NamedTuple):
    """A reminder the ledger does not hold yet: plain values, cheap to keep by the thousand."""

    user_id: int
    kind: str
    period_key: str
    meeting_id: int

    @property
    def key(self) -> Key:
        return (self.user_id, self.kind, self.period_key)

    @property
    def label(self) -> str:
        return self.period_key.rsplit(":", 1)[-1]


@dataclass
class Loaded:
    """What a claimed batch needs to be rendered, loaded for the whole batch at once."""

    users: dict[int, User]
    meetings: dict[int, Meeting]


Build = Callable[[list[Candidate], Loaded], list[Reminder]]


def load(batch: list[Candidate]) -> Loaded:
    """The users and sessions of a claimed batch: two queries, whatever its size."""
    return load_people_and_sessions(
        {candidate.user_id for candidate in batch}, {candidate.meeting_id for candidate in batch}
    )


def load_people_and_sessions(user_ids: set[int], meeting_ids: set[int]) -> Loaded:
    """Users and sessions by id, for a batch of reminders or alerts (two queries)."""
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)))
    meetings = db.session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
    return Loaded({user.id: user for user in users}, {meeting.id: meeting for meeting in meetings})


def deliver(reminders: list[Reminder]) -> None:
    """Write the in-app notifications of claimed reminders and queue their emails."""
    notify_many(
        [Notice(r.user.id, r.kind, r.url, r.cohort.id, r.data) for r in reminders],
    )
    # The batch's email preferences and holiday pauses are read in two queries, and the
    # emails are rendered once per group of alike recipients and inserted in one statement.
    user_ids = {r.user.id for r in reminders}
    off = opted_out(user_ids, {r.email_kind for r in reminders})
    now = utcnow()
    paused = {user_id for user_id, hours in hours_of(user_ids).items() if hours.email_paused(now)}
    queue_emails(
        [
            QueuedEmail(r.user, r.email_kind, r.template, r.context)
            for r in reminders
            if (r.user.id, r.email_kind) not in off and r.user.id not in paused
        ]
    )
    queue_push(reminders)  # and to the devices of members who keep push on for the kind


def ready(now: datetime, candidates: list[Candidate], due_of: Callable[[Candidate], Due]):
    """The candidates whose member's local hours let them out now (one query per 5,000
    members). The others stay unclaimed with a hold until their release (committed at once),
    so that the ticks before it leave them out in SQL instead of evaluating them again."""
    if not candidates:
        return []
    hours = hours_of({candidate.user_id for candidate in candidates})
    released: dict[tuple[LocalHours, Due], datetime] = {}  # most members share their hours
    kept, held = [], []
    for candidate in candidates:
        due, local = due_of(candidate), hours.get(candidate.user_id, DEFAULT)
        if (local, due) not in released:
            released[local, due] = release(due.moment, due.deadline, local, urgent=due.urgent)
        if released[local, due] <= now:
            kept.append(candidate)
        else:
            held.append(Hold(candidate.key, released[local, due], due.moment, local))
    if held:
        remember(held)
        db.session.commit()
    return kept


def by_session(dues: dict[int, Due]) -> Callable[[Candidate], Due]:
    return lambda candidate: dues[candidate.meeting_id]


def claim_and_send(candidates: list[Candidate], build: Build, *, commit: bool = True) -> int:
    """Claim candidates batch by batch; render and queue only what each batch claimed."""
    return claim_in_batches(
        candidates,
        key=lambda candidate: candidate.key,
        send=lambda batch: deliver(build(batch, load(batch))),
        commit=commit,
    )


# Who is still to remind (one query per kind) ---------------------------------------------


def _done(
    meeting_id: ColumnElement, user_id: ColumnElement, meeting_ids: Sequence[int]
) -> ColumnElement:
    """The member has shared or paused this session's inventory: nothing left to remind.

    ``meeting_ids`` (the query's sessions) is repeated inside so that PostgreSQL's planner
    reads only those sessions' inventories, never the whole history (nor compiles a JIT plan
    for it)."""
    return exists().where(
        Inventory.meeting_id.in_(meeting_ids),
        Inventory.meeting_id == meeting_id,
        Inventory.user_id == user_id,
        Inventory.status.in_([InventoryStatus.SHARED, InventoryStatus.PAUSED]),
    )


def unclaimed_members(kind: str, periods: dict[int, str], *where) -> list[Candidate]:
    """Active members of the sessions in ``periods`` matching ``where`` whose reminder of
    ``kind`` for the session's due period is not in the ledger yet."""
    candidates: list[Candidate] = []
    without_jit()
    for chunk in batches(sorted(periods), MEETINGS_PER_QUERY):
        period = case({meeting_id: periods[meeting_id] for meeting_id in chunk}, value=Meeting.id)
        rows = db.session.execute(
            select(Membership.user_id, Meeting.id, period)
            .select_from(Meeting)
            .join(Membership, Membership.cohort_id == Meeting.cohort_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Meeting.id.in_(chunk),
                Membership.status == MembershipStatus.ACTIVE,
                unclaimed(Membership.user_id, kind, period),
                *where,
            )
            .order_by(Meeting.id, Membership.id)
        )
        candidates += [Candidate(user_id, kind, key, mid) for user_id, mid, key in rows]
    return candidates


def awaiting(kind: str, now: datetime, dues: dict[int, Due], *where) -> list[Candidate]:
    """``unclaimed_members`` for a tick: the reminders of ``kind`` due now in these sessions
    that neither the ledger nor a hold (for the same due moment) keeps back."""
    periods = {meeting_id: due.period_key for meeting_id, due in dues.items()}
    candidates: list[Candidate] = []
    for chunk in batches(sorted(dues), MEETINGS_PER_QUERY):
        period = case({meeting_id: periods[meeting_id] for meeting_id in chunk}, value=Meeting.id)
        moment = case(
            {meeting_id: literal(dues[meeting_id].moment, UTCDateTime) for meeting_id in chunk},
            value=Meeting.id,
        )
        held = not_held(Membership.user_id, kind, period, now, moment)
        candidates += unclaimed_members(kind, {m: periods[m] for m in chunk}, *where, held)
    return candidates


def _inventory_candidates(now: datetime, dues: dict[int, Due]) -> list[Candidate]:
    """Writers (not mentors) who have neither shared nor paused."""
    done = _done(Meeting.id, User.id, sorted(dues))
    return awaiting("inventory_due", now, dues, Membership.role != Role.MENTOR, ~done)


def _organizer_candidates(now: datetime, dues: dict[int, Due]) -> list[Candidate]:
    """Organizers of sessions where some writer has neither shared nor paused."""
    writer = aliased(Membership)
    someone_missing = exists().where(
        writer.cohort_id == Meeting.cohort_id,
        writer.status == MembershipStatus.ACTIVE,
        writer.role != Role.MENTOR,
        ~_done(Meeting.id, writer.user_id, sorted(dues)),
    )
    return awaiting(
        "organizer_not_shared", now, dues, Membership.role == Role.ORGANIZER, someone_missing
    )


def _session_candidates(now: datetime, dues: dict[int, Due]) -> list[Candidate]:
    """Every member except those who said they will not come."""
    not_going = exists().where(
        Attendance.meeting_id.in_(sorted(dues)),
        Attendance.meeting_id == Meeting.id,
        Attendance.user_id == Membership.user_id,
        Attendance.rsvp == Rsvp.NOT_GOING,
    )
    return awaiting("session_soon", now, dues, ~not_going)


def links(endpoint: str) -> Callable[[Meeting], str]:
    """A session's link for ``endpoint``, built once per session of a batch."""
    cache: dict[int, str] = {}

    def url(meeting: Meeting) -> str:
        if meeting.id not in cache:
            cache[meeting.id] = external_url(
                endpoint, slug=meeting.cohort.slug, meeting_id=meeting.id
            )
        return cache[meeting.id]

    return url


def reminder_of(
    candidate: Candidate,
    loaded: Loaded,
    template: str,
    url: str,
    *,
    data: dict | None = None,
    email_kind: str | None = None,
    **context,
) -> Reminder:
    """The reminder of a claimed candidate about its session. The in-app sentence names the
    session unless ``data`` is given; the email kind is the reminder's kind unless given."""
    meeting = loaded.meetings[candidate.meeting_id]
    return Reminder(
        user=loaded.users[candidate.user_id],
        kind=candidate.kind,
        email_kind=email_kind or candidate.kind,
        period_key=candidate.period_key,
        template=template,
        url=url,
        cohort=meeting.cohort,
        data=data if data is not None else {"meeting": meeting.title},
        context={"meeting": meeting, "cohort": meeting.cohort, **context},
    )


def _inventory_reminders(batch: list[Candidate], loaded: Loaded) -> list[Reminder]:
    """In a quarter's month the reminder also invites the quarter review (its own in-app
    sentence and a link in the email); the member's email preference stays the same."""
    write_url = links("inventories.write")
    quarter_url = links("quarters.write")
    reminders = []
    for candidate in batch:
        meeting = loaded.meetings[candidate.meeting_id]
        url = write_url(meeting)
        quarter = {"quarter_url": quarter_url(meeting)} if is_quarter_session(meeting) else {}
        reminder = reminder_of(
            candidate, loaded, "reminder_inventory_due", url, write_url=url, **quarter
        )
        if quarter:
            reminder.data["variant"] = "quarter"  # the notice invites the review too
        reminders.append(reminder)
    return reminders


def _missing_writers(meeting_ids: set[int]) -> dict[int, list[str]]:
    """Names of the writers who have neither shared nor paused, by session (one query)."""
    names: dict[int, list[str]] = {}
    for meeting_id, name in db.session.execute(
        select(Meeting.id, User.display_name)
        .join(Membership, Membership.cohort_id == Meeting.cohort_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Meeting.id.in_(sorted(meeting_ids)),
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role != Role.MENTOR,
            ~_done(Meeting.id, User.id, sorted(meeting_ids)),
        )
        .order_by(Meeting.id, Membership.id)
    ):
        names.setdefault(meeting_id, []).append(name)
    return names


def _organizer_reminders(batch: list[Candidate], loaded: Loaded) -> list[Reminder]:
    missing = _missing_writers({candidate.meeting_id for candidate in batch})
    month_url = links("inventory_organizer.month")
    reminders = []
    for candidate in batch:
        meeting = loaded.meetings[candidate.meeting_id]
        names, url = missing.get(meeting.id, []), month_url(meeting)
        data = {"meeting": meeting.title, "count": len(names)}
        reminders.append(
            reminder_of(
                candidate,
                loaded,
                "reminder_organizer",
                url,
                data=data,
                email_kind="organizer_reminders",
                names=names,
                month_url=url,
            )
        )
    return reminders


def _session_reminders(batch: list[Candidate], loaded: Loaded) -> list[Reminder]:
    show_url, ics_url = links("meetings.show"), links("meetings.ics")
    reminders = []
    for candidate in batch:
        meeting = loaded.meetings[candidate.meeting_id]
        url = show_url(meeting)
        context = {"session_url": url, "ics_url": ics_url(meeting)}
        in_an_hour = candidate.label == "T-1h"
        reminders.append(
            reminder_of(
                candidate, loaded, "reminder_session", url, in_an_hour=in_an_hour, **context
            )
        )
    return reminders


def send_due_reminders(now: datetime) -> int:
    """Claim, notify in-app and queue the email of every reminder due now and not claimed
    yet, committing batch by batch; returns how many were sent."""
    # Imported here: these series build on this module's Candidate and Reminder.
    from . import digest, feedback_owed

    windows = due_windows(now, due_meetings(now))  # read before a commit expires the sessions
    series = (
        (_inventory_candidates, "inventory_due", _inventory_reminders),
        (_organizer_candidates, "organizer_not_shared", _organizer_reminders),
        (_session_candidates, "session_soon", _session_reminders),
        (digest.digest_candidates, "digest", digest.digest_reminders),
    )
    sent = 0
    for find, kind, build in series:
        if windows[kind]:
            candidates = ready(now, find(now, windows[kind]), by_session(windows[kind]))
            sent += claim_and_send(candidates, build)
    owed = feedback_owed.owed_feedback_candidates(now)
    owed = ready(now, owed, feedback_owed.due_of(now, owed))
    sent += claim_and_send(owed, feedback_owed.owed_feedback_reminders)
    return sent


def nudge_non_sharers(actor: User, meeting: Meeting, message: str, now: datetime) -> int:
    """An organizer's "remind them now": only members who have neither shared nor paused.

    A double click in the same minute reminds nobody twice (the ledger key has the minute).
    Run inside the organizer's request: it flushes, and the view commits.
    """
    from ..permissions import Action, require

    require(actor, Action.MANAGE, meeting)
    period = {meeting.id: f"meeting-{meeting.id}:{now:%Y%m%d%H%M}"}
    candidates = unclaimed_members(
        "nudge",
        period,
        Membership.role != Role.MENTOR,
        Membership.user_id != actor.id,
        ~_done(Meeting.id, User.id, [meeting.id]),
    )
    note = message.strip()[:1000]

    def build(batch: list[Candidate], loaded: Loaded) -> list[Reminder]:
        url = external_url("inventories.write", slug=meeting.cohort.slug, meeting_id=meeting.id)
        context = {"organizer": actor, "message": note, "write_url": url}
        return [reminder_of(candidate, loaded, "nudge", url, **context) for candidate in batch]

    return claim_and_send(candidates, build, commit=False)
