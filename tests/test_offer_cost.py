"""The all-in annual cost of an offer: IRR of its flows, fees included, flagged at 24 % and 36 %."""

from __future__ import annotations

import copy
from typing import Any

import numpy_financial as npf
import pytest

from debtopt.domain import scenario_from_dict
from debtopt.ledger.offer_cost import offer_cost

BASE: dict[str, Any] = {
    "currency": "CNY",
    "start": "2027-01",
    "horizon_months": 24,
    "budget": {"monthly": 2000},
    "loans": [{"id": "card", "kind": "revolving", "balance": 8000, "daily_rate": 0.0005, "min_percent": 0.1}],
    "offers": [
        {"id": "online", "kind": "cash-loan", "available_from": "2027-01", "available_until": "2027-12",
         "max_amount": 10000,
         "loan": {"kind": "installment", "daily_rate": 0.001, "term_months": 12, "method": "annuity"}},
    ],
}


def scenario(**changes: Any) -> Any:
    data = copy.deepcopy(BASE)
    data["offers"][0].update(changes)
    return scenario_from_dict(data)


def test_annuity_without_fees_costs_its_own_rate() -> None:
    # daily 0.1 % x 30 = 3 % a month: the IRR of an annuity at 3 % is 3 %, 36 % a year nominal.
    cost = offer_cost(scenario(), "online")
    assert cost.monthly_irr == pytest.approx(0.03, abs=2e-5)  # cents of rounding in the level payment
    assert cost.annual_rate == pytest.approx(0.36, abs=3e-4)
    assert cost.effective_annual_rate == pytest.approx(1.03**12 - 1, abs=3e-4)
    assert npf.irr(cost.flows) == pytest.approx(cost.monthly_irr, abs=1e-9)


def test_fees_raise_the_all_in_cost_and_it_is_flagged() -> None:
    # 5 % deducted up front on 10,000: receive 9,500, repay the same 12 dues.
    cost = offer_cost(scenario(fee_deducted_percent=0.05), "online")
    assert cost.received == 950000
    assert cost.annual_rate > 0.36
    assert npf.irr(cost.flows) == pytest.approx(cost.monthly_irr, abs=1e-9)
    assert cost.crosses == 0.36


def test_between_the_lines_is_flagged_at_24() -> None:
    cheaper = copy.deepcopy(BASE["offers"][0]["loan"]) | {"daily_rate": 0.0008}  # 2.4 % a month, 28.8 % a year
    cost = offer_cost(scenario(loan=cheaper), "online")
    assert 0.24 < cost.annual_rate < 0.36
    assert cost.crosses == 0.24


def test_a_family_loan_at_zero_costs_nothing() -> None:
    family = {"kind": "bullet", "annual_rate": 0, "due_month": 12}
    cost = offer_cost(scenario(loan=family), "online", amount_cents=500000)
    assert cost.payments == [0] * 12 + [500000]
    assert cost.annual_rate == 0.0 and cost.crosses is None


def test_only_loans_have_a_rate() -> None:
    data = copy.deepcopy(BASE)
    data["offers"].append({"id": "car", "kind": "asset-sale", "available_from": "2027-02",
                           "available_until": "2027-03", "amount": 3000})
    with pytest.raises(ValueError, match="not a loan"):
        offer_cost(scenario_from_dict(data), "car")
