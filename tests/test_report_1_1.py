"""The report on money model 1.1: an account already in collection, a settlement, in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest

import debtopt
from debtopt.domain import scenario_from_dict
from caps import NO_CAP_SECONDS

SCENARIO: dict[str, Any] = {
    "currency": "CNY", "language": "zh", "start": "2027-01", "horizon_months": 18, "budget": {"monthly": 3000},
    "loans": [
        {"id": "card", "name": "招商银行信用卡", "lender": "招商银行", "kind": "revolving", "balance": 20000,
         "daily_rate": 0.0005, "penalty_multiplier": 1.5, "min_percent": 0.1, "late_fee_percent": 0.05,
         "arrears": 6000, "months_overdue": 4, "escalation_months": 3},
        {"id": "huabei", "name": "花呗", "lender": "蚂蚁", "kind": "revolving", "balance": 6000, "daily_rate": 0.0005,
         "min_percent": 0.1},
    ],
    "offers": [{"id": "deal", "name": "招行 结清减免", "kind": "settlement", "loan": "card",
                "available_from": "2027-02", "available_until": "2027-04", "percent": 0.5, "instalments": 3}],
}


@pytest.fixture(scope="module")
def planned() -> tuple[Any, Any]:
    scenario = scenario_from_dict(SCENARIO)
    return scenario, debtopt.optimize(scenario, time_limit_seconds=NO_CAP_SECONDS)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["招商银行信用卡 is already in collection", "a settlement for less than is owed",
            "招商银行信用卡 (already in collection)", "accept 招行 结清减免", "is forgiven by the settlement",
            "the lender takes 50% of what it owes, in 3 monthly parts", "Acceptance of a settlement",
            "I accept your offer 招行 结清减免"]),
    ("zh", ["招商银行信用卡已经进入催收", "一次性结清减免", "招商银行信用卡（已在催收中）", "接受招行 结清减免",
            "结清减免了", "贷款机构收欠款的 50%，分 3 期还", "结清减免确认书", "我接受贵方的招行 结清减免"]),
])
def test_the_report_says_what_collection_means_and_names_the_settlement(planned: tuple[Any, Any], lang: str,
                                                                        words: list[str]) -> None:
    scenario, plan = planned
    assert [d.kind for d in plan.decisions] == ["settlement"]
    text = debtopt.render(plan, scenario, format="text", lang=lang)
    text = re.sub(r"\s*\n\s*", " ", text)  # lines wrapped at 120 columns, run together
    squeeze = (lambda t: re.sub(r"\s", "", t)) if lang == "zh" else (lambda t: t)  # Chinese wraps between any two
    for phrase in words:
        assert squeeze(phrase) in squeeze(text), phrase


def test_no_reason_tells_an_account_in_collection_that_paying_keeps_it_out(planned: tuple[Any, Any]) -> None:
    import json

    scenario, plan = planned
    report = json.loads(debtopt.render(plan, scenario, format="json", lang="en"))
    codes = [(r["code"], r.get("account")) for month in report["explanations"] for account in month["accounts"]
             for r in account["reasons"]]
    assert ("stop_escalation", "card") not in codes and ("settled", "card") in codes
