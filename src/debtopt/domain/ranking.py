"""How plans are compared: in the order of the objective the user chose.

The one ranking of candidate plans, used wherever plans are compared: the optimizer's
start plans and its never-worse check (optimize/pipeline.py), `api.compare`'s order,
best and savings, and the report's comparison table. Ranking in the contract's order
under `--objective cost` hands a borrower who asked for the cheapest plan one that
saves an escalation and costs more (issue 12: zhang-san's cost plan was urgency's).

    lexicographic  escalations, overdue loan-months, remaining balance, net cost (Plan.rank_key)
    cost           remaining balance, net cost
    weighted       remaining balance, net cost + overdue_price x overdue loan-months

Plans equal on the objective's criteria are told apart by the contract's order
(escalations, then overdue loan-months), so the choice among them never depends on
which was found first. Every figure is a ledger total (Decimal money, whole counts).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .choices import Objective
from .plan import Plan

RankKey = tuple[Any, ...]
Rank = Callable[[Plan], RankKey]


def rank_by(objective: Objective | str = Objective.LEXICOGRAPHIC, overdue_price: Decimal | float | None = None) -> Rank:
    """The key that orders plans under `objective`, smaller is better; `overdue_price` is the
    weighted objective's price of one overdue loan-month, in the plan's currency (a plan does
    not carry its price: where only the plan is known, the report's table, it counts 0)."""
    chosen = Objective(objective)
    if chosen == Objective.COST:
        return _by_cost
    if chosen == Objective.WEIGHTED:
        price = Decimal(0) if overdue_price is None else Decimal(str(overdue_price))

        def weighted(plan: Plan) -> RankKey:
            t = plan.totals
            return (t.remaining_balance, t.net_cost + price * t.overdue_months, t.escalations, t.overdue_months)

        return weighted
    return _lexicographic


def _lexicographic(plan: Plan) -> RankKey:
    return plan.rank_key()


def _by_cost(plan: Plan) -> RankKey:
    t = plan.totals
    return (t.remaining_balance, t.net_cost, t.escalations, t.overdue_months)


__all__ = ["Rank", "RankKey", "rank_by"]
