"""Fill a PostgreSQL database with a large, realistic Cohort history for benchmarks.

    python -m bench.generate --size big --recreate \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_big

The schema comes from the app's migrations; rows are generated in Python, spooled in COPY
format and loaded with COPY, secondary indexes and foreign keys being rebuilt afterwards
(which also checks every reference). See bench/README.md.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from cohort import create_app
from cohort.passwords import hash_password

from .generate_copy import Spools, drop_secondary, reset_sequences, restore_secondary
from .generate_goals import GoalWriter
from .generate_inventories import InventoryWriter
from .generate_notices import Notices
from .generate_people import write_cohorts, write_meetings, write_memberships, write_users
from .generate_plan import SIZES, Size, assign_members, make_cohorts, make_users
from .generate_samples import write_samples
from .generate_schema import TABLES
from .generate_social import SocialWriter
from .generate_text import build_pools

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-1234"  # noqa: S105 (every generated account's, for the runner)


def libpq_url(url: str, database: str | None = None) -> str:
    """The SQLAlchemy URL as psycopg wants it (no '+psycopg'), optionally another database."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def prepare_database(url: str, recreate: bool) -> None:
    """Drop and create the database when asked (or create it when missing), then migrate."""
    name = make_url(url).database
    with psycopg.connect(libpq_url(url, "postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and recreate:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        if recreate or not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {**os.environ, "COHORT_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=PROJECT,
        env=env,
        check=True,
    )


def refuse_non_empty(conn: psycopg.Connection) -> None:
    filled = conn.execute("SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM cohorts)")
    if filled.fetchone()[0]:
        sys.exit("The database already has data; pass --recreate to drop and rebuild it.")


def generate(spools: Spools, size: Size, seed: int, now: datetime) -> dict:
    """Every row, spooled; returns what the sample file needs."""
    rng = Random(seed)  # noqa: S311 (reproducible data, not secrets)
    step = Stopwatch()
    pools = build_pools(seed)
    cohorts = make_cohorts(size, rng, now)
    users = make_users(size, rng, [c.locale for c in cohorts])
    assign_members(cohorts, users, size, rng)
    step("plan and text pool")
    write_users(spools, users, hash_password(PASSWORD), rng, now)
    write_cohorts(spools, cohorts)
    write_memberships(spools, cohorts, rng)
    write_meetings(spools, cohorts, now)
    step("users, cohorts, memberships, sessions")
    inventories = InventoryWriter(spools, pools, rng, now)
    inventories.templates(cohorts)
    for cohort in cohorts:
        inventories.cohort(cohort)
    step("inventories and revisions")
    goals = GoalWriter(spools, pools, rng)
    for user in users:
        goals.user(user, inventories.by_user.get(user.id, []))
    step("goals, tasks, reviews, progress")
    outbox_since = now - timedelta(days=31 * size.outbox_months)
    notices = Notices(spools, rng, now, outbox_since)
    social = SocialWriter(spools, pools, rng, now)
    for cohort in cohorts:
        social.cohort(cohort, inventories.by_meeting, notices)
    social.follows(users, now)
    step("attendance, feedback, cheers, follows, notifications, reminders, emails")
    return {"cohorts": cohorts, "users": users, "by_meeting": inventories.by_meeting}


class Stopwatch:
    """Prints how long each generation step took."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def __call__(self, label: str) -> None:
        now = time.monotonic()
        print(f"  generated {label}: {now - self.last:.1f} s", flush=True)
        self.last = now


def load(conn: psycopg.Connection, spools: Spools) -> None:
    conn.execute("SET synchronous_commit = off")
    restore = drop_secondary(conn)
    print("Loading with COPY:", flush=True)
    spools.load(conn)
    print(f"Rebuilt indexes and constraints: {restore_secondary(conn, restore):.1f} s", flush=True)
    reset_sequences(conn, spools.order)
    started = time.monotonic()
    conn.autocommit = True
    conn.execute("ANALYZE")
    print(f"ANALYZE: {time.monotonic() - started:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="postgresql+psycopg://…/name")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--recreate", action="store_true", help="drop and create the database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="then GET the main pages")
    args = parser.parse_args(argv)
    started = time.monotonic()
    prepare_database(args.database_url, args.recreate)
    with psycopg.connect(libpq_url(args.database_url)) as conn:
        refuse_non_empty(conn)
        conn.rollback()
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
        now = datetime.now(UTC).replace(microsecond=0)
        with tempfile.TemporaryDirectory(prefix="cohort-bench-") as directory:
            spools = Spools(Path(directory), TABLES)
            print(f"Generating '{args.size}' as of {now.isoformat()}:", flush=True)
            with app.app_context():
                world = generate(spools, SIZES[args.size], args.seed, now)
            spools.close()
            load(conn, spools)
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"Database size: {size.fetchone()[0]}")
    path = write_samples(args.size, args.database_url, PASSWORD, world, now)
    print(f"Sample ids for the runner: {path}")
    print(f"Total: {time.monotonic() - started:.0f} s")
    if args.check:
        from .generate_check import check_pages

        check_pages(args.database_url, path)


if __name__ == "__main__":
    main()
