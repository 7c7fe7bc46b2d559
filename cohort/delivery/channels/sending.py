"""Sending channel messages with the email outbox's rules.

A claim is one short transaction that leases a batch of due messages (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so two schedulers share the work and never take the same row); the
messages are sent with no transaction open; results are written once per batch: sent, retried
after ``2**attempts`` minutes, or failed for good after ``MAX_ATTEMPTS`` or a permanent
refusal — and then the channel hears of it, to switch a failing target off.
"""

import logging
import time
from collections import Counter
from dataclasses import fields
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select, update

from ...database import utcnow
from ...extensions import db
from ..dispatch import LEASE, MAX_ATTEMPTS, utcnow_after
from ..models import ChannelMessage, OutboxStatus
from ..transport import Outcome, Result
from .base import CHANNELS, Claimed

log = logging.getLogger(__name__)

_table = ChannelMessage.__table__
_COLUMNS = tuple(field.name for field in fields(Claimed))


def queue(channel: str, kind: str, payload: dict, *, cohort_id: int | None = None) -> None:
    """Queue a message for a channel, in the caller's transaction."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    db.session.add(
        ChannelMessage(
            channel=channel, kind=kind, payload=payload, cohort_id=cohort_id, created_at=utcnow()
        )
    )


def queue_many(channel: str, messages: list[tuple[str, dict, int | None]]) -> None:
    """Queue many messages for a channel in one statement: (kind, payload, cohort id)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if messages:
        now = utcnow()
        rows = [
            {"channel": channel, "kind": kind, "payload": payload, "cohort_id": cohort_id}
            for kind, payload, cohort_id in messages
        ]
        for row in rows:
            row.update(created_at=now, next_attempt_at=now, status=OutboxStatus.PENDING)
            row.update(attempts=0, last_error="")
        db.session.execute(insert(_table), rows)


def claim(now: datetime, limit: int) -> list[Claimed]:
    db.session.commit()
    due = (
        select(_table.c.id)
        .where(_table.c.status == OutboxStatus.PENDING, _table.c.next_attempt_at <= now)
        .order_by(_table.c.next_attempt_at)
        .limit(limit)
    )
    batch = _table.c.id.in_(due)
    if db.engine.dialect.name == "postgresql":
        ids = list(db.session.scalars(due.with_for_update(skip_locked=True)))
        if not ids:
            db.session.commit()
            return []
        batch = _table.c.id.in_(ids)
    rows = db.session.execute(
        update(_table)
        .where(batch, _table.c.status == OutboxStatus.PENDING, _table.c.next_attempt_at <= now)
        .values(attempts=_table.c.attempts + 1, next_attempt_at=now + LEASE)
        .returning(*(_table.c[name] for name in _COLUMNS))
    ).all()
    db.session.commit()
    return sorted((Claimed(*row) for row in rows), key=lambda message: message.id)


def _after(message: Claimed, result: Result, now: datetime) -> dict:
    values = {"last_error": result.error, "next_attempt_at": now}
    if result.outcome is Outcome.SENT:
        return {"status": OutboxStatus.SENT, "sent_at": now, "last_error": ""}
    if result.outcome is Outcome.NOT_TRIED:  # never reached the target: no attempt spent
        return {**values, "status": OutboxStatus.PENDING, "attempts": message.attempts - 1}
    if result.outcome is Outcome.SKIPPED:
        return {**values, "status": OutboxStatus.FAILED, "attempts": message.attempts - 1}
    if result.outcome is Outcome.PERMANENT or message.attempts >= MAX_ATTEMPTS:
        return {**values, "status": OutboxStatus.FAILED}
    return {
        **values,
        "status": OutboxStatus.PENDING,
        "next_attempt_at": now + timedelta(minutes=2**message.attempts),
    }


def send_batch(batch: list[Claimed], now: datetime) -> Counter:
    """Send one claimed batch and record every result (one transaction at the end)."""
    results: list[tuple[Claimed, Result]] = []
    for name in sorted({message.channel for message in batch}):
        channel = CHANNELS[name]
        mine = [message for message in batch if message.channel == name]
        targets = channel.targets(mine)
        db.session.commit()  # no transaction stays open during the network I/O below
        stalled: set[object] = set()  # targets that timed out: not waited for again
        for message in mine:
            target = targets.get(message.id)
            if target is None:
                result = Result(message.id, Outcome.SKIPPED, "skipped: target switched off")
            elif target in stalled:
                result = Result(message.id, Outcome.NOT_TRIED, "not tried: the target hung")
            else:
                result = channel.send(message, target)
                if result.outcome is Outcome.TEMPORARY and "timed out" in result.error:
                    stalled.add(target)
            results.append((message, result))
    finished = utcnow_after(now)
    sent = [m.id for m, r in results if r.outcome is Outcome.SENT]
    if sent:  # the common case in one statement; only rows still under this claim's lease
        db.session.execute(
            update(_table)
            .where(_table.c.id.in_(sent), _table.c.next_attempt_at == now + LEASE)
            .values(status=OutboxStatus.SENT, sent_at=finished, last_error="")
        )
    for message, result in results:
        if result.outcome is Outcome.SENT:
            continue
        db.session.execute(
            update(_table)
            .where(_table.c.id == message.id, _table.c.next_attempt_at == now + LEASE)
            .values(**_after(message, result, finished))
        )
        final = result.outcome is Outcome.PERMANENT or (
            result.outcome is Outcome.TEMPORARY and message.attempts >= MAX_ATTEMPTS
        )
        if final:
            CHANNELS[message.channel].failed_for_good(message, result, finished)
    for name in sorted({message.channel for message in batch}):
        CHANNELS[name].went_through(
            [m for m, r in results if r.outcome is Outcome.SENT and m.channel == name]
        )
    db.session.commit()
    return Counter(result.outcome for _, result in results)


def deliver_channels(now: datetime | None = None, limit: int | None = None) -> int:
    """Send due channel messages batch by batch within the tick's budget; returns how many
    were sent."""
    config = current_app.config
    started, clock = time.monotonic(), now or utcnow()
    limit = limit or config["OUTBOX_TICK_MAX_EMAILS"]
    totals: Counter = Counter()
    while totals.total() < limit:
        elapsed = time.monotonic() - started
        if elapsed > config["OUTBOX_TICK_SECONDS"]:
            break
        batch_clock = clock + timedelta(seconds=elapsed)
        batch = claim(batch_clock, min(config["OUTBOX_BATCH_SIZE"], limit - totals.total()))
        if not batch:
            break
        outcomes = send_batch(batch, batch_clock)
        totals += outcomes
        if outcomes[Outcome.NOT_TRIED]:  # a target hung: the rest waits for the next tick
            break
    if totals:
        log.info("channels: %s", ", ".join(f"{n} {o.value}" for o, n in totals.items()))
    return totals[Outcome.SENT]
