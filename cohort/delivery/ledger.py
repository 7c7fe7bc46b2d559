"""Claiming a reminder once: the ledger row's unique key decides who sends it.

Periodic jobs claim in bulk: they select only what the ledger does not hold yet (``unclaimed``),
then insert the keys of a bounded batch with ``ON CONFLICT DO NOTHING RETURNING`` and act only
on the keys that came back, committing once per batch. A tick therefore never holds more than
one batch's locks, and two schedulers at once still send each reminder exactly once.
"""

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, exists, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..database import utcnow
from ..extensions import db
from .models import ChannelDelivery, ReminderDelivery

Key = tuple[int, str, str]  # (user id, kind, period key): the ledger's unique key
T = TypeVar("T")


def claim(user_id: int, kind: str, period_key: str) -> bool:
    """True if this call claimed (user, kind, period); False if it was claimed before.

    For a single claim inside a request: a savepoint keeps the caller's transaction usable
    after a conflict. Jobs that claim many reminders use ``claim_many`` instead.
    """
    try:
        with db.session.begin_nested():
            db.session.add(ReminderDelivery(user_id=user_id, kind=kind, period_key=period_key))
            db.session.flush()
    except IntegrityError:
        return False
    return True


def claim_many(keys: Sequence[Key]) -> set[Key]:
    """Insert the keys the ledger does not hold yet and return those this call inserted.

    One statement, no savepoint. Keys are inserted in a fixed order so that two concurrent
    ticks wait on each other's rows in the same order (never a deadlock); a key another
    transaction holds uncommitted makes this one wait, then skip it if that one commits.
    """
    return _insert_new(ReminderDelivery.__table__, ("user_id", "kind", "period_key"), keys)


ChannelKey = tuple[str, str, str, str]  # (channel, recipient, kind, period key)


def claim_channel_many(keys: Sequence[ChannelKey]) -> set[ChannelKey]:
    """``claim_many`` for the other channels: a message is claimed once per channel,
    recipient (``user-5``, ``cohort-3``), kind and period."""
    columns = ("channel", "recipient", "kind", "period_key")
    return _insert_new(ChannelDelivery.__table__, columns, keys)


def _insert_new(table, columns: tuple[str, ...], keys: Sequence[tuple]) -> set:
    if not keys:
        return set()
    now = utcnow()
    rows = [
        {**dict(zip(columns, key, strict=True)), "claimed_at": now} for key in sorted(set(keys))
    ]
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=list(columns))
        .returning(*(table.c[column] for column in columns))
    )
    # Parameters as a list: one cached statement sent a page of rows at a time, rather
    # than a statement of thousands of bound values compiled afresh for every batch.
    return {tuple(row) for row in db.session.execute(statement, rows)}


def unclaimed(user_id: ColumnElement, kind: str, period_key: ColumnElement) -> ColumnElement:
    """A WHERE clause: (user, kind, period key) is not in the ledger. It is an anti-join on
    the ledger's unique index, so already-claimed reminders are never even loaded."""
    ledger = ReminderDelivery
    return ~exists().where(
        ledger.user_id == user_id, ledger.kind == kind, ledger.period_key == period_key
    )


def without_jit() -> None:
    """Keep PostgreSQL from JIT-compiling the rest of this transaction's queries.

    A tick's selection is thousands of cheap index probes whose summed estimate passes
    ``jit_above_cost`` on big data: compiling took a second, running it a tenth of that.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def batch_size() -> int:
    """How many claims commit together (config ``REMINDER_BATCH_SIZE``)."""
    return int(current_app.config["REMINDER_BATCH_SIZE"])


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def claim_in_batches(
    candidates: Sequence[T],
    key: Callable[[T], Key],
    send: Callable[[list[T]], None],
    *,
    commit: bool = True,
) -> int:
    """Claim ``candidates`` batch by batch and ``send`` only those this call claimed.

    With ``commit``, each batch's ledger rows commit with what ``send`` wrote for them (its
    notifications and queued emails), so a crash never loses nor doubles a reminder, and no
    transaction outlives a batch. Returns how many were claimed.
    """
    sent = 0
    for batch in batches(candidates, batch_size()):
        sent += claim_batch(batch, key, send)
        if commit:
            db.session.commit()
    return sent


def claim_batch(
    batch: Sequence[T], key: Callable[[T], Key], send: Callable[[list[T]], None]
) -> int:
    """Claim one batch and ``send`` what this call claimed (each key once); the caller
    commits. Returns how many were claimed."""
    claimed = claim_many([key(candidate) for candidate in batch])
    mine = []
    for candidate in batch:
        if key(candidate) in claimed:
            claimed.discard(key(candidate))  # a key listed twice is sent once
            mine.append(candidate)
    if mine:
        send(mine)
    return len(mine)
