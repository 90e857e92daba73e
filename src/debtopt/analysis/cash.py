"""How much more cash a month would clear the debt within the horizon.

`with_extra_cash` adds it to an optimizer's plan that leaves debt at T
(`SolverReport.extra_cash`, and a note). Bisection on an extra monthly amount added to the budget of every month
(`monthly` and every `changes` entry): the smallest whole-cent amount with which
some heuristic plan, replayed by the ledger, leaves nothing owed at T. It is an
upper bound on the true minimum (an optimizer could do a little better); it is
always an amount a replayed plan proves sufficient.
"""

from __future__ import annotations

import time
from decimal import Decimal

from ..domain.money import format_money, from_cents
from ..domain.options import SolveOptions
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..domain.solver import ExtraCash
from ..ledger import Ledger
from ..strategies import HEURISTICS, Decide
from ._capped import stopped_by_time_limit


def with_extra_cash(scenario: Scenario, plan: Plan, options: SolveOptions, deadline: float) -> Plan:
    """`plan` (the optimizer's, of `scenario`) with, when debt is left at T, the smallest extra
    monthly amount found that clears it (`plan.solver.extra_cash`) and a note saying so.

    The search is bounded by its count of steps (the same answer on any machine);
    `deadline` (a `time.perf_counter()` value) is a safety cap: when it stops the
    search, the plan's status and a note say so. The search replays heuristics
    only: no option of the solve (`options`) changes it.
    """
    if plan.totals.remaining_balance <= 0 or plan.solver is None:
        return plan
    try:
        found = _search(scenario, 40, deadline)
    except _OutOfTime:
        return stopped_by_time_limit(plan, "the search for the extra cash that would clear the debt")
    owed = format_money(int(plan.totals.remaining_balance * 100), scenario.currency)
    if found is None:
        extra = ExtraCash(amount=None)
        note = (f"{owed} is still owed at month {scenario.horizon_months}; no extra monthly amount "
                "that clears it was found.")
    else:
        amount, how = found
        extra = ExtraCash(amount=float(amount), cleared_by=how)
        note = (f"{owed} is still owed at month {scenario.horizon_months}: "
                f"{format_money(int(amount * 100), scenario.currency)} more a month would clear it "
                f"within the horizon (the '{how}' plan does).")
    solver = plan.solver.model_copy(update={"extra_cash": extra})
    return plan.model_copy(update={"solver": solver, "notes": [*plan.notes, note]})


def with_extra_monthly(scenario: Scenario, extra_cents: int) -> Scenario:
    extra = from_cents(extra_cents)
    budget = scenario.budget
    changes = [c.model_copy(update={"monthly": c.monthly + extra}) for c in budget.changes]
    new_budget = budget.model_copy(update={"monthly": budget.monthly + extra, "changes": changes})
    return scenario.model_copy(update={"budget": new_budget})


def _owed_at_end(ledger: Ledger, decide: Decide) -> int:
    """What a heuristic leaves owed after the last month: the ledger stepped, no plan built."""
    run = ledger.start()
    while not run.finished:
        run.settle(decide(run, run.open_month()))
    return run.remaining


def clears(scenario: Scenario) -> str | None:
    """The first heuristic whose replay leaves nothing owed at T, or None."""
    ledger = Ledger(scenario)
    for name, decide in HEURISTICS.items():
        if _owed_at_end(ledger, decide) == 0:
            return name
    return None


class _OutOfTime(Exception):
    pass


def extra_monthly_to_clear(
    scenario: Scenario, max_steps: int = 40, deadline: float | None = None
) -> tuple[Decimal, str] | None:
    """(smallest extra monthly amount found, the heuristic that clears with it), or None
    (none found, or the `deadline`, a time.perf_counter() value, passed first)."""
    try:
        return _search(scenario, max_steps, deadline)
    except _OutOfTime:
        return None


def _search(scenario: Scenario, max_steps: int, deadline: float | None) -> tuple[Decimal, str] | None:
    def clears(s: Scenario) -> str | None:
        if deadline is not None and time.perf_counter() > deadline:
            raise _OutOfTime
        return _clears(s)

    first = clears(scenario)
    if first:
        return Decimal(0), first
    total = sum(int(loan.balance * 100) for loan in scenario.loans)
    hi = max(100, total // max(1, scenario.horizon_months))
    steps = 0
    while clears(with_extra_monthly(scenario, hi)) is None:
        hi *= 2
        steps += 1
        if steps > 30:
            return None
    lo = 0
    while hi - lo > 1 and steps < max_steps + 30:
        mid = (lo + hi) // 2
        if clears(with_extra_monthly(scenario, mid)):
            hi = mid
        else:
            lo = mid
        steps += 1
    name = clears(with_extra_monthly(scenario, hi)) or ""
    return from_cents(hi), name


_clears = clears
