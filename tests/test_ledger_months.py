"""Ledger months computed by hand, to the cent (money-model.md, "One month of one open loan").

Each test writes out the contract's arithmetic; amounts in the comments are in
the scenario's currency, the asserts compare exact Decimals.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from debtopt.domain import Plan, Schedule, scenario_from_dict
from debtopt.ledger import Ledger, replay


def D(text: str) -> Decimal:
    return Decimal(text)


def c(text: str) -> int:
    """Cents of an amount written like '1624.00'."""
    return int(Decimal(text) * 100)


def scenario(loans: list[dict[str, Any]], budget: dict[str, Any] | None = None, horizon: int = 12, start: str = "2026-12"):
    return scenario_from_dict(
        {"start": start, "horizon_months": horizon, "budget": budget or {"monthly": 100000}, "loans": loans}
    )


def run(loans: list[dict[str, Any]], payments: list[list[str]], **kwargs: Any) -> Plan:
    """Replay payments written as amounts ('1624.00') per month and loan."""
    s = scenario(loans, **kwargs)
    return replay(s, Schedule(payments=[[c(p) for p in row] for row in payments]))


def row(plan: Plan, t: int, loan_id: str | None = None):
    month = plan.months[t - 1]
    assert month.month == t
    if loan_id is None:
        (loan,) = month.loans
        return loan
    (loan,) = [x for x in month.loans if x.id == loan_id]
    return loan


def expect(loan_row, **fields: Any) -> None:
    got = {k: getattr(loan_row, k) for k in fields}
    want = {k: (D(v) if isinstance(v, str) else v) for k, v in fields.items()}
    assert got == want


CARD = {"id": "card", "kind": "revolving", "annual_rate": "0.18", "min_percent": "0.10", "min_floor": "100"}


# --- revolving: percent and floor -----------------------------------------------------


def test_revolving_percent_binding():
    # r = 0.18 / 12 = 0.015
    # I = round(0.015 * 16000) = 240.00; P = 0 (no arrears); D = 16000 + 240 = 16240.00
    # R = max(100, round(0.10 * 16240)) = max(100, 1624.00) = 1624.00; due = min(16240, 0 + 1624) = 1624.00
    # pay 1624.00: U = 0, F = 0, B' = 16240 - 1624 = 14616.00, A' = 0
    plan = run([{**CARD, "balance": "16000"}], [["1624.00"]], horizon=1)
    expect(row(plan, 1), interest="240.00", penalty_interest="0", fees="0", due="1624.00",
           balance="14616.00", arrears="0", overdue=False, months_overdue=0, closed=False)
    assert plan.totals.remaining_balance == D("14616.00")


def test_revolving_floor_binding():
    # I = round(0.015 * 500) = 7.50; D = 507.50
    # R = max(100, round(0.10 * 507.50)) = max(100, 50.75) = 100.00; due = min(507.50, 100) = 100.00
    # pay 100.00: B' = 507.50 - 100 = 407.50
    plan = run([{**CARD, "balance": "500"}], [["100.00"]], horizon=1)
    expect(row(plan, 1), interest="7.50", due="100.00", balance="407.50", arrears="0", overdue=False)


def test_revolving_floor_above_owed_caps_due_at_owed():
    # I = round(0.015 * 50) = 0.75; D = 50.75; R = max(100, 5.08) = 100; due = min(50.75, 100) = 50.75
    # paying 50.75 closes the loan: B' = 0, and the plan ends (payoff month 1)
    plan = run([{**CARD, "balance": "50"}], [["50.75"]], horizon=6)
    expect(row(plan, 1), interest="0.75", due="50.75", balance="0", closed=True)
    assert len(plan.months) == 1
    assert plan.totals.payoff_month == 1


def test_revolving_percent_rounds_half_away():
    # r = 0.12 / 12 = 0.01; I = round(0.01 * 1000) = 10.00; D = 1010.00
    # R = max(0, round(0.05 * 1010.00)) = round(50.50) = 50.50 ... and with min_percent 0.025:
    # R = round(0.025 * 1010) = round(25.25) = 25.25; with balance 1010.20: I = round(10.102) = 10.10,
    # D = 1020.30, R = round(0.025 * 1020.30) = round(25.5075) = 25.51
    loan = {"id": "c", "kind": "revolving", "annual_rate": "0.12", "min_percent": "0.025", "balance": "1010.20"}
    plan = run([loan], [["25.51"]], horizon=1)
    expect(row(plan, 1), interest="10.10", due="25.51", balance="994.79", overdue=False)


# --- installment: fixed amount, annuity, equal-principal ------------------------------

LOAN = {"id": "loan", "kind": "installment", "annual_rate": "0.12"}  # r = 0.01


def test_installment_fixed_amount_to_close():
    # month 1: I = round(0.01 * 3000) = 30.00, D = 3030.00, R = 1000, due = 1000.00 -> B' = 2030.00
    # month 2: I = round(0.01 * 2030) = 20.30, D = 2050.30, due = 1000.00 -> B' = 1050.30
    # month 3: I = round(0.01 * 1050.30) = round(10.503) = 10.50, D = 1060.80, due = 1000 -> B' = 60.80
    # month 4: I = round(0.608) = 0.61, D = 61.41, due = min(61.41, 1000) = 61.41 -> B' = 0, closed
    plan = run([{**LOAN, "balance": "3000", "installment": "1000"}],
               [["1000"], ["1000"], ["1000"], ["61.41"], ["0"]], horizon=12)
    expect(row(plan, 1), interest="30.00", due="1000.00", balance="2030.00")
    expect(row(plan, 2), interest="20.30", due="1000.00", balance="1050.30")
    expect(row(plan, 3), interest="10.50", due="1000.00", balance="60.80")
    expect(row(plan, 4), interest="0.61", due="61.41", balance="0", closed=True)
    assert len(plan.months) == 4 and plan.totals.payoff_month == 4
    # paid = 3000 + cost - 0 = 3000 + 30 + 20.30 + 10.50 + 0.61 = 3061.41
    assert plan.totals.interest == D("61.41") and plan.totals.paid == D("3061.41")


def test_installment_prepaying_never_lowers_the_due():
    # month 1: D = 3030.00, due 1000; pay 2000 -> B' = 1030.00
    # month 2: I = round(10.30) = 10.30, D = 1040.30, R is still 1000 -> due = 1000.00
    plan = run([{**LOAN, "balance": "3000", "installment": "1000"}], [["2000"], ["1000"]], horizon=2)
    expect(row(plan, 2), interest="10.30", due="1000.00", balance="40.30", overdue=False)


def test_annuity_level_payment():
    # 等额本息, B0 = 12000, n = 12, r = 0.18 / 12 = 0.015:
    # A = 12000 * 0.015 * 1.015^12 / (1.015^12 - 1) = 1100.1599... -> 1100.16
    # month 1: I = round(0.015 * 12000) = 180.00, D = 12180.00, due = 1100.16 -> B' = 11079.84
    # month 2: I = round(0.015 * 11079.84) = round(166.1976) = 166.20, D = 11246.04, due = 1100.16
    #          -> B' = 10145.88
    loan = {"id": "a", "kind": "installment", "annual_rate": "0.18", "balance": "12000", "term_months": 12, "method": "annuity"}
    plan = run([loan], [["1100.16"], ["1100.16"]], horizon=2)
    assert Ledger(scenario([loan])).terms[0].installment == c("1100.16")
    expect(row(plan, 1), interest="180.00", due="1100.16", balance="11079.84")
    expect(row(plan, 2), interest="166.20", due="1100.16", balance="10145.88")


def test_equal_principal_even_split():
    # 等额本金, B0 = 12000, n = 12: principal part = round(12000 / 12) = 1000.00
    # month 1: I = round(0.01 * 12000) = 120, R = 1000 + 120 + 0 = 1120.00 -> B' = 11000
    # month 2: I = 110.00, R = 1110.00 -> B' = 10000 ... month t: I = 0.01 * (12000 - 1000 (t-1))
    # month 12: B = 1000, I = 10.00, D = 1010.00 = R -> closed
    loan = {**LOAN, "balance": "12000", "term_months": 12, "method": "equal-principal"}
    dues = [Decimal(1000) + Decimal(12000 - 1000 * (t - 1)) / 100 for t in range(1, 13)]
    plan = run([loan], [[str(d)] for d in dues], horizon=24)
    for t in range(1, 13):
        expect(row(plan, t), interest=str(Decimal(12000 - 1000 * (t - 1)) / 100), due=str(dues[t - 1]))
    assert row(plan, 12).closed and plan.totals.payoff_month == 12
    assert plan.totals.interest == D("780.00")  # 0.01 * 1000 * (12 + 11 + ... + 1) = 10 * 78


def test_equal_principal_rounded_split_leaves_a_cent_for_one_more_month():
    # B0 = 10000, n = 3: principal part = round(3333.333...) = 3333.33
    # month 1: I = 100.00, R = 3433.33, D = 10100.00 -> B' = 6666.67
    # month 2: I = round(66.6667) = 66.67, R = 3400.00, D = 6733.34 -> B' = 3333.34
    # month 3: I = round(33.3334) = 33.33, R = 3366.66, D = 3366.67 -> B' = 0.01 (paying the due)
    # month 4: I = round(0.0001) = 0, D = 0.01, due = min(0.01, 0 + 3333.33) = 0.01 -> closed
    loan = {**LOAN, "balance": "10000", "term_months": 3, "method": "equal-principal"}
    plan = run([loan], [["3433.33"], ["3400.00"], ["3366.66"], ["0.01"]], horizon=12)
    expect(row(plan, 1), interest="100.00", due="3433.33", balance="6666.67")
    expect(row(plan, 2), interest="66.67", due="3400.00", balance="3333.34")
    expect(row(plan, 3), interest="33.33", due="3366.66", balance="0.01", closed=False, overdue=False)
    expect(row(plan, 4), interest="0", due="0.01", balance="0", closed=True)


# --- arrears and penalties --------------------------------------------------------------


WEILIDAI = {
    "id": "weilidai", "kind": "installment", "balance": "20000", "daily_rate": "0.0005",
    "penalty_multiplier": "1.5", "term_months": 10, "method": "equal-principal",
    "arrears": "4000", "months_overdue": 2, "escalation_months": 3,
}


def test_starting_arrears_with_penalty_multiplier_and_escalation_in_month_1():
    # The spec's own loan. r = 0.0005 * 30 = 0.015; rp = 1.5 * 0.015 = 0.0225
    # B0 = balance - arrears = 20000 - 4000 = 16000 (the text of step 3), principal part = 16000 / 10 = 1600
    # I = round(0.015 * (20000 - 4000)) = 240.00; P = round(0.0225 * 4000) = 90.00; D = 20330.00
    # R = 1600 + 240 + 90 = 1930.00; due = min(20330, 4000 + 1930) = 5930.00
    #   (the spec's JSON example shows 6330.00, i.e. B0 = 20000; we follow the text)
    # pay 2400: U = 3530.00, F = 0, B' = 20330 - 2400 = 17930.00, A' = 3530.00
    # overdue, k' = 2 + 1 = 3 = escalation_months -> escalated in month 1
    plan = run([WEILIDAI], [["2400"]], budget={"monthly": 2500}, horizon=1)
    expect(row(plan, 1), interest="240.00", penalty_interest="90.00", fees="0", due="5930.00",
           balance="17930.00", arrears="3530.00", overdue=True, months_overdue=3, escalated=True)
    assert plan.totals.escalations == 1
    assert [(e.id, e.month, e.date) for e in plan.escalated] == [("weilidai", 1, "2026-12")]
    assert plan.totals.max_consecutive_overdue == 3


def test_starting_arrears_paid_off_brings_the_loan_current():
    # as above, but pay the whole due 5930.00: U = 0, B' = 20330 - 5930 = 14400.00, A' = 0, k' = 0
    # month 2: I = round(0.015 * 14400) = 216.00, P = 0, D = 14616.00, R = 1600 + 216 = 1816.00, due = 1816.00
    #          pay 1816: B' = 14616 - 1816 = 12800.00
    plan = run([WEILIDAI], [["5930"], ["1816"]], budget={"monthly": 6000}, horizon=2)
    expect(row(plan, 1), balance="14400.00", arrears="0", overdue=False, months_overdue=0, escalated=False)
    expect(row(plan, 2), interest="216.00", penalty_interest="0", due="1816.00", balance="12800.00")
    assert plan.totals.escalations == 0 and plan.totals.max_consecutive_overdue == 2


def test_fixed_penalty_rate():
    # annual 0.12 -> r = 0.01; penalty_rate 0.36 (same unit) -> rp = 0.03, not a multiple of r_t
    # I = round(0.01 * (5000 - 1000)) = 40.00; P = round(0.03 * 1000) = 30.00; D = 5070.00
    # R = max(50, round(0.10 * 5070)) = 507.00; due = min(5070, 1000 + 507) = 1507.00
    # pay 1507: B' = 3563.00, A' = 0, k' = 0
    loan = {"id": "c", "kind": "revolving", "balance": "5000", "annual_rate": "0.12", "penalty_rate": "0.36",
            "min_percent": "0.10", "min_floor": "50", "arrears": "1000", "months_overdue": 1}
    plan = run([loan], [["1507"]], horizon=1)
    expect(row(plan, 1), interest="40.00", penalty_interest="30.00", due="1507.00", balance="3563.00",
           arrears="0", overdue=False, months_overdue=0)


def test_penalty_multiplier_follows_the_promotional_rate():
    # promo: annual 0.06 for 2 months -> r_1 = 0.005, rp_1 = 2 * 0.005 = 0.01; then r = 0.02, rp = 0.04
    # month 1: I = round(0.005 * 900) = 4.50, P = round(0.01 * 100) = 1.00
    # pay nothing (k = 1 -> 2, escalation_months 6): D = 1005.50, R = round(0.1 * 1005.50) = 100.55,
    #   due = 100 + 100.55 = 200.55 = U; B' = 1005.50, A' = 200.55
    # month 2 (promo): I = round(0.005 * 804.95) = round(4.02475) = 4.02, P = round(0.01 * 200.55) = 2.01
    # month 3 (normal): B = 1011.53, A = ? -- checked below from the rows of month 2
    loan = {"id": "c", "kind": "revolving", "balance": "1000", "annual_rate": "0.24", "promo_rate": "0.06",
            "promo_months": 2, "penalty_multiplier": "2", "min_percent": "0.1", "arrears": "100",
            "months_overdue": 1, "escalation_months": 6}
    plan = run([loan], [["0"], ["0"], ["0"]], horizon=3)
    expect(row(plan, 1), interest="4.50", penalty_interest="1.00", due="200.55", balance="1005.50",
           arrears="200.55", months_overdue=2)
    # month 2: D = 1005.50 + 4.02 + 2.01 = 1011.53; R = round(101.153) = 101.15; due = 200.55 + 101.15 = 301.70
    expect(row(plan, 2), interest="4.02", penalty_interest="2.01", due="301.70", balance="1011.53",
           arrears="301.70", months_overdue=3)
    # month 3: r = 0.02, rp = 0.04: I = round(0.02 * (1011.53 - 301.70)) = round(14.1966) = 14.20
    #          P = round(0.04 * 301.70) = round(12.068) = 12.07
    expect(row(plan, 3), interest="14.20", penalty_interest="12.07", months_overdue=4)


def test_promotional_rate_then_normal_and_half_cent_rounding():
    # promo annual 0.06 for 2 months (r = 0.005), then 0.24 (r = 0.02)
    # month 1: I = round(0.005 * 10000) = 50.00, D = 10050; pay 1000 -> 9050.00
    # month 2: I = round(0.005 * 9050) = 45.25, D = 9095.25; pay 1000 -> 8095.25
    # month 3: I = round(0.02 * 8095.25) = round(161.905) = 161.91 (half a cent rounds away from zero)
    loan = {"id": "c", "kind": "revolving", "balance": "10000", "annual_rate": "0.24", "promo_rate": "0.06",
            "promo_months": 2, "min_percent": "0.05"}
    plan = run([loan], [["1000"]] * 3, horizon=3)
    expect(row(plan, 1), interest="50.00", balance="9050.00")
    expect(row(plan, 2), interest="45.25", balance="8095.25")
    expect(row(plan, 3), interest="161.91", balance="7257.16")


# --- late fees ----------------------------------------------------------------------------

FEE_CARD = {"id": "c", "kind": "revolving", "balance": "1000", "annual_rate": "0.12", "min_percent": "0.1",
            "late_fee": "25", "late_fee_percent": "0.05", "escalation_months": 6}
# I = round(0.01 * 1000) = 10.00; D = 1010.00; R = round(0.1 * 1010) = 101.00; due = 101.00


@pytest.mark.parametrize(
    ("pay", "fee", "balance", "arrears", "overdue"),
    [
        # U = 0 -> F = 0; B' = 1010 - 101 = 909.00
        ("101.00", "0", "909.00", "0", False),
        # U = 0.01 -> F = 25 + round(0.05 * 0.01 = 0.0005) = 25.00; B' = 1010 - 100.99 + 25 = 934.01; A' = 25.01
        ("100.99", "25.00", "934.01", "25.01", True),
        # U = 0.10 -> F = 25 + round(0.005) = 25.01 (half away from zero); B' = 1010 - 100.90 + 25.01 = 934.11
        ("100.90", "25.01", "934.11", "25.11", True),
        # U = 101 -> F = 25 + round(5.05) = 30.05; B' = 1010 + 30.05 = 1040.05; A' = 101 + 30.05 = 131.05
        ("0", "30.05", "1040.05", "131.05", True),
        # paying more than due: still no fee
        ("500", "0", "510.00", "0", False),
    ],
)
def test_late_fees_only_when_a_cent_is_unpaid(pay, fee, balance, arrears, overdue):
    plan = run([FEE_CARD], [[pay]], horizon=1)
    expect(row(plan, 1), due="101.00", fees=fee, balance=balance, arrears=arrears, overdue=overdue,
           months_overdue=1 if overdue else 0)
    assert plan.totals.fees == D(fee)


def test_rounding_half_away_from_zero_at_half_a_cent():
    # r = 0.01: I = round(0.01 * 100.50) = round(1.005) = 1.01 (half-even would give 1.00)
    #           I = round(0.01 * 100.49) = round(1.0049) = 1.00
    #           I = round(0.01 * 100.51) = round(1.0051) = 1.01
    loans = [{**LOAN, "id": f"l{i}", "balance": b, "installment": "1"} for i, b in enumerate(["100.50", "100.49", "100.51", "102.50"])]
    plan = run(loans, [["1", "1", "1", "1"]], horizon=1)
    assert [row(plan, 1, f"l{i}").interest for i in range(4)] == [D("1.01"), D("1.00"), D("1.01"), D("1.03")]


# --- the overdue counter and escalation -----------------------------------------------------


def test_overdue_counter_escalates_once_and_resets_when_current():
    # I = 10.00, D = 1010, R = 101, due 101 in month 1; paying nothing three months running:
    # k = 1, 2, 3 -> escalation in month 3 (escalation_months 3); month 4 pays the whole due -> k = 0;
    # months 5-7 overdue again: k = 1, 2, 3, but the loan is counted as escalated once (month 3)
    loan = {"id": "c", "kind": "revolving", "balance": "1000", "annual_rate": "0.12", "min_percent": "0.1"}
    s = scenario([loan], horizon=8)
    ledger = Ledger(s)
    r = ledger.start()
    payments = {4: "due", 8: "due"}
    for t in range(1, 9):
        st = r.open_month()
        r.settle([st.due[0] if payments.get(t) == "due" else 0])
    from debtopt.ledger import plan_from_run

    plan = plan_from_run(r, "test")
    assert [row(plan, t).months_overdue for t in range(1, 9)] == [1, 2, 3, 0, 1, 2, 3, 0]
    assert [row(plan, t).escalated for t in range(1, 9)] == [False, False, True] + [False] * 5
    assert plan.totals.escalations == 1 and [(e.id, e.month) for e in plan.escalated] == [("c", 3)]
    assert plan.totals.overdue_months == 6 and plan.totals.max_consecutive_overdue == 3
    # month 2: B = 1010, A = 101 -> I = round(0.01 * 909) = 9.09, P = round(0.01 * 101) = 1.01, D = 1020.10
    #          R = round(102.01) = 102.01, due = 101 + 102.01 = 203.01
    expect(row(plan, 2), interest="9.09", penalty_interest="1.01", due="203.01", balance="1020.10", arrears="203.01")
    # replaying the same payments gives the same plan
    again = replay(s, plan.to_schedule(ledger.loan_ids), "test")
    assert again.model_dump_json() == plan.model_dump_json()


def test_loan_starting_overdue_escalates_after_the_remaining_months():
    # months_overdue = 1, escalation_months = 3: unpaid in months 1 and 2 -> k = 2, 3 -> escalation in month 2
    loan = {"id": "c", "kind": "revolving", "balance": "1000", "annual_rate": "0.12", "min_percent": "0.1",
            "arrears": "50", "months_overdue": 1}
    plan = run([loan], [["0"], ["0"], ["0"]], horizon=3)
    assert [row(plan, t).months_overdue for t in (1, 2, 3)] == [2, 3, 4]
    assert [e.month for e in plan.escalated] == [2]


def test_escalation_months_1_escalates_on_the_first_overdue_month():
    loan = {"id": "c", "kind": "revolving", "balance": "1000", "annual_rate": "0.12", "min_percent": "0.1",
            "escalation_months": 1}
    plan = run([loan], [["101"], ["0"]], horizon=2)
    assert [row(plan, t).escalated for t in (1, 2)] == [False, True]


# --- closing a loan ------------------------------------------------------------------------


def test_closed_loan_has_no_dust_and_no_rows_after():
    # loan a: I = round(0.01 * 200) = 2.00, D = 202.00; paying 202.00 closes it (B' = 0, not 0.00x)
    # loan b keeps the plan running; from month 2 on only b has rows
    a = {**LOAN, "id": "a", "balance": "200", "installment": "50"}
    b = {**LOAN, "id": "b", "balance": "5000", "installment": "100"}
    plan = run([a, b], [["202.00", "100"], ["0", "100"], ["0", "100"]], horizon=3)
    expect(row(plan, 1, "a"), balance="0", arrears="0", closed=True, overdue=False)
    assert [x.id for x in plan.months[1].loans] == ["b"] and [x.id for x in plan.months[2].loans] == ["b"]
    assert plan.totals.payoff_month is None


def test_closing_with_the_last_cent():
    # B = 0.01 (no interest: round(0.01 * 0.01) = 0), paying 0.01 closes it
    loan = {**LOAN, "balance": "0.01", "installment": "0.01"}
    plan = run([loan], [["0.01"]], horizon=3)
    expect(row(plan, 1), interest="0", due="0.01", balance="0", closed=True)
    assert plan.totals.payoff_month == 1 and plan.totals.paid == D("0.01")


# --- cash: budget changes, inflows, savings -----------------------------------------------


def test_budget_changes_and_inflows():
    # start 2026-12, monthly 1000; inflow of 5000 in 2027-01; from 2027-02 the budget is 300
    # nothing is paid: C1 = 1000; C2 = 1000 + 5000 + 1000 = 7000; C3 = 300 + 7000 = 7300; C4 = 300 + 7300 = 7600
    big = {**LOAN, "balance": "100000", "installment": "1", "escalation_months": 24}
    budget = {"monthly": "1000", "changes": [{"from": "2027-02", "monthly": "300"}],
              "inflows": [{"month": "2027-01", "amount": "5000", "label": "bonus"}]}
    plan = run([big], [["0"]] * 4, budget=budget, horizon=4)
    assert [m.cash_available for m in plan.months] == [D(1000), D(7000), D(7300), D(7600)]
    assert [m.date for m in plan.months] == ["2026-12", "2027-01", "2027-02", "2027-03"]
    assert plan.totals.final_savings == D(7600)


def test_savings_interest_on_kept_cash():
    # savings_rate 0.06 a year -> 0.005 a month, starting cash 1000, budget 500, nothing paid
    # C1 = 500 + 0 + 1000 + round(1000 * 0.005 = 5) = 1505.00
    # C2 = 500 + 1505 + round(1505 * 0.005 = 7.525) = 500 + 1505 + 7.53 = 2012.53
    # C3 = 500 + 2012.53 + round(2012.53 * 0.005 = 10.06265) = 500 + 2012.53 + 10.06 = 2522.59
    big = {**LOAN, "balance": "100000", "installment": "1", "escalation_months": 24}
    budget = {"monthly": "500", "starting_cash": "1000", "savings_rate": "0.06"}
    plan = run([big], [["0"]] * 3, budget=budget, horizon=3)
    assert [m.cash_available for m in plan.months] == [D("1505.00"), D("2012.53"), D("2522.59")]
    assert [m.savings_interest for m in plan.months] == [D("5.00"), D("7.53"), D("10.06")]
    # final_savings = 1000 + 3 * 500 + 22.59 - 0 = 2522.59
    assert plan.totals.savings_interest == D("22.59") and plan.totals.final_savings == D("2522.59")


def test_cash_kept_after_payments_earns_interest():
    # savings 0.12 a year -> 0.01 a month; budget 1000; month 1 pays 400 of 1000 -> S1 = 600
    # C2 = 1000 + 600 + round(0.01 * 600) = 1606.00
    big = {**LOAN, "balance": "100000", "installment": "400"}
    plan = run([big], [["400"], ["400"]], budget={"monthly": "1000", "savings_rate": "0.12"}, horizon=2)
    assert [m.saved for m in plan.months] == [D(600), D(1206)]
    assert plan.months[1].cash_available == D(1606) and plan.totals.savings_interest == D(6)


# --- rate units ----------------------------------------------------------------------------


def test_annual_rate_over_12_is_an_exact_fraction():
    # annual 0.20 -> r = 0.20 / 12 = 1/60 exactly (not 0.0167)
    # I = round(100000 / 60) = round(1666.666...) = 1666.67 (with r rounded to 0.0167 it would be 1670.00)
    loan = {**LOAN, "annual_rate": "0.20", "balance": "100000", "installment": "1"}
    s = scenario([loan])
    assert s.loans[0].monthly_rate == Fraction(1, 60)
    plan = run([loan], [["1"]], horizon=1)
    expect(row(plan, 1), interest="1666.67")


def test_daily_rate_times_30():
    # daily 0.00049 -> r = 0.00049 * 30 = 0.0147 (a 360-day year; 365/12 days would give 149.04)
    # I = round(0.0147 * 10000) = 147.00
    loan = {"id": "d", "kind": "installment", "daily_rate": "0.00049", "balance": "10000", "installment": "1"}
    assert scenario([loan]).loans[0].monthly_rate == Fraction("0.0147")
    plan = run([loan], [["1"]], horizon=1)
    expect(row(plan, 1), interest="147.00")


def test_zero_rate_annuity_splits_evenly():
    # r = 0: A = round(1000 / 3) = 333.33; three months leave 0.01 for a fourth
    loan = {"id": "z", "kind": "installment", "annual_rate": "0", "balance": "1000", "term_months": 3, "method": "annuity"}
    plan = run([loan], [["333.33"]] * 3 + [["0.01"]], horizon=6)
    expect(row(plan, 3), due="333.33", balance="0.01")
    expect(row(plan, 4), due="0.01", balance="0", closed=True)
