"""Channel delivery throughput: queue N chat posts over a number of cohorts and send them
with the real channel job into a local HTTP sink (one process), then report posts per second.
The sink answers at once, so the figure is the job's own cost per post (claim, re-check,
HTTP round trip, result), not a chat service's.

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
    """Counts the posts it receives and answers 204 at once."""

    def __init__(self) -> None:
        self.posts = 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sink.posts += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def run(database_url: str, count: int, cohorts: int) -> None:
    from flask_migrate import upgrade

    from cohort import create_app
    from cohort.auth.models import User
    from cohort.cohorts.models import Cohort
    from cohort.delivery.channels.sending import deliver_channels
    from cohort.delivery.models import ChannelMessage, ChatWebhook, OutboxStatus
    from cohort.extensions import db

    sink = _Sink()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "channels bench",
            "BASE_URL": f"https://{DOMAIN}",
            "CHAT_WEBHOOK_ALLOW_PRIVATE": True,
            "MAIL_BACKEND": "locmem",
        }
    )
    with app.app_context():
        upgrade(directory=str(PROJECT / "migrations"))
        if db.session.scalar(select(func.count()).select_from(User)):
            raise SystemExit("This database holds accounts: give the benchmark its own database.")
        db.session.execute(
            insert(Cohort),
            [
                {"slug": f"bench-{n}", "name": f"Bench {n}", "timezone": "UTC"}
                for n in range(cohorts)
            ],
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
            .where(ChannelMessage.status != OutboxStatus.SENT)
        )
    print(
        f"webhook: {sent} posts to {cohorts} chats in {seconds:.1f} s = {sent / seconds:.0f}/s; "
        f"sink received {sink.posts}; not sent {pending}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.count, args.cohorts)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/channels.sqlite3", args.count, args.cohorts)


if __name__ == "__main__":
    main()
