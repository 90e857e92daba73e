"""The per-scenario function every engine runs: a task in, a record out, through `debtopt.api`.

It never raises for a scenario: validation and solver errors (and bugs) become
the record's `error`, so one bad scenario never stops a batch. Records hold no
timings and nothing about the machine, so every engine gives the same bytes.
What it cannot catch (a scenario that runs past its cap, a worker that dies)
the engine turns into a record (engines.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import api
from ..domain.choices import OPTIMAL
from ..domain.plan import Plan
from ..errors import DebtoptError
from .inputs import Task
from .records import INTERNAL_ERROR, error_type, new_record


@dataclass(frozen=True, slots=True)
class WorkOptions:
    strategies: tuple[str, ...]
    plans: bool = False
    time_limit_seconds: float = 10.0


def _plan(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json")
    data.pop("solver", None)  # solver statistics hold timings: machine-dependent
    return data


def _run(task: Task, options: WorkOptions, plans: dict[str, Plan]) -> None:
    """Each chosen strategy's plan into `plans`, heuristics first (api.heuristic_plans: their own ledger runs)."""
    assert task.data is not None
    scenario = api.scenario_from_fields(task.data, task.source)
    heuristics = [name for name in options.strategies if name != OPTIMAL]
    plans.update(api.heuristic_plans(scenario, heuristics, with_months=options.plans))
    if OPTIMAL in options.strategies:
        # what each offer is worth is a re-solve per offer: not for batch totals
        plans[OPTIMAL] = api.optimize(scenario, time_limit_seconds=options.time_limit_seconds, offer_worth=False)


def solve(task: Task, options: WorkOptions) -> dict[str, Any]:
    """The record of one input: {input, error, error_type, best, strategies[, solver_status][, plans]}.

    When a strategy fails, the record has the error and the totals of those that ran.
    """
    record = new_record(task.input, options.plans)
    if task.error is not None:
        record["error"], record["error_type"] = task.error, task.error_type
        return record
    plans: dict[str, Plan] = {}
    try:
        _run(task, options, plans)
    except DebtoptError as exc:
        record["error"], record["error_type"] = str(exc), error_type(exc)
    except Exception as exc:  # a bug: recorded plainly, the batch goes on
        record["error"] = (f"{task.source}: internal error (a bug in debtopt, please report it): "
                           f"{type(exc).__name__}: {str(exc)[:200]}")
        record["error_type"] = INTERNAL_ERROR
    ran = [name for name in options.strategies if name in plans]
    for name in ran:
        record["strategies"][name] = plans[name].totals.model_dump(mode="json")
        if options.plans:
            record["plans"][name] = _plan(plans[name])
    solver = plans[OPTIMAL].solver if OPTIMAL in plans else None
    if solver:
        # How the solve ended (optimal, time_limit, fallback). Timings are left out; under a
        # time limit this, and the optimal totals, can still differ with the machine's speed.
        record["solver_status"] = solver.status.value
    if ran and record["error"] is None:
        record["best"] = min(ran, key=lambda name: plans[name].rank_key())
    return record


def solve_chunk(tasks: Sequence[Task], options: WorkOptions) -> list[dict[str, Any]]:
    """Records of a few tasks at once (fewer round trips to the workers)."""
    return [solve(task, options) for task in tasks]
