"""The optimizer on money model 1.1: percent-plus-interest minimums, accounts already in collection."""

from __future__ import annotations

from typing import Any

import pytest

from debtopt.domain import scenario_from_dict
from debtopt.domain.options import solve_options
from debtopt.ledger import Ledger
from debtopt.optimize import optimize
from debtopt.optimize.data import model_data
from debtopt.optimize.model import build
from debtopt.strategies import run_heuristics

US: dict[str, Any] = {
    "currency": "USD", "start": "2027-01", "horizon_months": 24, "budget": {"monthly": 700},
    "loans": [
        {"id": "old", "kind": "revolving", "balance": 3000, "annual_rate": 0.24, "min_percent": 0.02, "late_fee": 30,
         "arrears": 600, "months_overdue": 4, "escalation_months": 3},
        {"id": "visa", "kind": "revolving", "balance": 6000, "annual_rate": 0.27, "min_percent": 0.01,
         "min_rule": "percent-plus-interest", "min_floor": 35, "late_fee": 30, "escalation_months": 6},
        {"id": "auto", "kind": "installment", "balance": 8000, "annual_rate": 0.09, "term_months": 36,
         "method": "annuity", "late_fee": 25, "escalation_months": 4},
    ],
}


def test_a_loan_in_collection_is_planned_its_escalation_fixed_and_never_worse_than_a_heuristic() -> None:
    scenario = scenario_from_dict(US)
    model = build(model_data(Ledger(scenario)))
    esc = model.loans[0].esc
    assert model.rows.col_lower[esc] == model.rows.col_upper[esc] == 1.0  # counted whatever the plan
    plan = optimize(scenario, solve_options(time_limit_seconds=60))
    assert [(e.id, e.in_collection) for e in plan.escalated] == [("old", True)]
    best = min(run_heuristics(scenario).values(), key=lambda p: p.rank_key())
    assert plan.rank_key() <= best.rank_key()
    # the plan still orders the account in collection's payments: it pays it, and brings it current
    rows = [loan for month in plan.months for loan in month.loans if loan.id == "old"]
    assert any(loan.payment > 0 for loan in rows) and not rows[-1].overdue


def test_the_models_minimum_row_is_the_percent_plus_interest_rule() -> None:
    """reg_pct: R >= min_percent B + I + P = (min_percent + r) B + (rp - r) A, month by month."""
    card = {**US["loans"][1], "penalty_rate": 0.2999}
    model = build(model_data(Ledger(scenario_from_dict({**US, "loans": [card]}))))
    rows, v = model.rows, model.loans[0]
    r, rp = 0.27 / 12, 0.2999 / 12
    for t in range(3):
        k = rows.row_names.index(f"reg_pct_0_{t}")
        end = rows.row_start[k + 1] if k + 1 < rows.n_rows else len(rows.row_index)
        coefficients = dict(zip(rows.row_index[rows.row_start[k]:end], rows.row_value[rows.row_start[k]:end]))
        assert coefficients[v.R[t]] == 1.0 and rows.row_lower[k] == 0.0
        assert coefficients[v.B[t]] == pytest.approx(-(0.01 + r)) and coefficients[v.A[t]] == pytest.approx(-(rp - r))


def test_percent_plus_interest_plans_are_never_worse_than_a_heuristic() -> None:
    data = {**US, "horizon_months": 6, "budget": {"monthly": 190}, "loans": US["loans"][1:]}
    scenario = scenario_from_dict(data)
    plan = optimize(scenario, solve_options(time_limit_seconds=60))
    assert plan.months[0].loans[0].due == 195  # round(0.01 x 6000) + round(0.0225 x 6000)
    best = min(run_heuristics(scenario).values(), key=lambda p: p.rank_key())
    assert plan.rank_key() <= best.rank_key()
