"""Sending the outbox: claim due rows in batches, re-check each recipient, send outside any
transaction, record the results in bulk.

A claim is one short transaction that takes a batch of due rows, counts an attempt and leases
them (``next_attempt_at = now + LEASE``): two senders never take the same row (on PostgreSQL
``FOR UPDATE SKIP LOCKED`` lets them share the work without waiting; on SQLite a single UPDATE
holds the database's write lock), and the rows of a sender that dies come back after the lease.
The claim commits before any network I/O, so no row lock is held while the mail server is slow.
Results are written once per batch: after a crash, the emails of the batch in flight may go a
second time, with the same Message-ID, which lets mail servers and clients drop the copy.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, bindparam, func, select, update

from ..database import utcnow
from ..extensions import db
from .audience import active_members
from .hours import paused_users
from .models import EmailPreference, OutboundEmail, OutboxStatus
from .retention import EMPTIED, forget_bodies
from .transport import Outcome, Outgoing, Result, SenderPool

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claimed attempt is retried after this if its sender died mid-way.
LEASE = timedelta(minutes=10)

_table = OutboundEmail.__table__


@dataclass(frozen=True)
class Claimed:
    """An outbox row as this sender claimed it: its own until the lease ends."""

    id: int
    attempts: int
    user_id: int | None
    to_account: bool
    cohort_id: int | None
    kind: str
    to_address: str
    subject: str
    text_body: str
    html_body: str
    headers: dict
    message_id: str

    def outgoing(self) -> Outgoing:
        return Outgoing(
            id=self.id,
            to_address=self.to_address,
            subject=self.subject,
            text_body=self.text_body,
            html_body=self.html_body,
            headers=self.headers or {},
            message_id=self.message_id,
        )


# The columns a claim returns, in the order of Claimed's fields.
_CLAIMED_COLUMNS = tuple(field.name for field in fields(Claimed))


@dataclass(frozen=True)
class Backlog:
    pending: int  # both counts stop at count_limit
    due: int
    count_limit: int
    oldest_due_age_seconds: float | None


def _bounded_count(criteria: ColumnElement[bool], limit: int) -> int:
    # Selects only indexed columns, so PostgreSQL can answer from the index alone.
    rows = select(_table.c.next_attempt_at).where(criteria).limit(limit).subquery()
    return db.session.scalar(select(func.count()).select_from(rows)) or 0


def outbox_backlog(now: datetime, count_limit: int = 10_000) -> Backlog:
    """How much waits in the outbox and for how long the oldest due email has been due (for
    /healthz). Cheap at any size: every query walks ``ix_outbound_emails_due`` (status,
    next_attempt_at) and the counts stop at ``count_limit``."""
    pending = _table.c.status == OutboxStatus.PENDING
    due = and_(pending, _table.c.next_attempt_at <= now)
    oldest = db.session.scalar(
        select(_table.c.next_attempt_at).where(due).order_by(_table.c.next_attempt_at).limit(1)
    )
    return Backlog(
        pending=_bounded_count(pending, count_limit),
        due=_bounded_count(due, count_limit),
        count_limit=count_limit,
        oldest_due_age_seconds=None if oldest is None else (now - oldest).total_seconds(),
    )


def claim(now: datetime, limit: int, only_id: int | None = None) -> list[Claimed]:
    """Take up to ``limit`` due emails (oldest first) and commit the claim at once."""
    db.session.commit()  # a claim starts its own short transaction
    due = (
        select(_table.c.id)
        .where(_table.c.status == OutboxStatus.PENDING, _table.c.next_attempt_at <= now)
        .order_by(_table.c.next_attempt_at)
        .limit(limit)
    )
    if only_id is not None:
        due = due.where(_table.c.id == only_id)
    batch = _table.c.id.in_(due)
    if db.engine.dialect.name == "postgresql":
        # Lock the batch first, skipping rows another sender holds; the UPDATE below runs in
        # the same short transaction. (As a subquery of the UPDATE, PostgreSQL may run the
        # LIMIT more than once and take more rows than asked.)
        ids = list(db.session.scalars(due.with_for_update(skip_locked=True)))
        if not ids:
            db.session.commit()
            return []
        batch = _table.c.id.in_(ids)
    statement = (
        update(_table)
        .where(
            batch,
            _table.c.status == OutboxStatus.PENDING,
            _table.c.next_attempt_at <= now,
        )
        .values(attempts=_table.c.attempts + 1, next_attempt_at=now + LEASE)
        .returning(*(_table.c[name] for name in _CLAIMED_COLUMNS))
    )
    rows = db.session.execute(statement).all()
    db.session.commit()
    return sorted((Claimed(*row) for row in rows), key=lambda claimed: claimed.id)


def opted_out(user_ids: Iterable[int], kinds: Iterable[str] | None = None) -> set[tuple[int, str]]:
    """The (user, kind) pairs among these users (and kinds) that switched the kind off, in one
    query: jobs ask once per batch instead of once per email."""
    user_ids = set(user_ids)
    if not user_ids:
        return set()
    query = select(EmailPreference.user_id, EmailPreference.kind).where(
        EmailPreference.user_id.in_(user_ids), EmailPreference.enabled.is_(False)
    )
    if kinds is not None:
        query = query.where(EmailPreference.kind.in_(set(kinds)))
    return {(user_id, kind) for user_id, kind in db.session.execute(query)}


def skip_reasons(batch: list[Claimed], now: datetime | None = None) -> dict[int, str]:
    """Emails that must not go any more, each with why: queued before the recipient deleted
    their account, switched that kind of email off, paused email for a holiday (account
    emails, which carry no unsubscribe link, still go), or left the cohort it is about. Three
    queries per batch, whatever its size."""
    user_ids = {email.user_id for email in batch if email.user_id is not None}
    cohort_ids = {email.cohort_id for email in batch if email.cohort_id is not None}
    off = opted_out(user_ids)
    members = active_members(cohort_ids, user_ids)
    paused = paused_users(user_ids, now or utcnow())
    reasons = {}
    for email in batch:
        if email.user_id is None and (email.to_account or email.cohort_id is not None):
            reasons[email.id] = "skipped: recipient account deleted"
        elif (email.user_id, email.kind) in off:
            reasons[email.id] = "skipped: recipient opted out"
        elif email.user_id in paused and "List-Unsubscribe" in (email.headers or {}):
            reasons[email.id] = "skipped: recipient paused email"
        elif email.cohort_id is not None and (email.cohort_id, email.user_id) not in members:
            reasons[email.id] = "skipped: recipient no longer an active member of the cohort"
    return reasons


def _row_after(email: Claimed, result: Result, now: datetime) -> dict:
    """The new state of an email that was not sent, as executemany parameters."""
    row = {"b_id": email.id, "b_attempts": email.attempts, "b_next": now, "b_error": result.error}
    if result.outcome is Outcome.NOT_TRIED:
        row["b_attempts"] = email.attempts - 1  # never reached the server: no attempt spent
        row["b_error"] = "not tried: the mail server was unavailable"
        row["b_status"] = OutboxStatus.PENDING
    elif result.outcome is Outcome.SKIPPED:
        row["b_attempts"] = email.attempts - 1
        row["b_status"] = OutboxStatus.FAILED
    elif result.outcome is Outcome.PERMANENT or email.attempts >= MAX_ATTEMPTS:
        row["b_status"] = OutboxStatus.FAILED
    else:
        row["b_status"] = OutboxStatus.PENDING
        row["b_next"] = now + timedelta(minutes=2**email.attempts)
    return row


def record(batch: list[Claimed], results: list[Result], lease: datetime, now: datetime) -> Counter:
    """Write every result of a batch in two statements and commit. Only rows still under this
    claim's lease change: if the lease ran out and another sender took a row, it owns it."""
    by_id = {email.id: email for email in batch}
    sent = {result.email_id for result in results if result.outcome is Outcome.SENT}
    if sent:
        db.session.execute(
            update(_table)
            .where(_table.c.id.in_(sent), _table.c.next_attempt_at == lease)
            .values(status=OutboxStatus.SENT, sent_at=now, **EMPTIED)
        )
    others = [_row_after(by_id[r.email_id], r, now) for r in results if r.email_id not in sent]
    if others:
        db.session.execute(
            update(_table)
            .where(_table.c.id == bindparam("b_id"), _table.c.next_attempt_at == lease)
            .values(
                status=bindparam("b_status"),
                attempts=bindparam("b_attempts"),
                next_attempt_at=bindparam("b_next"),
                last_error=bindparam("b_error"),
            ),
            others,
        )
        forget_bodies(row["b_id"] for row in others if row["b_status"] is OutboxStatus.FAILED)
    db.session.commit()
    return Counter(result.outcome for result in results)


def send_batch(pool: SenderPool, batch: list[Claimed], now: datetime) -> Counter:
    """Re-check, send and record one claimed batch; the database is idle while it sends."""
    skipped = skip_reasons(batch, now)
    db.session.commit()  # no transaction stays open during the network I/O below
    results = [Result(email_id, Outcome.SKIPPED, reason) for email_id, reason in skipped.items()]
    results += pool.send([email.outgoing() for email in batch if email.id not in skipped])
    return record(batch, results, lease=now + LEASE, now=utcnow_after(now))


def utcnow_after(moment: datetime) -> datetime:
    """Now, never before ``moment`` (the clock of a replayed or frozen run may stand still)."""
    return max(utcnow(), moment)


def deliver_due(now: datetime | None = None, limit: int | None = None) -> int:
    """Send due emails in batches until none is due, the tick's time budget is spent or
    ``limit`` emails were handled; returns how many were sent. Stops early when the mail
    server is down or hung: the rest waits for the next tick instead of spending attempts."""
    config = current_app.config
    started, clock = time.monotonic(), now or utcnow()
    limit = limit or config["OUTBOX_TICK_MAX_EMAILS"]
    totals: Counter = Counter()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with SenderPool(app, config["OUTBOX_CONNECTIONS"], config["MAIL_TIMEOUT"]) as pool:
        while pool.available and totals.total() < limit:
            elapsed = time.monotonic() - started
            if elapsed > config["OUTBOX_TICK_SECONDS"]:
                break
            batch_clock = clock + timedelta(seconds=elapsed)
            size = min(config["OUTBOX_BATCH_SIZE"], limit - totals.total())
            batch = claim(batch_clock, size)
            if not batch:
                break
            totals += send_batch(pool, batch, batch_clock)
        connections = pool.connections
    if totals:
        log.info(
            "outbox: %s in %.1fs over %d connection(s)",
            ", ".join(f"{count} {outcome.value}" for outcome, count in totals.items()),
            time.monotonic() - started,
            connections,
        )
    return totals[Outcome.SENT]


def deliver_now(email: OutboundEmail) -> bool:
    """Try a just-committed email at once (someone is waiting for it), with the shorter
    MAIL_TIMEOUT_NOW so a slow mail server cannot hold the web request; if it fails, the
    email stays queued and the delivery job retries it like any other."""
    now = utcnow()
    batch = claim(now, 1, only_id=email.id)
    if not batch:
        return False
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with SenderPool(app, 1, current_app.config["MAIL_TIMEOUT_NOW"]) as pool:
        totals = send_batch(pool, batch, now)
    return totals[Outcome.SENT] == 1
