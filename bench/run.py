"""The page benchmark: SQL statements, server time and throughput of Cohort's main pages on a
small and a big data set, with the targets each page should meet.

    python -m bench.run --small-url postgresql+psycopg://... --big-url postgresql+psycopg://...

Progress goes to stderr; the markdown table goes to stdout and the full figures to
``bench/results/<timestamp>.json``. See bench/README.md, "Running the page benchmark".
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from .run_inprocess import InProcessBench, measure_interleaved
from .run_report import RESULTS_DIR, markdown, targets, write_json
from .run_samples import Page, Samples, load_samples, select_pages
from .run_servers import ROOT, Server, login_cookie, server_env
from .run_throughput import LoadGenPool, Plan, generator_ceiling, measure_page

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_{size}"
# Fixed so that the in-process app, the servers and their restarts all accept one cookie.
SECRET_KEY = "cohort-page-benchmark-secret-key-0123456789abcdef"  # noqa: S105 (local only)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--small-url", default=DEFAULT_URL.format(size="small"))
    parser.add_argument("--big-url", default=DEFAULT_URL.format(size="big"))
    parser.add_argument("--only", choices=("small", "big"), help="one data set only")
    parser.add_argument("--pages", help="comma-separated subset, e.g. home,feed")
    parser.add_argument("--requests", type=int, default=20, help="timed in-process requests")
    parser.add_argument(
        "--time-cap", type=float, default=30.0, help="in-process seconds per page and data set"
    )
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="add a cProfile of one request per page to the JSON"
    )
    parser.add_argument("--duration", type=float, default=5.0, help="load seconds per page")
    parser.add_argument(
        "--page-cap", type=float, default=30.0, help="load seconds for a page too slow to slice"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--loadgen-processes", type=int, default=2)
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/")
    parser.add_argument(
        "--no-upgrade", action="store_true", help="do not run `flask db upgrade` on the databases"
    )
    return parser.parse_args(argv)


def new_results(args: argparse.Namespace, pages: list[Page]) -> dict:
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": {key: value for key, value in vars(args).items() if not key.endswith("_url")},
        "sizes": {},
        "pages": {page.name: {} for page in pages},
    }


def sizes(args: argparse.Namespace) -> list[tuple[str, str]]:
    chosen = [("small", args.small_url), ("big", args.big_url)]
    return [(name, url) for name, url in chosen if args.only in (None, name)]


def inprocess_phase(chosen: dict[str, tuple[str, Samples]], pages: list[Page], args, results):
    """SQL statements and server time of every page, in this process through the test client,
    small and big data alternating request by request."""
    benches = {
        size: InProcessBench(url, SECRET_KEY, samples) for size, (url, samples) in chosen.items()
    }
    try:
        for page in pages:
            log(f"in-process {page.name}")
            measured = measure_interleaved(benches, page, args.requests, args.time_cap)
            for size, result in measured.items():
                summary = result.summary()
                if args.profile:
                    summary["profile"] = benches[size].profile(page)
                results["pages"][page.name].setdefault(size, {})["inprocess"] = summary
                log(
                    f"    [{size}] {result.path}: {summary['sql_statements']} statements, "
                    f"median {summary['median_s'] * 1000:,.0f} ms over {summary['requests']}"
                )
    finally:
        for bench in benches.values():
            bench.close()


def start_servers(size: str, url: str) -> tuple[Server, Server]:
    """The app and the reference page, on the same database, started the same way."""
    env = server_env(url, SECRET_KEY)
    log_dir = RESULTS_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    app = Server(f"app-{size}", "wsgi:app", env, log_dir, ready_path="/login")
    reference = Server(
        f"reference-{size}", "bench.reference:create_app()", env, log_dir, ready_path="/ping"
    )
    app.start()
    try:
        reference.start()
    except BaseException:
        app.stop()
        raise
    return app, reference


def throughput_phase(size: str, url: str, samples: Samples, pages: list[Page], args, results):
    """Requests per second of every page under gunicorn, against the reference page."""
    plan = Plan(args.duration, args.connections, args.page_cap)
    app, reference = start_servers(size, url)
    pool = LoadGenPool(args.loadgen_processes)
    try:
        ceiling = generator_ceiling(pool, reference, plan)
        results["sizes"][size]["ceiling"] = ceiling
        log(
            f"[{size}] load generator: /ping {ceiling['ping_rate']:,.0f} req/s, "
            f"reference {ceiling['reference_rate']:,.0f} req/s"
        )
        cookies = {
            role: login_cookie(app.port, samples.email_for(role), samples.passwords)
            for role in {page.role for page in pages}
        }
        reference_rates = []
        for page in pages:
            inprocess = results["pages"][page.name].get(size, {}).get("inprocess", {})
            latency = inprocess.get("median_s") or inprocess.get("warmup_s")
            log(f"[{size}] throughput {page.name}")
            measured = measure_page(
                pool, app, reference, page.path(samples), cookies[page.role], plan, latency
            )
            results["pages"][page.name].setdefault(size, {})["throughput"] = measured
            if any(status != 200 for status in measured["warmup_statuses"]):
                log(f"    warning: before the load it answered {measured['warmup_statuses']}")
            reference_rates.append(measured["reference"]["rate"])
            log(
                f"    {measured['page']['rate']:,.1f} req/s, "
                f"{measured['reference']['rate']:,.0f} for the reference, "
                f"{measured['non_200']} non-200"
            )
        if reference_rates:
            results["sizes"][size]["reference_rate"] = sum(reference_rates) / len(reference_rates)
    finally:
        pool.close()
        app.stop()
        reference.stop()


def upgrade(size: str, url: str) -> None:
    """Bring the database to the code's latest migration: until then the app answers 503, and
    a new index is often the very change being measured."""
    env = {**os.environ, "COHORT_DATABASE_URL": url}
    command = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "db", "upgrade"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"[{size}] flask db upgrade failed:\n{done.stderr[-2000:]}")
    applied = [line for line in done.stderr.splitlines() if "Running upgrade" in line]
    for line in applied:
        log(f"[{size}] {line.split('] ', 1)[-1]}")


def prepare_size(size: str, url: str, args, results: dict) -> Samples:
    """Migrations, then the sample ids and logins for this data set."""
    if not args.no_upgrade:
        upgrade(size, url)
    samples = load_samples(size, url)
    results["sizes"][size] = {
        "database": make_url(url).render_as_string(hide_password=True),
        "samples": asdict(samples),
    }
    log(f"[{size}] samples from {samples.source}")
    return samples


def stop_on_terminate(signum: int, frame: object) -> None:
    """Turn SIGTERM into KeyboardInterrupt, so the servers (in sessions of their own) are
    stopped on the way out, whoever ends the run."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> None:
    signal.signal(signal.SIGTERM, stop_on_terminate)
    args = parse_args(argv)
    pages = select_pages(args.pages)
    results = new_results(args, pages)
    chosen = sizes(args)
    samples = {size: prepare_size(size, url, args, results) for size, url in chosen}
    inprocess_phase({size: (url, samples[size]) for size, url in chosen}, pages, args, results)
    if not args.skip_throughput:
        for size, url in chosen:
            try:
                throughput_phase(size, url, samples[size], pages, args, results)
            except SystemExit as error:  # a server that will not start or log in: report the rest
                log(f"[{size}] throughput stopped: {error}")
                results["sizes"][size]["throughput_error"] = str(error)
    for page in results["pages"].values():
        page["targets"] = targets(page)
    print(markdown(results))
    if not args.no_json:
        log(f"Figures saved to {write_json(results)}")


if __name__ == "__main__":
    main()
