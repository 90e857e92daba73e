"""How does `debtopt serve` hold up under a bounded load?

Starts a real server (uvicorn, `--workers 2`) on a free 127.0.0.1 port, sends a
fixed number of requests with a fixed number in flight, and records each
request's status and latency (from sending to the last byte, so waiting for a
worker counts). The mix cycles through the bundled examples (zhang-san,
us-cards): three simulations (a rotating strategy) for every optimization with
a small time limit. Every answer must be 200; p50, p95 and the largest latency
per kind go to benchmarks/results/server_load.md.

    python benchmarks/server_load.py [--requests 500] [--concurrency 16] [--time-limit 1]
                                     [--optimize-every 4] [--workers 2] [--no-write]

Traffic goes to 127.0.0.1 only; the run stops by itself after --requests
requests (and each request after 120 s at most).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import select
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from debtopt.server.launch import running_server

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "server_load.md"
EXAMPLES = ("zhang-san", "us-cards")
STRATEGIES = ("avalanche", "snowball", "urgency", "balance-matching", "minimum")
REQUEST_TIMEOUT = 120.0


@dataclass(frozen=True)
class Call:
    kind: str  # "simulate" or "optimize"
    example: str
    path: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    call: Call
    status: int
    seconds: float
    error: str = ""
    queue: float = float("nan")  # the server's Server-Timing: waiting for a worker, and the work, in seconds
    work: float = float("nan")


def plan_calls(count: int, optimize_every: int, time_limit: float) -> list[Call]:
    calls = []
    for i in range(count):
        if optimize_every and i % optimize_every == optimize_every - 1:
            example = EXAMPLES[(i // optimize_every) % len(EXAMPLES)]
            calls.append(Call("optimize", example, "/v1/optimize", {"time_limit": time_limit}))
        else:
            example = EXAMPLES[i % len(EXAMPLES)]
            strategy = STRATEGIES[(i // len(EXAMPLES)) % len(STRATEGIES)]
            calls.append(Call("simulate", example, "/v1/simulate", {"strategy": strategy}))
    return calls


async def send_all(url: str, calls: list[Call], concurrency: int) -> tuple[list[Outcome], float]:
    bodies = {name: tomllib.loads((ROOT / "examples" / f"{name}.toml").read_text(encoding="utf-8"))
              for name in EXAMPLES}
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, limits=limits) as client:

        async def one(call: Call) -> Outcome:
            async with semaphore:
                started = time.perf_counter()
                try:
                    response = await client.post(call.path, params=call.params, json=bodies[call.example])
                    await response.aread()
                except httpx.HTTPError as exc:
                    return Outcome(call, 0, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
                seconds = time.perf_counter() - started
                error = "" if response.status_code == 200 else response.text[:300]
                if response.status_code == 200 and not response.json().get("totals"):
                    error = "a 200 without a plan"
                timing = server_timing(response.headers.get("server-timing", ""))
                return Outcome(call, response.status_code, seconds, error, timing.get("queue", float("nan")),
                               timing.get("work", float("nan")))

        began = time.perf_counter()
        outcomes = await asyncio.gather(*(one(call) for call in calls))
        return list(outcomes), time.perf_counter() - began


def probe_health(url: str, every_seconds: float = 0.1) -> list[float]:
    """GET /healthz every 100 ms on one connection until a line arrives on stdin.

    Run in its own process (`--probe-health URL`), so the load client's own CPU
    time is not counted as the server's; the latencies (seconds) are printed as JSON.
    """
    seconds = []
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        while not select.select([sys.stdin], [], [], every_seconds)[0]:
            started = time.perf_counter()
            response = client.get("/healthz")
            seconds.append(time.perf_counter() - started if response.status_code == 200 else float("inf"))
    return seconds


def send_with_probe(url: str, calls: list[Call], concurrency: int) -> tuple[list[Outcome], float, list[float]]:
    """The load, with /healthz probed from another process while it runs."""
    prober = subprocess.Popen([sys.executable, __file__, "--probe-health", url], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        outcomes, wall = asyncio.run(send_all(url, calls, concurrency))
        answer, _ = prober.communicate("stop\n", timeout=REQUEST_TIMEOUT)
    finally:
        if prober.poll() is None:
            prober.kill()
    return outcomes, wall, json.loads(answer)


def server_timing(header: str) -> dict[str, float]:
    """'queue;dur=12.5, work;dur=830.0' -> {"queue": 0.0125, "work": 0.83} (seconds)."""
    out = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if rest.startswith("dur="):
            try:
                out[name] = float(rest[4:]) / 1000
            except ValueError:
                pass
    return out


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summarize(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    rows = []
    groups: dict[str, list[Outcome]] = {"all": outcomes}
    for outcome in outcomes:
        groups.setdefault(f"{outcome.call.kind} {outcome.call.example}", []).append(outcome)
        groups.setdefault(outcome.call.kind, []).append(outcome)
    order = ["all", "simulate", "optimize", *sorted(k for k in groups if " " in k)]
    for name in order:
        if name not in groups:
            continue
        group = groups[name]
        ms = [o.seconds * 1000 for o in group]
        work = [o.work * 1000 for o in group if o.work == o.work]
        rows.append({"name": name, "count": len(group), "failed": sum(1 for o in group if o.status != 200),
                     "p50": percentile(ms, 0.50), "p95": percentile(ms, 0.95), "max": max(ms),
                     "work_p50": percentile(work, 0.50), "work_p95": percentile(work, 0.95)})
    return rows


def run(requests: int = 500, concurrency: int = 16, time_limit: float = 1.0, optimize_every: int = 4,
        workers: int = 2) -> dict[str, Any]:
    """Start a server, send the load, stop the server; the numbers as a dict."""
    calls = plan_calls(requests, optimize_every, time_limit)
    with running_server("--workers", str(workers), "--queue-size", str(max(64, concurrency * 2)),
                        "--queue-timeout", "120") as server:
        outcomes, wall, health = send_with_probe(server.url, calls, concurrency)
        pool = server.health()["pool"]
    statuses = Counter(o.status for o in outcomes)
    return {"requests": requests, "concurrency": concurrency, "time_limit": time_limit,
            "optimize_every": optimize_every, "workers": workers, "wall": wall, "statuses": dict(statuses),
            "failed": [o for o in outcomes if o.status != 200 or o.error], "rows": summarize(outcomes),
            "pool": pool, "health_ms": [seconds * 1000 for seconds in health], "load": os.getloadavg()}


def markdown(result: dict[str, Any], command: str) -> str:
    failed = len(result["failed"])
    lines = [
        f"Server load: {result['requests']} requests, {result['concurrency']} in flight, against `debtopt serve "
        f"--workers {result['workers']}` on 127.0.0.1; one optimize (time_limit={result['time_limit']:g} s) "
        f"for every {result['optimize_every'] - 1} simulations, on examples/zhang-san.toml and us-cards.toml. "
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs (shared).",
        "",
        f"Wall time {result['wall']:.1f} s ({result['requests'] / result['wall']:.1f} requests/s); "
        f"failed requests: **{failed}**; statuses: "
        + ", ".join(f"{status}: {n}" for status, n in sorted(result["statuses"].items())) + ".",
        "",
        "Latency is from sending a request to its last byte, so it includes waiting for a free worker "
        f"(up to {result['concurrency']} requests share {result['workers']} workers); the work columns are the "
        "worker's own time, from the server's Server-Timing header.",
        "",
        "| requests | count | failed | p50 ms | p95 ms | max ms | work p50 ms | work p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        lines.append(f"| {row['name']} | {row['count']} | {row['failed']} | {row['p50']:.0f} | {row['p95']:.0f} | "
                     f"{row['max']:.0f} | {row['work_p50']:.0f} | {row['work_p95']:.0f} |")
    health = result["health_ms"]
    lines += ["", f"`GET /healthz` probed every 100 ms from another process during the load: {len(health)} answers, "
                  f"p50 {percentile(health, 0.50):.0f} ms, p95 {percentile(health, 0.95):.0f} ms, "
                  f"max {max(health, default=float('nan')):.0f} ms (target: under 100 ms whatever the workers do). "
                  "Load average at the end: " + " / ".join(f"{x:.1f}" for x in result["load"]) + "."]
    pool = result["pool"]
    lines += ["", f"Worker pool after the run: {pool['completed']} jobs completed, {pool['timed_out']} timed out, "
                  f"{pool['lost']} workers lost, {pool['rejected']} requests refused as busy.",
              "", f"    {command}", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--optimize-every", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave the results file alone.")
    parser.add_argument("--probe-health", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe_health:
        print(json.dumps(probe_health(args.probe_health)))
        return 0
    if not 1 <= args.requests <= 5000 or not 1 <= args.concurrency <= 64:
        parser.error("keep it bounded: 1-5000 requests, 1-64 in flight")
    result = run(args.requests, args.concurrency, args.time_limit, args.optimize_every, args.workers)
    command = "python benchmarks/server_load.py " + " ".join(sys.argv[1:])
    text = markdown(result, command.strip())
    print(text)
    for outcome in result["failed"][:10]:
        print(f"FAILED {outcome.call.kind} {outcome.call.example}: {outcome.status} {outcome.error}", file=sys.stderr)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
