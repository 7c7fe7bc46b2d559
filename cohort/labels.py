"""What a person reads for each stored code: roles, statuses, log entries.

Pages, emails and exports never print an enum's value; they ask ``label`` (the ``label``
filter in templates), which answers in the reader's language.
"""

import enum

from .cohorts.models import EventKind, MembershipStatus, Role
from .i18n import lazy_gettext as _l
from .inventories.models import GoalStatus, InventoryStatus, TaskOutcome
from .meetings.models import MeetingStatus, Rsvp

ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.MENTOR: _l("Mentor"),
    Role.ORGANIZER: _l("Organizer"),
}

RSVP_LABELS = {
    Rsvp.GOING: _l("Going"),
    Rsvp.MAYBE: _l("Maybe"),
    Rsvp.NOT_GOING: _l("Not going"),
}

# Keyed by the enum class first: different enums share values ("left", "dropped"…).
LABELS: dict[type[enum.Enum], dict] = {
    Role: ROLE_LABELS,
    Rsvp: RSVP_LABELS,
    MembershipStatus: {
        MembershipStatus.ACTIVE: _l("active"),
        MembershipStatus.LEFT: _l("left"),
        MembershipStatus.REMOVED: _l("removed"),
    },
    EventKind: {
        EventKind.JOINED: _l("joined"),
        EventKind.LEFT: _l("left"),
        EventKind.REMOVED: _l("was removed"),
        EventKind.ROLE_CHANGED: _l("role changed"),
        EventKind.INVITATION_CREATED: _l("invitation created"),
        EventKind.INVITATION_REVOKED: _l("invitation withdrawn"),
        EventKind.ARCHIVED: _l("cohort archived"),
        EventKind.UNARCHIVED: _l("cohort brought back"),
    },
    InventoryStatus: {
        InventoryStatus.DRAFT: _l("draft"),
        InventoryStatus.SHARED: _l("shared"),
        InventoryStatus.PAUSED: _l("paused"),
    },
    GoalStatus: {
        GoalStatus.ACTIVE: _l("active"),
        GoalStatus.ACHIEVED: _l("achieved"),
        GoalStatus.DROPPED: _l("dropped"),
    },
    TaskOutcome: {
        TaskOutcome.DONE: _l("done"),
        TaskOutcome.CARRIED: _l("carried over"),
        TaskOutcome.DROPPED: _l("dropped"),
    },
    MeetingStatus: {
        MeetingStatus.SCHEDULED: _l("scheduled"),
        MeetingStatus.CANCELLED: _l("cancelled"),
    },
}


def label(value: enum.Enum) -> str:
    """The reader's word for a stored code, e.g. ``Role.MEMBER`` → "メンバー"."""
    return str(LABELS[type(value)][value])


def role_label(role: Role | str) -> str:
    return label(Role(role))


def event_detail(kind: EventKind, detail: str) -> str:
    """A log entry's detail as people read it: roles by their label ("member→organizer"
    becomes "メンバー→オーガナイザー"), anything else (an invited address) as it is."""
    if kind in (EventKind.JOINED, EventKind.ROLE_CHANGED):
        parts = detail.split("→")
        if all(part in Role._value2member_map_ for part in parts):
            return "→".join(role_label(part) for part in parts)
    return detail


def init_app(app) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["event_detail"] = lambda event: event_detail(event.kind, event.detail)
