"""What one more unit of cash is worth, on the plan shown: the optimizer's cash duals (integers fixed).

Only the optimizer's plan has them (`plan.solver.cash_values`: per plan month,
the net cost one more unit of cash that month saves, with the plan's binary
choices fixed). A heuristic's plan has no such value: the section says so
rather than borrow another plan's. The report shows the few months where
extra cash matters most.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..domain.plan import Plan
from .document import ValueMonth, ValueOfMoney

UNIT = Decimal(100)  # "an extra ¥100 in March saves ..."
TOP_MONTHS = 3
CENT = Decimal("0.01")


def value_of_money(plan: Plan) -> ValueOfMoney:
    duals = plan.solver.cash_values if plan.solver is not None else None
    if not duals:
        return ValueOfMoney(method="none", unit=UNIT, months=[])
    saves = [(t, (Decimal(repr(v)) * UNIT).quantize(CENT, ROUND_HALF_UP))
             for t, v in enumerate(duals[: len(plan.months)], start=1)]
    worth = [(t, s) for t, s in saves if s >= CENT]
    top = sorted(worth, key=lambda ts: (-ts[1], ts[0]))[:TOP_MONTHS]
    return ValueOfMoney(method="dual", unit=UNIT, months=[ValueMonth(month=t, saves=s) for t, s in sorted(top)])
