"""The one most useful extra, on the optimizer's plan: the least extra cash that keeps an account out of collection."""

from __future__ import annotations

from decimal import Decimal

from debtopt.analysis.document import ReasonCode
from debtopt.analysis.report_data import build_report_data
from debtopt.domain import scenario_from_dict
from debtopt.api import optimize
from debtopt.report.render import render

from report_checks import check_reasons_agree, check_rows_add_up
from caps import NO_CAP_SECONDS

# Two accounts two months behind, one month's cash (1,500) short of either's due: 花呗's 1,600 needs 100 more.
TWO_BEHIND = {
    "currency": "CNY", "language": "zh", "start": "2027-01", "horizon_months": 12, "budget": {"monthly": 1500},
    "loans": [
        {"id": "wld", "name": "微粒贷", "lender": "微众银行", "kind": "installment", "balance": 6000,
         "daily_rate": 0.0005, "installment": 1000, "arrears": 2000, "months_overdue": 2, "penalty_multiplier": 1.5},
        {"id": "hb", "name": "花呗", "lender": "蚂蚁", "kind": "installment", "balance": 4000, "daily_rate": 0.0005,
         "installment": 800, "arrears": 800, "months_overdue": 2}],
}


def test_the_least_extra_cash_that_avoids_an_escalation_leads_the_report() -> None:
    scenario = scenario_from_dict(TWO_BEHIND)
    plan = optimize(scenario, time_limit_seconds=NO_CAP_SECONDS)
    assert plan.solver is not None and plan.solver.proved and plan.totals.escalations == 2
    doc = build_report_data(scenario, plan, sections=frozenset({"borrowing", "letters"}))
    b = doc.borrowing
    assert b is not None and b.needed and b.amount == Decimal(100) and b.escalations_with_cash == 1
    assert [row.annual_rate for row in b.rows] == [0.24, 0.36] and all(row.escalations <= 1 for row in b.rows)
    extra = doc.actions.extra
    assert extra.kind == "avoid_escalation" and extra.amount == 100 and extra.escalations_avoided == 1
    check_rows_add_up(doc)
    check_reasons_agree(doc)
    month1 = {a.id: {r.code for r in a.reasons} for a in doc.explanations[0].accounts}
    assert ReasonCode.ESCALATED in month1["wld"] and ReasonCode.ESCALATED in month1["hb"]
    zh = render(doc, "markdown", "zh")
    head = zh.split("## 结果")[0]
    assert "最有用的一笔钱：2027年1月多 ¥100.00（比如向亲友借），就能再让 1 个账户免于法律催收" in head
    assert "若按年化 24% 借款、分 12 个月还，利息约" in head
    assert {x.lender for x in doc.letters} == {"微众银行", "蚂蚁"}  # both are behind: both are asked
    en = render(doc, "markdown", "en")
    assert "The one extra that helps most: ¥100.00 more in Jan 2027" in en
