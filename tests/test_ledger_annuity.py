"""等额本息 (annuity) schedules cross-checked against numpy_financial's pmt / ipmt / fv.

Why the ledger may differ from numpy_financial by a cent of interest:
numpy_financial amortizes exactly (floats, no rounding); the ledger pays the
level payment rounded to the cent, and rounds each month's interest to the cent
(money-model.md). So the ledger's balance B_t drifts from the exact balance by
e_t, the compounded sum of the roundings so far (each interest rounding at most
0.005, the payment rounding at most 0.005 a month). The ledger's interest is
round(r * B_t) = round(ipmt_t + r * e_t); with r * |e_t| well under a cent, it
equals round(ipmt_t) except when ipmt_t lies within r * |e_t| of a half cent,
where it may be one cent off. The same drift leaves a few cents owed after the
last regular installment (or makes the last one smaller): the ledger's due is
min(D, A + R), so a loan paid exactly as due may need one more month.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy_financial as npf
import pytest

from debtopt.domain import scenario_from_dict
from debtopt.ledger import Ledger, annuity_payment, plan_from_run

CENT = Decimal("0.01")


def rounded(x: float) -> Decimal:
    return Decimal(repr(float(x))).quantize(CENT, rounding=ROUND_HALF_UP)


def pay_as_due(balance: str, rate: str, term: int, unit: str = "annual_rate"):
    s = scenario_from_dict(
        {
            "start": "2026-01",
            "horizon_months": term + 6,
            "budget": {"monthly": 10_000_000},
            "loans": [{"id": "a", "kind": "installment", "balance": balance, unit: rate, "term_months": term, "method": "annuity"}],
        }
    )
    ledger = Ledger(s)
    run = ledger.start()
    while not run.finished:
        st = run.open_month()
        run.settle([st.due[0]])
    return s, ledger, plan_from_run(run, "as-due")


CASES = [
    ("12000", "0.18", 12, "annual_rate"),
    ("5000", "0.24", 24, "annual_rate"),
    ("1000", "0.36", 7, "annual_rate"),
    ("250000", "0.049", 60, "annual_rate"),
    ("100000", "0.0005", 36, "daily_rate"),  # r = 0.015 a month
    ("33333.33", "0.0003", 48, "daily_rate"),
]


@pytest.mark.parametrize(("balance", "rate", "term", "unit"), CASES)
def test_annuity_against_numpy_financial(balance, rate, term, unit):
    s, ledger, plan = pay_as_due(balance, rate, term, unit)
    r = float(s.loans[0].monthly_rate)
    pv = float(balance)
    level = ledger.terms[0].installment
    # the level payment is numpy_financial's pmt rounded to the cent
    assert Decimal(level) / 100 == rounded(-npf.pmt(r, term, pv))
    drift = 0.0
    for t in range(1, term + 1):
        loan = plan.months[t - 1].loans[0]
        ipmt = -float(npf.ipmt(r, t, term, pv))
        assert abs(loan.interest - rounded(ipmt)) <= CENT, (t, loan.interest, ipmt)
        # the balance after month t against the exact one (fv of the exact schedule)
        exact_balance = float(npf.fv(r, t, -npf.pmt(r, term, pv), -pv))
        drift = abs(float(loan.balance) - exact_balance)
        # each month adds at most 0.005 (interest rounding) + 0.005 (payment rounding), compounded
        assert drift < 0.01 * t * (1 + r) ** t + 1e-6, (t, loan.balance, exact_balance)
        assert t == term or loan.due == Decimal(level) / 100
    # what is left after the term is a few cents at most, paid the next month
    assert float(plan.totals.remaining_balance) == 0
    assert len(plan.months) in (term, term + 1)
    assert len(plan.months) == term or plan.months[term].loans[0].due <= Decimal("0.01") * term


def test_the_spec_case_12000_over_12_at_18_percent():
    # pmt(0.015, 12, 12000) = 1100.1599... -> 1100.16; every month's interest is round(ipmt) exactly;
    # rounding the interest up in some months leaves 0.03 owed after month 12, due in month 13
    _, ledger, plan = pay_as_due("12000", "0.18", 12)
    assert ledger.terms[0].installment == 110016
    got = [plan.months[t - 1].loans[0].interest for t in range(1, 13)]
    assert got == [rounded(-float(npf.ipmt(0.015, t, 12, 12000))) for t in range(1, 13)]
    assert got[:3] == [Decimal("180.00"), Decimal("166.20"), Decimal("152.19")]
    assert plan.months[11].loans[0].balance == Decimal("0.03")
    assert plan.months[12].loans[0].due == Decimal("0.03") and plan.totals.payoff_month == 13


def test_annuity_payment_formula_is_exact():
    # A = P r (1+r)^n / ((1+r)^n - 1) in exact fractions, rounded half away from zero
    assert annuity_payment(1_200_000, Fraction(3, 200), 12) == 110016
    assert annuity_payment(100_000, Fraction(0), 3) == 33333  # r = 0: P / n = 333.333... -> 333.33
    assert annuity_payment(100_000, Fraction(0), 8) == 12500
    # B0 excludes starting arrears: 20000 with 4000 past due amortizes 16000
    s = scenario_from_dict(
        {
            "start": "2026-01",
            "budget": {"monthly": 1000},
            "loans": [{"id": "a", "kind": "installment", "balance": 20000, "arrears": 4000, "months_overdue": 1,
                       "annual_rate": 0.18, "term_months": 12, "method": "annuity"}],
        }
    )
    assert Ledger(s).terms[0].installment == annuity_payment(1_600_000, Fraction(3, 200), 12)
    assert Decimal(Ledger(s).terms[0].installment) / 100 == rounded(-npf.pmt(0.015, 12, 16000))
