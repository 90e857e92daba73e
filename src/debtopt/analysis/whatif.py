"""Budget what-ifs: the same scenario with the monthly budget (and every change) 10 % higher and lower, re-solved.

The optimizer's plan is re-solved with its own options (objective, work limits), started from
its own payments and choices on the changed budget, or, where they do not fit it, its money
stages from the best point taking the plan's offers in its months (optimize's `decisions`); the two re-solves are independent and go
through the caller's `Run` (analysis/runner.py), side by side when it has worker processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
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
from .runner import Pending, Run, serial, start

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
             time_limit_seconds: float = WHATIF_SECONDS, *, options: SolveOptions | None = None,
             run: Run = serial) -> list[WhatIf]:
    """The budget 10 % up and down: the optimizer's plan when `plan` is the optimizer's (re-solved with
    `options`), else the plan's own rule.

    `time_limit_seconds` caps the re-solves together; a what-if the cap stopped is left out
    (an answer that depends on the machine's speed is not shown)."""
    return start_what_ifs(scenario, plan, order, time_limit_seconds, options=options, run=run).finish()


@dataclass(frozen=True, slots=True)
class StartedWhatIfs:
    """The what-ifs' re-solves, started (analysis/runner.start): `finish` waits for them."""

    scenarios: list[tuple[str, Decimal, Scenario]]
    pending: Pending

    def finish(self) -> list[WhatIf]:
        out = []
        for (change, factor, other), again in zip(self.scenarios, self.pending(), strict=True):
            if again is None or (again.solver is not None and again.solver.timed_out):
                continue
            proved = again.solver is not None and again.solver.proved
            out.append(WhatIf(change=change, factor=factor, budget=other.budget.monthly, strategy=again.strategy,
                              proved=proved, totals=again.totals))
        return out


def start_what_ifs(scenario: Scenario, plan: Plan, order: list[str] | None = None,
                   time_limit_seconds: float = WHATIF_SECONDS, *, options: SolveOptions | None = None,
                   run: Run = serial) -> StartedWhatIfs:
    """`what_ifs`' re-solves started on `run`'s workers now (the budget down first: its re-solve is
    the longest), so that they run while the caller does other work (the report: each offer's worth)."""
    deadline = time.perf_counter() + time_limit_seconds
    scenarios = [(change, factor, scaled_budget(scenario, factor)) for change, factor in FACTORS]
    order_first = sorted(range(len(scenarios)), key=lambda k: scenarios[k][1])  # the smaller budget first
    pending = start(run, _again, [(scenarios[k][2], plan, order, deadline, options) for k in order_first])

    def in_order() -> list[Plan | None]:
        found = dict(zip(order_first, pending(), strict=True))
        return [found[k] for k in range(len(scenarios))]

    return StartedWhatIfs(scenarios, in_order)


def _again(scenario: Scenario, plan: Plan, order: list[str] | None, deadline: float,
           options: SolveOptions | None = None) -> Plan | None:
    """The what-if's plan; `deadline` a `time.perf_counter()` value (system-wide, so it holds in a
    worker process too)."""
    if plan.strategy == OPTIMAL:
        limit = deadline - time.perf_counter()
        if limit < MIN_SECONDS:
            return None
        try:
            starts = replayed_on(scenario, plan)
            # the plan's own payments when they fit the changed budget, else (they spend more than it
            # has) the best point taking the plan's offers in its months: 262 -> 3 nodes on zhang-san's
            # budget 10 % down. Either way a start from the plan just found.
            return _optimize(scenario, time_limit_seconds=limit, starts=starts, options=options,
                             decided=None if starts else plan)
        except (SolverError, InfeasibleLimitError):  # no plan of the what-if: it is left out, the report says so
            return None
    if plan.strategy == "custom":
        takes = plan.to_schedule(Ledger(scenario).account_ids).decisions
        return run_strategy(scenario, "custom", list(order or []), takes=takes)
    return run_strategy(scenario, plan.strategy)
