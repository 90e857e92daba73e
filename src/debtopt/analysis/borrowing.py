"""以贷养贷 on the plan shown: the least extra cash in month 1 that avoids an escalation, and what borrowing it costs.

Only asked when the plan lets an account escalate. The search re-solves the
scenario with extra cash in month 1 (each re-solve started from the plan's own
choices, so it is never worse than the plan): the least multiple of `STEP`
that leaves fewer escalations. That amount is then borrowed from a new lender
at 24 % and 36 % a year (the lines lenders and regulators use) as a cash-loan
offer of month 1 (offers.md: the money joins month 1's cash, the loan opens in
month 2), a 12-month annuity (penalty 1.5x, escalation at 3 months), and
re-solved again: the optimizer takes it only if it helps; the new loan's
interest and the plan's net cost say what the borrowing costs.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from ..domain.choices import OPTIMAL
from ..domain.load import scenario_from_dict
from ..domain.months import month_label
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..errors import InfeasibleLimitError, SolverError
from ..domain.money import to_cents
from ..domain.plan import Take
from ..ledger import Ledger, replay
from ..ledger.terms import ANNUAL_COST_LINES
from ..strategies import HEURISTICS
from ..strategies.run import propose_schedule
from ._solver import _optimize, replayed_on
from .document import Borrowing, BorrowRow

STEP = Decimal(100)
RATES = ANNUAL_COST_LINES  # a new loan priced at each regulatory line
TERM_MONTHS = 12
NEW_LOAN_ID = "new-online-loan"
SEARCH_SECONDS = 60.0  # the search's safety cap by default: its re-solves are bounded by work
MIN_SECONDS = 0.5  # below this much of the cap left, a re-solve is not started
MAX_STEPS = 10  # bisection steps: 2^10 multiples of STEP above the start


def borrowing(scenario: Scenario, plan: Plan, time_limit_seconds: float = SEARCH_SECONDS) -> Borrowing:
    base = plan.totals
    if base.escalations == 0:
        return Borrowing(needed=False, base_escalations=0, base_net_cost=base.net_cost)
    deadline = time.perf_counter() + time_limit_seconds
    found = least_cash_avoiding_escalation(scenario, plan, deadline)
    amount, with_cash_escalations = found if found is not None else (None, None)
    rows = []
    if amount is not None:
        for rate in RATES:
            again = _solve(_with_new_loan(scenario, amount, rate), plan, deadline)
            if again is None:
                continue
            interest = sum((lm.interest + lm.penalty_interest + lm.fees for m in again.months for lm in m.loans
                            if lm.id == NEW_LOAN_ID), Decimal(0))
            rows.append(BorrowRow(annual_rate=float(rate), interest=interest, escalations=again.totals.escalations,
                                  overdue_months=again.totals.overdue_months, net_cost=again.totals.net_cost))
    return Borrowing(needed=True, amount=amount, term_months=TERM_MONTHS, base_escalations=base.escalations,
                     escalations_with_cash=with_cash_escalations, base_net_cost=base.net_cost, rows=rows)


def least_cash_avoiding_escalation(scenario: Scenario, plan: Plan, deadline: float) -> tuple[Decimal, int] | None:
    """The least multiple of STEP that, as extra cash in month 1, leaves fewer escalations, and how many are left
    (None: no amount up to all that is owed does). Each re-solve is bounded by work; `deadline` (a
    `time.perf_counter()` value) caps them, and a re-solve it stops counts as no answer."""
    target = plan.totals.escalations
    found: dict[int, int] = {}

    def avoids(steps: int) -> bool:
        again = _solve(with_cash(scenario, STEP * steps), plan, deadline)
        if again is not None:
            found[steps] = again.totals.escalations
        return again is not None and again.totals.escalations < target

    owed = sum((loan.balance + loan.arrears for loan in scenario.loans), Decimal(0))
    hi = int(-(-owed // STEP))
    if not avoids(hi):
        return None
    lo = 0
    for _ in range(MAX_STEPS):
        if hi - lo <= 1:
            break
        mid = (lo + hi) // 2
        if avoids(mid):
            hi = mid
        else:
            lo = mid
    return STEP * hi, found[hi]


def _data(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def with_cash(scenario: Scenario, amount: Decimal, t: int = 1, label: str = "extra") -> Scenario:
    data = _data(scenario)
    data["budget"].setdefault("inflows", []).append(
        {"month": month_label(scenario.start, t), "amount": str(amount), "label": label})
    return scenario_from_dict(data, derived=True)


def _with_new_loan(scenario: Scenario, amount: Decimal, rate: Decimal) -> Scenario:
    """A new lender's cash loan of `amount`, offered in month 1 only."""
    data = _data(scenario)
    data.setdefault("offers", []).append({
        "id": NEW_LOAN_ID, "name": NEW_LOAN_ID, "kind": "cash-loan", "available_from": scenario.start,
        "available_until": scenario.start, "min_amount": str(amount), "max_amount": str(amount),
        "loan": {"kind": "installment", "annual_rate": str(rate), "term_months": TERM_MONTHS, "method": "annuity",
                 "penalty_multiplier": "1.5", "escalation_months": 3}})
    return scenario_from_dict(data, derived=True)


def _solve(scenario: Scenario, plan: Plan, deadline: float) -> Plan | None:
    """The plan's own way on a changed scenario: re-solved for the optimizer's plan (None when the cap
    stops it: its answer would depend on the machine), else its rule re-run (taking the new loan, if
    the scenario offers it, in month 1)."""
    if plan.strategy == OPTIMAL:
        limit = deadline - time.perf_counter()
        if limit < MIN_SECONDS:
            return None
        try:
            again = _optimize(scenario, time_limit_seconds=limit, starts=replayed_on(scenario, plan))
        except (SolverError, InfeasibleLimitError):
            return None
        return None if again.solver is not None and again.solver.timed_out else again
    takes = [Take(offer=o.id, month=1, amount=to_cents(o.max_amount)) for o in scenario.offers if o.id == NEW_LOAN_ID]
    if plan.strategy not in HEURISTICS:
        return None
    ledger = Ledger(scenario)
    return replay(ledger, propose_schedule(ledger, HEURISTICS[plan.strategy], takes), strategy=plan.strategy)
