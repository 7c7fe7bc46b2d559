"""Outbox delivery throughput: queue N emails, send them to a local SMTP sink with the real
delivery job, with one delivery process and then with two at once.

    .venv/bin/python -m bench.outbox --count 5000
    .venv/bin/python -m bench.outbox --count 5000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_outbox

Without --database-url the database is SQLite in a temporary directory. A PostgreSQL database
must exist (``createdb``); the schema comes from the migrations, and a database holding
anything but this benchmark's own rows is refused. The sink (aiosmtpd) runs in its own process
so it does not share the senders' interpreter; it records every Message-ID, so the two-process
run proves that nothing was sent twice and nothing was missed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import delete, func, insert, select

PROJECT = Path(__file__).resolve().parent.parent
DOMAIN = "outbox-bench.example.org"
USERS = 50


# --- the SMTP sink, in its own process ----------------------------------------------------


class _SinkHandler:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.message_ids.append(line.split(b":", 1)[1].strip().decode())
                break
            if not line:
                break
        return "250 Message accepted"


def _run_sink(port: int, control: Connection) -> None:
    """Serve until asked for the figures, answer with them, and wait for the next question."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    handler = _SinkHandler()
    connections = [0]

    class CountingSMTP(SMTP):
        def connection_made(self, transport) -> None:
            connections[0] += 1
            super().connection_made(transport)

    class SinkController(Controller):
        def factory(self) -> SMTP:
            return CountingSMTP(self.handler, **self.SMTP_kwargs)

    controller = SinkController(handler, hostname="127.0.0.1", port=port)
    controller.start()
    connections[0] = 0  # start() makes one connection of its own to check it is up
    control.send("ready")
    while (command := control.recv()) != "stop":
        if command == "take":  # the figures since the last "take"
            control.send((handler.message_ids, connections[0]))
            handler.message_ids, connections[0] = [], 0
    controller.stop()


class Sink:
    """The sink process, started and asked for its figures from the benchmark."""

    def __init__(self, port: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._control, child = context.Pipe()
        self._process = context.Process(target=_run_sink, args=(port, child), daemon=True)
        self._process.start()
        assert self._control.recv() == "ready"

    def take(self) -> tuple[list[str], int]:
        """Message-IDs received and connections opened since the last call."""
        self._control.send("take")
        return self._control.recv()

    def stop(self) -> None:
        self._control.send("stop")
        self._process.join(10)


# --- the database: schema, a few recipients, N queued emails ----------------------------


def make_app(database_url: str, smtp_port: int | None = None, **config):
    from cohort import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "outbox bench",
            "BASE_URL": f"https://{DOMAIN}",
            "PASSWORD_HASH_TIME_COST": 1,
            "PASSWORD_HASH_MEMORY_COST": 1024,
            "MAIL_BACKEND": "smtp" if smtp_port else "locmem",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port or 25,
            **config,
        }
    )


def prepare_database(database_url: str) -> None:
    """Migrate, refuse a database with someone else's rows, and add the recipients: members
    of one cohort, so the re-check at sending time runs its real queries."""
    from flask_migrate import upgrade

    from cohort.auth.models import User
    from cohort.extensions import db

    app = make_app(database_url)
    with app.app_context():
        upgrade(directory=str(PROJECT / "migrations"))
        users = db.session.scalar(select(func.count()).select_from(User))
        ours = db.session.scalar(
            select(func.count()).select_from(User).where(User.email.like(f"%@{DOMAIN}"))
        )
        if users != ours:
            sys.exit("This database holds other accounts: give the benchmark its own database.")
        if not ours:
            _add_recipients()
        db.engine.dispose()


def _add_recipients() -> None:
    from datetime import time as clock

    from cohort.auth.services import register_user
    from cohort.cohorts.models import Membership, RhythmKind
    from cohort.cohorts.services import CohortSettings, create_cohort
    from cohort.extensions import db

    organizer = register_user(f"organizer@{DOMAIN}", "Organizer", "bench-pass-1234", "en", "UTC")
    settings = CohortSettings(
        name="Outbox bench",
        description="",
        guide="",
        timezone="UTC",
        locale="en",
        rhythm_kind=RhythmKind.MANUAL,
        rhythm_week=2,
        rhythm_weekday=5,
        rhythm_starts_at=clock(10, 0),
        rhythm_minutes=120,
        inventory_due_days=2,
        feedback_due_days=7,
    )
    cohort = create_cohort(organizer, settings)
    for n in range(USERS):
        user = register_user(f"m{n}@{DOMAIN}", f"Member {n}", "bench-pass-1234", "en", "UTC")
        db.session.add(Membership(cohort_id=cohort.id, user_id=user.id))
    db.session.commit()


def queue_emails(database_url: str, count: int) -> None:
    """Empty the outbox and queue ``count`` emails about the cohort, round-robin over its
    members, each with a realistic body (a rendered invitation) and its own Message-ID."""
    from cohort.auth.models import User
    from cohort.cohorts.models import Cohort, Membership
    from cohort.database import utcnow
    from cohort.delivery.models import OutboundEmail, OutboxStatus
    from cohort.emails import render_email
    from cohort.extensions import db

    app = make_app(database_url)
    with app.app_context():
        db.session.execute(delete(OutboundEmail))
        cohort = db.session.scalar(select(Cohort))
        members = db.session.execute(
            select(User.id, User.email).join(Membership).where(Membership.cohort_id == cohort.id)
        ).all()
        subject, text, html = render_email(
            "invitation",
            locale="en",
            cohort=cohort,
            inviter=members[0],
            join_url=f"https://{DOMAIN}/join/x",
            expires_at=utcnow(),
        )
        now = utcnow()
        rows = [
            {
                "user_id": members[n % len(members)].id,
                "to_account": True,
                "cohort_id": cohort.id,
                "to_address": members[n % len(members)].email,
                "kind": "nudge",
                "subject": subject,
                "text_body": text,
                "html_body": html,
                "headers": {},
                "message_id": f"<{uuid.uuid4().hex}@{DOMAIN}>",
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
            for n in range(count)
        ]
        for start in range(0, count, 1000):
            db.session.execute(insert(OutboundEmail), rows[start : start + 1000])
        db.session.commit()
        db.engine.dispose()


def outbox_figures(database_url: str) -> dict[str, int]:
    from cohort.delivery.models import OutboundEmail
    from cohort.extensions import db

    app = make_app(database_url)
    with app.app_context():
        rows = db.session.execute(
            select(OutboundEmail.status, func.count()).group_by(OutboundEmail.status)
        ).all()
        db.engine.dispose()
    return {str(status): count for status, count in rows}


# --- a delivery process -------------------------------------------------------------------


def deliver_until_empty(database_url: str, smtp_port: int, deadline: float) -> dict:
    """Run the scheduler's real delivery job, tick after tick, until nothing is pending
    (another process may still hold leased rows: wait for them) or the deadline passes."""
    from cohort.database import utcnow
    from cohort.delivery.dispatch import outbox_backlog
    from cohort.extensions import db
    from cohort.scheduler import job_by_id, run_job

    app = make_app(database_url, smtp_port)
    job = job_by_id("deliver_emails")
    ticks = 0
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()  # "go": every process starts at once
    started = time.time()
    while time.time() < deadline:
        run_job(app, job)
        ticks += 1
        with app.app_context():
            backlog = outbox_backlog(utcnow())
            db.session.remove()
        if backlog.pending == 0:
            break
        if backlog.due == 0:
            time.sleep(0.05)
    return {"started": started, "finished": time.time(), "ticks": ticks}


# --- the benchmark ------------------------------------------------------------------------


@dataclass
class Run:
    processes: int
    count: int
    seconds: float
    received: int
    duplicates: int
    missing: int
    connections: int
    statuses: dict[str, int]

    @property
    def rate(self) -> float:
        return self.received / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"{self.processes} process(es): {self.count} emails in {self.seconds:.2f} s = "
            f"{self.rate:.0f} emails/s; received {self.received}, duplicates {self.duplicates}, "
            f"missing {self.missing}; {self.connections} SMTP connections; outbox {self.statuses}"
        )


def run(database_url: str, sink: Sink, port: int, count: int, processes: int) -> Run:
    """Queue ``count`` emails, deliver them with ``processes`` processes started together."""
    queue_emails(database_url, count)
    sink.take()  # forget anything before this run
    command = [sys.executable, "-m", "bench.outbox", "--deliver", "--database-url", database_url]
    command += ["--smtp-port", str(port)]
    children = [
        subprocess.Popen(command, cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # noqa: S603
        for _ in range(processes)
    ]
    for child in children:
        assert json.loads(child.stdout.readline())["ready"]
    for child in children:
        child.stdin.write(b"go\n")
        child.stdin.flush()
    results = [json.loads(child.communicate()[0]) for child in children]
    if any(child.returncode for child in children):
        sys.exit("a delivery process failed")
    seconds = max(r["finished"] for r in results) - min(r["started"] for r in results)
    message_ids, connections = sink.take()
    return Run(
        processes=processes,
        count=count,
        seconds=seconds,
        received=len(message_ids),
        duplicates=len(message_ids) - len(set(message_ids)),
        missing=count - len(set(message_ids)),
        connections=connections,
        statuses=outbox_figures(database_url),
    )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="emails per run (5000)")
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--processes", default="1,2", help="runs, by processes at once (1,2)")
    parser.add_argument("--deliver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smtp-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.deliver:
        print(json.dumps(deliver_until_empty(args.database_url, args.smtp_port, time.time() + 600)))
        return
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'outbox.sqlite3'}"
        prepare_database(database_url)
        port = free_port()
        sink = Sink(port)
        try:
            print(f"database: {database_url.split('@')[-1]}, sink on 127.0.0.1:{port}")
            for processes in (int(p) for p in args.processes.split(",")):
                result = run(database_url, sink, port, args.count, processes)
                print(result.line(), flush=True)
        finally:
            sink.stop()


if __name__ == "__main__":
    main()
