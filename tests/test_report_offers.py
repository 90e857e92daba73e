"""Offers in reports: each offer's terms, all-in annual cost and flags, the plan's decision; reasons with new loans."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from debtopt.domain import load_scenario, scenario_from_dict
from debtopt.report.analysis import build_report
from debtopt.report.document import build_document
from debtopt.report.reasons import explain
from debtopt.report.render import render
from debtopt.strategies import parse_takes, run_strategy

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


def test_report_lists_offers_with_cost_flag_and_decision() -> None:
    scenario = scenario_with_online_loan()
    data = build_report(scenario, "en", use_optimizer=False, sections=frozenset())
    (offer,) = data["offers"]
    assert offer["crosses"] == 0.36 and offer["annual_rate"] > 0.36 and offer["taken"] is None
    text = render(scenario, data, "markdown", "en")
    assert "all-in cost" in text and "above 36 %" in text and "does not take it" in text
    zh = render(scenario, build_report(scenario, "zh", use_optimizer=False, sections=frozenset()), "markdown", "zh")
    assert "综合年化成本" in zh and "超过 36%" in zh


def test_reasons_cover_an_offers_new_loan() -> None:
    scenario = scenario_with_online_loan()
    plan = run_strategy(scenario, "custom", ["card", "online"], parse_takes(scenario, ["online:1:10000"]))
    months = explain(scenario, plan)
    coded = {loan["id"] for month in months for loan in month["loans"]}
    assert "online" in coded  # the new loan's payments are explained like any loan's
    blocks = build_document(scenario, build_report(scenario, "zh", use_optimizer=False, sections=frozenset()), "zh")
    assert blocks


def test_examples_with_offers_report_in_both_languages() -> None:
    scenario = load_scenario(ROOT / "examples" / "us-consolidation.toml")
    for lang in ("en", "zh"):
        data = build_report(scenario, lang, use_optimizer=False, sections=frozenset({"comparison"}))
        assert {o["id"] for o in data["offers"]} == {"transfer", "consolidation"}
        assert render(scenario, data, "html", lang)


def test_report_says_what_an_offer_taken_is_worth() -> None:
    """The installment's due (1,000) is above the budget (600): without the bike's sale the loan
    escalates; the optimizer sells it, and the report says what the plan would lose without it."""
    data = {
        "currency": "USD", "start": "2027-01", "horizon_months": 18, "budget": {"monthly": 600},
        "loans": [{"id": "car-loan", "kind": "installment", "balance": 10000, "annual_rate": 0.12,
                   "installment": 1000, "late_fee": 50, "escalation_months": 3}],
        "offers": [{"id": "bike", "kind": "asset-sale", "available_from": "2027-02", "available_until": "2027-04",
                    "amount": 6000, "keep_value": 500}],
    }
    scenario = scenario_from_dict(data)
    report = build_report(scenario, "en", use_optimizer=True, time_limit=30, sections=frozenset())
    (offer,) = report["offers"]
    assert offer["taken"] is not None
    assert offer["worth"]["escalations"] >= 1 and offer["worth"]["proved"]
    text = render(scenario, report, "text", "en")
    assert "Without it, the best plan would have" in text and "more account(s) escalating" in text
    assert "不用它" in render(scenario, build_report(scenario, "zh", use_optimizer=True, time_limit=30,
                                                       sections=frozenset()), "text", "zh")
