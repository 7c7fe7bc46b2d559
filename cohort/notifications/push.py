"""Reminders on members' devices: a claimed batch of reminders (already let out by each
member's local hours) also goes to every device of the members who keep push on for its kind.

Each push is claimed in the channel ledger once per (member, kind, period), so two schedulers
never push the same reminder twice; one message is queued per device. The body is the
reminder's in-app sentence in the member's language: never anyone's inventory text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask_babel import force_locale
from sqlalchemy import select

from ..delivery.channels import push
from ..delivery.channels.sending import queue_many
from ..delivery.devices import push_choices
from ..delivery.ledger import claim_channel_many
from ..delivery.models import PushSubscription
from ..delivery.notices import sentence_of
from ..extensions import db

if TYPE_CHECKING:
    from .reminders import Reminder


def _devices(user_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for subscription_id, user_id in db.session.execute(
        select(PushSubscription.id, PushSubscription.user_id)
        .where(PushSubscription.user_id.in_(sorted(user_ids)))
        .order_by(PushSubscription.id)
    ):
        found.setdefault(user_id, []).append(subscription_id)
    return found


def _sentences() -> Callable[[Reminder], str]:
    """The in-app sentence of a reminder in its member's language; a batch's reminders share
    a few sentences, so each is rendered once."""
    cache: dict[tuple, str] = {}

    def body(reminder: Reminder) -> str:
        key = (reminder.user.locale, reminder.kind, json.dumps(reminder.data, sort_keys=True))
        if key not in cache:
            with force_locale(reminder.user.locale):
                cache[key] = sentence_of(reminder.kind, reminder.data)
        return cache[key]

    return body


def payload_of(reminder: Reminder, subscription_id: int, body: str) -> dict:
    return {
        "subscription": subscription_id,
        "title": reminder.cohort.name,
        "body": body,
        "url": reminder.url,
        "tag": f"{reminder.kind}:{reminder.period_key}"[:120],
    }


def queue_push(reminders: list[Reminder]) -> int:
    """Claim and queue the pushes of a claimed batch of reminders, in the caller's
    transaction; returns how many reminders were pushed (to one device or more)."""
    on = push_choices({r.user.id for r in reminders}, {r.email_kind for r in reminders})
    wanted = {
        (push.NAME, f"user-{r.user.id}", r.kind, r.period_key): r
        for r in reminders
        if (r.user.id, r.email_kind) in on
    }
    if not wanted:
        return 0
    claimed = claim_channel_many(list(wanted))
    devices = _devices({wanted[key].user.id for key in claimed})
    messages, body = [], _sentences()
    for key in sorted(claimed):
        reminder = wanted[key]
        for subscription_id in devices.get(reminder.user.id, []):
            payload = payload_of(reminder, subscription_id, body(reminder))
            messages.append((reminder.kind, payload, reminder.cohort.id))
    queue_many(push.NAME, messages)
    return len(claimed)
