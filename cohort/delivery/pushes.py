"""Queueing web pushes for notices a feature has just written: each is claimed in the channel
ledger once per (member, kind, period), for members who keep push on for its kind and have a
device, and one message is queued per device. The body is the notice's in-app sentence in the
member's language: never anyone's inventory text."""

import json
from collections.abc import Callable, Sequence
from typing import NamedTuple

from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from .channels import push
from .channels.sending import queue_many
from .devices import push_choices
from .ledger import claim_channel_many
from .models import PushSubscription
from .notices import sentence_of


class PushNotice(NamedTuple):
    user_id: int
    locale: str
    kind: str  # the notice's kind: its sentence, and its ledger kind
    choice: str  # the kind the member switches on or off (``devices.PUSH_KINDS``)
    period_key: str
    title: str  # the cohort's name
    url: str
    data: dict  # fills the sentence
    cohort_id: int | None = None


def _devices(user_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for subscription_id, user_id in db.session.execute(
        select(PushSubscription.id, PushSubscription.user_id)
        .where(PushSubscription.user_id.in_(sorted(user_ids)))
        .order_by(PushSubscription.id)
    ):
        found.setdefault(user_id, []).append(subscription_id)
    return found


def _sentences() -> Callable[[PushNotice], str]:
    """A notice's sentence in its member's language; a batch shares a few sentences, so each
    is rendered once."""
    cache: dict[tuple, str] = {}

    def body(notice: PushNotice) -> str:
        key = (notice.locale, notice.kind, json.dumps(notice.data, sort_keys=True))
        if key not in cache:
            with force_locale(notice.locale):
                cache[key] = sentence_of(notice.kind, notice.data)
        return cache[key]

    return body


def queue_pushes(notices: Sequence[PushNotice]) -> int:
    """Claim and queue the pushes of ``notices`` in the caller's transaction; returns how many
    notices were pushed (to one device or more)."""
    on = push_choices({n.user_id for n in notices}, {n.choice for n in notices})
    wanted = {
        (push.NAME, f"user-{n.user_id}", n.kind, n.period_key): n
        for n in notices
        if (n.user_id, n.choice) in on
    }
    if not wanted:
        return 0
    claimed = claim_channel_many(list(wanted))
    devices = _devices({wanted[key].user_id for key in claimed})
    messages, body = [], _sentences()
    for key in sorted(claimed):
        notice = wanted[key]
        for subscription_id in devices.get(notice.user_id, []):
            payload = {
                "subscription": subscription_id,
                "title": notice.title,
                "body": body(notice),
                "url": notice.url,
                "tag": f"{notice.kind}:{notice.period_key}"[:120],
            }
            messages.append((notice.kind, payload, notice.cohort_id))
    queue_many(push.NAME, messages)
    return len(claimed)
