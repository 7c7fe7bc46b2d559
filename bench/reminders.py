"""Time the reminders tick on big data: nothing new due, a reminder due for everyone, then
nothing new again. Reports seconds, SQL statements and memory for each tick.

    .venv/bin/python -m bench.reminders \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_big
    .venv/bin/python -m bench.reminders --reference /work/ref-tick --rounds 3   # side by side

It works in a copy (``CREATE DATABASE <copy> TEMPLATE <source>``, dropped afterwards unless
``--keep``) so the page benchmark's data stays as the generator left it (``bench.generate
--size big`` makes it). Each run of the ticks is a process of its own that imports the app
from a checkout (``--code``, this one by default): with ``--reference <checkout>`` the same
ticks run on a fresh copy with that checkout's code too, one after the other (``--rounds``
alternates several runs of each and keeps each tick's median), and the table shows both and
their ratio.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

COPY_ATTEMPTS = 60
HERE = Path(__file__).resolve().parent.parent  # this checkout
MARK = "FIGURES "  # a worker's result line on stdout
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_big"


@dataclass
class Figures:
    name: str
    seconds: float
    statements: int
    sent: int
    rss_mib: float  # resident memory right after the tick
    peak_mib: float  # the process's peak so far


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def make_copy(source_url: str, copy_name: str) -> str:
    """Create ``copy_name`` as a copy of the source database (nobody may be connected to it)."""
    admin = create_engine(_with_database(source_url, "postgres"), isolation_level="AUTOCOMMIT")
    source = urlsplit(source_url).path.lstrip("/")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
        for attempt in range(COPY_ATTEMPTS):
            try:
                connection.execute(text(f'CREATE DATABASE "{copy_name}" TEMPLATE "{source}"'))
                break
            except OperationalError:  # someone is connected to the source: wait for them
                if attempt == COPY_ATTEMPTS - 1:
                    raise
                print(f"{source} is in use; trying again in 10 seconds", flush=True)
                time.sleep(10)
    admin.dispose()
    return _with_database(source_url, copy_name)


def drop_copy(source_url: str, copy_name: str) -> None:
    admin = create_engine(_with_database(source_url, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def counting(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(name: str, tick: Callable[[], int], engine) -> Figures:
    with counting(engine) as statements:
        start = time.perf_counter()
        sent = tick()
        seconds = time.perf_counter() - start
    return Figures(name, seconds, len(statements), sent, _rss_mib(), _peak_mib())


def make_everyone_due(db, now: datetime) -> int:
    """Move each cohort's next session so that its T-3d inventory reminder passed five minutes
    ago and nobody has shared or paused it yet; returns how many sessions moved."""
    due = now + timedelta(days=3) - timedelta(minutes=5)
    moved = db.session.execute(
        text(
            """
            WITH next AS (
                SELECT DISTINCT ON (m.cohort_id) m.id
                FROM meetings m JOIN cohorts c ON c.id = m.cohort_id
                WHERE m.status = 'scheduled' AND NOT c.is_archived AND m.starts_at > :now
                ORDER BY m.cohort_id, m.starts_at
            )
            UPDATE meetings m SET inventory_due_at = :due,
                starts_at = :due + interval '2 days',
                ends_at = :due + interval '2 days 2 hours',
                feedback_due_at = :due + interval '9 days'
            FROM next WHERE m.id = next.id RETURNING m.id
            """
        ),
        {"now": now, "due": due},
    ).scalars()
    ids = list(moved)
    db.session.execute(text("UPDATE cohorts SET first_reminder_days = 7, last_reminder_days = 3"))
    db.session.execute(
        text("UPDATE inventories SET status = 'draft' WHERE meeting_id = ANY(:ids)"), {"ids": ids}
    )
    db.session.commit()
    return len(ids)


def hold_everyone(db) -> int:
    """Quiet hours all day long for every member (00:00-23:59, so nothing is released and
    the reminder time is quiet too): a due tick then selects everyone and claims no one."""
    db.session.execute(text("DELETE FROM delivery_settings"))
    count = db.session.execute(
        text(
            """
            INSERT INTO delivery_settings (user_id, quiet_start, quiet_end, reminder_time)
            SELECT id, '00:00', '23:59', '09:00' FROM users
            """
        )
    ).rowcount
    db.session.commit()
    return count


def run(url: str) -> list[Figures]:
    from cohort import create_app
    from cohort.extensions import db
    from cohort.notifications.reminders import send_due_reminders

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "BASE_URL": "http://bench.test",
            "MAIL_BACKEND": "locmem",
        }
    )
    figures = []
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the copy may predate the newest migration

        def tick() -> int:
            sent = send_due_reminders(datetime.now(UTC))
            db.session.commit()
            return sent

        figures.append(measure("catch-up (whatever the data had due)", tick, db.engine))
        figures.append(measure("(a) nothing new due", tick, db.engine))
        moved = make_everyone_due(db, datetime.now(UTC))
        members = hold_everyone(db)
        figures.append(measure(f"(b0) due, all {members} held by quiet hours", tick, db.engine))
        figures.append(measure("(b0) the next tick, still held", tick, db.engine))
        db.session.execute(text("DELETE FROM delivery_settings"))
        db.session.commit()
        figures.append(measure(f"(b) due for everyone ({moved} sessions)", tick, db.engine))
        figures.append(measure("(c) nothing new due again", tick, db.engine))
    return figures


def report(figures: list[Figures]) -> None:
    print(f"{'tick':44} {'seconds':>8} {'statements':>10} {'sent':>7} {'RSS MiB':>8} {'peak':>7}")
    for f in figures:
        print(
            f"{f.name:44} {f.seconds:8.2f} {f.statements:10d} {f.sent:7d} "
            f"{f.rss_mib:8.1f} {f.peak_mib:7.1f}"
        )


def report_side_by_side(branch: list[Figures], reference: list[Figures]) -> None:
    """Both runs tick by tick; "ref/branch" is how many times longer the reference took."""
    print(
        f"{'tick':44} {'branch s':>9} {'ref s':>8} {'ref/branch':>10} {'statements':>12} "
        f"{'sent':>13} {'peak MiB':>13}"
    )
    for mine, theirs in zip(branch, reference, strict=True):
        ratio = theirs.seconds / mine.seconds if mine.seconds else float("inf")
        print(
            f"{mine.name:44} {mine.seconds:9.2f} {theirs.seconds:8.2f} {ratio:9.1f}x "
            f"{mine.statements:5d} / {theirs.statements:<5d} {mine.sent:6d} / {theirs.sent:<6d} "
            f"{mine.peak_mib:5.0f} / {theirs.peak_mib:<5.0f}"
        )


def run_checkout(code: Path, source_url: str, copy_name: str, keep: bool) -> list[Figures]:
    """The ticks on a fresh copy, in a process that imports the app from ``code``."""
    url = make_copy(source_url, copy_name)
    try:
        print(f"ticking with the code of {code}", file=sys.stderr, flush=True)
        done = subprocess.run(  # noqa: S603 (our own command line)
            [sys.executable, __file__, "--worker", "--code", str(code), "--database-url", url],
            cwd=code,
            env={**os.environ, "PYTHONPATH": str(code)},
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
    finally:
        if not keep:
            drop_copy(source_url, copy_name)
    line = next(line for line in done.stdout.splitlines() if line.startswith(MARK))
    return [Figures(**figures) for figures in json.loads(line.removeprefix(MARK))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="the generated database")
    parser.add_argument("--copy-name", default="cohort_bench_reminders")
    parser.add_argument("--keep", action="store_true", help="keep the copy afterwards")
    parser.add_argument("--code", type=Path, default=HERE, help="the checkout to measure")
    parser.add_argument("--reference", type=Path, help="a checkout of the code to compare with")
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of each side, alternating (median shown)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # in the measured checkout, on a copy made by the parent
        # the checkout's code, not this script's folder (run by path, it comes first)
        sys.path[0] = str(args.code.resolve())
        figures = run(args.database_url)
        print(MARK + json.dumps([asdict(f) for f in figures]), flush=True)
        return
    if args.reference is None:
        report(run_checkout(args.code, args.database_url, args.copy_name, args.keep))
        return
    runs: dict[str, list[list[Figures]]] = {"reference": [], "branch": []}
    for round_ in range(args.rounds):  # alternating, so a busy spell slows both alike
        order = [("reference", args.reference), ("branch", args.code)]
        for side, code in order if round_ % 2 == 0 else order[::-1]:
            runs[side].append(run_checkout(code, args.database_url, args.copy_name, args.keep))
    print(f"branch: {args.code}   reference: {args.reference}   rounds: {args.rounds} (median)")
    report_side_by_side(median_run(runs["branch"]), median_run(runs["reference"]))


def median_run(runs: list[list[Figures]]) -> list[Figures]:
    """Tick by tick, the run with the median time (its other figures with it)."""
    ticks = []
    for figures in zip(*runs, strict=True):
        ordered = sorted(figures, key=lambda f: f.seconds)
        ticks.append(ordered[(len(ordered) - 1) // 2])
    return ticks


if __name__ == "__main__":
    main()
