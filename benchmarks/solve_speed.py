"""Optimizer speed: build, solve and replay times, stages proved, and the modelling layer's cost.

    python benchmarks/solve_speed.py [--time-limit 60] [--sizes 5x24,10x60,20x120,30x360]

For each bundled example and each generated size (loans x months, seeded, tight
budgets), runs `debtopt.optimize.optimize` and reports its own timings (from
plan.solver), whether each stage proved optimal, and the rank against the best
heuristic. Then the same first-stage model is handed straight to highspy as
arrays and solved with the same options, against the optimizer's own backend
(solve.HighsBackend) and PuLP's HiGHS class: the ratios show what the modelling
layer costs. Writes benchmarks/results/solve_speed.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import highspy
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from scenarios import random_scenario  # noqa: E402

from debtopt.domain import Scenario, load_scenario  # noqa: E402
from debtopt.ledger import Ledger  # noqa: E402
from debtopt.optimize import optimize  # noqa: E402
from debtopt.optimize.data import model_data  # noqa: E402
from debtopt.optimize.model import build  # noqa: E402
from debtopt.optimize.solve import HIGHS_OPTIONS, HighsBackend, PulpBackend, make_solver  # noqa: E402
from debtopt.optimize.start import plan_intent, simulate  # noqa: E402
from debtopt.strategies import best_heuristic  # noqa: E402


def raw_highspy(model, objective: dict[int, float], start: list[float], time_limit: float) -> tuple[float, float]:
    """(load seconds, solve seconds) of the model handed to highspy as arrays."""
    rows = model.rows
    t0 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in HIGHS_OPTIONS.items():
        h.setOptionValue(key, value)
    n = rows.n_cols
    cost = np.zeros(n)
    for j, c in objective.items():
        cost[j] = c
    inf = highspy.kHighsInf
    lower = np.array([x if np.isfinite(x) else -inf for x in rows.col_lower])
    upper = np.array([x if np.isfinite(x) else inf for x in rows.col_upper])
    h.addCols(n, cost, lower, upper, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
    integer = np.array([j for j in range(n) if rows.col_integer[j]], dtype=np.int32)
    if len(integer):
        h.changeColsIntegrality(len(integer), integer, np.full(len(integer), highspy.HighsVarType.kInteger))
    lo = np.array([x if np.isfinite(x) else -inf for x in rows.row_lower])
    hi = np.array([x if np.isfinite(x) else inf for x in rows.row_upper])
    h.addRows(rows.n_rows, lo, hi, len(rows.row_index), np.array(rows.row_start, np.int32),
              np.array(rows.row_index, np.int32), np.array(rows.row_value))
    h.setSolution(n, np.arange(n, dtype=np.int32), np.array(start))
    load = time.perf_counter() - t0
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_abs_gap", 0.99)
    h.setOptionValue("mip_rel_gap", 0.0)
    t0 = time.perf_counter()
    h.run()
    return load, time.perf_counter() - t0


def pulp_first_stage(model, objective: dict[int, float], start: list[float], time_limit: float) -> tuple[float, float]:
    """(load seconds, solve seconds) of the same stage through PuLP."""
    t0 = time.perf_counter()
    backend = PulpBackend(model)
    backend.set_objective(objective)
    backend.set_start(start)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    backend.prob.solve(make_solver("highs", time_limit, 0.99, 0.0, True))
    return load, time.perf_counter() - t0


def backend_first_stage(model, objective: dict[int, float], start: list[float], time_limit: float) -> tuple[float, float]:
    """(load seconds, solve seconds) of the same stage through the optimizer's HiGHS backend."""
    t0 = time.perf_counter()
    backend = HighsBackend(model)
    backend.set_objective(objective)
    backend.set_start(start)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    backend.solve("highs", time_limit, 0.99, 0.0, True)
    return load, time.perf_counter() - t0


def bench(label: str, scenario: Scenario, time_limit: float) -> dict[str, object]:
    began = time.perf_counter()
    plan = optimize(scenario, time_limit_seconds=time_limit)
    total = time.perf_counter() - began
    info = plan.solver or {}
    heuristic = best_heuristic(scenario)
    ledger = Ledger(scenario)
    model = build(model_data(ledger))
    start = simulate(model, plan_intent(heuristic, ledger.loan_ids, model.data.horizon))
    objective = model.objective("escalations")
    stage_limit = min(10.0, time_limit)
    try:
        p_load, p_solve = pulp_first_stage(model, objective, start, stage_limit)
    except IndexError:  # PuLP 4.2's HiGHS reads row values that a solve without a solution lacks
        p_load, p_solve = float("nan"), float("nan")
    r_load, r_solve = raw_highspy(model, objective, start, stage_limit)
    b_load, b_solve = backend_first_stage(model, objective, start, stage_limit)
    stages = info.get("stages", [])
    return {
        "case": label,
        "size": f"{len(scenario.loans)}x{scenario.horizon_months}",
        "rows": info.get("model", {}).get("rows"),
        "ints": info.get("model", {}).get("integers"),
        "build": info.get("build_seconds", 0.0),
        "solve": info.get("solve_seconds", 0.0),
        "replay": info.get("replay_seconds", 0.0),
        "total": total,
        "status": info.get("status"),
        "proved": " ".join(f"{s['name'][:3]}:{'Y' if s['proved'] else 'n'}" for s in stages),
        "gaps": " ".join(f"{s['gap']:.3g}" if s["gap"] is not None else "-" for s in stages),
        "vs_heuristic": "better" if plan.rank_key() < heuristic.rank_key() else (
            "equal" if plan.rank_key() == heuristic.rank_key() else "WORSE"),
        "rank": plan.rank_key(),
        "load_ratio": p_load / r_load if r_load else float("nan"),
        "backend_load_ratio": b_load / r_load if r_load else float("nan"),
        "backend_stage1_ratio": (b_load + b_solve) / (r_load + r_solve),
        "stage1_ratio": (p_load + p_solve) / (r_load + r_solve),
        "build_share": (info.get("build_seconds", 0.0)) / total if total else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--sizes", default="5x24,10x60,20x120,30x360")
    parser.add_argument("--skip-examples", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "solve_speed.md"))
    args = parser.parse_args()
    cases: list[tuple[str, Scenario]] = [] if args.skip_examples else [
        (p.stem, load_scenario(p)) for p in sorted((ROOT / "examples").glob("*.toml"))
    ]
    for size in filter(None, args.sizes.split(",")):
        n, T = (int(x) for x in size.split("x"))
        cases.append((f"generated {size}", random_scenario(42, n_loans=n, horizon=T, tight=True)))
    results = []
    for label, scenario in cases:
        row = bench(label, scenario, args.time_limit)
        print(row, flush=True)
        results.append(row)
    head = ("| case | loans x months | rows | binaries | build s | solve s | replay s | total s | status | "
            "stages proved | gaps | vs best heuristic | build share | backend/raw load | backend/raw stage 1 | "
            "PuLP/raw load | PuLP/raw stage 1 |")
    lines = [
        "# Optimizer speed",
        "",
        f"`python benchmarks/solve_speed.py --time-limit {args.time_limit:g}` on this machine "
        f"({time.strftime('%Y-%m-%d')}). HiGHS {highspy.Highs().version()} through PuLP, warm start from the best heuristic.",
        "Stages: esc(alations), ove(rdue), rem(aining), net(_cost); gaps in counts or cents.",
        "backend/raw and PuLP/raw: the optimizer's HiGHS backend (solve.HighsBackend) and PuLP's HiGHS class against "
        "the same model handed straight to highspy as arrays (first stage, same options; load = model into the solver, "
        "stage 1 = load + solve).",
        "",
        head,
        "|" + "---|" * (head.count("|") - 1),
    ]
    for r in results:
        lines.append(
            f"| {r['case']} | {r['size']} | {r['rows']} | {r['ints']} | {r['build']:.3f} | {r['solve']:.2f} | "
            f"{r['replay']:.3f} | {r['total']:.2f} | {r['status']} | {r['proved']} | {r['gaps']} | "
            f"{r['vs_heuristic']} | {r['build_share']:.1%} | {r['backend_load_ratio']:.1f}x | {r['backend_stage1_ratio']:.2f}x | "
            f"{r['load_ratio']:.1f}x | {r['stage1_ratio']:.2f}x |"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
