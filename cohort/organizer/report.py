"""The organizer's cohort export: one CSV row per session and member, with the RSVP, the
attendance, how the inventory was shared and the feedback around it. Seven queries, whatever
the number of sessions and members."""

from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..auth.models import User
from ..cohorts.models import Cohort, Membership, MembershipStatus
from ..extensions import db
from ..feedback.models import Feedback, FeedbackAssignment
from ..i18n import gettext as _
from ..inventories.models import Inventory, InventoryStatus
from ..labels import role_label
from ..meetings.forms import RSVP_LABELS
from ..meetings.models import Attendance, Meeting
from ..permissions import Action, require


def _headers() -> list[str]:
    return [
        _("Session"),
        _("Date"),
        _("Session status"),
        _("Member"),
        _("Role"),
        _("RSVP"),
        _("Attended"),
        _("Inventory"),
        _("Shared on time"),
        _("Feedback received"),
        _("Feedback asked of them"),
        _("Feedback given"),
    ]


def _inventory_label(status: InventoryStatus | None, is_late: bool) -> str:
    if status is None:
        return _("not started")
    if status == InventoryStatus.SHARED:
        return _("shared late") if is_late else _("shared")
    if status == InventoryStatus.PAUSED:
        return _("paused")
    return _("draft")


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _grouped(column, meeting_ids: list[int], model) -> Counter:
    rows = db.session.execute(
        select(model.meeting_id, column, func.count())
        .where(model.meeting_id.in_(meeting_ids), column.is_not(None))
        .group_by(model.meeting_id, column)
    )
    return Counter({(meeting_id, user_id): count for meeting_id, user_id, count in rows})


def cohort_report_rows(actor: User, cohort: Cohort) -> Iterator[list[object]]:
    """The header and one row per (session, active member), sessions oldest first."""
    require(actor, Action.VIEW_LOG, cohort)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(Meeting.starts_at)
    ).all()
    members = db.session.execute(
        select(Membership.user_id, Membership.role, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.cohort_id == cohort.id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    ids = [meeting.id for meeting in meetings]
    attendance = {
        (row.meeting_id, row.user_id): row
        for row in db.session.execute(
            select(
                Attendance.meeting_id, Attendance.user_id, Attendance.rsvp, Attendance.attended
            ).where(Attendance.meeting_id.in_(ids))
        )
    }
    inventories = {
        (row.meeting_id, row.user_id): row
        for row in db.session.execute(
            select(
                Inventory.meeting_id, Inventory.user_id, Inventory.status, Inventory.is_late
            ).where(Inventory.meeting_id.in_(ids))
        )
    }
    received = _grouped(Feedback.recipient_id, ids, Feedback)
    given = _grouped(Feedback.giver_id, ids, Feedback)
    asked = _grouped(FeedbackAssignment.giver_id, ids, FeedbackAssignment)
    zone = ZoneInfo(cohort.timezone)
    yield _headers()
    for meeting in meetings:
        when = meeting.starts_at.astimezone(zone)
        status = _("cancelled") if meeting.is_cancelled else _("scheduled")
        for user_id, role, name in members:
            key = (meeting.id, user_id)
            seen = attendance.get(key)
            inventory = inventories.get(key)
            shared = inventory is not None and inventory.status == InventoryStatus.SHARED
            yield [
                meeting.title,
                when.strftime("%Y-%m-%d %H:%M"),
                status,
                name,
                role_label(role),
                str(RSVP_LABELS[seen.rsvp]) if seen is not None and seen.rsvp else "",
                _yes_no(seen.attended if seen is not None else None),
                _inventory_label(
                    inventory.status if inventory else None, shared and inventory.is_late
                ),
                _yes_no(shared and not inventory.is_late),
                received[key],
                asked[key],
                given[key],
            ]
