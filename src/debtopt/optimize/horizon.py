"""Short-horizon relaxations: proving the counting stages on months 1..T' only.

The same model over months 1..T' (T' < T) is a relaxation of the escalation and
overdue stages: any plan's first T' months are a plan of the short model, and
its escalations and overdue months within them are at most the whole plan's.
So the short model's optimum (or any bound HiGHS proves on it) is a lower
bound for the full stage. Its payments, rounded to cents and replayed, then
continued month T'+1..T by each heuristic, are full plans; when the best of them
reaches the bound, the stage is proved without solving the full model.
T' grows (x 1.5) until that happens, T' reaches T, or the short models have used
the work of one full solve (the budget's nodes, counted across them); the best
continued plan is the full model's warm start either way. Counts, not the clock,
end the search, so it ends the same way on any machine. Every plan is judged by its ledger
figures (points.plan_value); a short model's start is the best plan's choices
(points.start_from_plan).

solver-notes.md: this proved a 10 x 60 case the full model could not in 5 minutes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..domain.choices import SolverName, Stage
from ..domain.plan import Plan
from ..ledger import Ledger, plan_from_run
from ..strategies.heuristics import HEURISTICS
from ..strategies.lookahead import CONTINUATIONS, REAL_SIZE
from .data import model_data
from .model import Model, build
from .points import Incumbent, outside_model, start_from_plan
from .schedule import prefix_setting, round_months
from .budget import Budget
from .solve import make_backend

# The stages after the counting ones, by which equal counts are told apart.
LATER = (Stage.REMAINING, Stage.NET_COST)

ValueOf = Callable[[Stage, Incumbent], float]


@dataclass(slots=True)
class ShortResult:
    bound: float | None  # the proved lower bound on the stage (a whole count), None if none
    best: Incumbent | None  # the best start found for the full model: a continued plan, or the start given
    plan: Plan | None  # the best ledger plan known (the start's plan if nothing better was found)
    value: float | None  # the stage objective of `best`
    seconds: float
    horizon: int  # the last T' tried
    nodes: int = 0  # branch-and-bound nodes the short models used


def first_horizon(model: Model) -> int:
    """The first T': short (the first months decide most escalations), it grows from there."""
    return min(model.data.horizon, 4)


def continued_plans(ledger: Ledger, short: Model, values: list[float]) -> list[Plan]:
    """The short model's months rounded and replayed, then each heuristic to the end."""
    plans: list[Plan] = []
    setting = prefix_setting(ledger, short, values)
    if setting is None:  # no rounding of these months the ledger accepts: no plans from them
        return plans
    extra = CONTINUATIONS if len(ledger.terms) >= REAL_SIZE else {}  # real sizes only (lookahead.portfolio_size)
    for name, decide in {**HEURISTICS, **extra}.items():
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


@dataclass(slots=True)
class _Search:
    """The best continued plan so far on one counting stage, and the bound proved."""

    ledger: Ledger
    stage: Stage
    levels: Sequence[tuple[Stage, float]]  # the earlier stages' rows (name, most it may reach)
    limit: int | None  # max_consecutive_overdue
    value_of: ValueOf
    best: Incumbent | None
    best_value: float | None
    best_plan: Plan | None
    bound: float | None = None
    tie_key: tuple[float, ...] | None = None
    tie: tuple[Incumbent, Plan] | None = None
    full: Model | None = None  # the full model: a plan outside it (points.outside_model) proves nothing

    def consider(self, short: Model, point: list[float]) -> None:
        for plan in continued_plans(self.ledger, short, point):
            if self.limit is not None and plan.totals.max_consecutive_overdue > self.limit:
                continue
            if self.full is not None and outside_model(self.full, plan):
                continue
            candidate = Incumbent(plan=plan)
            if any(self.value_of(name, candidate) > level for name, level in self.levels):
                continue
            value = self.value_of(self.stage, candidate)
            if self.best_value is None or value < self.best_value - 1e-9:
                self.best_value, self.best, self.best_plan = value, candidate, plan
            # among plans equal on this stage, the one better on the stages after it
            # starts the next (a start already at 0 debt left skips the remaining stage);
            # the search itself keeps warm-starting from the first found, which is faster
            key = (round(value), *(self.value_of(later, candidate) for later in LATER))
            if self.tie_key is None or key < self.tie_key:
                self.tie_key, self.tie = key, (candidate, plan)

    def proved(self) -> bool:
        return self.bound is not None and self.best_value is not None and self.best_value <= self.bound + 0.5

    def result(self, seconds: float, horizon: int, nodes: int = 0) -> ShortResult:
        best, plan = self.best, self.best_plan
        if self.tie is not None and self.tie_key is not None and self.best_value is not None \
                and self.tie_key[0] <= round(self.best_value):
            best, plan = self.tie
        return ShortResult(self.bound, best, plan, self.best_value, seconds, horizon, nodes)


def prove_stage(ledger: Ledger, full: Model, solver: SolverName, stage: Stage, levels: Sequence[tuple[Stage, float]],
                start: Incumbent | None, start_plan: Plan | None, budget: Budget, limit: int | None,
                value_of: ValueOf) -> ShortResult:
    """Bound and solve the counting stage `stage` on growing horizons, until proved, at T, or
    when the short models have used `budget.nodes` between them.

    `levels` are the earlier stages' (name, level) rows, added to the short models
    too (still relaxations: a plan's counts within T' are at most its counts).
    `start_plan` is the ledger plan the short models start from.
    """
    began = time.perf_counter()
    T = full.data.horizon
    Tp = first_horizon(full)
    search = _Search(ledger, stage, levels, limit, value_of, start,
                     None if start is None else value_of(stage, start), start_plan, full=full)
    nodes_left = budget.nodes
    while not budget.spent and nodes_left > 0:
        nodes_left -= _search_horizon(search, build(model_data(ledger, Tp), limit), solver, budget, nodes_left)
        if search.proved() or Tp >= T:
            break
        Tp = min(T, max(Tp + 2, int(Tp * 1.5)))
    budget.check()
    return search.result(time.perf_counter() - began, Tp, budget.nodes - nodes_left)


def _search_horizon(search: _Search, short: Model, solver: SolverName, budget: Budget, nodes: int) -> int:
    """One T': the short model's optimum (its bound raises the search's), its months continued.
    The nodes it used."""
    backend = make_backend(short, solver)
    levels = [(short.objective(name), level) for name, level in search.levels]
    for (name, _), (coefs, level) in zip(search.levels, levels, strict=True):
        backend.add_upper(name, coefs, level)
    coefs = short.objective(search.stage)
    backend.set_objective(coefs)
    warm = search.best_plan is not None and start_from_plan(
        search.ledger, short, backend, search.best_plan, levels, coefs, budget.limits(nodes))
    out = budget.record(backend.solve(budget.limits(nodes), 0.99, 0.0, warm))
    used = max(1, out.nodes)
    if out.bound is not None:
        bound = float(math.ceil(out.bound - 1e-6))
        search.bound = bound if search.bound is None else max(search.bound, bound)
    if budget.spent:  # past the cap, continuing the months by every heuristic would overrun it (seconds at 60 x 480)
        return used
    if out.values is not None:
        search.consider(short, out.values)
    if out.values is None or out.objective is None or search.stage == Stage.OVERDUE or search.proved():
        return used
    # The stage's optimum on T' months may leave loans deep in arrears at T', which the
    # heuristics then cannot save; the same optimum with the fewest overdue months
    # within T' leaves them in better shape (a search about as long as the first).
    backend.add_upper(search.stage, coefs, math.floor(out.objective + 1e-6) + 0.5)
    backend.set_objective(short.objective(Stage.OVERDUE))
    backend.set_start(out.values)
    then = budget.record(backend.solve(budget.limits(min(nodes, 2 * used + 100)), 0.99, 0.0, True))
    if then.values is not None:
        search.consider(short, then.values)
    return used + max(1, then.nodes)
