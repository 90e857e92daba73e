"""Reason codes on designed cases, and the message catalogues."""

from __future__ import annotations

import string
from typing import Any

from debtopt.domain import scenario_from_dict
from debtopt.report.analysis import build_report
from debtopt.report.i18n import CATALOGUE, check_catalogues, Formatter
from debtopt.report.reasons import codes, explain
from debtopt.strategies import run_strategy


def _scenario(loans: list[dict[str, Any]], monthly: float, horizon: int = 12, **budget: Any) -> Any:
    return scenario_from_dict({"currency": "CNY", "start": "2027-01", "horizon_months": horizon,
                               "budget": {"monthly": monthly, **budget}, "loans": loans})


def _reason(explanations: list[dict[str, Any]], month: int, loan_id: str, code: str) -> dict[str, Any]:
    for m in explanations:
        if m["month"] == month:
            for loan in m["loans"]:
                if loan["id"] == loan_id:
                    for r in loan["reasons"]:
                        if r["code"] == code:
                            return r
    raise AssertionError(f"no {code} for {loan_id} in month {month}: {codes(explanations, month, loan_id)}")


def test_loan_one_month_from_escalation_is_paid_first() -> None:
    scenario = _scenario([
        {"id": "dear", "kind": "revolving", "balance": 5000, "annual_rate": 0.36, "min_percent": 0.1},
        {"id": "behind", "kind": "installment", "balance": 3000, "annual_rate": 0.12, "installment": 500,
         "arrears": 500, "months_overdue": 2, "escalation_months": 3},
    ], monthly=1100)
    data = build_report(scenario, use_optimizer=False, sections=frozenset())
    ex = data["explanations"]
    stop = _reason(ex, 1, "behind", "stop_escalation")
    assert stop["months_overdue"] == 2 and stop["escalation_month"] == 1 and stop["escalation_months"] == 3
    short = _reason(ex, 1, "dear", "short_for_urgent")
    assert short["other"] == "behind" and short["other_run"] == 2
    assert data["totals"]["escalations"] == 0


def test_higher_rate_loan_gets_the_extra_cash() -> None:
    scenario = _scenario([
        {"id": "cheap", "kind": "revolving", "balance": 4000, "annual_rate": 0.12, "min_percent": 0.05},
        {"id": "dear", "kind": "revolving", "balance": 4000, "annual_rate": 0.30, "min_percent": 0.05},
    ], monthly=1500)
    plan = run_strategy(scenario, "avalanche")
    ex = explain(scenario, plan)
    dearest = _reason(ex, 1, "dear", "dearest")
    assert dearest["other"] == "cheap" and dearest["rate"] == 0.3 and dearest["other_rate"] == 0.12
    row = {lm.id: lm for lm in plan.months[0].loans}
    assert dearest["extra"] == float(row["dear"].payment - row["dear"].due) == 1500 - 202 - 205
    assert codes(ex, 1, "cheap") == ["min_due"]
    closing = next(m.month for m in plan.months for lm in m.loans if lm.id == "dear" and lm.closed)
    assert "close" in codes(ex, closing, "dear")


def test_snowball_extra_on_a_cheaper_loan_says_so() -> None:
    scenario = _scenario([
        {"id": "small", "kind": "revolving", "balance": 1000, "annual_rate": 0.10, "min_percent": 0.05},
        {"id": "dear", "kind": "revolving", "balance": 4000, "annual_rate": 0.30, "min_percent": 0.05},
    ], monthly=800)
    ex = explain(scenario, run_strategy(scenario, "snowball"))
    r = _reason(ex, 1, "small", "extra_not_dearest")
    assert r["other"] == "dear" and r["other_rate"] == 0.3


def test_cash_kept_for_a_larger_due_next_month() -> None:
    scenario = _scenario([
        {"id": "loan", "kind": "installment", "balance": 3000, "annual_rate": 0.0, "installment": 1000},
    ], monthly=1000, changes=[{"from": "2027-02", "monthly": 500}])
    ex = explain(scenario, run_strategy(scenario, "minimum"))
    month1 = ex[0]["reasons"]
    assert month1 == [] or all(r["code"] != "save_next" for r in month1)
    scenario = _scenario([
        {"id": "loan", "kind": "installment", "balance": 3000, "annual_rate": 0.0, "installment": 1000},
    ], monthly=1200, changes=[{"from": "2027-02", "monthly": 500}])
    ex = explain(scenario, run_strategy(scenario, "minimum"))
    save = next(r for r in ex[0]["reasons"] if r["code"] == "save_next")
    assert save == {"code": "save_next", "saved": 200.0, "next_due": 1000.0, "next_cash": 500.0}


def test_due_larger_than_all_the_cash_and_escalation() -> None:
    scenario = _scenario([
        {"id": "big", "kind": "installment", "balance": 9000, "annual_rate": 0.12, "installment": 500,
         "arrears": 4000, "months_overdue": 2},
        {"id": "small", "kind": "revolving", "balance": 1000, "annual_rate": 0.2, "min_percent": 0.1},
    ], monthly=1000)
    ex = explain(scenario, run_strategy(scenario, "urgency"))
    assert {"still_overdue", "short_too_big", "escalated"} <= set(codes(ex, 1, "big"))
    assert ex[0]["reasons"][0]["code"] == "short_cash_month"


def test_promotional_rate_about_to_end() -> None:
    scenario = _scenario([
        {"id": "promo", "kind": "revolving", "balance": 3000, "annual_rate": 0.24, "promo_rate": 0.0,
         "promo_months": 2, "min_percent": 0.02},
        {"id": "other", "kind": "revolving", "balance": 3000, "annual_rate": 0.18, "min_percent": 0.02},
    ], monthly=1000)
    ex = explain(scenario, run_strategy(scenario, "avalanche"))
    r = _reason(ex, 2, "promo", "promo_ending")
    assert r["promo_end_month"] == 2 and r["rate"] == 0.24


def test_penalty_rate_is_the_dearest_money() -> None:
    scenario = _scenario([
        {"id": "late", "kind": "installment", "balance": 2000, "annual_rate": 0.18, "penalty_multiplier": 2,
         "installment": 200, "arrears": 200, "months_overdue": 1},
        {"id": "card", "kind": "revolving", "balance": 2000, "annual_rate": 0.24, "min_percent": 0.1},
    ], monthly=1000)
    ex = explain(scenario, run_strategy(scenario, "urgency"))
    r = _reason(ex, 1, "late", "dearest_penalty")
    assert r["rate"] == 0.36 and r["other"] == "card"


def test_catalogues_complete_with_the_same_placeholders() -> None:
    assert check_catalogues() == []

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, text in CATALOGUE["en"].items():
        assert fields(text) == fields(CATALOGUE["zh"][key]), key


def test_amounts_and_months_per_language() -> None:
    en = Formatter("en", "USD", "2027-01")
    zh = Formatter("zh", "CNY", "2027-01")
    assert en.money(1234.56) == "$1,234.56" and zh.money(1234.56) == "¥1,234.56"
    assert en.month(3) == "Mar 2027" and zh.month(3) == "2027年3月" and zh.month(13) == "2028年1月"
    assert en.rate(0.1825) == "18.25%"
