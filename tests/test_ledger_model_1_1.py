"""Money model 1.1 in the ledger, computed by hand to the cent: the percent-plus-interest minimum,
a given principal part, accounts already in collection, and settlements (offers.md 1.1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from debtopt.domain import Schedule, scenario_from_dict
from debtopt.domain.plan import Take
from debtopt.errors import ScenarioError, ScheduleError
from debtopt.ledger import Ledger, replay
from debtopt.strategies import run_strategy


def c(text: str) -> int:
    return int(Decimal(text) * 100)


def scenario(loans: list[dict[str, Any]], offers: list[dict[str, Any]] | None = None, monthly: int = 100000,
             horizon: int = 12) -> Any:
    return scenario_from_dict({"start": "2027-01", "horizon_months": horizon, "budget": {"monthly": monthly},
                               "loans": loans, "offers": offers or []})


CARD = {"id": "card", "kind": "revolving", "balance": 5000, "annual_rate": 0.24, "min_percent": 0.01,
        "min_rule": "percent-plus-interest", "min_floor": 25, "late_fee": 30}


def test_percent_plus_interest_is_a_share_of_the_balance_plus_the_months_interest() -> None:
    # r = 0.02: I = round(0.02 x 5000) = 100.00, D = 5100.00; R = max(25, round(0.01 x 5000) + 100 + 0) = 150.00
    plan = replay(scenario([CARD]), Schedule(payments=[[c("100.00")], [c("0")]]))
    first = plan.months[0].loans[0]
    assert (first.interest, first.due) == (Decimal("100.00"), Decimal("150.00"))
    # 50.00 unpaid: F = 30, B' = 5100 - 100 + 30 = 5030.00, A' = 80.00
    assert (first.balance, first.arrears, first.fees) == (Decimal("5030.00"), Decimal("80.00"), Decimal("30.00"))
    # month 2: I = round(0.02 x (5030 - 80)) = 99.00, P = round(0.02 x 80) = 1.60
    # R = max(25, round(0.01 x 5030) + 99.00 + 1.60) = 50.30 + 100.60 = 150.90; due = 80.00 + 150.90
    second = plan.months[1].loans[0]
    assert (second.interest, second.penalty_interest, second.due) == (Decimal("99.00"), Decimal("1.60"),
                                                                     Decimal("230.90"))


def test_paying_the_percent_plus_interest_minimum_always_lowers_the_balance() -> None:
    # the rule US issuers use so that the minimum repays: 1 % of the balance each month at least
    plan = run_strategy(scenario([{**CARD, "min_floor": 0}], horizon=60), "minimum")
    balances = [month.loans[0].balance for month in plan.months]
    assert all(later < earlier for earlier, later in zip(balances, balances[1:]))


def test_the_floor_applies_to_percent_plus_interest_too() -> None:
    small = {**CARD, "balance": 500, "min_floor": 35}
    # I = 10.00; round(0.01 x 500) + 10 = 15.00 < 35: R = 35.00
    plan = replay(scenario([small]), Schedule(payments=[[c("35.00")]]))
    assert plan.months[0].loans[0].due == Decimal("35.00")


def test_a_given_principal_part_sets_the_equal_principal_due() -> None:
    loan = {"id": "loan", "kind": "installment", "balance": 9000, "annual_rate": 0.12, "method": "equal-principal",
            "principal_part": 1234.56, "term_months": 3}
    # R = 1234.56 + I, I = round(0.01 x 9000) = 90.00; not round(9000 / 3) + I
    plan = replay(scenario([loan]), Schedule(payments=[[c("1324.56")]]))
    assert plan.months[0].loans[0].due == Decimal("1324.56")


@pytest.mark.parametrize(("change", "path"), [
    ({"principal_part": 100, "method": "annuity"}, "loans[0].principal_part"),
    ({"min_rule": "percent-plus-interest"}, "loans[0].min_rule"),
])
def test_the_new_rules_belong_to_their_kinds(change: dict[str, Any], path: str) -> None:
    loan = {"id": "loan", "kind": "installment", "balance": 900, "annual_rate": 0.12, "term_months": 3, **change}
    with pytest.raises(ScenarioError) as info:
        scenario([loan])
    assert [issue.path for issue in info.value.issues] == [path]


COLLECTED = {"id": "old", "kind": "revolving", "balance": 3000, "annual_rate": 0.12, "min_percent": 0.1,
             "late_fee": 20, "arrears": 900, "months_overdue": 5, "escalation_months": 3}


def test_a_loan_in_collection_counts_one_escalation_from_month_one_whatever_is_paid() -> None:
    for payments in ([[0]] * 12, [[c("3030.00")]]):
        plan = replay(scenario([COLLECTED]), Schedule(payments=payments))
        assert plan.totals.escalations == 1
        (escalation,) = plan.escalated
        assert (escalation.id, escalation.month, escalation.in_collection) == ("old", 1, True)
        assert not any(loan.escalated for month in plan.months for loan in month.loans)


def test_a_loan_in_collection_accrues_and_counts_overdue_months_then_comes_current() -> None:
    # month 1: I = round(0.01 x 2100) = 21.00, P = round(0.01 x 900) = 9.00, D = 3030.00,
    # R = round(0.1 x 3030) = 303.00, due = 900 + 303 = 1203.00. Unpaid: F = 20, k = 6.
    plan = replay(scenario([COLLECTED]), Schedule(payments=[[0], [c("1500.00")]]))
    first, second = plan.months[0].loans[0], plan.months[1].loans[0]
    assert (first.interest, first.penalty_interest, first.due) == (Decimal("21.00"), Decimal("9.00"),
                                                                   Decimal("1203.00"))
    assert (first.balance, first.arrears, first.months_overdue) == (Decimal("3050.00"), Decimal("1223.00"), 6)
    # month 2: I = round(0.01 x 1827) = 18.27, P = round(0.01 x 1223) = 12.23, D = 3080.50,
    # due = 1223 + round(0.1 x 3080.50) = 1223 + 308.05 = 1531.05 > 1500: still overdue, k = 7
    assert second.due == Decimal("1531.05") and second.months_overdue == 7
    plan = replay(scenario([COLLECTED], horizon=1), Schedule(payments=[[c("1203.00")]]))
    current = plan.months[0].loans[0]
    assert (current.overdue, current.months_overdue, current.arrears) == (False, 0, 0)
    assert (plan.totals.overdue_months, plan.totals.escalations) == (0, 1)  # current, escalation kept


SETTLE = {"id": "settle", "kind": "settlement", "loan": "old", "available_from": "2027-01",
          "available_until": "2027-06", "percent": 0.4}


def test_a_settlement_in_one_payment_closes_the_loan_and_waives_the_rest() -> None:
    # month 1: D = 3030.00 (above); the price is round(0.4 x 3030) = 1212.00, the forgiven part 1818.00
    s = scenario([COLLECTED], [SETTLE])
    plan = replay(s, Schedule(payments=[[c("1212.00")]], decisions=[Take(offer="settle", month=1)]))
    row = plan.months[0].loans[0]
    assert (row.due, row.balance, row.overdue, row.closed) == (Decimal("1212.00"), 0, False, True)
    (decision,) = plan.decisions
    assert (decision.amount, decision.waived, decision.tax) == (Decimal("1212.00"), Decimal("1818.00"), 0)
    t = plan.totals
    # cost = interest + penalty - waived = 21 + 9 - 1818; escalation still counted, the loan current
    assert (t.cost, t.escalations, t.overdue_months, t.payoff_month) == (Decimal("-1788.00"), 1, 0, 1)
    assert t.paid == Decimal("3000") + t.interest + t.penalty_interest + t.fees - t.waived - t.remaining_balance


def test_a_settlement_amount_above_what_is_owed_prices_at_what_is_owed() -> None:
    s = scenario([COLLECTED], [{**SETTLE, "percent": None, "amount": 5000}])
    plan = replay(s, Schedule(payments=[[c("3030.00")]], decisions=[Take(offer="settle", month=1)]))
    assert plan.decisions[0].amount == Decimal("3030.00") and plan.decisions[0].waived == 0


def test_settlement_instalments_are_equal_parts_the_last_taking_the_remainder_with_no_interest() -> None:
    # price 1212.00 in 7 parts: round(1212 / 7) = 173.14 (173.142857...), the last 1212 - 6 x 173.14 = 173.16
    s = scenario([COLLECTED], [{**SETTLE, "instalments": 7, "forgiven_tax_rate": 0.22}])
    run = Ledger(s).start()
    st = run.open_month([Take(offer="settle", month=1)])
    # the tax: round(0.22 x 1818.00) = 399.96, paid from month 1's cash
    assert (st.due[0], st.owed[0], st.cash_available) == (17314, 121200, 100000 * 100 - 39996)
    run.settle([17314])
    dues = []
    for _ in range(6):
        st = run.open_month()
        assert (st.interest[0], st.penalty[0]) == (0, 0)
        dues.append(st.due[0])
        result = run.settle([st.due[0]])
        assert not result.loans[0].overdue
    assert dues == [17314] * 5 + [17316] and run.accounts[0].balance == 0
    from debtopt.ledger import plan_from_run

    plan = plan_from_run(run, "custom")
    assert (plan.totals.forgiven_tax, plan.totals.waived) == (Decimal("399.96"), Decimal("1818.00"))
    assert plan.totals.cost == Decimal("21.00") + Decimal("9.00") + Decimal("399.96") - Decimal("1818.00")


def test_a_settlement_part_not_paid_ends_it_and_the_usual_terms_come_back() -> None:
    # 3 parts of 404.00; month 2 pays 100.00: the usual terms come back on 3030.00 - 404.00 = 2626.00,
    # less the 100.00 paid, plus the late fee 20.00 on the 304.00 short: B' = 2546.00, A' = 324.00
    s = scenario([COLLECTED], [{**SETTLE, "instalments": 3}])
    plan = replay(s, Schedule(payments=[[c("404.00")], [c("100.00")], [0]], decisions=[Take(offer="settle", month=1)]))
    broken = plan.months[1].loans[0]
    assert (broken.due, broken.balance, broken.arrears, broken.fees) == (Decimal("404.00"), Decimal("2546.00"),
                                                                         Decimal("324.00"), Decimal("20.00"))
    assert (broken.overdue, broken.months_overdue) == (True, 1)
    # the forgiveness came back: nothing is waived, and the identity holds
    assert plan.decisions[0].waived == 0
    t = plan.totals
    assert t.paid == Decimal("3000") + t.interest + t.penalty_interest + t.fees - t.waived - t.remaining_balance
    # month 3: interest again on the usual terms: I = round(0.01 x (2546 - 324)) = 22.22
    assert plan.months[2].loans[0].interest == Decimal("22.22")


def test_a_settlement_is_refused_on_a_closed_loan_and_twice() -> None:
    s = scenario([COLLECTED, CARD], [SETTLE, {**SETTLE, "id": "again"}])
    with pytest.raises(ScheduleError, match="closed"):
        replay(s, Schedule(payments=[[c("3030.00"), 0], [0, 0]], decisions=[Take(offer="settle", month=2)]))
    with pytest.raises(ScheduleError, match="already"):
        replay(s, Schedule(payments=[[c("1212.00"), 0]],
                           decisions=[Take(offer="settle", month=1), Take(offer="again", month=1)]))


@pytest.mark.parametrize(("change", "path"), [
    ({"percent": 1.2}, "offers[0].percent"),
    ({"amount": 100}, "offers[0].percent"),
    ({"percent": None}, "offers[0].percent"),
    ({"forgiven_tax_rate": 1.5}, "offers[0].forgiven_tax_rate"),
    ({"loan": "nope"}, "offers[0].loan"),
])
def test_a_settlement_offer_is_validated_like_the_others(change: dict[str, Any], path: str) -> None:
    offer = {k: v for k, v in {**SETTLE, **change}.items() if v is not None}
    with pytest.raises(ScenarioError) as info:
        scenario([COLLECTED], [offer])
    assert path in [issue.path for issue in info.value.issues]


def test_urgency_keeps_a_loan_that_can_still_escalate_ahead_of_one_in_collection() -> None:
    # 500.00 a month: the collection loan's due (1203.00) and the card's (two months behind) cannot
    # both be met; the card can still be kept from escalating, the collection loan cannot
    behind = {"id": "card", "kind": "revolving", "balance": 2000, "annual_rate": 0.12, "min_percent": 0.1,
              "arrears": 200, "months_overdue": 2}
    plan = run_strategy(scenario([COLLECTED, behind], monthly=500), "urgency")
    first = {loan.id: loan for loan in plan.months[0].loans}
    assert not first["card"].overdue and first["old"].overdue
    assert plan.totals.escalations == 1  # only the account already in collection
