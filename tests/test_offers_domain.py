"""Offers in scenario files (offers.md) and the bullet loan kind: parsing, validation, the ledger's bullet rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from debtopt.domain import scenario_from_dict
from debtopt.domain.offers import AssetSale, BorrowOffer, HardshipPlan
from debtopt.errors import OptionError, ScenarioError
from debtopt.strategies import run_strategy
from caps import NO_CAP_SECONDS

BASE: dict[str, Any] = {
    "currency": "CNY",
    "start": "2027-01",
    "horizon_months": 24,
    "budget": {"monthly": 2000},
    "loans": [
        {"id": "card", "kind": "revolving", "balance": 8000, "daily_rate": 0.0005, "min_percent": 0.1},
        {"id": "weilidai", "kind": "installment", "balance": 6000, "daily_rate": 0.0005, "term_months": 12,
         "arrears": 600, "months_overdue": 2, "penalty_multiplier": 1.5},
    ],
    "offers": [
        {"id": "bank", "kind": "consolidation", "available_from": "2027-02", "available_until": "2027-06",
         "min_amount": 5000, "max_amount": 15000, "fee_added_percent": 0.05, "pays": ["card", "weilidai"],
         "loan": {"kind": "installment", "annual_rate": 0.125, "term_months": 24, "method": "annuity"}},
        {"id": "mum", "kind": "cash-loan", "available_from": "2027-01", "available_until": "2027-12",
         "max_amount": 15000, "loan": {"kind": "bullet", "annual_rate": 0, "due_month": 12}},
        {"id": "transfer", "kind": "balance-transfer", "available_from": "2027-01", "available_until": "2027-03",
         "max_amount": 8000, "fee_deducted_percent": 0.03, "pays": ["card"],
         "loan": {"kind": "revolving", "annual_rate": 0.2124, "promo_rate": 0, "promo_months": 18,
                  "min_percent": 0.02, "min_floor": 35}},
        {"id": "car", "kind": "asset-sale", "available_from": "2027-03", "available_until": "2027-08",
         "amount": 12000, "keep_value": 2000},
        {"id": "extend", "kind": "hardship-plan", "loan": "weilidai", "available_from": "2027-01",
         "available_until": "2027-04", "term_months": 24, "method": "equal-principal", "daily_rate": 0.0003,
         "fee_percent": 0.01, "grace_months": 2, "waive_percent": 0.5},
    ],
}


def with_change(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def test_every_kind_parses() -> None:
    scenario = scenario_from_dict(BASE)
    kinds = [type(o) for o in scenario.offers]
    assert kinds == [BorrowOffer, BorrowOffer, BorrowOffer, AssetSale, HardshipPlan]
    assert scenario.offers[1].loan.kind == "bullet"
    assert scenario.offer_index("car") == 3


@pytest.mark.parametrize(("path", "value", "field"), [
    (["offers", 0, "pays", 1], "nope", "offers[0].pays[1]"),
    (["offers", 2, "pays", 0], "weilidai", "offers[2].pays[0]"),  # a transfer pays revolving loans only
    (["offers", 0, "available_until"], "2031-01", "offers[0].available_until"),
    (["offers", 0, "available_from"], "2027-09", "offers[0].available_until"),  # window runs backwards
    (["offers", 4, "loan"], "nope", "offers[4].loan"),
    (["offers", 0, "min_amount"], 20000, "offers[0].min_amount"),
    (["offers", 1, "pays"], ["card"], "offers[1].pays"),
    (["offers", 3, "id"], "card", "offers[3].id"),
    (["offers", 3, "id"], "bank", "offers[3].id"),
    (["offers", 1, "loan", "due_month"], None, "offers[1].loan.due_month"),
    (["offers", 0, "loan", "daily_rate"], 0.0005, "offers[0].loan.daily_rate"),
    (["offers", 0, "kind"], "payday", "offers[0].kind"),
    (["offers", 3, "colour"], "red", "offers[3].colour"),
    (["offers", 4, "waive_percent"], 1.5, "offers[4].waive_percent"),
])
def test_bad_offers_name_the_field(path: list[Any], value: Any, field: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(with_change(path, value))
    assert field in [issue.path for issue in caught.value.issues], caught.value.issues


def test_bullet_owes_nothing_until_due_then_everything() -> None:
    data = {"start": "2027-01", "horizon_months": 6, "budget": {"monthly": 100},
            "loans": [{"id": "mum", "kind": "bullet", "balance": 300, "annual_rate": 0.12, "due_month": 2}]}
    plan = run_strategy(scenario_from_dict(data), "minimum")
    dues = [float(m.loans[0].due) for m in plan.months]
    # months 1-2: nothing due, interest 1 % a month accrues (3.00, then 3.03);
    # month 3: the whole D = 306.03 + round(0.01 * 306.03) = 309.09 is due; cash 300 falls short.
    assert dues[:3] == [0.0, 0.0, 309.09]
    assert not plan.months[1].loans[0].overdue and plan.months[2].loans[0].overdue


def test_bullet_rejects_installment_fields() -> None:
    data = {"start": "2027-01", "horizon_months": 6, "budget": {"monthly": 100},
            "loans": [{"id": "mum", "kind": "bullet", "balance": 300, "annual_rate": 0, "due_month": 2,
                       "term_months": 3}]}
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data)
    assert [i.path for i in caught.value.issues] == ["loans[0].term_months"]


def test_custom_strategy_takes_the_offers_named() -> None:
    from debtopt.domain import scenario_from_dict
    from debtopt.strategies import parse_takes, run_strategy

    scenario = scenario_from_dict(BASE)
    takes = parse_takes(scenario, ["bank:2027-02:8000", "car:2027-03", "mum:1:3000"])
    assert [(t.offer, t.month, t.amount) for t in takes] == [("bank", 2, 800000), ("car", 3, None), ("mum", 1, 300000)]
    plan = run_strategy(scenario, "custom", ["card", "weilidai"], takes)
    assert [(d.offer, d.month) for d in plan.decisions] == [("mum", 1), ("bank", 2), ("car", 3)]
    # the consolidation's proceeds went to its loans: nothing was lost
    assert plan.decisions[1].unused == 0
    assert any(r.id == "bank" for m in plan.months for r in m.loans)


@pytest.mark.parametrize(("texts", "words"), [
    (["bank"], "not OFFER:MONTH[:AMOUNT]"),
    (["nope:1"], "no offer 'nope'"),
    (["bank:2027-13:100"], "not a real month"),
    (["bank:99:100"], "outside the plan"),
    (["bank:2:lots"], "'lots' is not an amount"),
])
def test_take_errors_name_the_parameter(texts: list[str], words: str) -> None:
    from debtopt.strategies import parse_takes

    with pytest.raises(OptionError) as caught:
        parse_takes(scenario_from_dict(BASE), texts)
    assert caught.value.issues[0].path == "takes" and words in caught.value.issues[0].message


def test_heuristics_take_no_offers() -> None:
    from debtopt.strategies import parse_takes

    scenario = scenario_from_dict(BASE)
    with pytest.raises(OptionError, match="takes: heuristics take no offers"):
        run_strategy(scenario, "avalanche", None, parse_takes(scenario, ["car:3"]))


def test_optimizer_weighs_every_offer() -> None:
    from debtopt.domain.options import solve_options
    from debtopt.ledger import Ledger, replay
    from debtopt.optimize import optimize

    scenario = scenario_from_dict(BASE)
    plan = optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS))
    assert not any("does not weigh" in note for note in plan.notes)
    ledger = Ledger(scenario)
    assert replay(ledger, plan.to_schedule(ledger.account_ids)).rank_key() == plan.rank_key()
