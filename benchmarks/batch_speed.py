"""Scenarios per second of `debtopt batch`: heuristics and the optimum, by profile, 1 and 2 workers, both engines.

    python benchmarks/batch_speed.py                       # the full run (about 20 minutes on 2 cores)
    python benchmarks/batch_speed.py --quick               # a smoke run of every configuration

Each configuration runs in a fresh subprocess (as a user's `debtopt batch` would),
so its start-up (spawning workers, a Dask LocalCluster) is counted, and its peak
memory is its own: `main MB` is the batch process, `workers MB` the largest worker.
The per-scenario cost is set against one `debtopt optimize` (and `debtopt compare`)
subprocess call per scenario, so the batch overhead shows.

Targets on the 2-core machine: heuristics over 10,000 cn-microloan portfolios in
under a minute; the optimum for 1,000 in under 10 minutes; 2 workers at least
1.7x as fast as 1; memory flat in the number of scenarios.
Writes benchmarks/results/batch_speed.md (and .json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from debtopt.generate import generate_scenarios, scenario_to_json, write_scenarios
from debtopt.strategies import HEURISTICS

RESULTS = Path(__file__).parent / "results"

_RUN = """
import json, resource, sys, time
from pathlib import Path
from debtopt.batch import run_batch
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
summary = run_batch(Path(args["input"]), Path(args["out"]), args["strategies"], engine=args["engine"],
                    workers=args["workers"], time_limit_seconds=args["time_limit"], overwrite=True)
seconds = time.perf_counter() - t0
kb = lambda who: resource.getrusage(who).ru_maxrss
cpu = lambda who: resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN), "records": summary.total, "errors": sum(summary.errors.values()),
                  "main_mb": kb(resource.RUSAGE_SELF) / 1024, "workers_mb": kb(resource.RUSAGE_CHILDREN) / 1024}))
"""


def run_config(inputs: Path, out: Path, strategies: list[str], engine: str, workers: int, time_limit: float) -> dict[str, Any]:
    arg = json.dumps({"input": str(inputs), "out": str(out), "strategies": strategies, "engine": engine,
                      "workers": workers, "time_limit": time_limit})
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUN, arg], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall  # with the interpreter's start-up and imports
    result["rate"] = result["records"] / result["seconds"]
    return result


def per_call(command: str, files: list[Path], extra: list[str]) -> float:
    """Mean seconds of one `debtopt COMMAND FILE` subprocess call."""
    exe = str(Path(sys.executable).with_name("debtopt"))
    t0 = time.perf_counter()
    for file in files:
        subprocess.run([exe, command, str(file), "--format", "json", *extra], capture_output=True, check=True)
    return (time.perf_counter() - t0) / len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: check every configuration runs")
    parser.add_argument("--time-limit", type=float, default=2.0, help="optimizer seconds a scenario")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    q = args.quick
    heur = list(HEURISTICS)
    optimal = True  # the optimizer is a hard dependency
    # (label, profile, count, strategies, engine, workers)
    plan: list[tuple[str, str, int, list[str], str, int]] = []
    for engine in ("local", "dask"):
        for workers in (1, 2):
            plan.append(("heuristics", "cn-microloan", 200 if q else 10_000, heur, engine, workers))
    plan.append(("heuristics", "cn-microloan", 200 if q else 1_000, heur, "local", 2))  # memory: 1k vs 10k
    for profile in ("us-cards", "mixed"):
        for workers in (1, 2):
            plan.append(("heuristics", profile, 100 if q else 2_000, heur, "local", workers))
    if optimal:
        opt = [*heur, "optimal"]
        plan.append(("optimum", "cn-microloan", 10 if q else 1_000, opt, "local", 2))
        for engine in ("local", "dask"):
            for workers in (1, 2):
                plan.append(("optimum", "cn-microloan", 6 if q else 100, opt, engine, workers))
        for profile in ("us-cards", "mixed"):
            plan.append(("optimum", profile, 6 if q else 200, opt, "local", 2))
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    began = time.monotonic()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs: dict[tuple[str, int], Path] = {}
        for label, profile, count, strategies, engine, workers in plan:
            key = (profile, count)
            if key not in inputs:
                inputs[key] = folder / f"{profile}-{count}.jsonl"
                write_scenarios(generate_scenarios(args.seed, count, profile), inputs[key])
            result = run_config(inputs[key], folder / "out.jsonl", strategies, engine, workers, args.time_limit)
            row = {"what": label, "profile": profile, "scenarios": count, "engine": engine, "workers": workers,
                   "load": f"{os.getloadavg()[0]:.2f}", **result}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        # One subprocess call per scenario, for comparison.
        files = []
        for i, data in enumerate(generate_scenarios(args.seed, 4 if q else 20, "cn-microloan")):
            files.append(folder / f"one-{i}.json")
            files[-1].write_text(scenario_to_json(data), encoding="utf-8")
        calls_n = len(files)
        calls = {"compare": per_call("compare", files, [])}
        if optimal:
            calls["optimize"] = per_call("optimize", files, ["--time-limit", str(max(0.5, args.time_limit))])
    meta = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_before": load_before,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "time_limit_seconds": args.time_limit, "quick": q, "seconds": time.monotonic() - began,
            "optimal": "debtopt.optimize" if optimal else "not available"}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "batch_speed.json").write_text(json.dumps({"meta": meta, "rows": rows, "per_call": calls}, indent=2) + "\n",
                                               encoding="utf-8")
    meta["calls_n"] = calls_n
    text = markdown(meta, rows, calls)
    (args.out / "batch_speed.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def _rate(rows: list[dict[str, Any]], **match: Any) -> float | None:
    for row in rows:
        if all(row[k] == v for k, v in match.items()):
            return float(row["rate"])
    return None


def markdown(meta: dict[str, Any], rows: list[dict[str, Any]], calls: dict[str, float]) -> str:
    lines = [
        "# Batch speed",
        "",
        f"Measured {meta['when']} on {meta['machine']}, shared with other engineers' solver benchmarks "
        f"(load average before: {meta['load_before']}; each row gives the 1-minute load after it). "
        f"Optimizer time limit {meta['time_limit_seconds']:g} s a scenario. {meta['seconds'] / 60:.1f} minutes in all."
        + (" QUICK RUN: small counts, not the targets." if meta["quick"] else ""),
        "",
        "`s` is the batch itself (workers started, every record written); `wall` adds the interpreter's start-up; "
        "`CPU ms/scenario` is the CPU time of the batch and its workers (start-up included) per scenario: on a "
        "machine busy with other work, 2 workers can only be faster when 2 cores are free, while the CPU per "
        "scenario shows what the parallel run costs. "
        "Heuristics: all five per scenario. Optimum: the five heuristics and `optimal`.",
        "",
        "| what | profile | scenarios | engine | workers | s | wall s | scenarios/s | ms/scenario | CPU ms/scenario | main MB | workers MB | load |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['what']} | {r['profile']} | {r['scenarios']:,} | {r['engine']} | {r['workers']} | "
                     f"{r['seconds']:.1f} | {r['wall']:.1f} | {r['rate']:,.1f} | {1000 / r['rate']:.1f} | "
                     f"{1000 * r['cpu'] / r['records']:.1f} | "
                     f"{r['main_mb']:.0f} | {r['workers_mb']:.0f} | {r['load']} |")
    lines += ["", "## Against one subprocess call per scenario", ""]
    calls_n = meta["calls_n"]
    for command, seconds in calls.items():
        lines.append(f"- `debtopt {command} FILE --format json`: {seconds * 1000:,.0f} ms a call (mean of {calls_n} cn-microloan files).")
    lines += ["", "## Targets", ""]
    big = next((r for r in rows if r["what"] == "heuristics" and r["profile"] == "cn-microloan" and r["engine"] == "local"
                and r["workers"] == 2 and r["scenarios"] >= 10_000), None)
    if big:
        lines.append(f"- Heuristics, 10,000 cn-microloan, 2 workers: {big['seconds']:.0f} s (target < 60 s): "
                     f"{'met' if big['seconds'] < 60 else 'NOT met'}.")
    opt = next((r for r in rows if r["what"] == "optimum" and r["scenarios"] >= 1_000), None)
    if opt:
        lines.append(f"- Optimum, 1,000 cn-microloan, 2 workers: {opt['seconds'] / 60:.1f} min (target < 10 min): "
                     f"{'met' if opt['seconds'] < 600 else 'NOT met'}.")
    for what, profile, engine in [("heuristics", "cn-microloan", "local"), ("heuristics", "cn-microloan", "dask"),
                                  ("heuristics", "us-cards", "local"), ("heuristics", "mixed", "local"),
                                  ("optimum", "cn-microloan", "local"), ("optimum", "cn-microloan", "dask")]:
        count = max((r["scenarios"] for r in rows if r["what"] == what and r["profile"] == profile
                     and r["engine"] == engine and r["workers"] == 1), default=None)
        one = _rate(rows, what=what, profile=profile, engine=engine, workers=1, scenarios=count)
        two = _rate(rows, what=what, profile=profile, engine=engine, workers=2, scenarios=count)
        if one and two:
            lines.append(f"- 2 workers vs 1, {what}, {profile}, {engine}: {two / one:.2f}x (target >= 1.7x): "
                         f"{'met' if two / one >= 1.7 else 'NOT met'}.")
    small = next((r for r in rows if r["what"] == "heuristics" and r["profile"] == "cn-microloan" and r["engine"] == "local"
                  and r["workers"] == 2 and r["scenarios"] < 10_000), None)
    if big and small:
        lines.append(f"- Memory, main process: {small['main_mb']:.0f} MB for {small['scenarios']:,} scenarios, "
                     f"{big['main_mb']:.0f} MB for {big['scenarios']:,}; largest worker {small['workers_mb']:.0f} / "
                     f"{big['workers_mb']:.0f} MB.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
