"""The live state of a running session under 30 viewers: what one poll costs in SQL, and how
many polls per second two gunicorn sync workers answer beside /healthz in the same run.

    .venv/bin/python -m bench.live
    .venv/bin/python -m bench.live --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_live --viewers 30

Without --database-url the database is SQLite in a temporary directory; a PostgreSQL database
must exist (``createdb``) and hold nothing but this benchmark's rows. The schema comes from the
migrations. One cohort of ``--viewers`` members has a session running live.

1. **SQL statements per poll**, counted in-process (a ``before_cursor_execute`` listener) for
   each kind of poll a viewer makes: unchanged with the page's pass (the usual one), just after
   a change with the pass, and without a pass (the signed-in user is checked).
2. **Polls per second**: ``--viewers`` keep-alive connections poll the state endpoint as the
   page's script does (its pass and ETag; 304 while unchanged) as fast as they are answered,
   in slices alternating with the same number of connections on /healthz, so that a busy
   moment on the machine hits both alike. A second run has the facilitator move on every
   ``--change-every`` seconds, so polls also meet fresh states.

Real viewers poll every 3 s: 30 of them make 10 polls/s, far below what is measured here; the
figure shows the headroom and that a poll costs about what the health check does.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, func, select

from .run_servers import Server, login_cookie, request, server_env

PROJECT = Path(__file__).resolve().parent.parent
DOMAIN = "live-bench.example.org"
PASSWORD = "bench-pass-1234"  # noqa: S105 (the bench accounts' only)
SECRET = "live bench"  # noqa: S105 (a throwaway key for local servers)
PASS_FIELD = re.compile(r'data-pass="([^"]+)"')


def make_app(database_url: str):
    from cohort import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "BASE_URL": f"https://{DOMAIN}",
            "PASSWORD_HASH_TIME_COST": 1,
            "PASSWORD_HASH_MEMORY_COST": 1024,
            "MAIL_BACKEND": "locmem",
            "WTF_CSRF_ENABLED": False,
        }
    )


# --- the database: one cohort, its members, a session running live ---------------------


def prepare(database_url: str, viewers: int) -> dict:
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
        world = _world(viewers) if not ours else _find_world()
        db.session.commit()
        db.engine.dispose()
    return world


def _world(viewers: int) -> dict:
    from datetime import time as clock
    from datetime import timedelta

    from cohort.auth.services import register_user
    from cohort.cohorts.models import Membership, RhythmKind
    from cohort.cohorts.services import CohortSettings, create_cohort
    from cohort.database import utcnow
    from cohort.extensions import db
    from cohort.inventories.services import InventoryInput, save_inventory, share_inventory
    from cohort.live import services
    from cohort.meetings.models import Meeting

    organizer = register_user(f"organizer@{DOMAIN}", "Organizer", PASSWORD, "en", "UTC")
    cohort = create_cohort(
        organizer,
        CohortSettings(
            name="Live bench",
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
        ),
    )
    now = utcnow()
    meeting = Meeting(
        cohort_id=cohort.id,
        title="Live bench session",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=2),
        inventory_due_at=now + timedelta(hours=12),
        feedback_due_at=now + timedelta(days=8),
    )
    db.session.add(meeting)
    members = []
    for n in range(viewers):
        user = register_user(f"viewer{n}@{DOMAIN}", f"Viewer {n}", PASSWORD, "en", "UTC")
        db.session.add(Membership(cohort_id=cohort.id, user_id=user.id))
        members.append(user)
    db.session.flush()
    for user in members[:8]:
        inventory = save_inventory(user, meeting, InventoryInput(answers={"did": "Ran it"}), 0)
        share_inventory(user, inventory)
    meeting.starts_at = now - timedelta(minutes=5)
    meeting.ends_at = now + timedelta(hours=2)
    db.session.flush()
    services.start(organizer, meeting, None, utcnow())
    return {"slug": cohort.slug, "meeting_id": meeting.id}


def _find_world() -> dict:
    from cohort.extensions import db
    from cohort.meetings.models import Meeting

    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Live bench session"))
    return {"slug": meeting.cohort.slug, "meeting_id": meeting.id}


def advance(database_url: str, world: dict) -> None:
    """The facilitator moves on (or, at the end of the agenda, pauses and resumes)."""
    from cohort.auth.models import User
    from cohort.database import utcnow
    from cohort.extensions import db
    from cohort.live import services
    from cohort.meetings.models import Meeting

    app = _shared_app(database_url)
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting_id"])
        organizer = db.session.scalar(select(User).where(User.email == f"organizer@{DOMAIN}"))
        run = services.run_of(meeting)
        if run.current < len(run.agenda) - 1:
            services.advance(organizer, meeting, run.version, utcnow())
        else:
            services.pause(organizer, meeting, run.version, utcnow())
            services.resume(organizer, meeting, run.version, utcnow())
        db.session.commit()
        db.session.remove()


_apps: dict[str, object] = {}


def _shared_app(database_url: str):
    if database_url not in _apps:
        _apps[database_url] = make_app(database_url)
    return _apps[database_url]


# --- 1. SQL statements per poll ----------------------------------------------------------


@contextmanager
def counting(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
            statements.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_per_poll(database_url: str, world: dict) -> dict:
    from cohort.extensions import db
    from cohort.live import state

    app = make_app(database_url)
    client = app.test_client()
    client.post("/login", data={"email": f"viewer0@{DOMAIN}", "password": PASSWORD})
    url = f"/c/{world['slug']}/sessions/{world['meeting_id']}/live/state"
    figures = {}
    with app.app_context():
        engine = db.engine
    first = client.get(url)
    body, tag = first.get_json(), first.headers["ETag"]
    with counting(engine) as seen:
        client.get(url)
    figures["no pass (signed-in user checked)"] = len(seen)
    polled = f"{url}?pass={body['pass']}"
    client.get(polled, headers={"If-None-Match": tag})
    with counting(engine) as seen:
        status = client.get(polled, headers={"If-None-Match": tag}).status_code
    figures[f"unchanged, with pass ({status})"] = len(seen)
    advance(database_url, world)
    state.forget(world["meeting_id"])  # as the process that made the change does
    with counting(engine) as seen:
        response = client.get(polled, headers={"If-None-Match": tag})
    figures[f"just changed, with pass ({response.status_code})"] = len(seen)
    with counting(engine) as seen:
        client.get(polled, headers={"If-None-Match": response.headers["ETag"]})
    figures["next poll after the change"] = len(seen)
    time.sleep(state.FRESH_SECONDS + 0.1)
    with counting(engine) as seen:
        client.get(polled, headers={"If-None-Match": response.headers["ETag"]})
    figures["after the kept state ages (another host's change)"] = len(seen)
    return figures


# --- 2. Polls per second under gunicorn ----------------------------------------------------


def _viewer(port, path, cookie, deadline, latencies, statuses, etag_box) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    etag = etag_box.get("etag")
    while time.monotonic() < deadline:
        headers = {"Cookie": cookie, "Accept": "application/json"}
        if etag:
            headers["If-None-Match"] = etag
        started = time.monotonic()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
        except OSError:
            statuses["error"] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.monotonic() - started)
        statuses[response.status] += 1
        etag = response.getheader("ETag") or etag
    conn.close()


def load_slice(port: int, path: str, cookie: str, connections: int, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    statuses: Counter = Counter()
    threads = [
        threading.Thread(
            target=_viewer, args=(port, path, cookie, deadline, latencies, statuses, {})
        )
        for _ in range(connections)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"requests": len(latencies), "seconds": elapsed, "statuses": statuses,
            "latencies": latencies}  # fmt: skip


def throughput(args, world: dict, database_url: str, log_dir: Path, changing: bool) -> dict:
    server = Server(
        "live", "wsgi:app", server_env(database_url, SECRET), log_dir, ready_path="/healthz"
    )
    server.start()
    try:
        cookie = login_cookie(server.port, f"viewer1@{DOMAIN}", (PASSWORD,))
        page = f"/c/{world['slug']}/sessions/{world['meeting_id']}/live"
        status, _, html = request(server.port, "GET", page, {"Cookie": cookie})
        found = PASS_FIELD.search(html)
        if status != 200 or found is None:
            sys.exit(f"the live page answered {status} without a pass")
        state_path = f"{page}/state?pass={found.group(1)}"
        totals = {"state": [], "healthz": []}
        stop = threading.Event()
        changer = None
        if changing:
            changer = threading.Thread(
                target=_keep_changing, args=(args, database_url, world, stop)
            )
            changer.start()
        try:
            for _ in range(args.slices):
                for name, path in (("state", state_path), ("healthz", "/healthz")):
                    totals[name].append(
                        load_slice(server.port, path, cookie, args.viewers, args.slice_seconds)
                    )
        finally:
            stop.set()
            if changer is not None:
                changer.join()
        return {name: summarise(slices) for name, slices in totals.items()}
    finally:
        server.stop()


def _keep_changing(args, database_url: str, world: dict, stop: threading.Event) -> None:
    while not stop.wait(args.change_every):
        advance(database_url, world)


def summarise(slices: list[dict]) -> dict:
    requests = sum(s["requests"] for s in slices)
    seconds = sum(s["seconds"] for s in slices)
    latencies = sorted(x for s in slices for x in s["latencies"])
    statuses = Counter()
    for s in slices:
        statuses.update(s["statuses"])
    p90 = latencies[int(len(latencies) * 0.9)] if latencies else 0.0
    return {
        "requests_per_second": requests / seconds if seconds else 0.0,
        "median_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p90_ms": p90 * 1000,
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite, temporary)")
    parser.add_argument("--viewers", type=int, default=30)
    parser.add_argument("--slices", type=int, default=4, help="alternating slices per target")
    parser.add_argument("--slice-seconds", type=float, default=2.0)
    parser.add_argument("--change-every", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/live-bench.sqlite3"
        log_dir = Path(tmp)
        print(f"preparing {database_url.split('@')[-1]} …", file=sys.stderr)
        world = prepare(database_url, args.viewers)
        per_poll = statements_per_poll(database_url, world)
        runs = {
            "unchanged": throughput(args, world, database_url, log_dir, changing=False),
            f"changing every {args.change_every:g} s": throughput(
                args, world, database_url, log_dir, changing=True
            ),
        }
    print("\n## SQL statements per poll of the live state\n")
    print("| poll | statements |\n|---|---|")
    for name, count in per_poll.items():
        print(f"| {name} | {count} |")
    print(f"\n## {args.viewers} viewers polling, 2 gunicorn sync workers\n")
    print("| run | endpoint | requests/s | median ms | p90 ms | statuses | ratio to /healthz |")
    print("|---|---|---|---|---|---|---|")
    for run, figures in runs.items():
        health = figures["healthz"]["requests_per_second"] or 1.0
        for name in ("state", "healthz"):
            f = figures[name]
            print(
                f"| {run} | {name} | {f['requests_per_second']:.0f} | {f['median_ms']:.1f} | "
                f"{f['p90_ms']:.1f} | {json.dumps(f['statuses'])} | "
                f"{f['requests_per_second'] / health:.2f} |"
            )


if __name__ == "__main__":
    main()
