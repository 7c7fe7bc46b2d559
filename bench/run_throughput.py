"""Throughput under gunicorn, each page measured in slices alternating with the reference page.

Noise on a shared machine (another process, the CPU's clock, PostgreSQL's checkpoints) comes
and goes over seconds; alternating short slices of the reference page and the measured page
spreads it over both, so their ratio holds even when the absolute rates wander.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass, replace

from .loadgen import Slice, merge
from .run_servers import ROOT, Server, request, wait_database_idle

SLICES = 5  # reference/page pairs per page
SLOW_FRACTION = 0.25  # a page slower than this share of a slice gets one long slice instead
WARMUP_REQUESTS = 4
GRACE = 10.0  # at most, seconds for queued requests to finish after a slice
WARMUP_LATENCY_LIMIT = 0.5  # seconds


class LoadGenPool:
    """Load-generator processes kept alive for the whole run, each driving its share of the
    connections, so the generator's own Python never competes with the runner's GIL."""

    def __init__(self, processes: int) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.loadgen", "--serve"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(processes)
        ]
        for process in self.processes:
            assert process.stdout is not None
            json.loads(process.stdout.readline())  # {"ready": true}

    def run(self, job: Slice) -> dict:
        """Run one slice in every process at once, the connections split between them."""
        count = len(self.processes)
        shares = [job.connections // count + (i < job.connections % count) for i in range(count)]
        busy = []
        for process, share in zip(self.processes, shares, strict=True):
            if share:
                assert process.stdin is not None
                process.stdin.write(json.dumps(asdict(replace(job, connections=share))) + "\n")
                process.stdin.flush()
                busy.append(process)
        results = []
        for process in busy:
            assert process.stdout is not None
            results.append(json.loads(process.stdout.readline()))
        return merge(results)

    def close(self) -> None:
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.close()
        for process in self.processes:
            process.wait(timeout=30)


@dataclass(frozen=True)
class Plan:
    """How long to load each page, and the cap for the slowest ones."""

    duration: float = 5.0
    connections: int = 32
    page_cap: float = 30.0
    timeout: float = 60.0

    def slices_for(self, latency: float | None) -> tuple[int, float]:
        """(count, seconds): short alternating slices, unless one request alone would not fit
        in a slice; then a single slice long enough to see a few answers, up to the cap."""
        length = self.duration / SLICES
        if latency is None or latency < SLOW_FRACTION * length:
            return SLICES, length
        return 1, min(self.page_cap, max(self.duration, 3 * latency))


def _combine(results: list[dict]) -> dict:
    """Slices run one after another: add counts and times, keep the worst latency."""
    combined = merge(results)
    combined["elapsed"] = sum(r["elapsed"] for r in results)
    combined["rate"] = combined["completed"] / combined["elapsed"] if combined["elapsed"] else 0
    combined["slices"] = [round(r["rate"], 2) for r in results]
    return combined


def warm_up(app: Server, path: str, cookie: str, latency: float | None) -> list[int]:
    """A few requests before the load, so both workers have compiled the page's templates;
    skipped for pages that take seconds, where compiling is lost in the noise."""
    if latency is not None and latency > WARMUP_LATENCY_LIMIT:
        return []
    return [request(app.port, "GET", path, {"Cookie": cookie})[0] for _ in range(WARMUP_REQUESTS)]


def measure_page(
    pool: LoadGenPool,
    app: Server,
    reference: Server,
    path: str,
    cookie: str,
    plan: Plan,
    latency: float | None,
) -> dict:
    """Reference, page, reference, page…; then the page's rate and its ratio to the reference."""
    warmup = warm_up(app, path, cookie, latency)
    count, length = plan.slices_for(latency)
    # Threads stop sending at the deadline and wait for their answer: the queue drains within
    # the slice, not into the reference's; only a page that takes seconds is left unfinished.
    grace = min(plan.timeout, GRACE)
    page_job = Slice("127.0.0.1", app.port, path, plan.connections, length, grace, plan.timeout)
    page_job = replace(page_job, cookie=cookie)
    ref_length = length if count > 1 else plan.duration / SLICES
    ref_job = Slice("127.0.0.1", reference.port, "/", plan.connections, ref_length)
    page_results, ref_results = [], []
    for _ in range(count):
        ref_results.append(pool.run(ref_job))
        page_results.append(pool.run(page_job))
    ref_results.append(pool.run(ref_job))  # the page's last slice is framed on both sides
    page, ref = _combine(page_results), _combine(ref_results)
    result = {
        "path": path,
        "slice_seconds": length,
        "page": page,
        "reference": ref,
        "ratio": page["rate"] / ref["rate"] if ref["rate"] else None,
        "non_200": sum(n for status, n in page["statuses"].items() if status != "200"),
        "warmup_statuses": warmup,
        "restarted": False,
    }
    if page["abandoned"]:
        # Requests queued in the server would run on and slow the next measurements.
        app.restart()
        result["restarted"] = True
        result["waited_for_database_s"] = wait_database_idle(app.env["COHORT_DATABASE_URL"])
    return result


def generator_ceiling(pool: LoadGenPool, reference: Server, plan: Plan) -> dict:
    """The rate against a trivial endpoint, to show the generator is not what limits the pages:
    it should stand well above the reference page's rate."""
    job = Slice("127.0.0.1", reference.port, "/ping", plan.connections, plan.duration / SLICES)
    ping = pool.run(job)
    page = pool.run(replace(job, path="/"))
    return {
        "ping_rate": ping["rate"],
        "reference_rate": page["rate"],
        "headroom": ping["rate"] / page["rate"] if page["rate"] else None,
    }
