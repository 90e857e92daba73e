"""Every strategy on N generated portfolios per profile: what each costs, and what the optimum saves.

    python benchmarks/compare_strategies.py --n 1000 --time-limit 2 --workers 2
    python benchmarks/compare_strategies.py --n 50 --no-optimal          # heuristics only

Runs `debtopt batch` (local processes) on `debtopt generate` portfolios and writes
benchmarks/results/compare_strategies.{json,md} and two plots (matplotlib, Agg).
"optimal" is `debtopt.optimize.optimize(scenario, time_limit_seconds=...)`, used
when it is importable; the report says so when it is not.

Per profile and strategy: mean and median cost, penalty interest, overdue
loan-months and escalations; mean and median payoff month (of the plans that pay
off) and the share that pays off. Then the share of portfolios where the optimum
strictly beats the best heuristic in `Plan.rank_key()` order, and the mean net
cost it saves. Money is in the profile's currency; the mixed profile draws CNY
and USD portfolios, so its money columns are USD, CNY converted at 0.14.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from debtopt.batch import run_batch
from debtopt.domain.choices import OPTIMAL
from debtopt.generate import PROFILES, generate_scenarios, write_scenarios
from debtopt.strategies import HEURISTICS

RESULTS = Path(__file__).parent / "results"
METRICS = ["cost", "penalty_interest", "overdue_months", "escalations", "payoff_month"]
MONEY = {"cost", "penalty_interest", "net_cost", "remaining_balance"}
CNY_TO_USD = Decimal("0.14")


def rank_key(totals: dict[str, Any]) -> tuple[int, int, Decimal, Decimal]:
    """`Plan.rank_key()` on a record's totals: escalations, overdue months, remaining, net cost."""
    return (totals["escalations"], totals["overdue_months"], Decimal(str(totals["remaining_balance"])),
            Decimal(str(totals["net_cost"])))


def _money(value: float, currency: str, profile: str) -> Decimal:
    amount = Decimal(str(value))
    return amount * CNY_TO_USD if profile == "mixed" and currency == "CNY" else amount


def aggregate(profile: str, records: list[dict[str, Any]], currencies: list[str], strategies: list[str]) -> dict[str, Any]:
    ok = [(r, c) for r, c in zip(records, currencies, strict=True) if r["error"] is None]
    out: dict[str, Any] = {"portfolios": len(records), "errors": len(records) - len(ok), "strategies": {}}
    for name in strategies:
        rows = [(r["strategies"][name], c) for r, c in ok if name in r["strategies"]]
        if not rows:
            continue
        stats: dict[str, Any] = {}
        for metric in METRICS:
            if metric == "payoff_month":
                values = [float(t["payoff_month"]) for t, _ in rows if t["payoff_month"] is not None]
                stats["paid_off_share"] = len(values) / len(rows)
            elif metric in MONEY:
                values = [float(_money(t[metric], c, profile)) for t, c in rows]
            else:
                values = [float(t[metric]) for t, _ in rows]
            stats[metric] = {"mean": statistics.fmean(values) if values else None,
                             "median": statistics.median(values) if values else None}
        stats["best_share"] = sum(1 for r, _ in ok if r["best"] == name) / len(ok)
        out["strategies"][name] = stats
    if OPTIMAL in strategies:
        beats, savings, savings_all, cost_only = 0, [], [], []
        lexi = 0
        statuses: dict[str, int] = {}
        for r, c in ok:
            status = r.get("solver_status") or "unknown"
            statuses[status] = statuses.get(status, 0) + 1
            heuristic = min((r["strategies"][h] for h in HEURISTICS if h in r["strategies"]), key=rank_key)
            best_h, opt = rank_key(heuristic), rank_key(r["strategies"][OPTIMAL])
            saving = float(_money(float(best_h[3] - opt[3]), c, profile))
            savings_all.append(saving)
            if opt < best_h:
                beats += 1
                savings.append(saving)
                lexi += opt[:3] < best_h[:3]
                if opt[:3] == best_h[:3]:
                    cost_only.append(saving)
        out["optimal"] = {
            "beats_best_heuristic_share": beats / len(ok) if ok else None,
            "beats_on_escalations_overdue_or_remaining": lexi,
            "mean_saving_when_it_beats": statistics.fmean(savings) if savings else 0.0,
            "mean_saving_all": statistics.fmean(savings_all) if savings_all else 0.0,
            "cost_only_wins": len(cost_only),
            "mean_saving_cost_only_wins": statistics.fmean(cost_only) if cost_only else 0.0,
            "solver_status": statuses,
        }
    return out


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        "# Strategies compared",
        "",
        f"N = {meta['n']} generated portfolios per profile (seed {meta['seed']}, 2-30 loans, tight/short/comfortable budgets), "
        f"{meta['workers']} workers; optimal: {meta['optimal']}.",
        f"Measured {meta['when']} on {meta['machine']} (load average before: {meta['load_before']}); "
        f"{meta['seconds']:.0f} s in all.",
        "Money in the profile's currency (cn-microloan CNY, us-cards USD, mixed USD with CNY at 0.14). "
        "Payoff month: of the plans that pay off; `paid off` is their share.",
        "",
    ]
    if not meta.get("complete", True):
        lines[-1:-1] = ["", "PARTIAL: the run stopped after the profiles below."]
    for profile, data in results["profiles"].items():
        lines += [f"## {profile} ({data['portfolios']} portfolios, {data['errors']} errors)", "",
                  "| strategy | cost mean | cost median | penalty int. mean | overdue months mean | escalations mean | "
                  "payoff month mean | paid off | best |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, s in data["strategies"].items():
            lines.append(
                f"| {name} | {_fmt(s['cost']['mean'])} | {_fmt(s['cost']['median'])} | "
                f"{_fmt(s['penalty_interest']['mean'])} | {_fmt(s['overdue_months']['mean'], 2)} | "
                f"{_fmt(s['escalations']['mean'], 3)} | {_fmt(s['payoff_month']['mean'], 1)} | "
                f"{s['paid_off_share']:.0%} | {s['best_share']:.0%} |"
            )
        if "optimal" in data:
            o = data["optimal"]
            n = data["portfolios"] - data["errors"]
            wins = round(o["beats_best_heuristic_share"] * n)
            lexi = o["beats_on_escalations_overdue_or_remaining"]
            text = (f"The optimum strictly beats the best heuristic (in `Plan.rank_key()` order) on "
                    f"{o['beats_best_heuristic_share']:.1%} of portfolios ({wins} of {n}): {lexi} on escalations, "
                    f"overdue months or debt left, {wins - lexi} on net cost alone. Net cost saved (best heuristic's "
                    f"less the optimum's; negative when fewer escalations or overdue months cost more interest): "
                    f"mean {_fmt(o['mean_saving_when_it_beats'], 2)} over its wins, {_fmt(o['mean_saving_all'], 2)} "
                    f"over all portfolios")
            if "mean_saving_cost_only_wins" in o:
                text += f", {_fmt(o['mean_saving_cost_only_wins'], 2)} over the wins on net cost alone"
            text += ". Solver: " + ", ".join(f"{k} {v}" for k, v in sorted(o["solver_status"].items())) + "."
            lines += ["", text]
        lines.append("")
    return "\n".join(lines)


def plots(results: dict[str, Any], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    profiles = list(results["profiles"])
    for metric, title, file in [("cost", "mean cost (profile currency)", "compare_strategies_cost.png"),
                                ("overdue_months", "mean overdue loan-months", "compare_strategies_overdue.png")]:
        fig, axes = plt.subplots(1, len(profiles), figsize=(4.5 * len(profiles), 3.8), squeeze=False)
        for ax, profile in zip(axes[0], profiles, strict=True):
            data = results["profiles"][profile]["strategies"]
            names = list(data)
            values = [data[n][metric]["mean"] or 0 for n in names]
            colors = ["tab:green" if n == OPTIMAL else "tab:blue" for n in names]
            ax.bar(range(len(names)), values, color=colors)
            ax.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=8)
            ax.set_title(profile, fontsize=10)
        fig.suptitle(f"{title}, N = {results['meta']['n']} per profile")
        fig.tight_layout()
        path = out / file
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100, help="portfolios per profile")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--time-limit", type=float, default=2.0, help="optimizer seconds per portfolio")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-optimal", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--keep-records", type=Path, default=None, help="keep the batch records in this folder")
    args = parser.parse_args()

    strategies = list(HEURISTICS)
    if not args.no_optimal:
        strategies.append(OPTIMAL)
        optimal_note = f"debtopt.optimize, time limit {args.time_limit:g} s a portfolio"
    else:
        optimal_note = "not run (--no-optimal)"
        print(f"optimal: {optimal_note}", file=sys.stderr)
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    began = time.monotonic()
    results: dict[str, Any] = {"meta": {}, "profiles": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep_records or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for profile in args.profiles.split(","):
            inputs = folder / f"{profile}.jsonl"
            write_scenarios(generate_scenarios(args.seed, args.n, profile), inputs)
            currencies = [json.loads(line)["currency"] for line in inputs.read_text(encoding="utf-8").splitlines()]
            out = folder / f"{profile}-records.jsonl"
            t0 = time.monotonic()
            run_batch(inputs, out, strategies, time_limit_seconds=args.time_limit, workers=args.workers, overwrite=True)
            records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            results["profiles"][profile] = aggregate(profile, records, currencies, strategies)
            results["profiles"][profile]["seconds"] = time.monotonic() - t0
            print(f"{profile}: {len(records)} portfolios in {time.monotonic() - t0:.1f} s", file=sys.stderr)
            _write(args, results, optimal_note, strategies, load_before, began, final=False)
    _write(args, results, optimal_note, strategies, load_before, began, final=True)
    print(markdown(results))
    return 0


def _write(args: argparse.Namespace, results: dict[str, Any], optimal_note: str, strategies: list[str],
           load_before: str, began: float, final: bool) -> None:
    """Results so far (after each profile, so an interrupted run keeps the profiles it finished)."""
    results["meta"] = {
        "n": args.n, "seed": args.seed, "workers": args.workers, "optimal": optimal_note,
        "time_limit_seconds": args.time_limit if OPTIMAL in strategies else None,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_before": load_before, "seconds": time.monotonic() - began, "complete": final,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "compare_strategies.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
    (args.out / "compare_strategies.md").write_text(markdown(results), encoding="utf-8")
    for path in plots(results, args.out):
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
