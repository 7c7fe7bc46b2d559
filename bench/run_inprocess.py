"""In-process figures: SQL statements and server time per request, through Flask's test client.

No network and no server in between, so the time is the app's own (views, queries, templates)
and each statement can be counted where it is sent: a ``before_cursor_execute`` listener on the
app's engine, the same way the test suite's ``count_queries`` fixture counts.
"""

from __future__ import annotations

import cProfile
import pstats
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from cohort import create_app
from cohort.extensions import db

from .run_samples import Page, Samples

# Savepoints and rollbacks are bookkeeping, not questions asked of the data (as in the tests).
BOOKKEEPING = re.compile(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", re.IGNORECASE)
GENEROUS_LIMIT = "100000 per minute"


def bench_config(database_url: str, secret_key: str) -> dict:
    """The app as deployed, on the benchmark's database, with limits that never trip."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secret_key,
        "PRODUCTION": False,
        "RATELIMIT_LOGIN": GENEROUS_LIMIT,
        "RATELIMIT_PASSWORD_RESET": GENEROUS_LIMIT,
        "RATELIMIT_JOIN": GENEROUS_LIMIT,
        # The test client logs in without fetching a form first; the servers keep CSRF on.
        "WTF_CSRF_ENABLED": False,
    }


class StatementCounter:
    """Counts and times the statements the app sends while it is attached to an engine.

    The time runs from sending a statement to the driver's return (fetching the rows is
    included for psycopg's client-side cursors), which is what shows where a slow page waits.
    """

    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []
        self._started = 0.0

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def detach(self, engine: Engine) -> None:
        event.remove(engine, "before_cursor_execute", self.before)
        event.remove(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._started = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not BOOKKEEPING.match(statement):
            self.statements.append((statement, time.perf_counter() - self._started))

    def take(self) -> list[tuple[str, float]]:
        """The statements since the last call, leaving the counter empty."""
        taken, self.statements = self.statements, []
        return taken


@dataclass
class InProcessResult:
    """One page on one data set: what a request costs inside the app."""

    path: str
    statuses: list[int] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    sql_seconds: list[float] = field(default_factory=list)
    warmup_seconds: float = 0.0
    sample_statements: list[tuple[str, float]] = field(default_factory=list)

    def summary(self) -> dict:
        ordered = sorted(self.seconds)
        return {
            "path": self.path,
            "requests": len(self.seconds),
            "statuses": sorted(set(self.statuses)),
            "sql_statements": max(self.statements) if self.statements else None,
            "sql_statements_min": min(self.statements) if self.statements else None,
            "warmup_s": self.warmup_seconds,
            "median_s": statistics.median(ordered) if ordered else None,
            "p90_s": ordered[int(0.9 * (len(ordered) - 1))] if ordered else None,
            "sql_median_s": statistics.median(self.sql_seconds) if self.sql_seconds else None,
            "slowest_statements": [
                {"seconds": seconds, "sql": " ".join(sql.split())[:4000]}
                for sql, seconds in sorted(self.sample_statements, key=lambda s: -s[1])[:3]
            ],
            "statements_of_first_request": [sql for sql, _ in self.sample_statements],
        }


class InProcessBench:
    """One app on one database, with a logged-in test client per role."""

    def __init__(self, database_url: str, secret_key: str, samples: Samples) -> None:
        self.app: Flask = create_app(bench_config(database_url, secret_key))
        self.samples = samples
        self.counter = StatementCounter()
        with self.app.app_context():
            self.engine: Engine = db.engine
        self.counter.attach(self.engine)
        self.clients: dict[str, FlaskClient] = {}

    def close(self) -> None:
        self.counter.detach(self.engine)
        self.engine.dispose()

    def client_for(self, role: str) -> FlaskClient:
        """A client logged in through the real login view (once per role)."""
        if role not in self.clients:
            client = self.app.test_client()
            email = self.samples.email_for(role)
            for password in self.samples.passwords:
                response = client.post("/login", data={"email": email, "password": password})
                if response.status_code == 302:
                    self.clients[role] = client
                    break
            else:
                raise SystemExit(
                    f"Could not log in as {email} with the known passwords (last answer: "
                    f"HTTP {response.status_code}; 503 means the database needs `db upgrade`)"
                )
        return self.clients[role]

    def warm_up(self, page: Page) -> InProcessResult:
        """The first request (templates compile, caches fill) is timed apart, not counted."""
        result = InProcessResult(path=page.path(self.samples))
        started = time.perf_counter()
        self.client_for(page.role).get(result.path)
        result.warmup_seconds = time.perf_counter() - started
        self.counter.take()
        return result

    def wants_more(self, result: InProcessResult, requests: int, time_cap: float) -> bool:
        """Up to ``requests`` timed requests within ``time_cap`` seconds (at least one), so a
        page that takes many seconds cannot stall the whole run."""
        return len(result.seconds) < requests and (
            not result.seconds or sum(result.seconds) < time_cap
        )

    def step(self, page: Page, result: InProcessResult) -> None:
        """One timed request, its statements counted and timed."""
        started = time.perf_counter()
        response = self.client_for(page.role).get(result.path)
        result.seconds.append(time.perf_counter() - started)
        result.statuses.append(response.status_code)
        statements = self.counter.take()
        result.statements.append(len(statements))
        result.sql_seconds.append(sum(seconds for _, seconds in statements))
        if not result.sample_statements:
            result.sample_statements = statements

    def profile(self, page: Page, top: int = 12) -> list[str]:
        """One more request under cProfile: the functions with the most time of their own,
        which says whether a page waits on SQL, builds ORM objects or renders templates."""
        client = self.client_for(page.role)
        profiler = cProfile.Profile()
        profiler.runcall(client.get, page.path(self.samples))
        self.counter.take()
        stats = pstats.Stats(profiler)
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]  # type: ignore[attr-defined]
        return [
            f"{own * 1000:7.1f} ms own {total * 1000:7.1f} ms total {calls:6d}x "
            f"{Path(file).name}:{line} {name}"
            for (file, line, name), (_, calls, own, total, _) in rows
        ]


def measure_interleaved(
    benches: dict[str, InProcessBench], page: Page, requests: int, time_cap: float
) -> dict[str, InProcessResult]:
    """Alternate the data sets request by request, so a busy moment on the machine slows
    small and big alike and their ratio stays meaningful."""
    results = {size: bench.warm_up(page) for size, bench in benches.items()}
    pending = dict(benches)
    while pending:
        for size, bench in list(pending.items()):
            if bench.wants_more(results[size], requests, time_cap):
                bench.step(page, results[size])
            else:
                del pending[size]
    return results
