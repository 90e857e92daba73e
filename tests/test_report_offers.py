"""Offers in reports: each offer's terms, all-in annual cost and the legal line, the plan's decision, its worth."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from debtopt.analysis.reasons import explain
from debtopt.analysis.report_data import build_report_data
from debtopt.domain import load_scenario, scenario_from_dict
from debtopt.api import optimize
from debtopt.report.render import render
from debtopt.strategies import best_heuristic, parse_takes, run_strategy
from caps import NO_CAP_SECONDS

ROOT = Path(__file__).resolve().parents[1]

ONLINE: dict[str, Any] = {
    "id": "online", "name": "网贷", "kind": "cash-loan", "available_from": "2027-01", "available_until": "2027-06",
    "max_amount": 10000, "fee_deducted_percent": 0.05,
    "loan": {"kind": "installment", "daily_rate": 0.001, "term_months": 12, "method": "annuity"},
}


def scenario_with_online_loan() -> Any:
    data = {
        "currency": "CNY", "language": "zh", "start": "2027-01", "horizon_months": 24,
        "budget": {"monthly": 2500},
        "loans": [{"id": "card", "name": "信用卡", "kind": "revolving", "balance": 12000, "daily_rate": 0.0005,
                   "min_percent": 0.1, "late_fee_percent": 0.05}],
        "offers": [copy.deepcopy(ONLINE)],
    }
    return scenario_from_dict(data)


def test_report_lists_offers_with_cost_the_current_legal_rule_and_the_decision() -> None:
    scenario = scenario_with_online_loan()
    doc = build_report_data(scenario, best_heuristic(scenario), sections=frozenset())
    (offer,) = doc.offers
    assert offer.crosses == 0.36 and offer.annual_rate is not None and offer.annual_rate > 0.36
    assert offer.taken_month is None and [a.offer for a in doc.actions.refuse] == ["online"]
    text = render(doc, "markdown", "en")
    assert "all-in cost" in text and "Above 36 % a year" in text and "four times the one-year LPR" in text
    assert "amended 2020" in text and "2015" not in text and "does not take it" in text
    zh = render(doc, "markdown", "zh")
    assert "综合年化成本" in zh and "超过 36%" in zh and "一年期 LPR 四倍" in zh and "不要借网贷" in zh


def test_reasons_cover_an_offers_new_loan() -> None:
    scenario = scenario_with_online_loan()
    plan = run_strategy(scenario, "custom", ["card", "online"], parse_takes(scenario, ["online:1:10000"]))
    coded = {a.id for month in explain(scenario, plan) for a in month.accounts}
    assert "online" in coded  # the new loan's payments are explained like any loan's
    doc = build_report_data(scenario, plan, sections=frozenset())
    assert [a.id for a in doc.accounts] == ["card", "online"] and "网贷" in render(doc, "text", "zh")


def test_examples_with_offers_report_in_both_languages() -> None:
    scenario = load_scenario(ROOT / "examples" / "us-consolidation.toml")
    doc = build_report_data(scenario, best_heuristic(scenario), sections=frozenset({"comparison"}))
    assert {o.id for o in doc.offers} == {"transfer", "consolidation"}
    for lang in ("en", "zh"):
        assert render(doc, "html", lang)


def test_report_says_what_an_offer_taken_is_worth() -> None:
    """The installment's due (1,000) is above the budget (600): without the bike's sale the loan
    escalates; the optimizer sells it, and the report says what the plan would lose without it."""
    data = {
        "currency": "USD", "start": "2027-01", "horizon_months": 18, "budget": {"monthly": 600},
        "loans": [{"id": "car-loan", "kind": "installment", "balance": 10000, "annual_rate": 0.12,
                   "installment": 1000, "late_fee": 50, "escalation_months": 3}],
        "offers": [{"id": "bike", "name": "Bike", "kind": "asset-sale", "available_from": "2027-02",
                    "available_until": "2027-04", "amount": 6000, "keep_value": 500}],
    }
    scenario = scenario_from_dict(data)
    doc = build_report_data(scenario, optimize(scenario, time_limit_seconds=NO_CAP_SECONDS), sections=frozenset())
    (offer,) = doc.offers
    assert offer.taken_month is not None and offer.worth is not None
    assert offer.worth.escalations is not None and offer.worth.escalations >= 1 and offer.worth.proved
    assert any(a.kind == "sell" and a.offer == "bike" for a in doc.actions.this_month + doc.actions.next_month)
    text = render(doc, "markdown", "en")
    assert "Without it the best plan would have" in text and "more account in legal collection" in text
    assert "不用它，最优计划会" in render(doc, "markdown", "zh")
