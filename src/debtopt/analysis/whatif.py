"""Budget what-ifs: the same scenario with the monthly budget (and every change) 10 % higher and lower, re-solved.

The optimizer's plan is re-solved with its own options (objective, work limits), started from
its own payments and choices on the changed budget; the two re-solves are independent and go
through the caller's `Run` (analysis/runner.py), side by side when it has worker processes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.choices import OPTIMAL
from ..domain.load import scenario_from_dict
from ..domain.options import SolveOptions
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..errors import InfeasibleLimitError, SolverError
from ..ledger import Ledger
from ..strategies import run_strategy
from ._solver import _optimize, replayed_on
from .document import WhatIf
from .runner import Run, serial

FACTORS = (("up", Decimal("1.1")), ("down", Decimal("0.9")))
# The safety cap of each what-if's re-solve when the caller gives none (the work limits of the
# options end it first).
WHATIF_SECONDS = 5.0


def scaled_budget(scenario: Scenario, factor: Decimal) -> Scenario:
    data: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    budget = data["budget"]

    def scale(amount: Any) -> str:
        return str((Decimal(str(amount)) * factor).quantize(Decimal("0.01")))

    budget["monthly"] = scale(budget["monthly"])
    for change in budget.get("changes", []):
        change["monthly"] = scale(change["monthly"])
    return scenario_from_dict(data, derived=True)


def what_ifs(scenario: Scenario, plan: Plan, order: list[str] | None = None,
             time_limit_seconds: float = WHATIF_SECONDS, *, options: SolveOptions | None = None,
             run: Run = serial) -> list[WhatIf]:
    """The budget 10 % up and down: the optimizer's plan when `plan` is the optimizer's (re-solved with
    `options`, each within `time_limit_seconds`), else the plan's own rule."""
    scenarios = [(change, factor, scaled_budget(scenario, factor)) for change, factor in FACTORS]
    plans = run(_again, [(other, plan, order, time_limit_seconds, options) for _, _, other in scenarios])
    out = []
    for (change, factor, other), again in zip(scenarios, plans, strict=True):
        if again is None:
            continue
        proved = again.solver is not None and again.solver.proved
        out.append(WhatIf(change=change, factor=factor, budget=other.budget.monthly, strategy=again.strategy,
                          proved=proved, totals=again.totals))
    return out


def _again(scenario: Scenario, plan: Plan, order: list[str] | None, limit: float,
           options: SolveOptions | None = None) -> Plan | None:
    if plan.strategy == OPTIMAL:
        try:
            return _optimize(scenario, time_limit_seconds=limit, starts=replayed_on(scenario, plan), options=options)
        except (SolverError, InfeasibleLimitError):  # no plan of the what-if: it is left out, the report says so
            return None
    if plan.strategy == "custom":
        takes = plan.to_schedule(Ledger(scenario).account_ids).decisions
        return run_strategy(scenario, "custom", list(order or []), takes=takes)
    return run_strategy(scenario, plan.strategy)
