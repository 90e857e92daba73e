"""How large a scenario's figures can become over the plan, and the bound they must stay under.

A loan left unpaid grows each month by at most its highest rate (normal,
promotional or penalty) and a late fee of `late_fee` plus `late_fee_percent`
of what is due (money-model.md, steps 1-7), so after T months it owes at most

    (B + T * late_fee) * ((1 + r_max) * (1 + late_fee_percent)) ** T.

The cash grows by the savings rate: (starting cash + budgets + inflows) *
(1 + savings_rate / 12) ** T. Real terms stay far below MAX_GROWTH even over
600 months; terms that pass it (100 % a month for 50 years) are no lender's,
and the figures they make mean nothing (and overflow the solver's floats),
so the scenario is refused, naming the field that drives the growth.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..errors import FieldIssue
from .limits import MAX_GROWTH, MAX_GROWTH_TEXT
from .loans import LoanContract
from .months import month_index
from .offers import BorrowOffer, HardshipPlan
from .scenario import Scenario

_LOG_LIMIT = math.log10(MAX_GROWTH)


@dataclass(frozen=True, slots=True)
class _Rate:
    monthly: Fraction
    field: str


def _rates(loan: LoanContract) -> list[_Rate]:
    """The monthly rates a loan can charge, each with the field that sets it."""
    own = "daily_rate" if loan.daily_rate is not None else "annual_rate"
    rates = [_Rate(loan.monthly_rate, own)]
    if loan.promo_monthly_rate is not None:
        rates.append(_Rate(loan.promo_monthly_rate, "promo_rate"))
    penalty_field = "penalty_rate" if loan.penalty_rate is not None else "penalty_multiplier"
    for month in (1, loan.promo_months + 1):
        rates.append(_Rate(loan.penalty_rate_in_month(month), penalty_field))
    return rates


def _log10_worst(base: Decimal, rate: Fraction, late_fee_percent: Decimal, months: int) -> float:
    if base <= 0:
        return -math.inf
    return math.log10(base) + months * (math.log1p(float(rate)) + math.log1p(float(late_fee_percent))) / math.log(10)


def _about(log10_value: float) -> str:
    exponent = math.floor(log10_value)
    return f"{10 ** (log10_value - exponent):.1f} x 10^{exponent}"


def _loan_issue(path: str, what: str, base: Decimal, loan: LoanContract, extra: list[_Rate], months: int,
                currency: str) -> Iterator[FieldIssue]:
    top = max([*_rates(loan), *extra], key=lambda rate: rate.monthly)
    worst = _log10_worst(base, top.monthly, loan.late_fee_percent, months)
    if worst <= _LOG_LIMIT:
        return
    field = top.field if top.monthly >= Fraction(loan.late_fee_percent) else "late_fee_percent"
    yield FieldIssue(
        f"{path}.{field}",
        f"left unpaid, {what} could grow to about {_about(worst)} {currency} in the plan's {months} months "
        f"(up to {float(top.monthly) * 100:.3g} % a month, with late fees of {float(loan.late_fee_percent) * 100:.3g} "
        f"% of what is due), beyond the {MAX_GROWTH_TEXT} debtopt can plan with; no lender's terms do this: "
        "check the rate (rates are decimals: 0.18 means 18 %) or plan fewer horizon_months",
    )


def check_growth(scenario: Scenario) -> Iterator[FieldIssue]:
    """Every loan, every loan an offer opens or converts, and the cash stay under MAX_GROWTH."""
    months, currency = scenario.horizon_months, scenario.currency
    loans = {loan.id: loan for loan in scenario.loans}
    for i, loan in enumerate(scenario.loans):
        base = loan.balance + months * loan.late_fee
        yield from _loan_issue(f"loans[{i}]", "this loan", base, loan, [], months, currency)
    for j, offer in enumerate(scenario.offers):
        left = max(0, months - month_index(scenario.start, offer.available_from))
        if isinstance(offer, BorrowOffer):
            base = offer.max_amount * (1 + offer.fee_added_percent) + left * offer.loan.late_fee
            yield from _loan_issue(f"offers[{j}].loan", "the loan this offer opens", base, offer.loan, [], left,
                                   currency)
        elif isinstance(offer, HardshipPlan) and offer.loan in loans:
            yield from _hardship_issue(scenario, j, offer, loans[offer.loan], left)
    yield from _cash_issue(scenario)


def _hardship_issue(scenario: Scenario, j: int, offer: HardshipPlan, loan: LoanContract, left: int
                    ) -> Iterator[FieldIssue]:
    """The converted loan follows the plan's rate, with the original loan's penalty rate and late fees."""
    field = "daily_rate" if offer.daily_rate is not None else "annual_rate"
    monthly = (Fraction(offer.daily_rate) * 30 if offer.daily_rate is not None
               else Fraction(offer.annual_rate or 0) / 12)
    multiplier = Fraction(loan.penalty_multiplier) if loan.penalty_multiplier is not None else Fraction(1)
    rates = [_Rate(monthly, field)] + ([] if loan.penalty_rate is not None else [_Rate(multiplier * monthly, field)])
    own = max(_rates(loan), key=lambda rate: rate.monthly)
    if max(rate.monthly for rate in rates) <= own.monthly:
        return  # no faster than the loan itself, which is checked on its own
    balance = scenario.loans[scenario.loan_index(offer.loan)].balance * (1 + offer.fee_percent)
    worst = [*_loan_issue(f"offers[{j}]", "the loan this plan converts", balance + left * loan.late_fee, loan, rates,
                          scenario.horizon_months, scenario.currency)]
    yield from (FieldIssue(f"offers[{j}].{field}", issue.message) for issue in worst[:1])


def _cash_issue(scenario: Scenario) -> Iterator[FieldIssue]:
    budget, months = scenario.budget, scenario.horizon_months
    monthly = max([budget.monthly, *(change.monthly for change in budget.changes)])
    base = budget.starting_cash + months * monthly + sum((inflow.amount for inflow in budget.inflows), Decimal(0))
    worst = _log10_worst(base, Fraction(budget.savings_rate) / 12, Decimal(0), months)
    if worst <= _LOG_LIMIT:
        return
    field = "budget.savings_rate" if math.log10(base) <= _LOG_LIMIT else "budget.monthly"
    yield FieldIssue(
        field,
        f"the cash over the plan (budgets, inflows and savings interest) could reach about {_about(worst)} "
        f"{scenario.currency}, beyond the {MAX_GROWTH_TEXT} debtopt can plan with; amounts are in the currency's "
        "units (not cents) and savings_rate is a yearly decimal (0.02 means 2 %)",
    )
