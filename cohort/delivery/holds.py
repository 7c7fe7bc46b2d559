"""Reminders held back by a member's local hours, remembered until their release.

A reminder due in a member's quiet hours stays unclaimed until ``release`` lets it out. Rather
than select and evaluate it again at every tick, the tick that held it writes a hold: the
reminder's key, its release moment, and what that was worked out from (the moment it fell due
and the member's zone, quiet hours and reminder time). Later ticks leave it out in SQL while
the release is ahead and those still hold; once they do not (the release has come, the member
changed their hours, the session moved) it is selected and evaluated again, so a hold delays
nothing past its release and the ledger still lets each reminder out once.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, Time, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..extensions import db
from .hours import QUIET_END, QUIET_START, REMINDER_TIME, LocalHours
from .ledger import Key, batches
from .models import DeliverySettings, ReminderHold

HOLDS_PER_STATEMENT = 1000
KEEP = timedelta(days=40)  # a hold whose release passed this long ago is only clutter


class Hold(NamedTuple):
    key: Key
    not_before: datetime
    due_at: datetime
    hours: LocalHours


def remember(holds: Sequence[Hold]) -> None:
    """Write (or renew) these holds in the caller's transaction, in key order so that two
    schedulers writing the same holds wait on each other rather than deadlock. Rows are made
    a page at a time, so memory does not grow with the number held."""
    if not holds:
        return
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ReminderHold.__table__)
    kept = ("not_before", "due_at", "zone", "quiet_start", "quiet_end", "reminder_time")
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "kind", "period_key"],
        set_={column: statement.excluded[column] for column in kept},
    )
    for chunk in batches(sorted(holds, key=lambda hold: hold.key), HOLDS_PER_STATEMENT):
        db.session.execute(statement, [_row(hold) for hold in chunk])


def _row(hold: Hold) -> dict:
    user_id, kind, period_key = hold.key
    hours = hold.hours
    return {
        "user_id": user_id,
        "kind": kind,
        "period_key": period_key,
        "not_before": hold.not_before,
        "due_at": hold.due_at,
        "zone": hours.zone,
        "quiet_start": hours.quiet_start,
        "quiet_end": hours.quiet_end,
        "reminder_time": hours.reminder_time,
    }


def not_held(
    user_id: ColumnElement,
    kind: str,
    period_key: ColumnElement,
    now: datetime,
    due_at: ColumnElement | None = None,
) -> ColumnElement:
    """A WHERE clause: no hold keeps (user, kind, period key) back at ``now``. A hold keeps
    it back while its release is ahead, the member's hours are those it was worked out from,
    and (when the series gives it) the reminder still falls due at the same moment."""
    hold, user, settings = ReminderHold, aliased(User), aliased(DeliverySettings)

    def current(column, default):
        return func.coalesce(column, literal(default, Time))

    conditions = [
        hold.user_id == user_id,
        hold.kind == kind,
        hold.period_key == period_key,
        hold.not_before > now,
        hold.zone == func.coalesce(func.nullif(user.timezone, ""), "UTC"),
        hold.quiet_start == current(settings.quiet_start, QUIET_START),
        hold.quiet_end == current(settings.quiet_end, QUIET_END),
        hold.reminder_time == current(settings.reminder_time, REMINDER_TIME),
    ]
    if due_at is not None:
        conditions.append(hold.due_at == due_at)
    return ~(
        select(hold.user_id)
        .join(user, user.id == hold.user_id)
        .outerjoin(settings, settings.user_id == hold.user_id)
        .where(*conditions)
        .exists()
    )


def forget_old_holds(now: datetime) -> int:
    """Delete holds whose release passed long ago (their reminder went, or is no longer due)."""
    return db.session.execute(
        delete(ReminderHold)
        .where(ReminderHold.not_before < now - KEEP)
        .execution_options(synchronize_session=False)
    ).rowcount
