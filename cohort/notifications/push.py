"""Reminders on members' devices: a claimed batch of reminders (already let out by each
member's local hours) also goes to the devices of the members who keep push on for its kind
(see ``delivery.pushes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..delivery.pushes import PushNotice, queue_pushes

if TYPE_CHECKING:
    from .reminders import Reminder


def queue_push(reminders: list[Reminder]) -> int:
    """Claim and queue the pushes of a claimed batch of reminders, in the caller's
    transaction; returns how many reminders were pushed."""
    return queue_pushes(
        [
            PushNotice(
                user_id=r.user.id,
                locale=r.user.locale,
                kind=r.kind,
                choice=r.email_kind,
                period_key=r.period_key,
                title=r.cohort.name,
                url=r.url,
                data=r.data,
                cohort_id=r.cohort.id,
            )
            for r in reminders
        ]
    )
