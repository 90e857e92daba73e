"""Short-horizon relaxations: proving the counting stages on months 1..T' only.

The same model over months 1..T' (T' < T) is a relaxation of the escalation and
overdue stages: any plan's first T' months are a plan of the short model, and
its escalations and overdue months within them are at most the whole plan's.
So the short model's optimum (or any bound HiGHS proves on it) is a lower
bound for the full stage. Its payments, rounded to cents and replayed, then
continued month T'+1..T by each heuristic, are full plans; when the best of them
reaches the bound, the stage is proved without solving the full model.
T' grows (x 1.5) until that happens or the time is up; the best continued plan
is the full model's warm start either way.

solver-notes.md: this proved a 10 x 60 case the full model could not in 5 minutes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.plan import Plan
from ..ledger import Ledger, plan_from_run
from ..strategies.heuristics import HEURISTICS
from .data import model_data
from .model import Model, build
from .schedule import prefix_setting, round_months
from .solve import make_backend
from .start import plan_intent, plan_takes, simulate

# The stages after the counting ones, by which equal counts are told apart.
LATER = ("remaining", "net_cost")



@dataclass(slots=True)
class ShortResult:
    bound: float | None  # the proved lower bound on the stage (a whole count), None if none
    plan: Plan | None  # the best full plan found (ledger-replayed)
    values: list[float] | None  # that plan as a point of the full model
    value: float | None  # the stage objective at that point
    seconds: float
    horizon: int  # the last T' tried


def first_horizon(model: Model) -> int:
    """The first T': short (the first months decide most escalations), it grows from there."""
    return min(model.data.horizon, 4)


def continued_plans(ledger: Ledger, short: Model, values: list[float]) -> list[Plan]:
    """The short model's months rounded and replayed, then each heuristic to the end."""
    plans: list[Plan] = []
    setting = prefix_setting(ledger, short, values)
    if setting is None:  # no rounding of these months the ledger accepts: no plans from them
        return plans
    for name, decide in HEURISTICS.items():
        run = ledger.start()
        round_months(run, short, values, *setting)
        try:
            while not run.finished:
                run.settle(decide(run, run.open_month()))
        except IndexError:
            # The heuristics read the scenario's loans' terms only (strategies/heuristics.py):
            # they cannot continue a plan that opened an offer's new loan. Its other
            # continuations and the full model still run.
            continue
        plans.append(plan_from_run(run, "optimal"))
    return plans


def prove_stage(
    ledger: Ledger,
    full: Model,
    solver: str,
    name: str,
    fixed: list[tuple[str, float]],
    incumbent: list[float] | None,
    incumbent_plan: Plan | None,
    deadline: float,
    max_consecutive_overdue: int | None,
    value_of: Callable[[str, list[float]], float],
) -> ShortResult:
    """Bound and solve the counting stage `name` on growing horizons, until proved or `deadline`.

    `fixed` are the earlier stages' (name, level) rows, added to the short models
    too (still relaxations: a plan's counts within T' are at most its counts).
    """
    began = time.perf_counter()
    T = full.data.horizon
    Tp = first_horizon(full)
    best_bound: float | None = None
    best_values = incumbent
    best_value = None if incumbent is None else value_of(name, incumbent)
    best_plan = incumbent_plan
    tie_key: tuple[float, ...] | None = None
    tie: tuple[list[float], Plan] | None = None
    while True:
        left = deadline - time.perf_counter()
        if left <= 0.2:
            break
        short = build(model_data(ledger, Tp), max_consecutive_overdue)
        backend = make_backend(short, solver)
        for fixed_name, level in fixed:
            backend.add_upper(fixed_name, short.objective(fixed_name), level)
        backend.set_objective(short.objective(name))
        if best_plan is not None:
            backend.set_start(simulate(short, plan_intent(best_plan, ledger.account_ids, Tp), plan_takes(best_plan)))
        out = backend.solve(solver, left, 0.99, 0.0, best_plan is not None)
        if out.bound is not None:
            bound = float(math.ceil(out.bound - 1e-6))
            best_bound = bound if best_bound is None else max(best_bound, bound)
        def consider(point: list[float]) -> None:
            nonlocal best_value, best_values, best_plan, tie_key, tie
            for plan in continued_plans(ledger, short, point):
                if max_consecutive_overdue is not None and plan.totals.max_consecutive_overdue > max_consecutive_overdue:
                    continue
                values = simulate(full, plan_intent(plan, ledger.account_ids, T), plan_takes(plan))
                if any(value_of(f, values) > level for f, level in fixed):
                    continue
                value = value_of(name, values)
                if best_value is None or value < best_value - 1e-9:
                    best_value, best_values, best_plan = value, values, plan
                # among plans equal on this stage, the one better on the stages after it
                # starts the next (a start already at 0 debt left skips the remaining stage);
                # the search itself keeps warm-starting from the first found, which is faster
                key = (round(value), *(value_of(later, values) for later in LATER))
                if tie_key is None or key < tie_key:
                    tie_key, tie = key, (values, plan)

        def proved() -> bool:
            return best_bound is not None and best_value is not None and best_value <= best_bound + 0.5

        if out.values is not None:
            consider(out.values)
        if out.values is not None and out.objective is not None and name != "overdue" and not proved():
            # The stage's optimum on T' months may leave loans deep in arrears at T', which
            # the heuristics then cannot save; the same optimum with the fewest overdue
            # months within T' leaves them in better shape.
            backend.add_upper(name, short.objective(name), math.floor(out.objective + 1e-6) + 0.5)
            backend.set_objective(short.objective("overdue"))
            backend.set_start(out.values)
            then = backend.solve(solver, max(0.2, min(0.5 * (deadline - time.perf_counter()), 2 * out.seconds + 0.5)),
                                 0.99, 0.0, True)
            if then.values is not None:
                consider(then.values)
        if proved():
            break
        if Tp >= T:
            break
        Tp = min(T, max(Tp + 2, int(Tp * 1.5)))
    if tie is not None and tie_key is not None and best_value is not None and tie_key[0] <= round(best_value):
        best_values, best_plan = tie
    return ShortResult(best_bound, best_plan, best_values, best_value, time.perf_counter() - began, Tp)
