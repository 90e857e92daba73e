"""Plans and comparisons as JSON and CSV: the machine-readable renderers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from ..domain.plan import Plan
from ..domain.ranking import Rank
from ..domain.scenario import Scenario

PLAN_CSV_COLUMNS = [
    "month", "date", "loan", "payment", "interest", "penalty_interest", "fees", "due",
    "balance", "arrears", "overdue", "months_overdue", "cash_available", "saved",
]
TOTAL_FIELDS = [
    "paid", "interest", "penalty_interest", "fees", "cost", "savings_interest", "net_cost",
    "overdue_months", "max_consecutive_overdue", "escalations", "payoff_month",
    "remaining_balance", "final_savings",
]


def dumps(data: Any) -> str:
    """Stable JSON: same input, same bytes."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def plan_json_data(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json")


def plan_to_json(plan: Plan) -> str:
    return dumps(plan_json_data(plan))


def plan_to_csv(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLAN_CSV_COLUMNS)
    for month in plan.months:
        for loan in month.loans:
            writer.writerow([
                month.month, month.date, loan.id, loan.payment, loan.interest, loan.penalty_interest,
                loan.fees, loan.due, loan.balance, loan.arrears, int(loan.overdue), loan.months_overdue,
                month.cash_available, month.saved,
            ])
    return out.getvalue()


def optimum_against_heuristics(plans: Mapping[str, Plan], against: str | None = None,
                               rank: Rank = Plan.rank_key) -> dict[str, Any] | None:
    """What the optimal plan saves against the best heuristic (by `rank`: the objective's order,
    domain/ranking.py), or the plan named `against` (the borrower's own, 'custom'); positive: the
    optimum is better."""
    if "optimal" not in plans or (against is not None and against not in plans):
        return None
    heuristics = {name: plan for name, plan in plans.items() if name != "optimal"}
    if not heuristics:
        return None
    name = against or min(heuristics, key=lambda n: rank(heuristics[n]))
    o, h = plans["optimal"].totals, heuristics[name].totals
    return {
        "against": name,
        "escalations": h.escalations - o.escalations,
        "overdue_months": h.overdue_months - o.overdue_months,
        "remaining_balance": float(h.remaining_balance - o.remaining_balance),
        "cost": float(h.cost - o.cost),
        "net_cost": float(h.net_cost - o.net_cost),
        "penalty_interest": float(h.penalty_interest - o.penalty_interest),
        "fees": float(h.fees - o.fees),
    }


def comparison_json_data(scenario: Scenario, plans: Mapping[str, Plan], best: str,
                         rank: Rank = Plan.rank_key) -> dict[str, Any]:
    saves = optimum_against_heuristics(plans, rank=rank)
    return {
        "currency": scenario.currency,
        "best": best,
        "strategies": {name: plan.totals.model_dump(mode="json") for name, plan in plans.items()},
        **({"optimal_saves": saves} if saves else {}),
        **({"optimal_saves_against_custom": custom} if (custom := optimum_against_heuristics(plans, "custom")) else {}),
        **({"solver": solver.model_dump(mode="json")}
           if "optimal" in plans and (solver := plans["optimal"].solver) is not None else {}),
    }


def comparison_to_json(scenario: Scenario, plans: Mapping[str, Plan], best: str, rank: Rank = Plan.rank_key) -> str:
    return dumps(comparison_json_data(scenario, plans, best, rank))


def comparison_to_csv(plans: Mapping[str, Plan]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["strategy", *TOTAL_FIELDS])
    for name, plan in plans.items():
        totals = plan.totals.model_dump(mode="json")
        writer.writerow([name, *("" if totals[f] is None else totals[f] for f in TOTAL_FIELDS)])
    return out.getvalue()
