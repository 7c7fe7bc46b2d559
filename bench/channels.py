"""Channel delivery throughput: queue N chat posts over a number of cohorts, and N web
pushes over a number of devices, and send them with the real channel job into a local HTTP
sink (one process), then report messages per second per channel. The sink answers at once,
so the figure is the job's own cost per message (claim, re-check, HTTP round trip, result;
for a push also the payload's encryption for its device and the VAPID signature), not a chat
or push service's.

    .venv/bin/python -m bench.channels --count 5000
    .venv/bin/python -m bench.channels --count 5000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_channels

Without --database-url the database is SQLite in a temporary directory; a PostgreSQL
database must exist and hold only this benchmark's rows (the schema comes from the
migrations). The email outbox has its own benchmark (``bench.outbox``).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import func, insert, select

PROJECT = Path(__file__).resolve().parent.parent
DOMAIN = "channels-bench.example.org"


class _Sink:
    """Counts the posts it receives and answers at once: 201 to a push, 204 to a chat."""

    def __init__(self) -> None:
        self.posts = 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sink.posts += 1
                self.send_response(201 if self.path.startswith("/push/") else 204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def run(database_url: str, count: int, cohorts: int, devices: int) -> None:
    from flask_migrate import upgrade

    from cohort import create_app
    from cohort.auth.models import User
    from cohort.extensions import db

    sink = _Sink()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "channels bench",
            "BASE_URL": f"https://{DOMAIN}",
            "CHAT_WEBHOOK_ALLOW_PRIVATE": True,
            "PUSH_ALLOW_PRIVATE": True,
            "VAPID_PRIVATE_KEY": BENCH_VAPID_KEY,
            "VAPID_SUBJECT": f"mailto:bench@{DOMAIN}",
            "MAIL_BACKEND": "locmem",
        }
    )
    with app.app_context():
        upgrade(directory=str(PROJECT / "migrations"))
        if db.session.scalar(select(func.count()).select_from(User)):
            raise SystemExit("This database holds accounts: give the benchmark its own database.")
        _webhook(sink, count, cohorts)
        _push(sink, count, devices)


# A key pair for the benchmark only (never a server's).
BENCH_VAPID_KEY = "MDK4USggLpeu11bfEL47jdyWlXDhJCnYMSJ0LZNQCQ8"


def _webhook(sink: _Sink, count: int, cohorts: int) -> None:
    from cohort.cohorts.models import Cohort
    from cohort.delivery.models import ChannelMessage, ChatWebhook
    from cohort.extensions import db

    db.session.execute(
        insert(Cohort),
        [{"slug": f"bench-{n}", "name": f"Bench {n}", "timezone": "UTC"} for n in range(cohorts)],
    )
    ids = db.session.scalars(select(Cohort.id).order_by(Cohort.id)).all()
    db.session.execute(
        insert(ChatWebhook),
        [
            {"cohort_id": cid, "url": f"{sink.url}/{cid}", "style": "slack", "enabled": True}
            for cid in ids
        ],
    )
    db.session.execute(
        insert(ChannelMessage),
        [
            {
                "channel": "webhook",
                "cohort_id": ids[n % len(ids)],
                "kind": "chat_recap",
                "payload": {"text": f"Post {n}: the session is tomorrow."},
            }
            for n in range(count)
        ],
    )
    db.session.commit()
    _measure("webhook", f"posts to {cohorts} chats", sink)


def _push(sink: _Sink, count: int, devices: int) -> None:
    """Devices with real keys (each push is encrypted for its device), one per member."""
    import base64
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from cohort.auth.models import User
    from cohort.delivery.models import ChannelMessage, PushSubscription
    from cohort.extensions import db

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    db.session.execute(
        insert(User),
        [
            {"email": f"m{n}@{DOMAIN}", "display_name": f"M{n}", "password_hash": "-"}
            for n in range(devices)
        ],
    )
    users = db.session.scalars(select(User.id).order_by(User.id)).all()
    rows = []
    for n, user_id in enumerate(users):
        public = (
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        endpoint = f"{sink.url}/push/{n}"
        rows.append(
            {"user_id": user_id, "endpoint": endpoint, "p256dh": b64(public)}
            | {"auth": b64(os.urandom(16)), "label": "Bench", "failures": 0}
        )
    db.session.execute(insert(PushSubscription), rows)
    ids = db.session.scalars(select(PushSubscription.id).order_by(PushSubscription.id)).all()
    sentence = "Your inventory for June session is due soon."
    db.session.execute(
        insert(ChannelMessage),
        [
            {
                "channel": "push",
                "kind": "inventory_due",
                "payload": {"subscription": ids[n % len(ids)], "title": "Bench", "body": sentence}
                | {"url": f"https://{DOMAIN}/", "tag": f"inventory_due:{n}"},
            }
            for n in range(count)
        ],
    )
    db.session.commit()
    _measure("push", f"pushes to {devices} devices", sink)


def _measure(channel: str, what: str, sink: _Sink) -> None:
    from cohort.delivery.channels.sending import deliver_channels
    from cohort.delivery.models import ChannelMessage, OutboxStatus
    from cohort.extensions import db

    before = sink.posts
    started = time.perf_counter()
    sent = 0
    while True:
        batch = deliver_channels()
        sent += batch
        if not batch:
            break
    seconds = time.perf_counter() - started
    pending = db.session.scalar(
        select(func.count())
        .select_from(ChannelMessage)
        .where(ChannelMessage.channel == channel, ChannelMessage.status != OutboxStatus.SENT)
    )
    print(
        f"{channel}: {sent} {what} in {seconds:.1f} s = {sent / seconds:.0f}/s; "
        f"sink received {sink.posts - before}; not sent {pending}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.count, args.cohorts, args.devices)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/channels.sqlite3", args.count, args.cohorts, args.devices)


if __name__ == "__main__":
    main()
