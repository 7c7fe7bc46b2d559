"""Claiming a reminder once: the ledger row's unique key decides who sends it."""

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import ReminderDelivery


def claim(user_id: int, kind: str, period_key: str) -> bool:
    """True if this call claimed (user, kind, period); False if it was claimed before.

    A savepoint keeps the caller's transaction usable after a conflict, so a tick can claim
    many reminders in one transaction and skip the ones another scheduler already took.
    """
    try:
        with db.session.begin_nested():
            db.session.add(ReminderDelivery(user_id=user_id, kind=kind, period_key=period_key))
            db.session.flush()
    except IntegrityError:
        return False
    return True
