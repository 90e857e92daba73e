"""A benchmark in the shape of Rios-Solis et al. (PLoS ONE 2017), Table 2.

    python benchmarks/rios_solis.py [--sizes 4x120,8x120,8x240,12x300] [--per-size 10]
                                    [--time-limit 10] [--out PATH]

For each size (loans x months): `--per-size` seeded generated instances (short
budgets: tests/scenarios.py with tight=True, seeds 2017 + k), each optimized with
`objective="cost"` (remaining balance, then net cost: money alone, as the paper's
single objective) and a short time limit, offer worth left out. Per size: the mean
gap (the net cost stage's, against the plan's total outlay, where the remaining stage
is proved), the mean time of the
whole call, how many instances every stage proved, and the mean saving against
avalanche, snowball and balance-matching (the paper's "proportional"). A saving is
on the money the borrower pays in all, the payments plus what is still owed at the
end (start + cost: what the paper's objective counts), (heuristic - optimal) /
heuristic; every figure is the ledger's replay. The paper's own figures (Gurobi,
6 cores) are cited beside ours in the results file. Writes
benchmarks/results/rios_solis.md (or --out), with the load average at the start and
the end (other work on the machine slows every time here).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shlex
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from scenarios import random_scenario  # noqa: E402

from debtopt.domain import Plan  # noqa: E402
from debtopt.domain.choices import Stage  # noqa: E402
from debtopt.domain.options import solve_options  # noqa: E402
from debtopt.optimize import optimize  # noqa: E402
from debtopt.strategies import run_strategy  # noqa: E402

SEED = 2017
COMPARED = ("avalanche", "snowball", "balance-matching")
# Rios-Solis et al. 2017, Table 2 (Gurobi 6 cores): size -> (time s, gap %); and the mean savings.
PAPER = {"4x120": (27, 0.0), "8x120": (581, 1.1), "8x240": (620, 2.3), "12x300": (1058, 21.0)}
PAPER_SAVINGS = {"avalanche": 4.6, "snowball": 6.6, "balance-matching": 5.4}


def outlay(plan: Plan) -> float:
    """What the borrower pays in all: the payments and what is still owed at the end."""
    return float(plan.totals.paid + plan.totals.remaining_balance)


def run_instance(size: str, k: int, time_limit: float) -> dict[str, float | bool]:
    n, T = (int(x) for x in size.split("x"))
    scenario = random_scenario(SEED + k, n_loans=n, horizon=T, tight=True)
    began = time.perf_counter()
    plan = optimize(scenario, solve_options(objective="cost", time_limit_seconds=time_limit))
    seconds = time.perf_counter() - began
    assert plan.solver is not None
    stages = {stage.name: stage for stage in plan.solver.stages}
    ours = outlay(plan)
    # the paper's gap is on the total payment: the net cost stage's gap (cents) against the plan's
    # outlay, counted only where the remaining stage is proved (else the two do not add up)
    remaining, net = stages.get(Stage.REMAINING), stages.get(Stage.NET_COST)
    gap = float("nan")
    if remaining is not None and remaining.proved and net is not None and net.gap is not None and ours:
        gap = 100.0 * net.gap / 100.0 / ours
    row: dict[str, float | bool] = {"seconds": seconds, "gap": gap, "proved": plan.solver.proved}
    for name in COMPARED:
        theirs = outlay(run_strategy(scenario, name))
        row[name] = 100.0 * (theirs - ours) / theirs if theirs else 0.0
    return row


def _mean_gap(results: list[dict[str, float | bool]]) -> str:
    """The mean gap over the instances whose remaining stage is proved, and how many those are."""
    gaps = [float(r["gap"]) for r in results if not math.isnan(float(r["gap"]))]
    return f"{statistics.mean(gaps):.2f} ({len(gaps)})" if gaps else "- (0)"


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def report(rows: dict[str, list[dict[str, float | bool]]], command: str, loads: tuple[str, str], began: str) -> str:
    lines = [
        "# Rios-Solis-shaped benchmark (PLoS ONE 2017, Table 2)",
        "",
        f"`{command}` on {os.cpu_count()}-core {platform.machine()} {platform.system()}, "
        f"Python {platform.python_version()} ({began} UTC, load average {loads[0]} at the start, {loads[1]} at the end). "
        "HiGHS through debtopt's optimizer, `objective=\"cost\"`, offer worth left out.",
        "gap: the net cost stage's gap against the plan's total outlay (the paper's objective), over the "
        "instances whose remaining-balance stage is proved. "
        "Instances: tests/scenarios.py `random_scenario(2017 + k, n_loans, horizon, tight=True)`; saving = "
        "(heuristic - optimal) / heuristic on payments + what is still owed at the end, ledger replays.",
        "Paper: Rios-Solis et al., PLoS ONE 2017, Table 2 (Gurobi, 6 cores, their generated instances): "
        "figures cited for comparison only; "
        "the instances and the model differ (see the README).",
        "",
        "| size | instances | proved | mean gap % (instances it counts) | mean s | max s | saving vs avalanche % | vs snowball % | "
        "vs balance-matching % | paper: s | paper: gap % |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, results in rows.items():
        paper = PAPER.get(size)
        cells = [
            size, str(len(results)), str(sum(bool(r["proved"]) for r in results)),
            _mean_gap(results),
            f"{statistics.mean(float(r['seconds']) for r in results):.1f}",
            f"{max(float(r['seconds']) for r in results):.1f}",
            *(f"{statistics.mean(float(r[name]) for r in results):.2f}" for name in COMPARED),
            str(paper[0]) if paper else "-", f"{paper[1]:g}" if paper else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    everything = [r for results in rows.values() for r in results]
    if everything:
        means = ", ".join(f"{statistics.mean(float(r[name]) for r in everything):.2f} % vs {name}" for name in COMPARED)
        paper = ", ".join(f"{v} % vs {k}" for k, v in PAPER_SAVINGS.items())
        lines += ["", f"Mean saving over every instance: {means} (paper: {paper}, 'proportional' for balance-matching)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="4x120,8x120,8x240,12x300")
    parser.add_argument("--per-size", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "rios_solis.md"))
    args = parser.parse_args()
    command = " ".join(["python benchmarks/rios_solis.py", *map(shlex.quote, sys.argv[1:])])
    began, load_before = time.strftime("%Y-%m-%d %H:%M", time.gmtime()), load_average()
    rows: dict[str, list[dict[str, float | bool]]] = {}
    for size in filter(None, args.sizes.split(",")):
        rows[size] = []
        for k in range(args.per_size):
            row = run_instance(size, k, args.time_limit)
            print(size, k, {key: round(float(v), 3) for key, v in row.items()}, flush=True)
            rows[size].append(row)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report(rows, command, (load_before, load_average()), began), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
