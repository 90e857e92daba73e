"""Hand-solved scenarios every solver backend must reach (cvxpy's `solver_test_helpers.py` manner).

Each scenario is small enough to solve with a pencil: 1 to 3 loans, 2 to 4 months,
rates that make round cents. Its docstring works out, by hand and from the
contract (docs/model.md), the optimum of every stage: escalations, overdue
loan-months, what is still owed at the end, and net cost, to the cent. Every
backend offered ("highs", "pulp-highs", "cbc") must reach it: the plan's ledger
totals exactly, each stage's objective (the model's, in fractions of a cent)
within a cent of the ledger's figure, and every stage proved.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from debtopt.domain import Plan, scenario_from_dict
from debtopt.domain.choices import SolverName, values
from debtopt.domain.options import solve_options
from debtopt.domain.solver import SolveStatus
from debtopt.optimize import optimize
from caps import NO_CAP_SECONDS


@dataclass(frozen=True)
class Optimum:
    escalations: int
    overdue_months: int
    remaining: Decimal
    net_cost: Decimal
    decisions: tuple[tuple[str, int, Decimal | None], ...] = ()  # (offer, month, amount)


def _scenario(loans: list[dict[str, Any]], monthly: float, horizon: int, **extra: Any) -> dict[str, Any]:
    budget = {"monthly": monthly, **extra.pop("budget", {})}
    return {"currency": "CNY", "start": "2027-01", "horizon_months": horizon, "budget": budget, "loans": loans,
            **extra}


SHORTFALL = _scenario([
    {"id": "a", "kind": "installment", "balance": 300, "installment": 100, "annual_rate": 0, "escalation_months": 2},
    {"id": "b", "kind": "installment", "balance": 300, "installment": 100, "annual_rate": 0, "escalation_months": 2,
     "late_fee": 10},
], monthly=100, horizon=3)
"""A shortfall that forces exactly one escalation.

Two loans of 300 at 0 %, each due 100 a month, escalating after 2 months overdue; 100 a
month of cash. Each month one due at most is paid in full, so every month at least one
loan is overdue: at least 3 overdue loan-months. The loan short in month 1 owes 100 of
arrears; curing it in month 2 takes 100 + 100 = 200, more than the 100 at hand, so it
is overdue again and escalates: at least 1 escalation. Keeping one loan current every
month (paying it 100, 100, 100) reaches both. Every cent is paid (300), so at least
600 - 300 = 300 is owed at T, and exactly 300 when no fee is charged: the loan kept
current must be b (its 10 late fee would be owed too), a goes short every month
(arrears 100, 200, 300; it escalates in month 2). Nothing is charged: net cost 0.00.

    escalations 1, overdue 3, remaining 300.00, net cost 0.00
"""

TWO_PATTERNS = _scenario([
    {"id": "a", "kind": "installment", "balance": 200, "installment": 100, "annual_rate": 0.12},
    {"id": "b", "kind": "installment", "balance": 200, "installment": 100, "annual_rate": 0.12,
     "late_fee_percent": 0.05},
], monthly=100, horizon=2, budget={"changes": [{"from": "2027-02", "monthly": 300}]})
"""A choice between two overdue patterns.

Two loans of 200 at 1 % a month, each due 100 a month; 100 of cash in month 1, 300 in
month 2. Month 1: I = 0.01 x 200 = 2.00 each, D = 202.00, due 100 each: one goes short.

- a short (no late fee): a owes B = 202.00 with arrears 100.00; b, paid 100, owes 102.00.
  Month 2: a: I = 0.01 x (202.00 - 100.00) = 1.02, P = 0.01 x 100.00 = 1.00 (the penalty
  rate is the rate), due = 100.00 + 100 = 200.00; b: I = 1.02, due 100.00. 300.00 in all,
  exactly the cash: both current. 1 overdue loan-month.
- b short: its 5 % late fee on 100.00 adds 5.00 (arrears 105.00), and month 2's dues come
  to 205.00 + 100.00 = 305.00 > 300: overdue again, 2 overdue loan-months.

So a goes short. Every cent is paid (400.00); what is owed at T is what was charged:
interest 2.00 + 2.00 + 1.02 + 1.02 and penalty interest 1.00 = 7.04, which is the net cost.

    escalations 0, overdue 1, remaining 7.04, net cost 7.04
"""

SAVINGS = _scenario([
    {"id": "loan", "kind": "installment", "balance": 300, "installment": 100, "annual_rate": 0.24},
], monthly=100, horizon=4, budget={"starting_cash": 1000, "savings_rate": 0.12})
"""A payoff with savings interest.

A loan of 300 at 2 % a month (due 100); 1,000 in savings at 1 % a month and 100 a month.
A cent left owed costs 2 % a month, a cent saved earns 1 %: pay the loan off at once.
Month 1: cash = 100 + 1,000 + 1,000 x 0.01 = 1,110.00; I = 0.02 x 300 = 6.00, D = 306.00,
all paid: closed in month 1, 804.00 saved. After the payoff the cash goes on earning
(docs/model.md, "Best"): month 2: 804.00 x 0.01 = 8.04 (912.04 with the budget); month
3: 912.04 x 0.01 = 9.1204 -> 9.12 (1,021.16); month 4: 1,021.16 x 0.01 = 10.2116 -> 10.21.
Net cost = interest 6.00 - savings interest 10.00 - (8.04 + 9.12 + 10.21) = -31.37.
(Paying only the dues would keep 2 % debt to earn 1 %.)

    escalations 0, overdue 0, remaining 0.00, net cost -31.37
"""

OFFER_TAKEN = _scenario([
    {"id": "loan", "kind": "installment", "balance": 600, "installment": 200, "annual_rate": 0,
     "escalation_months": 2},
], monthly=100, horizon=3, offers=[
    {"id": "mum", "kind": "cash-loan", "available_from": "2027-01", "available_until": "2027-03",
     "max_amount": 1000, "fee": 5, "loan": {"kind": "bullet", "annual_rate": 0.12, "due_month": 12}},
])
"""An offer taken.

A loan of 600 at 0 %, due 200 a month, escalating after 2 months overdue; 100 a month.
Without help month 1 is short, and curing it in month 2 takes 300 > 100: it escalates.
Mum lends up to 1,000 in months 1-3 at 1 % a month, a fixed fee of 5 deducted from what
she pays out, nothing due before month 12. Taken in month 1 for X, the cash is 100 + X - 5;
keeping the loan current takes 200 a month, 600 against a budget of 300: X - 5 >= 300, and
it must come in month 1 (month 1 is short otherwise). X = 305.00 keeps every month current
(cash 400, 300, 200; 200 paid each month) and leaves nothing to repay her with; each cent
more borrowed is a cent more owed, with interest. Her loan opens in month 2: 305.00 x 0.01
= 3.05 (308.05), then 308.05 x 0.01 = 3.0805 -> 3.08 (311.13). Cost: 6.13 of interest and
the fee of 5.00.

    escalations 0, overdue 0, remaining 311.13, net cost 11.13; mum taken in month 1 for 305.00
"""

HARDSHIP = _scenario([
    {"id": "weilidai", "kind": "installment", "balance": 900, "installment": 300, "annual_rate": 0,
     "escalation_months": 2, "late_fee": 20},
], monthly=100, horizon=3, offers=[
    {"id": "extend", "kind": "hardship-plan", "loan": "weilidai", "available_from": "2027-01",
     "available_until": "2027-03", "term_months": 9, "fee_percent": 0.01, "waive_percent": 0.5},
])
"""A hardship plan.

A loan of 900 at 0 %, due 300 a month, a late fee of 20, escalating after 2 months overdue;
100 a month: without help it escalates in month 2. The lender converts it, after a
month's payment, into 9 monthly installments at 0 %, waiving half the penalty interest
and late fees so far and charging 1 % of what it converts.
Accepted in month 1 after paying p: B = 900 - p + 20 (the fee on the unpaid due), the
waiver round(0.5 x 20) = 10.00, the fee round(0.01 x (910 - p)); month 1's arrears are
converted, so it is not overdue. The fee falls as p rises: p = 100 (all the cash), the fee
8.10, the new balance 818.10, its installment round(818.10 / 9) = 90.90, paid from the
100 of months 2 and 3 (all of it, 0 % debt or not: what is owed at T comes first).
Accepting later leaves month 1 overdue. Owed at T: 818.10 - 200 = 618.10. Cost: the late
fee 20.00 + the plan's fee 8.10 - the waiver 10.00 = 18.10.

    escalations 0, overdue 0, remaining 618.10, net cost 18.10; extend taken in month 1
"""

COST_DECLINES = OFFER_TAKEN
"""The offer taken, under "cost" (what is still owed, then net cost): declined.

The same loan and mum's offer. Every cent mum lends is a cent more owed at T (her loan is
due in month 12, after the horizon) and pays at most a cent of the loan, less her fee: taking
her money never lowers what is owed at T. Without her, the 300 of cash pays the 0 % loan
300: 300.00 owed at T, and nothing charged (no rate, no fee): net cost 0.00. That plan is
overdue every month (200 due, 100 paid; 300 then 400 to cure) and escalates in month 2:
the price of money alone, which the contract's order would not pay.

    cost objective: escalations 1, overdue 3, remaining 300.00, net cost 0.00; mum declined
"""

CASES: dict[str, tuple[dict[str, Any], Optimum]] = {
    "shortfall": (SHORTFALL, Optimum(1, 3, Decimal("300.00"), Decimal("0.00"))),
    "two-patterns": (TWO_PATTERNS, Optimum(0, 1, Decimal("7.04"), Decimal("7.04"))),
    "savings": (SAVINGS, Optimum(0, 0, Decimal("0.00"), Decimal("-31.37"))),
    "offer-taken": (OFFER_TAKEN, Optimum(0, 0, Decimal("311.13"), Decimal("11.13"),
                                         (("mum", 1, Decimal("305.00")),))),
    "hardship": (HARDSHIP, Optimum(0, 0, Decimal("618.10"), Decimal("18.10"), (("extend", 1, None),))),
}


def _check(plan: Plan, optimum: Optimum) -> None:
    t = plan.totals
    assert (t.escalations, t.overdue_months, t.remaining_balance, t.net_cost) == (
        optimum.escalations, optimum.overdue_months, optimum.remaining, optimum.net_cost)
    assert tuple((d.offer, d.month, d.amount if d.kind != "hardship-plan" else None)
                 for d in plan.decisions) == optimum.decisions
    assert plan.solver is not None and plan.solver.status == SolveStatus.OPTIMAL, plan.solver
    ledger = {"escalations": optimum.escalations, "overdue": optimum.overdue_months,
              "remaining": float(optimum.remaining * 100), "net_cost": float(optimum.net_cost * 100)}
    assert [stage.name for stage in plan.solver.stages] == list(ledger)
    for stage in plan.solver.stages:
        assert stage.proved and stage.objective is not None, stage
        assert abs(stage.objective - ledger[stage.name]) <= 1.0, (stage, ledger[stage.name])


@pytest.mark.parametrize("solver", values(SolverName))
@pytest.mark.parametrize("name", list(CASES))
def test_every_backend_reaches_the_hand_solved_optimum(name: str, solver: str) -> None:
    data, optimum = CASES[name]
    _check(optimize(scenario_from_dict(data), solve_options(solver=solver, time_limit_seconds=NO_CAP_SECONDS)), optimum)


@pytest.mark.parametrize("solver", values(SolverName))
def test_every_backend_reaches_the_hand_solved_cost_optimum(solver: str) -> None:
    plan = optimize(scenario_from_dict(COST_DECLINES), solve_options(objective="cost", solver=solver,
                                                                     time_limit_seconds=NO_CAP_SECONDS))
    t = plan.totals
    assert (t.remaining_balance, t.net_cost, t.escalations, t.overdue_months) == (
        Decimal("300.00"), Decimal("0.00"), 1, 3), (t, plan.notes)
    assert plan.decisions == []
    assert plan.solver is not None and plan.solver.status == SolveStatus.OPTIMAL, plan.solver
    assert [stage.name for stage in plan.solver.stages] == ["remaining", "net_cost"]
    for stage, ledger in zip(plan.solver.stages, (30000.0, 0.0), strict=True):
        assert stage.proved and stage.objective is not None and abs(stage.objective - ledger) <= 1.0, stage
