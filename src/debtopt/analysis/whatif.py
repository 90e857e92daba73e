"""Budget what-ifs: the same scenario with the monthly budget (and every change) 10 % higher and lower, re-solved."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from ..domain.choices import OPTIMAL
from ..domain.load import scenario_from_dict
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..errors import InfeasibleLimitError, SolverError
from ..ledger import Ledger
from ..strategies import run_strategy
from ._solver import _optimize, replayed_on
from .document import WhatIf

FACTORS = (("up", Decimal("1.1")), ("down", Decimal("0.9")))
# The what-ifs' safety cap by default; each re-solve is bounded by the solve's work limit, started
# from the plan's own choices, so its answer is the same on any machine.
WHATIF_SECONDS = 60.0
# Below this much of the cap left, a re-solve is not started.
MIN_SECONDS = 0.5


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
             time_limit_seconds: float = WHATIF_SECONDS) -> list[WhatIf]:
    """The budget 10 % up and down: the optimizer's plan when `plan` is the optimizer's, else the plan's own rule.

    `time_limit_seconds` caps the re-solves together; a what-if the cap stops is left out
    (an answer that depends on the machine's speed is not shown)."""
    deadline = time.perf_counter() + time_limit_seconds
    out = []
    for change, factor in FACTORS:
        other = scaled_budget(scenario, factor)
        again = _again(other, plan, order, deadline - time.perf_counter())
        if again is None or (again.solver is not None and again.solver.timed_out):
            continue
        proved = again.solver is not None and again.solver.proved
        out.append(WhatIf(change=change, factor=factor, budget=other.budget.monthly, strategy=again.strategy,
                          proved=proved, totals=again.totals))
    return out


def _again(scenario: Scenario, plan: Plan, order: list[str] | None, limit: float) -> Plan | None:
    if plan.strategy == OPTIMAL:
        if limit < MIN_SECONDS:
            return None
        try:
            return _optimize(scenario, time_limit_seconds=limit, starts=replayed_on(scenario, plan))
        except (SolverError, InfeasibleLimitError):  # no plan of the what-if: it is left out, the report says so
            return None
    if plan.strategy == "custom":
        takes = plan.to_schedule(Ledger(scenario).account_ids).decisions
        return run_strategy(scenario, "custom", list(order or []), takes=takes)
    return run_strategy(scenario, plan.strategy)
