"""Handing queued emails to the mail server: one connection reused for many messages, a few
connections in parallel, and every failure sorted into what the outbox should do with it.

Nothing here touches the database: the delivery job claims rows, gives their contents to a
``SenderPool`` and records the results, so no transaction is open while the network is slow.
"""

from __future__ import annotations

import enum
import logging
import smtplib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from queue import Empty, SimpleQueue

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives
from flask_mailman.backends.base import BaseEmailBackend
from flask_mailman.backends.smtp import EmailBackend as SMTPBackend

from ..extensions import mail

log = logging.getLogger(__name__)


class Outcome(enum.Enum):
    SENT = "sent"
    TEMPORARY = "temporary"  # the server said 4xx, or the connection failed: retry later
    PERMANENT = "permanent"  # the server said 5xx: retrying would only annoy it
    NOT_TRIED = "not tried"  # this sender stopped before the message (server down or hung)
    SKIPPED = "skipped"  # not sent: the recipient no longer wants it (decided before sending)


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of one outbox row (plain values: no ORM object crosses threads)."""

    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str
    headers: dict
    message_id: str


@dataclass(frozen=True)
class Result:
    email_id: int
    outcome: Outcome
    error: str = ""


class _Failure(enum.Enum):
    REFUSED = "refused"  # an SMTP reply: the connection is still good
    DROPPED = "dropped"  # the connection broke: a fresh one may well work
    TIMEOUT = "timeout"  # the server stopped answering: waiting again would block the tick


def _caused_by_timeout(error: BaseException) -> bool:
    """smtplib turns a read timeout into SMTPServerDisconnected; the cause tells them apart."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _classify(error: Exception) -> _Failure:
    if _caused_by_timeout(error):
        return _Failure.TIMEOUT
    # SMTPException derives from OSError: the server's answers are sorted out first.
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _Failure.DROPPED
    if isinstance(error, smtplib.SMTPException):
        return _Failure.REFUSED
    return _Failure.DROPPED


def is_permanent(error: Exception) -> bool:
    """A 5xx answer (for every recipient): the same message will never be accepted."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def build_message(item: Outgoing) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=item.subject,
        body=item.text_body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[item.to_address],
        headers={**item.headers, "Message-ID": item.message_id},
    )
    message.attach_alternative(item.html_body, "text/html")
    # Headers are only checked when the message is serialised: do it here, where a message
    # that can never go (a line break in its subject) fails for good, instead of inside the
    # SMTP conversation, where the error would stop the whole batch at every tick.
    message.message()
    return message


class Sender:
    """One connection to the mail server, opened on first use and reused for every message.

    A connection that drops is replaced and the message tried once more on the new one, so a
    server closing idle or busy connections costs no attempts. A server that refuses the
    connection or stops answering stops this sender for the rest of the tick: waiting for it
    message after message would hold the whole outbox.
    """

    def __init__(self, backend: BaseEmailBackend) -> None:
        self.backend = backend
        self.stopped = False
        self.connections = 0

    def send(self, item: Outgoing) -> Result:
        if self.stopped:
            return Result(item.id, Outcome.NOT_TRIED)
        try:
            message = build_message(item)
        except Exception as error:  # a message that cannot be built now never will be
            return Result(item.id, Outcome.PERMANENT, describe(error))
        for retry_on_fresh_connection in (False, True):
            try:
                self._open()
            except (smtplib.SMTPException, OSError) as error:  # refused, silent, bad login
                self._discard()
                self.stopped = True
                return Result(item.id, Outcome.TEMPORARY, describe(error))
            try:
                if not self.backend.send_messages([message]):
                    return Result(item.id, Outcome.PERMANENT, "no recipient")
            except (smtplib.SMTPException, OSError) as error:
                failure = _classify(error)
                if failure is _Failure.REFUSED:
                    outcome = Outcome.PERMANENT if is_permanent(error) else Outcome.TEMPORARY
                    return Result(item.id, outcome, describe(error))
                self._discard()
                if failure is _Failure.DROPPED and not retry_on_fresh_connection:
                    continue
                self.stopped = failure is _Failure.TIMEOUT
                return Result(item.id, Outcome.TEMPORARY, describe(error))
            return Result(item.id, Outcome.SENT)
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self) -> None:
        if self.backend.open():
            self.connections += 1

    def _discard(self) -> None:
        """Forget a broken connection without QUIT: a hung server would make us wait again."""
        connection = getattr(self.backend, "connection", None)
        if connection is not None:
            try:
                connection.close()
            except OSError:
                log.debug("closing a broken SMTP connection failed", exc_info=True)
            self.backend.connection = None

    def close(self) -> None:
        if self.stopped:
            self._discard()
        try:
            self.backend.close()
        except (smtplib.SMTPException, OSError):
            self._discard()


class SenderPool:
    """Several senders working through one batch in parallel, each in its own thread with its
    own connection (SMTP only: files and the console gain nothing from threads).

    Messages are shared out as senders become free, so a slow or stopped sender leaves its
    share to the others; what no sender could take comes back as NOT_TRIED.
    """

    def __init__(self, app: Flask, size: int, timeout: float | None = None) -> None:
        self.app = app
        options = {} if timeout is None else {"timeout": timeout}
        first = mail.get_connection(**options)
        if not isinstance(first, SMTPBackend):
            size = 1
        others = [mail.get_connection(**options) for _ in range(max(size, 1) - 1)]
        self.senders = [Sender(backend) for backend in (first, *others)]
        self._executor = ThreadPoolExecutor(len(self.senders)) if len(self.senders) > 1 else None

    def __enter__(self) -> SenderPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def available(self) -> bool:
        """False once every sender has stopped: the rest waits for the next tick."""
        return any(not sender.stopped for sender in self.senders)

    @property
    def connections(self) -> int:
        return sum(sender.connections for sender in self.senders)

    def send(self, items: list[Outgoing]) -> list[Result]:
        queue: SimpleQueue[Outgoing] = SimpleQueue()  # each item goes to exactly one sender
        for item in items:
            queue.put(item)
        if self._executor is None:
            results = self._work(self.senders[0], queue)
        else:
            work = self._in_app_context(self._work)
            futures = [self._executor.submit(work, sender, queue) for sender in self.senders]
            results = [result for future in futures for result in future.result()]
        return results + [Result(item.id, Outcome.NOT_TRIED) for item in _drain(queue)]

    def _in_app_context(self, func: Callable[..., list[Result]]) -> Callable[..., list[Result]]:
        def run(*args: object) -> list[Result]:
            with self.app.app_context():
                return func(*args)

        return run

    @staticmethod
    def _work(sender: Sender, queue: SimpleQueue[Outgoing]) -> list[Result]:
        results = []
        while not sender.stopped:
            try:
                item = queue.get_nowait()
            except Empty:
                break
            results.append(sender.send(item))
        return results

    def close(self) -> None:
        for sender in self.senders:
            sender.close()
        if self._executor is not None:
            self._executor.shutdown()


def _drain(queue: SimpleQueue[Outgoing]) -> Iterator[Outgoing]:
    while True:
        try:
            yield queue.get_nowait()
        except Empty:
            return
