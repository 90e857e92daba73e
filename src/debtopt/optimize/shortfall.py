"""How much more cash a month would clear the debt within the horizon.

Bisection on an extra monthly amount added to the budget of every month
(`monthly` and every `changes` entry): the smallest whole-cent amount with which
some heuristic plan, replayed by the ledger, leaves nothing owed at T. It is an
upper bound on the true minimum (an optimizer could do a little better); it is
always an amount a replayed plan proves sufficient.
"""

from __future__ import annotations

from decimal import Decimal

from ..domain.money import from_cents
from ..domain.scenario import Scenario
from ..ledger import Ledger, replay
from ..strategies import HEURISTICS, propose_schedule


def with_extra_monthly(scenario: Scenario, extra_cents: int) -> Scenario:
    extra = from_cents(extra_cents)
    budget = scenario.budget
    changes = [c.model_copy(update={"monthly": c.monthly + extra}) for c in budget.changes]
    new_budget = budget.model_copy(update={"monthly": budget.monthly + extra, "changes": changes})
    return scenario.model_copy(update={"budget": new_budget})


def clears(scenario: Scenario) -> str | None:
    """The first heuristic whose replay leaves nothing owed at T, or None."""
    ledger = Ledger(scenario)
    for name, decide in HEURISTICS.items():
        plan = replay(ledger, propose_schedule(ledger, decide), strategy=name)
        if plan.totals.remaining_balance == 0:
            return name
    return None


def extra_monthly_to_clear(scenario: Scenario, max_steps: int = 40) -> tuple[Decimal, str] | None:
    """(smallest extra monthly amount found, the heuristic that clears with it), or None."""
    if clears(scenario):
        return Decimal(0), clears(scenario) or ""
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
