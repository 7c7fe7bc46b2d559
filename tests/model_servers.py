"""A stand-in for an OpenAI-compatible chat-completions service, started by tests on
127.0.0.1: it records every request it receives and answers as told — questions, advice, a
refusal, an error, broken JSON, or nothing at all (it hangs)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class ModelStub:
    port: int = 0
    # "answer": 200 with ``content``; "refuse": a refusal; "error": 500; "broken": not JSON;
    # "hang": never answers; "trickle": starts an answer and sends a byte now and then.
    behaviour: str = "answer"
    content: str = "What did the booking page teach you?\nWho noticed the change first?"
    received: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def sent_text(self) -> str:
        """Everything the app sent, as one string (for "is this in it?" checks)."""
        return "\n".join(json.dumps(r.body, ensure_ascii=False) for r in self.received)


def _handler(stub: ModelStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            stub.received.append(Received(self.path, dict(self.headers), json.loads(raw)))
            behaviour = stub.behaviour
            if behaviour == "hang":
                stub.released.wait(10)
                return
            if behaviour == "trickle":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                for _ in range(20):
                    if stub.released.wait(0.2):
                        return
                    self.wfile.write(b" ")
                    self.wfile.flush()
                return
            if behaviour == "error":
                self._send(500, b'{"error": {"message": "overloaded"}}')
            elif behaviour == "broken":
                self._send(200, b'{"choices": [ {"message": ')
            else:
                message = {"role": "assistant", "content": stub.content}
                if behaviour == "refuse":
                    message = {"role": "assistant", "content": None, "refusal": "I can't."}
                self._send(200, json.dumps({"choices": [{"message": message}]}).encode())

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def model_stub() -> Iterator[ModelStub]:
    stub = ModelStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.daemon_threads = True
    stub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.released.set()  # let hanging handlers go
        server.shutdown()
        server.server_close()
