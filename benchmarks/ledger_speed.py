"""How fast is the exact ledger? (`make bench`)

A seeded 20-loan, 120-month scenario whose debts are not paid off early (so all
120 months are replayed), timed as the best of N runs with time.perf_counter:

  (a) one replay of a fixed schedule (every loan's due, in scenario order, while cash lasts);
  (b) each strategy run, when `debtopt.strategies` (run_strategy, HEURISTICS) is there;
  (c) the baseline: a plain Python loop over the same 20 x 120 loan-months doing the
      same arithmetic with floats (round(x, 2)), no validation, no plan objects.

Prints a Markdown table (milliseconds, ratio to the baseline) and writes it to
benchmarks/results/ledger_speed.md. Targets: a replay < 20 ms, a strategy run < 50 ms.

    python benchmarks/ledger_speed.py [--repeat N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import platform
import pstats
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from debtopt.domain import Scenario, Schedule, scenario_from_dict
from debtopt.ledger import Ledger, LedgerRun, plan_from_run, replay
from debtopt.ledger.terms import DueRule

LOANS, MONTHS, SEED = 20, 120, 20261201
RESULTS = Path(__file__).resolve().parent / "results" / "ledger_speed.md"
TARGETS = {"replay": 20.0, "strategy": 50.0}


def build_scenario(seed: int = SEED) -> Scenario:
    """20 loans of every kind; a budget of ~1.6 % of the debt a month, below the interest of the
    dearest loans, so some debt is still owed at month 120 whatever the order of payment."""
    rng = random.Random(seed)
    loans = []
    for i in range(LOANS):
        balance = Decimal(rng.randint(2_000_00, 80_000_00)) / 100
        loan: dict = {"id": f"loan-{i:02d}", "balance": str(balance), "escalation_months": rng.choice([3, 3, 4, 6])}
        if i % 2:
            loan["daily_rate"] = str(Decimal(rng.randint(3, 9)) / 10000)  # 0.9 % to 2.7 % a month
        else:
            loan["annual_rate"] = str(Decimal(rng.randint(600, 3600)) / 10000)
        if i % 5 == 0:
            loan.update(kind="revolving", min_percent="0.05", min_floor="100", late_fee="25", late_fee_percent="0.05")
        elif i % 5 == 1:
            loan.update(kind="installment", term_months=rng.randint(12, 36), method="annuity", penalty_multiplier="1.5")
        elif i % 5 == 2:
            loan.update(kind="installment", term_months=rng.randint(12, 36), method="equal-principal", late_fee="50")
        elif i % 5 == 3:
            loan.update(kind="installment", installment=str((balance / 10).quantize(Decimal("0.01"))))
            if "annual_rate" in loan:
                loan["penalty_rate"] = str(Decimal(loan["annual_rate"]) * 2)
        else:
            loan.update(kind="revolving", min_percent="0.02", promo_rate="0", promo_months=6)
        if i % 7 == 3:
            loan.update(arrears=str((balance / 20).quantize(Decimal("0.01"))), months_overdue=1)
        loans.append(loan)
    total = sum(Decimal(loan["balance"]) for loan in loans)
    monthly = (total * Decimal("0.016")).quantize(Decimal("0.01"))
    return scenario_from_dict(
        {
            "currency": "CNY",
            "start": "2027-01",
            "horizon_months": MONTHS,
            "budget": {
                "monthly": str(monthly),
                "savings_rate": "0.015",
                "changes": [{"from": "2028-01", "monthly": str((monthly * Decimal("0.8")).quantize(Decimal("0.01"))) },
                            {"from": "2029-07", "monthly": str(monthly)}],
                "inflows": [{"month": "2031-03", "amount": "20000", "label": "bonus"}],
            },
            "loans": loans,
        }
    )


def dues_in_order(ledger: Ledger) -> Schedule:
    """The fixed schedule: each month, every loan's due in scenario order while cash lasts."""
    run = ledger.start()
    rows = []
    while not run.finished:
        st = run.open_month()
        cash, row = st.cash_available, []
        for i in range(len(st.due)):
            p = min(st.due[i], cash)
            row.append(p)
            cash -= p
        run.settle(row)
        rows.append(row)
    return Schedule(payments=rows)


def float_loop(ledger: Ledger, payments: list[list[float]]) -> float:
    """The baseline: the month of money-model.md over the same loan-months, in floats."""
    terms = ledger.terms
    n = len(terms)
    rate = [[float(t.rate_in_month(m)) for m in range(1, MONTHS + 1)] for t in terms]
    prate = [[float(t.penalty_rate_in_month(m)) for m in range(1, MONTHS + 1)] for t in terms]
    kind_rev = [t.due_rule is DueRule.REVOLVING_PERCENT for t in terms]
    min_pct = [float(t.min_percent) for t in terms]
    floor = [t.min_floor / 100 for t in terms]
    inst = [None if t.installment is None else t.installment / 100 for t in terms]
    part = [None if t.principal_part is None else t.principal_part / 100 for t in terms]
    fee_fixed = [t.late_fee / 100 for t in terms]
    fee_pct = [float(t.late_fee_percent) for t in terms]
    esc = [t.escalation_months for t in terms]
    budget = [b / 100 for b in ledger.budget_by_month]
    inflow = [x / 100 for x in ledger.inflow_by_month]
    sr = ledger.savings_monthly_rate[0] / ledger.savings_monthly_rate[1]
    B = [t.balance / 100 for t in terms]
    A = [t.arrears / 100 for t in terms]
    K = [t.months_overdue for t in terms]
    S = ledger.starting_cash / 100
    escalations = 0
    for m in range(MONTHS):
        C = budget[m] + inflow[m] + S + round(S * sr, 2)
        row = payments[m]
        total = 0.0
        for i in range(n):
            b, a = B[i], A[i]
            if b < 0.005:
                continue
            interest = round(rate[i][m] * (b - a), 2)
            penalty = round(prate[i][m] * a, 2)
            d = b + interest + penalty
            if kind_rev[i]:
                r = max(floor[i], round(min_pct[i] * d, 2))
            elif part[i] is not None:
                r = part[i] + interest + penalty
            else:
                r = inst[i]
            due = min(d, a + r)
            p = row[i]
            total += p
            u = due - p if p < due else 0.0
            f = fee_fixed[i] + round(fee_pct[i] * u, 2) if u >= 0.005 else 0.0
            B[i] = d - p + f
            A[i] = u + f
            if A[i] >= 0.005:
                K[i] += 1
                if K[i] == esc[i]:
                    escalations += 1
            else:
                K[i] = 0
        S = C - total
    return sum(B)


def best_of(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def strategies() -> tuple[Callable | None, list[str]]:
    """run_strategy and the heuristic names, if the strategies layer exists yet."""
    try:
        module = importlib.import_module("debtopt.strategies")
    except ImportError:
        return None, []
    run_strategy = getattr(module, "run_strategy", None)
    names = list(getattr(module, "HEURISTICS", {}) or [])
    return (run_strategy, names) if run_strategy and names else (None, [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per timing; the best is kept (default 20)")
    parser.add_argument("--profile", action="store_true", help="cProfile one replay and print the hot spots")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)

    scenario = build_scenario()
    ledger = Ledger(scenario)
    schedule = dues_in_order(ledger)
    plan = replay(ledger, schedule)
    if len(plan.months) != MONTHS:
        print(f"the benchmark scenario was paid off in month {len(plan.months)}; it must run {MONTHS}", file=sys.stderr)
        return 1
    float_rows = [[p / 100 for p in row] for row in schedule.payments]
    loan_months = sum(len(m.loans) for m in plan.months)

    rows: list[tuple[str, float, str]] = []
    baseline = best_of(lambda: float_loop(ledger, float_rows), args.repeat)
    rows.append(("baseline: plain float loop", baseline, ""))
    t_replay = best_of(lambda: replay(ledger, schedule), args.repeat)
    rows.append(("replay of a fixed schedule (ledger compiled)", t_replay, f"< {TARGETS['replay']:.0f} ms"))
    t_full = best_of(lambda: replay(scenario, schedule), args.repeat)
    rows.append(("replay, compiling the ledger too", t_full, f"< {TARGETS['replay']:.0f} ms"))

    def step() -> LedgerRun:
        run = ledger.start()
        while not run.finished:
            run.open_month()
            run.settle(list(schedule.payments[run.month]))
        return run

    rows.append(("  of which: stepping the ledger (open_month/settle)", best_of(step, args.repeat), ""))
    finished = step()
    rows.append(("  of which: building the Plan (plan_from_run)", best_of(lambda: plan_from_run(finished, "x"), args.repeat), ""))

    run_strategy, names = strategies()
    for name in names:
        months = len(run_strategy(scenario, name).months)
        t = best_of(lambda name=name: run_strategy(scenario, name), max(3, args.repeat // 4))
        rows.append((f"strategy `{name}` ({months} months)", t, f"< {TARGETS['strategy']:.0f} ms"))

    def verdict(ms: float, target: str) -> str:
        if not target:
            return ""
        return "ok" if ms < float(target.split()[1]) else "**slow**"

    lines = [
        f"Ledger speed: {LOANS} loans x {MONTHS} months ({loan_months} open loan-months), seed {SEED}, "
        f"best of {args.repeat} (strategies: best of {max(3, args.repeat // 4)}); "
        f"Python {platform.python_version()} on {platform.machine()}.",
        "",
        "| run | ms | x baseline | target | |",
        "|---|---:|---:|---|---|",
    ]
    for label, ms, target in rows:
        lines.append(f"| {label} | {ms:.2f} | {ms / baseline:.1f} | {target} | {verdict(ms, target)} |")
    if not names:
        lines += ["", "(`debtopt.strategies` is not there yet: no strategy rows.)"]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(table + "\n", encoding="utf-8")
        print(f"\nwritten to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            replay(ledger, schedule)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
