"""Local SMTP servers the outbox tests start on 127.0.0.1: a well-behaved sink that counts
connections, and a small hand-written server that misbehaves on purpose (drops connections,
hangs, answers 4xx or 5xx), since a real server library is too polite to do that."""

from __future__ import annotations

import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE | re.IGNORECASE)


def free_port() -> int:
    """A port nothing listens on (until someone binds it): a server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def message_ids(messages: list[bytes]) -> list[str]:
    return [match.decode() for data in messages for match in MESSAGE_ID.findall(data)]


class SinkHandler:
    """aiosmtpd handler: keeps every message, and refuses on purpose when asked."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.connections = 0
        self.temporary_failures = 0
        self.reject_recipients = False
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_recipients:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.temporary_failures:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
            self.messages.append(envelope.content)
        return "250 Message accepted"

    @property
    def message_ids(self) -> list[str]:
        return message_ids(self.messages)


class _CountingSMTP(SMTP):
    def connection_made(self, transport) -> None:
        self.event_handler.connections += 1
        super().connection_made(transport)


class _SinkController(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


@contextmanager
def smtp_sink() -> Iterator[tuple[SinkHandler, int]]:
    """A polite SMTP server (aiosmtpd) on a free port: yields its handler and the port."""
    handler, port = SinkHandler(), free_port()
    controller = _SinkController(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.connections = 0  # start() makes one connection of its own to check it is up
    try:
        yield handler, port
    finally:
        controller.stop()


@dataclass
class Misbehaviour:
    """What the faulty server does. Counts are per connection unless said otherwise."""

    drop_after: int | None = None  # close the connection after accepting this many messages
    hang_after_greeting: bool = False  # say 220, then never answer again
    hang_after_data: bool = False  # take the message, never say whether it was accepted
    rcpt_reply: str = "250 OK"  # e.g. "451 4.2.0 Mailbox busy" or "550 5.1.1 No such user"
    reject_addresses: set[str] = field(default_factory=set)  # these get 550 at RCPT


class FaultyServer(socketserver.ThreadingTCPServer):
    """A tiny SMTP server, one thread per connection, that misbehaves as told."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour: Misbehaviour) -> None:
        super().__init__(("127.0.0.1", 0), _FaultyHandler)
        self.behaviour = behaviour
        self.messages: list[bytes] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.released = threading.Event()  # lets hanging connections end when stopping

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def message_ids(self) -> list[str]:
        return message_ids(self.messages)

    def handle_error(self, request, client_address) -> None:
        """A client hanging up on a misbehaving server is expected, not worth a traceback."""


class _FaultyHandler(socketserver.StreamRequestHandler):
    server: FaultyServer

    def handle(self) -> None:
        behaviour = self.server.behaviour
        with self.server.lock:
            self.server.connections += 1
        self._reply("220 faulty.test ESMTP")
        if behaviour.hang_after_greeting:
            self.server.released.wait()
            return
        accepted = 0
        while not self.server.released.is_set():
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"DATA":
                if not self._data():
                    return
                accepted += 1
                if behaviour.drop_after is not None and accepted >= behaviour.drop_after:
                    return  # closes the socket without a word
            elif verb == b"QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply(self._answer(verb, line))

    def _answer(self, verb: bytes, line: bytes) -> str:
        behaviour = self.server.behaviour
        if verb in (b"EHLO", b"HELO"):
            return "250 faulty.test"
        if verb == b"RCPT":
            address = line.decode().partition(":")[2].strip().strip("<>").lower()
            if address in behaviour.reject_addresses:
                return "550 5.1.1 No such user"
            return behaviour.rcpt_reply
        return "250 OK"  # MAIL, RSET, NOOP

    def _data(self) -> bool:
        """Read one message; False if the connection should end here."""
        self._reply("354 End data with <CR><LF>.<CR><LF>")
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        if not line:
            return False
        if self.server.behaviour.hang_after_data:
            self.server.released.wait()
            return False
        with self.server.lock:
            self.server.messages.append(b"".join(lines))
        self._reply("250 Message accepted")
        return True

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


@contextmanager
def faulty_server(behaviour: Misbehaviour) -> Iterator[FaultyServer]:
    server = FaultyServer(behaviour)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()
        thread.join()
