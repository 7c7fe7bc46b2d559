"""What a request costs in CPU: the app's own process and the PostgreSQL backend serving it.

    python -m bench.cpu --size big                  # every main page
    python -m bench.cpu --size big --pages home,feed --rounds 10

On a shared, busy machine wall-clock time and throughput swing two- or threefold between
runs, while CPU time moves by about a tenth. Throughput on a saturated machine is CPU spent
per request, the app's and the database's together, so this reports, per page, in-process
requests through the test client (logged in as the sample member or organizer):

- the app's CPU (``time.process_time`` around the requests),
- the PostgreSQL backend's CPU (utime + stime of its process, from ``/proc``; the server must
  run on this machine),
- their sum, and the ratio of the reference page's sum to it: the same figure as the
  throughput ratio of ``bench.run``, as CPU alone would set it (≥ 0.2 is the target).

Each round runs ``--batch`` requests per page (the backend's clock ticks every 10 ms) and ten
times as many of the reference page, whose database share is far below a tick, pages and the
reference in turn; the figures are medians over ``--rounds``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy import Engine, text

from .reference import create_app as create_reference
from .run_inprocess import InProcessBench
from .run_samples import load_samples, select_pages

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_{size}"
SECRET_KEY = "cohort-cpu-benchmark-secret-key-0123456789abcdef"  # noqa: S105 (local only)
TICKS = os.sysconf("SC_CLK_TCK")


def backend_seconds(engine: Engine) -> float:
    """CPU seconds used so far by the backend of the pool's one connection."""
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(run: Callable[[], object], engine: Engine, batch: int) -> tuple[float, float]:
    """Milliseconds of app and database CPU per request, over one batch."""
    database = backend_seconds(engine)
    started = time.process_time()
    for _ in range(batch):
        run()
    app_ms = (time.process_time() - started) / batch * 1000
    return app_ms, (backend_seconds(engine) - database) / batch * 1000


def engine_of(app: Flask) -> Engine:
    """The app's engine. Requests run one after another, so its pool opens one connection,
    and its backend is the one measured."""
    from cohort.extensions import db

    with app.app_context():
        return db.engine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=("small", "big"), default="big")
    parser.add_argument("--database-url", help="default: the bench database of --size")
    parser.add_argument("--pages", help="comma-separated subset, e.g. home,feed")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch", type=int, default=20, help="requests per page per round")
    args = parser.parse_args(argv)
    url = args.database_url or DEFAULT_URL.format(size=args.size)
    samples = load_samples(args.size, url)
    pages = select_pages(args.pages)
    bench = InProcessBench(url, SECRET_KEY, samples)
    engine = engine_of(bench.app)
    reference = create_reference(url)
    reference_engine = reference.config["BENCH_ENGINE"]
    reference_client = reference.test_client()

    runs: dict[str, Callable[[], object]] = {"reference": lambda: reference_client.get("/")}
    for page in pages:
        client, path = bench.client_for(page.role), page.path(samples)
        runs[page.name] = lambda client=client, path=path: client.get(path)
    statements = {}
    for name, run in runs.items():  # warm: templates compiled, statements prepared
        for _ in range(6):
            run()
        statements[name] = len(bench.counter.take()) // 6
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for round_number in range(args.rounds):
        print(f"round {round_number + 1} of {args.rounds}", file=sys.stderr, flush=True)
        for name, run in runs.items():
            if name == "reference":  # ten times the batch: its database share is below a tick
                figures[name].append(measure(run, reference_engine, args.batch * 10))
            else:
                figures[name].append(measure(run, engine, args.batch))
            bench.counter.take()

    def medians(name: str) -> tuple[float, float]:
        return (
            statistics.median(a for a, _ in figures[name]),
            statistics.median(d for _, d in figures[name]),
        )

    reference_total = sum(medians("reference"))
    print(f"\nCPU per request on {args.size} data, medians of {args.rounds} rounds of {args.batch}")
    print("\n| Page | SQL | app ms | database ms | total ms | reference / total |")
    print("|---|---|---|---|---|---|")
    for name in runs:
        app_ms, database_ms = medians(name)
        total = app_ms + database_ms
        sql = 1 if name == "reference" else statements[name]
        print(
            f"| {name} | {sql} | {app_ms:.1f} | {database_ms:.1f} | {total:.1f} | "
            f"{reference_total / total:.2f}× |"
        )
    bench.close()


if __name__ == "__main__":
    main()
