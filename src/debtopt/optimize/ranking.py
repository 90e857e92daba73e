"""How the optimizer compares plans: in the order of the objective the user asked for.

One function, imported by every step that ranks plans (the start plans, the half-cent
retry, the candidates beside the rounded optimum, the floor): a comparison in the
contract's order under `--objective cost` would hand a cost-minimizing user a plan that
saves accounts and leaves debt (the lookahead portfolio's, for one).

    lexicographic  escalations, overdue loan-months, remaining balance, net cost (Plan.rank_key)
    cost           remaining balance, net cost
    weighted       remaining balance, net cost + overdue_price x overdue loan-months
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..domain.choices import Objective
from ..domain.plan import Plan

Rank = Callable[[Plan], tuple[object, ...]]


def rank_by(objective: Objective, overdue_price: Decimal | None = None) -> Rank:
    """The key that orders plans under `objective` (smaller is better); `overdue_price` is the
    weighted objective's price of one overdue loan-month, in the currency."""
    if objective == Objective.COST:
        return lambda p: (p.totals.remaining_balance, p.totals.net_cost)
    if objective == Objective.WEIGHTED:
        price = Decimal(0) if overdue_price is None else Decimal(overdue_price)
        return lambda p: (p.totals.remaining_balance, p.totals.net_cost + price * p.totals.overdue_months)
    return Plan.rank_key


__all__ = ["Rank", "rank_by"]
