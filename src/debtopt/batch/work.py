"""The per-scenario function every engine runs: a task in, a record out.

It never raises for a scenario: validation and solver errors (and bugs) become
the record's `error`, so one bad scenario never stops a batch. Records hold no
timings and nothing about the machine, so every engine gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain import Plan, scenario_from_dict
from ..errors import DebtoptError
from ..ledger import Ledger, plan_from_run
from ..strategies import HEURISTICS
from .inputs import Task

OPTIMAL = "optimal"


def load_optimizer() -> Callable[..., Plan] | None:
    """`debtopt.optimize.optimize`, or None while it is not part of this install."""
    try:
        from ..optimize import optimize
    except ImportError:
        return None
    return optimize


def available_strategies() -> list[str]:
    """Every heuristic, then "optimal" when the optimizer is importable."""
    names = list(HEURISTICS)
    if load_optimizer() is not None:
        names.append(OPTIMAL)
    return names


@dataclass(frozen=True, slots=True)
class WorkOptions:
    strategies: tuple[str, ...]
    plans: bool = False
    time_limit_seconds: float = 10.0


def _totals(plan: Plan) -> dict[str, Any]:
    return plan.totals.model_dump(mode="json")


def _plan(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json")
    data.pop("solver", None)  # solver statistics hold timings: machine-dependent
    return data


def run_heuristic(ledger: Ledger, name: str, with_months: bool = True) -> Plan:
    """A heuristic's plan, from the very ledger run that stepped it.

    The same figures as `run_strategy` (propose, then replay), which steps the
    ledger a second time; the batch saves that pass (tests check they agree).
    """
    decide = HEURISTICS[name]
    run = ledger.start()
    while not run.finished:
        statement = run.open_month()
        run.settle(decide(run, statement))
    return plan_from_run(run, name, with_months)


def solve(task: Task, options: WorkOptions) -> dict[str, Any]:
    """The record of one input: {input, error, error_type, best, strategies[, plans]}."""
    record: dict[str, Any] = {"input": task.input, "error": None, "error_type": None, "best": None,
                              "strategies": {}}
    if options.plans:
        record["plans"] = {}
    if task.error is not None:
        record["error"], record["error_type"] = task.error, "ScenarioError"
        return record
    plans: dict[str, Plan] = {}
    try:
        assert task.data is not None
        scenario = scenario_from_dict(task.data, task.source)
        ledger = Ledger(scenario)  # compiled once, shared by the heuristics
        for name in options.strategies:
            if name == OPTIMAL:
                optimize = load_optimizer()
                if optimize is None:
                    raise DebtoptError("the optimizer (debtopt.optimize) is not available in this install")
                # what each offer is worth is a re-solve per offer: not for batch totals
                plan = optimize(scenario, time_limit_seconds=options.time_limit_seconds, offer_worth=False)
            else:
                plan = run_heuristic(ledger, name, with_months=options.plans)
            plans[name] = plan
    except DebtoptError as exc:
        record["error"], record["error_type"] = str(exc), type(exc).__name__
    except Exception as exc:  # a bug: recorded plainly, the batch goes on
        record["error"] = f"internal error (a bug in debtopt, please report it): {type(exc).__name__}: {exc}"
        record["error_type"] = "InternalError"
    for name, plan in plans.items():
        record["strategies"][name] = _totals(plan)
        if options.plans:
            record["plans"][name] = _plan(plan)
    solver = plans[OPTIMAL].solver if OPTIMAL in plans else None
    if solver:
        # How the solve ended (optimal, time_limit, fallback). Timings are left out; under a
        # time limit this, and the optimal totals, can still differ with the machine's speed.
        record["solver_status"] = solver.status.value
    if plans and record["error"] is None:
        record["best"] = min(plans, key=lambda name: plans[name].rank_key())
    return record


def solve_chunk(tasks: Sequence[Task], options: WorkOptions) -> list[dict[str, Any]]:
    """Records of a few tasks at once (fewer round trips to the workers)."""
    return [solve(task, options) for task in tasks]
