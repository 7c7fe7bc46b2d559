"""Who might need a hand, and why: each rule reads a member's recent history and returns a
signal with the evidence it is based on. The evidence's fingerprint lets a dismissal last
until new data changes the signal."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale

from ..cohorts.models import Membership
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..i18n import ngettext
from ..inventories.models import InventoryStatus
from ..meetings.models import Meeting
from ..timeline.months import month_label
from .history import History

LOW_ENERGY = 2  # energy at 1 or 2 of 5
QUARTER = 3  # sessions: a quarter of monthly sessions


class Kind:
    NOT_SHARED = "not_shared"
    ENERGY = "energy"
    GOALS_STALLED = "goals_stalled"
    FEEDBACK_OWED = "feedback_owed"
    NO_TRY = "no_try"
    HELP_UNANSWERED = "help_unanswered"


# What a signal is about, in a few words (the coming session's list of people to talk with).
KIND_LABELS = {
    Kind.NOT_SHARED: _l("has not shared for a while"),
    Kind.ENERGY: _l("energy"),
    Kind.GOALS_STALLED: _l("goals standing still"),
    Kind.FEEDBACK_OWED: _l("feedback not given"),
    Kind.NO_TRY: _l("no Try carried out"),
    Kind.HELP_UNANSWERED: _l("asked for help"),
}

KINDS = (
    Kind.NOT_SHARED,
    Kind.ENERGY,
    Kind.GOALS_STALLED,
    Kind.FEEDBACK_OWED,
    Kind.NO_TRY,
    Kind.HELP_UNANSWERED,
)


@dataclass
class Signal:
    membership: Membership
    kind: str
    sessions: list[Meeting]  # the sessions the evidence comes from, oldest first
    evidence: tuple  # what the signal is based on; any change makes it a new signal
    values: tuple = ()  # numbers shown in the reason (energies, task counts)

    @property
    def user(self):
        return self.membership.user

    @property
    def fingerprint(self) -> str:
        text = repr((self.kind, tuple(m.id for m in self.sessions), self.evidence))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def reason(self) -> str:
        """Why, in the reader's language."""
        months = format_list(
            [month_label(meeting) for meeting in self.sessions], locale=get_locale()
        )
        match self.kind:
            case Kind.NOT_SHARED:
                return _("No shared inventory for %(num)d sessions in a row (%(months)s).",
                         num=len(self.sessions), months=months)  # fmt: skip
            case Kind.ENERGY if len(self.values) == 1:
                return _("Energy at %(energy)d of 5 in %(months)s.",
                         energy=self.values[0], months=months)  # fmt: skip
            case Kind.ENERGY:
                return _("Energy falling three months running: %(values)s (%(months)s).",
                         values=" → ".join(map(str, self.values)), months=months)  # fmt: skip
            case Kind.GOALS_STALLED:
                return _("No progress on any goal for three months (%(months)s).", months=months)
            case Kind.FEEDBACK_OWED:
                return _("Was asked for feedback and gave none, %(num)d times (%(months)s).",
                         num=len(self.sessions), months=months)  # fmt: skip
            case Kind.NO_TRY:
                return ngettext(
                    "No Try carried out in a quarter: %(num)d task reviewed, none done "
                    "(%(months)s).",
                    "No Try carried out in a quarter: %(num)d tasks reviewed, none done "
                    "(%(months)s).",
                    self.values[0],
                    months=months,
                )
            case Kind.HELP_UNANSWERED:
                return _("Asked for help under “Blockers and help wanted” and got no feedback "
                         "on it (%(months)s).", months=months)  # fmt: skip
        return ""


def not_shared(history: History, membership: Membership) -> Signal | None:
    """The last two sessions passed with no inventory shared. A paused month is the member
    saying "life happened": it is no silence, so it breaks the run."""
    sessions = history.sessions_of(membership)[-2:]
    if len(sessions) < 2:
        return None
    for meeting in sessions:
        entry = history.entry(membership.user_id, meeting)
        if entry is not None and (entry.is_shared or entry.status == InventoryStatus.PAUSED):
            return None
    return Signal(membership, Kind.NOT_SHARED, sessions, ())


def _shared(history: History, membership: Membership):
    """(session, entry) of the member's shared inventories, oldest first."""
    pairs = []
    for meeting in history.sessions_of(membership):
        entry = history.entry(membership.user_id, meeting)
        if entry is not None and entry.is_shared:
            pairs.append((meeting, entry))
    return pairs


def energy(history: History, membership: Membership) -> Signal | None:
    """The latest energy at 1–2, or three readings in a row each lower than the one before."""
    readings = [(m, e) for m, e in _shared(history, membership) if e.energy is not None]
    if not readings:
        return None
    last_meeting, last = readings[-1]
    if last.energy <= LOW_ENERGY:
        return Signal(membership, Kind.ENERGY, [last_meeting], (last.inventory_id, last.energy),
                      (last.energy,))  # fmt: skip
    run = readings[-3:]
    values = tuple(entry.energy for _meeting, entry in run)
    if len(run) == 3 and values[0] > values[1] > values[2]:
        ids = tuple(entry.inventory_id for _meeting, entry in run)
        return Signal(membership, Kind.ENERGY, [m for m, _entry in run], (ids, values), values)
    return None


def goals_stalled(history: History, membership: Membership) -> Signal | None:
    """Three shared months in a row with goals and not one percent gained on any of them
    (compared with the month before, when there is one)."""
    shared = _shared(history, membership)
    if len(shared) < QUARTER:
        return None
    window = shared[-QUARTER:]
    if not any(entry.progress for _meeting, entry in window):
        return None
    before = shared[-QUARTER - 1][1].progress if len(shared) > QUARTER else {}
    latest: dict[int, int] = dict(before)
    for _meeting, entry in window:
        for goal_id, percent in entry.progress.items():
            if goal_id in latest and percent > latest[goal_id]:
                return None
            latest[goal_id] = percent
    evidence = tuple(sorted(latest.items()))
    return Signal(membership, Kind.GOALS_STALLED, [m for m, _entry in window], evidence)


def feedback_owed(history: History, membership: Membership) -> Signal | None:
    """Feedback asked of the member and not given, in two sessions or more (closed ones)."""
    meeting_ids = history.unmet.get(membership.user_id, [])
    sessions = [m for m in history.sessions_of(membership) if m.id in meeting_ids]
    if len(sessions) < 2:
        return None
    return Signal(membership, Kind.FEEDBACK_OWED, sessions, ())


def no_try(history: History, membership: Membership) -> Signal | None:
    """A quarter (three sessions) in which the member reviewed tasks and none was done."""
    sessions = history.sessions_of(membership)[-QUARTER:]
    if len(sessions) < QUARTER:
        return None
    entries = [history.entry(membership.user_id, meeting) for meeting in sessions]
    shared = [entry for entry in entries if entry is not None and entry.is_shared]
    reviewed = sum(entry.tasks_reviewed for entry in shared)
    if not reviewed or any(entry.tasks_done for entry in shared):
        return None
    evidence = tuple(entry.inventory_id for entry in shared)
    return Signal(membership, Kind.NO_TRY, sessions, evidence, (reviewed,))


def help_unanswered(history: History, membership: Membership) -> Signal | None:
    """A shared inventory asking for help whose feedback time is over with no feedback."""
    sessions = []
    for meeting, entry in _shared(history, membership)[-QUARTER:]:
        closed = meeting.feedback_due_at <= history.now
        if closed and entry.asked_for_help and not entry.feedback_received:
            sessions.append(meeting)
    if not sessions:
        return None
    return Signal(membership, Kind.HELP_UNANSWERED, sessions, ())


RULES: tuple[Callable[[History, Membership], Signal | None], ...] = (
    not_shared,
    energy,
    goals_stalled,
    feedback_owed,
    no_try,
    help_unanswered,
)


def signals_in(history: History) -> list[Signal]:
    """Every signal of every member, members in the order they joined."""
    found = []
    for membership in history.members:
        found.extend(signal for rule in RULES if (signal := rule(history, membership)))
    return found
