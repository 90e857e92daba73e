"""Schedules the ledger refuses (ScheduleError), each naming the month and, where one is at fault, the loan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from debtopt.domain import Schedule, scenario_from_dict
from debtopt.edge import exit_code
from debtopt.errors import DebtoptError, ScheduleError
from debtopt.ledger import Ledger, replay

# Two loans, budget 1000 a month.
# a: I = round(0.01 * 200) = 2.00, D = 202.00, due = 50
# b: I = round(0.01 * 5000) = 50.00, D = 5050.00, due = 100
SCENARIO = scenario_from_dict(
    {
        "start": "2026-12",
        "horizon_months": 3,
        "budget": {"monthly": 1000},
        "loans": [
            {"id": "a", "kind": "installment", "balance": 200, "annual_rate": 0.12, "installment": 50},
            {"id": "b", "kind": "installment", "balance": 5000, "annual_rate": 0.12, "installment": 100},
        ],
    }
)


def rejected(payments: list[list[int]]) -> ScheduleError:
    with pytest.raises(ScheduleError) as info:
        replay(SCENARIO, Schedule.model_construct(payments=payments))
    assert isinstance(info.value, DebtoptError) and exit_code(info.value) == 2  # the CLI's table (edge.py)
    return info.value


def test_valid_schedule_replays():
    plan = replay(SCENARIO, Schedule(payments=[[20200, 79800], [0, 100000], [0, 0]]))
    assert plan.months[0].loans[0].closed and plan.totals.final_savings >= 0


def test_more_than_the_cash_at_hand():
    # C1 = 1000.00; 202.00 + 798.01 = 1000.01 > 1000.00
    err = rejected([[20200, 79801]])
    assert (err.month, err.loan_id) == (1, None)
    assert "1000.01" in str(err) and "1000.00 cash at hand" in str(err)


def test_cash_saved_is_at_hand_next_month():
    # month 1 pays nothing: S1 = 1000; month 2 has C2 = 2000 and may pay it all
    plan = replay(SCENARIO, Schedule(payments=[[0, 0], [0, 200000]]))
    assert plan.months[1].cash_available == Decimal(2000)
    err = rejected([[0, 0], [1, 200000]])
    assert err.month == 2


def test_more_than_owed():
    # a owes D = 202.00; paying 202.01 is refused even with the cash for it
    err = rejected([[20201, 0]])
    assert (err.month, err.loan_id) == (1, "a")
    assert "202.01" in str(err) and "202.00 owed" in str(err)


def test_payment_to_a_closed_loan():
    # a closes in month 1; any payment to it in month 2 is refused
    err = rejected([[20200, 0], [1, 0]])
    assert (err.month, err.loan_id) == (2, "a")


def test_negative_payment():
    err = rejected([[-1, 0]])
    assert (err.month, err.loan_id) == (1, "a")
    assert "negative" in str(err)


@pytest.mark.parametrize("payment", [100.0, 100.5, Decimal("100"), "100", True, None])
def test_payment_not_whole_cents_as_an_int(payment):
    err = rejected([[0, payment]])
    assert (err.month, err.loan_id) == (1, "b")
    assert "not whole cents" in str(err)


def test_payments_after_the_plan_ended():
    # month 1 closes both loans (a: 202.00; b needs 5050.00 > cash, so give the plan a single loan)
    s = scenario_from_dict(
        {
            "start": "2026-12",
            "horizon_months": 6,
            "budget": {"monthly": 1000},
            "loans": [
                {"id": "a", "kind": "installment", "balance": 200, "annual_rate": 0.12, "installment": 50},
                {"id": "z", "kind": "installment", "balance": 1, "annual_rate": 0, "installment": 1},
            ],
        }
    )
    # month 1: a owes 202.00, z owes 1.00; both paid -> the plan ends in month 1
    assert replay(s, Schedule(payments=[[20200, 100], [0, 0]])).totals.payoff_month == 1
    with pytest.raises(ScheduleError) as info:
        replay(s, Schedule(payments=[[20200, 100], [0, 0], [0, 5]]))
    assert (info.value.month, info.value.loan_id) == (3, "z")
    assert "after the plan ended in month 1" in str(info.value)


def test_payments_after_the_horizon():
    # horizon 3: a fourth month of payments is after the end
    with pytest.raises(ScheduleError) as info:
        replay(SCENARIO, Schedule(payments=[[0, 0], [0, 0], [0, 0], [0, 7]]))
    assert (info.value.month, info.value.loan_id) == (4, "b")


def test_zero_rows_after_the_end_are_fine():
    plan = replay(SCENARIO, Schedule(payments=[[0, 0]] * 10))
    assert len(plan.months) == 3


def test_wrong_number_of_payments():
    err = rejected([[0, 0, 0]])
    assert err.month == 1 and "3 payments for 2 loans" in str(err)


def test_stepping_misuse():
    run = Ledger(SCENARIO).start()
    with pytest.raises(ScheduleError, match="open_month"):
        run.settle([0, 0])
    for _ in range(3):
        run.open_month()
        run.settle([0, 0])
    assert run.finished
    with pytest.raises(ScheduleError, match="plan has ended"):
        run.open_month()


def test_a_refused_month_leaves_the_run_unchanged():
    # settle checks every payment before it changes anything, so a strategy may retry
    run = Ledger(SCENARIO).start()
    st = run.open_month()
    with pytest.raises(ScheduleError):
        run.settle([0, st.owed[1] + 1])
    assert run.month == 0 and [a.balance for a in run.accounts] == [20000, 500000] and run.results == []
    result = run.settle([st.due[0], st.due[1]])
    assert result.month == 1 and [a.balance for a in run.accounts] == [20200 - 5000, 505000 - 10000]
