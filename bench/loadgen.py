"""A small closed-loop HTTP load generator: N threads, each with its own connection.

wrk is not available here, so the benchmark brings its own. It runs in separate processes
(``--serve``) so that its Python work never shares a GIL with the runner, and the runner can
split the connections over several processes when one would saturate. Each thread sends a
request, reads the whole answer and sends the next one until the slice's deadline; requests
still open after the deadline get ``grace`` seconds to finish, then count as abandoned.

One-shot use: ``python -m bench.loadgen http://127.0.0.1:8000/ping --connections 32``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

USER_AGENT = "cohort-bench/1"


@dataclass(frozen=True)
class Slice:
    """One measurement: where to send requests, with how many connections, for how long."""

    host: str
    port: int
    path: str
    connections: int = 32
    duration: float = 1.0
    grace: float = 2.0
    timeout: float = 60.0
    cookie: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Slice:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


@dataclass
class ThreadStats:
    """What one connection saw; merged without locks once every thread has finished."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    abandoned: int = 0


def _headers(job: Slice) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
    if job.cookie:
        headers["Cookie"] = job.cookie
    return headers


def _one_request(conn: http.client.HTTPConnection, job: Slice, stats: ThreadStats) -> None:
    """Send one GET and read the body in full, as a browser would before the next click."""
    started = time.perf_counter()
    conn.request("GET", job.path, headers=_headers(job))
    response = conn.getresponse()
    response.read()
    stats.latencies.append(time.perf_counter() - started)
    stats.statuses[str(response.status)] += 1
    if response.will_close:
        conn.close()


def _connection_loop(job: Slice, deadline: float, hard_deadline: float, stats: ThreadStats) -> None:
    """Keep one connection busy until the deadline; gunicorn's sync workers close each
    connection after the answer, and http.client then reconnects on the next request."""
    conn = http.client.HTTPConnection(job.host, job.port)
    while time.monotonic() < deadline:
        conn.timeout = max(0.05, min(job.timeout, hard_deadline - time.monotonic()))
        if conn.sock is not None:
            conn.sock.settimeout(conn.timeout)
        try:
            _one_request(conn, job, stats)
        except (OSError, http.client.HTTPException):
            if time.monotonic() >= hard_deadline - 0.01:
                stats.abandoned += 1
            else:
                stats.errors += 1
            conn.close()
    conn.close()


def run_slice(job: Slice) -> dict:
    """Run one slice and summarise it (counts, rate over the real elapsed time, latencies)."""
    started = time.monotonic()
    deadline = started + job.duration
    hard_deadline = deadline + job.grace
    stats = [ThreadStats() for _ in range(job.connections)]
    threads = [
        threading.Thread(target=_connection_loop, args=(job, deadline, hard_deadline, s))
        for s in stats
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarise(stats, time.monotonic() - started)


def summarise(stats: list[ThreadStats], elapsed: float) -> dict:
    """Merge per-connection figures into one JSON-friendly record."""
    latencies = sorted(value for s in stats for value in s.latencies)
    statuses: Counter = Counter()
    for s in stats:
        statuses.update(s.statuses)
    return {
        "completed": len(latencies),
        "elapsed": elapsed,
        "statuses": dict(statuses),
        "errors": sum(s.errors for s in stats),
        "abandoned": sum(s.abandoned for s in stats),
        "latency_p50": statistics.median(latencies) if latencies else None,
        "latency_p90": latencies[int(0.9 * (len(latencies) - 1))] if latencies else None,
    }


def merge(results: list[dict]) -> dict:
    """Combine the records of processes that ran the same slice side by side."""
    statuses: Counter = Counter()
    for result in results:
        statuses.update(result["statuses"])
    completed = sum(r["completed"] for r in results)
    elapsed = max(r["elapsed"] for r in results)
    p50s = [r["latency_p50"] for r in results if r["latency_p50"] is not None]
    p90s = [r["latency_p90"] for r in results if r["latency_p90"] is not None]
    return {
        "completed": completed,
        "elapsed": elapsed,
        "rate": completed / elapsed if elapsed else 0.0,
        "statuses": dict(statuses),
        "errors": sum(r["errors"] for r in results),
        "abandoned": sum(r["abandoned"] for r in results),
        "latency_p50": statistics.median(p50s) if p50s else None,
        "latency_p90": max(p90s) if p90s else None,
    }


def serve() -> None:
    """Answer one JSON slice per stdin line with one JSON result line, until stdin closes.

    A long-lived process avoids paying Python's start-up inside every slice.
    """
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(run_slice(Slice.from_dict(json.loads(line)))), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="http://host:port/path (omit with --serve)")
    parser.add_argument("--serve", action="store_true", help="read JSON slices on stdin")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--cookie", default="")
    args = parser.parse_args(argv)
    if args.serve:
        serve()
        return
    if not args.url:
        parser.error("a URL is needed unless --serve is given")
    parts = urlsplit(args.url)
    job = Slice(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 80,
        path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        connections=args.connections,
        duration=args.duration,
        cookie=args.cookie,
    )
    print(json.dumps(merge([run_slice(job)]), indent=2))


if __name__ == "__main__":
    main()
