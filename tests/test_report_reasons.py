"""Reason codes on designed cases: each code appears where it must; contradictory pairs never do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from debtopt.analysis.document import ReasonCode
from debtopt.analysis.reasons import codes, explain
from debtopt.analysis.report_data import build_report_data
from debtopt.domain import load_scenario, scenario_from_dict
from debtopt.report.render import render
from debtopt.strategies import HEURISTICS, parse_takes, run_strategy

from report_checks import check_reasons_agree, check_rows_add_up

ROOT = Path(__file__).resolve().parents[1]
FAST = frozenset({"comparison", "letters", "value"})  # no re-solve: heuristic plans


def _scenario(loans: list[dict[str, Any]], monthly: float, horizon: int = 12, offers: Any = (), **budget: Any) -> Any:
    return scenario_from_dict({"currency": "CNY", "language": "zh", "start": "2027-01", "horizon_months": horizon,
                               "budget": {"monthly": monthly, **budget}, "loans": loans, "offers": list(offers)})


def _reason(ex: Any, month: int, account: str, code: ReasonCode) -> dict[str, Any]:
    for m in ex:
        if m.month == month:
            for a in m.accounts:
                if a.id == account:
                    for r in a.reasons:
                        if r.code == code:
                            return r.values
    raise AssertionError(f"no {code} for {account} in month {month}: {codes(ex, month, account)}")


BEHIND = {"id": "behind", "name": "微粒贷", "lender": "WeBank", "kind": "installment", "balance": 3000,
          "annual_rate": 0.12, "installment": 500, "arrears": 500, "months_overdue": 2, "escalation_months": 3}
HARDSHIP = {"id": "fenqi", "name": "微粒贷 个性化分期", "kind": "hardship-plan", "loan": "behind",
            "available_from": "2027-01", "available_until": "2027-02", "term_months": 12, "annual_rate": 0.1,
            "grace_months": 1, "waive_percent": 0.5}


def test_a_loan_one_month_from_collection_is_paid_and_the_other_is_short_for_it() -> None:
    scenario = _scenario([{"id": "dear", "kind": "revolving", "balance": 5000, "annual_rate": 0.36, "min_percent": 0.1},
                          BEHIND], monthly=1100)
    ex = explain(scenario, run_strategy(scenario, "urgency"))
    stop = _reason(ex, 1, "behind", ReasonCode.STOP_ESCALATION)
    assert stop["months_overdue"] == 2 and stop["escalation_month"] == 1
    short = _reason(ex, 1, "dear", ReasonCode.SHORT_FOR_ESCALATION)
    assert short["other"] == "behind" and short["other_run"] == 2
    assert ReasonCode.SHORT_FOR_ESCALATION not in codes(ex, 1, "behind")


def test_an_accepted_hardship_plan_is_the_reason_and_nothing_calls_the_loan_overdue() -> None:
    scenario = _scenario([{"id": "card", "kind": "revolving", "balance": 4000, "annual_rate": 0.18,
                           "min_percent": 0.1}, BEHIND], monthly=900, offers=[HARDSHIP])
    plan = run_strategy(scenario, "custom", ["card", "behind"], parse_takes(scenario, ["fenqi:1"]))
    ex = explain(scenario, plan)
    accepted = _reason(ex, 1, "behind", ReasonCode.HARDSHIP_ACCEPTED)
    assert accepted["offer"] == "fenqi" and accepted["first_month"] == 3 and accepted["waived"] >= 0
    assert not {ReasonCode.STILL_OVERDUE, *[c for c in ReasonCode if c.startswith("short")]} & set(codes(ex, 1, "behind"))
    doc = build_report_data(scenario, plan, sections=FAST)
    check_reasons_agree(doc)
    assert [a.kind for a in doc.actions.this_month][0] == "ask_hardship"
    (letter,) = doc.letters
    assert letter.purpose == "hardship" and letter.offer == "fenqi" and letter.lender == "WeBank"
    zh = render(doc, "text", "zh")
    assert "联系WeBank，申请“微粒贷 个性化分期”" in zh and "协商还款申请书" in zh and "____年__月__日" in zh


def test_the_dearest_debt_gets_the_extra_and_a_tie_is_called_a_tie() -> None:
    scenario = _scenario([{"id": "cheap", "kind": "revolving", "balance": 4000, "annual_rate": 0.12, "min_percent": 0.05},
                          {"id": "dear", "kind": "revolving", "balance": 4000, "annual_rate": 0.30, "min_percent": 0.05}],
                         monthly=1500)
    ex = explain(scenario, run_strategy(scenario, "avalanche"))
    dearest = _reason(ex, 1, "dear", ReasonCode.EXTRA_DEAREST)
    assert dearest["other"] == "cheap" and float(dearest["rate"]) == 0.3 and float(dearest["other_rate"]) == 0.12
    assert codes(ex, 1, "cheap") == ["due_paid"]
    tied = _scenario([{"id": "a", "kind": "revolving", "balance": 4000, "annual_rate": 0.18, "min_percent": 0.05},
                      {"id": "b", "kind": "revolving", "balance": 5000, "annual_rate": 0.18, "min_percent": 0.05}],
                     monthly=1500)
    ex = explain(tied, run_strategy(tied, "snowball"))
    assert _reason(ex, 1, "a", ReasonCode.EXTRA_TIED)["others"] == ["b"]
    assert ReasonCode.EXTRA_DEAREST not in codes(ex, 1, "a")


def test_cash_kept_for_a_month_whose_dues_exceed_its_income() -> None:
    scenario = _scenario([{"id": "loan", "kind": "installment", "balance": 3000, "annual_rate": 0.0, "installment": 1000}],
                         monthly=1200, changes=[{"from": "2027-02", "monthly": 500}])
    ex = explain(scenario, run_strategy(scenario, "minimum"))
    keep = next(r for r in ex[0].reasons if r.code == ReasonCode.KEEP_FOR_DUE)
    assert keep.values["month"] == 2 and keep.values["dues"] == 1000 and keep.values["income"] == 500


def test_a_due_above_all_the_cash_goes_to_collection() -> None:
    scenario = _scenario([{"id": "big", "kind": "installment", "balance": 9000, "annual_rate": 0.12, "installment": 500,
                           "arrears": 4000, "months_overdue": 2},
                          {"id": "small", "kind": "revolving", "balance": 1000, "annual_rate": 0.2, "min_percent": 0.1}],
                         monthly=1000)
    plan = run_strategy(scenario, "urgency")
    ex = explain(scenario, plan)
    assert {"still_overdue", "short_too_big", "escalated"} <= set(codes(ex, 1, "big"))
    assert ex[0].reasons[0].code == ReasonCode.SHORT_CASH_MONTH
    check_reasons_agree(build_report_data(scenario, plan, sections=FAST))


def test_a_loan_the_plan_cannot_keep_out_of_collection_says_so() -> None:
    """Two loans two months behind, cash for one: the other goes to collection whatever is paid to it."""
    other = {**BEHIND, "id": "other", "name": "借呗", "lender": "Alipay"}
    scenario = _scenario([BEHIND, other], monthly=1100)
    plan = run_strategy(scenario, "urgency")
    ex = explain(scenario, plan)
    assert [e.id for e in plan.escalated] == ["other"]
    assert "short_unavoidable" in codes(ex, 1, "other") and "stop_escalation" in codes(ex, 1, "behind")
    doc = build_report_data(scenario, plan, sections=FAST)
    check_reasons_agree(doc)
    assert {x.purpose for x in doc.letters} == {"overdue"} and {x.lender for x in doc.letters} == {"WeBank", "Alipay"}


def test_promotional_rate_about_to_end() -> None:
    scenario = _scenario([{"id": "promo", "kind": "revolving", "balance": 3000, "annual_rate": 0.24, "promo_rate": 0.0,
                           "promo_months": 2, "min_percent": 0.02},
                          {"id": "other", "kind": "revolving", "balance": 3000, "annual_rate": 0.18, "min_percent": 0.02}],
                         monthly=1000)
    ex = explain(scenario, run_strategy(scenario, "custom", ["promo", "other"]))
    r = _reason(ex, 1, "promo", ReasonCode.EXTRA_PROMO)
    assert r["promo_end_month"] == 2 and float(r["rate"]) == 0.24


def test_offers_taken_are_reasons_a_loan_a_sale_and_a_consolidation() -> None:
    scenario = _scenario(
        [{"id": "card", "name": "信用卡", "kind": "revolving", "balance": 6000, "annual_rate": 0.18, "min_percent": 0.1},
         {"id": "huabei", "name": "花呗", "kind": "revolving", "balance": 3000, "annual_rate": 0.18, "min_percent": 0.1}],
        monthly=1500, horizon=24,
        offers=[{"id": "mum", "name": "妈妈", "kind": "cash-loan", "available_from": "2027-01", "available_until": "2027-03",
                 "max_amount": 2000, "loan": {"kind": "bullet", "annual_rate": 0, "due_month": 12}},
                {"id": "bike", "name": "电动车", "kind": "asset-sale", "available_from": "2027-01",
                 "available_until": "2027-03", "amount": 800},
                {"id": "bank", "name": "银行整合贷", "kind": "consolidation", "available_from": "2027-02",
                 "available_until": "2027-04", "max_amount": 8000, "pays": ["card", "huabei"],
                 "loan": {"kind": "installment", "annual_rate": 0.1, "term_months": 12, "method": "annuity"}}])
    takes = parse_takes(scenario, ["mum:1:2000", "bike:1", "bank:2:6000"])
    plan = run_strategy(scenario, "custom", ["card", "huabei", "bank", "mum"], takes)
    ex = explain(scenario, plan)
    month1 = {r.code for r in ex[0].reasons}
    assert {ReasonCode.LOAN_TAKEN, ReasonCode.ASSET_SOLD} <= month1
    assert _reason(ex, 2, "card", ReasonCode.CONSOLIDATED)["offer"] == "bank"
    doc = build_report_data(scenario, plan, sections=FAST)
    check_rows_add_up(doc)
    check_reasons_agree(doc)
    assert "bank" in doc.table[0].payments and any(r.proceeds > 0 for r in doc.table)
    assert [x.purpose for x in doc.letters] == ["application"]  # accounts stay current: nothing else is asked
    text = render(doc, "text", "en")
    assert "银行整合贷" in text and "bank:" not in text


def test_months_with_only_dues_paid_get_one_line() -> None:
    scenario = _scenario([{"id": "a", "name": "A", "kind": "installment", "balance": 3000, "annual_rate": 0,
                           "installment": 500}], monthly=500)
    doc = build_report_data(scenario, run_strategy(scenario, "minimum"), sections=FAST)
    assert doc.explanations[1].routine
    text = render(doc, "text", "en")
    month2 = text.split("\nFeb 2027\n")[1].split("\nMar 2027\n")[0].strip().splitlines()
    assert month2 == ["• Only the dues are paid: ¥500.00 to 1 account."]


@pytest.mark.parametrize("name", ["zhang-san", "us-cards", "us-consolidation"])
def test_every_heuristic_plan_of_the_examples_agrees_with_its_reasons(name: str) -> None:
    scenario = load_scenario(ROOT / "examples" / f"{name}.toml")
    for strategy in HEURISTICS:
        doc = build_report_data(scenario, run_strategy(scenario, strategy), sections=frozenset())
        check_rows_add_up(doc)
        check_reasons_agree(doc)
