"""The benchmark's report: a markdown table for people, a JSON file for comparing runs.

The targets are checked here, so a glance at the last columns says which pages still need work:
at most 10 statements per page on big data (no query per row), big data no more than 1.5 times
slower than small (no work that grows with the whole database), and at least a fifth of the
bare reference page's throughput.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MAX_STATEMENTS = 10
MAX_BIG_OVER_SMALL = 1.5
MIN_REFERENCE_RATIO = 0.2
PASS, FAIL, UNKNOWN = "✓", "✗", "–"


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.0f}"


def _mark(ok: bool | None) -> str:
    return UNKNOWN if ok is None else PASS if ok else FAIL


def targets(page: dict) -> dict[str, bool | None]:
    """Pass (True), fail (False) or not measured (None) for each target of one page."""
    small, big = page.get("small", {}), page.get("big", {})
    statements = big.get("inprocess", {}).get("sql_statements")
    small_time = small.get("inprocess", {}).get("median_s")
    big_time = big.get("inprocess", {}).get("median_s")
    ratios = [
        size["throughput"]["ratio"]
        for size in (small, big)
        if size.get("throughput", {}).get("ratio") is not None
    ]
    return {
        "sql": None if statements is None else statements <= MAX_STATEMENTS,
        "time": None
        if not (small_time and big_time)
        else big_time / small_time <= MAX_BIG_OVER_SMALL,
        "throughput": min(ratios) >= MIN_REFERENCE_RATIO if ratios else None,
    }


def _size_cells(size: dict) -> list[str]:
    inprocess, throughput = size.get("inprocess", {}), size.get("throughput")
    sql = inprocess.get("sql_statements")
    time = f"{_ms(inprocess.get('median_s'))} ({_ms(inprocess.get('p90_s'))})"
    if throughput is None:
        rate = "–"
    else:
        ratio = throughput["ratio"]
        rate = f"{throughput['page']['rate']:,.1f} ({'–' if ratio is None else f'{ratio:.2f}'}×)"
    return ["–" if sql is None else str(sql), time, rate]


def _non_200(page: dict) -> str:
    counts = []
    for name in ("small", "big"):
        size = page.get(name, {})
        bad = [s for s in size.get("inprocess", {}).get("statuses", []) if s != 200]
        loaded = size.get("throughput", {}).get("non_200", 0) if size.get("throughput") else 0
        if bad or loaded:
            counts.append(f"{name}: {loaded}" + (f" (in-process {bad})" if bad else ""))
    return "; ".join(counts) or "0"


HEADER = (
    "| Page | SQL small | SQL big | ms small p50 (p90) | ms big p50 (p90) | big/small "
    "| req/s small (×ref) | req/s big (×ref) | non-200 "
    f"| SQL ≤ {MAX_STATEMENTS} | big ≤ {MAX_BIG_OVER_SMALL}× small | ≥ {MIN_REFERENCE_RATIO}× ref |"
)


def page_row(name: str, page: dict) -> str:
    small, big = _size_cells(page.get("small", {})), _size_cells(page.get("big", {}))
    small_time = page.get("small", {}).get("inprocess", {}).get("median_s")
    big_time = page.get("big", {}).get("inprocess", {}).get("median_s")
    growth = f"{big_time / small_time:.1f}×" if small_time and big_time else "–"
    marks = [_mark(ok) for ok in targets(page).values()]
    cells = [name, small[0], big[0], small[1], big[1], growth, small[2], big[2], _non_200(page)]
    return "| " + " | ".join([*cells, *marks]) + " |"


def _size_notes(results: dict) -> list[str]:
    lines = []
    for size, info in results["sizes"].items():
        line = f"- {size}: samples from {info['samples']['source']}"
        ceiling = info.get("ceiling")
        if ceiling:
            line += (
                f"; reference page {ceiling['reference_rate']:,.0f} req/s alone, "
                f"{info.get('reference_rate', 0):,.0f} req/s over all slices; "
                f"load generator on /ping {ceiling['ping_rate']:,.0f} req/s "
                f"({ceiling['headroom']:.1f}× the reference)"
            )
        if info.get("throughput_error"):
            line += f"; throughput not measured: {info['throughput_error']}"
        lines.append(line)
    return lines


def _gist(sql: str, width: int = 150) -> str:
    """A statement without its column list: what it reads and how it filters."""
    head, found, tail = sql.partition(" FROM ")
    text = f"{head.split()[0]} … FROM {tail}" if found else head
    return text if len(text) <= width else text[:width] + "…"


def slowest_statements(results: dict, share: float = 0.3) -> list[str]:
    """Where the slow pages wait: on big data, each page's slowest statement when statements
    take more than ``share`` of the page's time (the full texts are in the JSON)."""
    lines = []
    for name, page in results["pages"].items():
        inprocess = page.get("big", {}).get("inprocess", {})
        median, sql = inprocess.get("median_s"), inprocess.get("sql_median_s")
        slowest = inprocess.get("slowest_statements") or []
        if median and sql and slowest and sql > share * median:
            top = slowest[0]
            lines.append(
                f"- {name}: SQL {_ms(sql)} of {_ms(median)} ms; slowest statement "
                f"{_ms(top['seconds'])} ms: `{_gist(top['sql'])}`"
            )
    return ["", "Where the time goes on big data:", *lines] if lines else []


def markdown(results: dict) -> str:
    """The whole report as markdown: one row per page, then what the figures rest on."""
    options = results["options"]
    lines = [
        f"## Page benchmark, {results['started']}",
        "",
        f"In-process: {options['requests']} requests after one warm-up (at most "
        f"{options['time_cap']:.0f} s per page). Throughput: gunicorn 2 sync workers, "
        f"{options['connections']} connections, {options['duration']:.0f} s per page in slices "
        "alternating with the reference page.",
        "",
        HEADER,
        "|" + "---|" * (HEADER.count("|") - 1),
    ]
    lines += [page_row(name, page) for name, page in results["pages"].items()]
    lines += ["", *_size_notes(results), *slowest_statements(results)]
    return "\n".join(lines)


def write_json(results: dict) -> Path:
    """Save the run under bench/results/<UTC timestamp>.json (ignored by git)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return path
