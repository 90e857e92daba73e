"""The optimizer on money model 1.1: percent-plus-interest minimums, accounts already in collection."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from checkin_helpers import settlement_offer
from scenarios import random_scenario_dict
from test_optimize_contract import check_all, check_sweep

import debtopt
from debtopt.domain import scenario_from_dict
from debtopt.domain.options import solve_options
from debtopt.ledger import Ledger
from debtopt.optimize import optimize
from debtopt.optimize.data import model_data
from debtopt.optimize.model import build
from debtopt.strategies import run_heuristics
from caps import NO_CAP_SECONDS

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
    plan = optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS))
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
    plan = optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS))
    assert plan.months[0].loans[0].due == 195  # round(0.01 x 6000) + round(0.0225 x 6000)
    best = min(run_heuristics(scenario).values(), key=lambda p: p.rank_key())
    assert plan.rank_key() <= best.rank_key()


FAMILY: dict[str, Any] = {
    # ¥10,000 owed at 0 % until month 12 (then due whole), and savings at 5 % a year
    "currency": "CNY", "start": "2027-01", "horizon_months": 24,
    "budget": {"monthly": 1000, "starting_cash": 10000, "savings_rate": 0.05},
    "loans": [{"id": "uncle", "kind": "bullet", "balance": 10000, "annual_rate": 0, "due_month": 12}],
    "offers": [{"id": "deal", "kind": "settlement", "loan": "uncle", "available_from": "2027-01",
                "available_until": "2027-01", "percent": 0.99}],
}


def test_a_settlement_that_does_not_save_money_is_declined() -> None:
    """99 % now instead of 100 % in a year: the savings interest lost (about 5 % of it) is more
    than the 1 % forgiven."""
    plan = debtopt.optimize(scenario_from_dict(FAMILY), time_limit_seconds=NO_CAP_SECONDS)  # with what each offer is worth
    assert plan.decisions == [] and plan.totals.waived == 0
    assert plan.solver is not None and [o.taken for o in plan.solver.offers] == [False]


def test_a_settlement_that_saves_money_is_taken_and_replayed_to_the_cent() -> None:
    data = {**US, "budget": {"monthly": 600}, "loans": [
        {**US["loans"][0], "balance": 4000, "annual_rate": 0.27, "arrears": 800, "months_overdue": 5},
        {**US["loans"][1], "balance": 5000, "annual_rate": 0.24}],
        "offers": [{"id": "deal", "kind": "settlement", "loan": "old", "available_from": "2027-02",
                    "available_until": "2027-06", "percent": 0.45, "instalments": 3, "forgiven_tax_rate": 0.22}]}
    plan = debtopt.optimize(scenario_from_dict(data), time_limit_seconds=NO_CAP_SECONDS)
    (decision,) = plan.decisions
    m = decision.month
    rows = [loan for month in plan.months for loan in month.loans if loan.id == "old"]  # until it closes
    accepted = rows[m - 1]
    # D of the month: last month's balance plus this month's interest; the price round(0.45 x D)
    owed = rows[m - 2].balance + accepted.interest + accepted.penalty_interest
    assert decision.amount == (owed * Decimal("0.45")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert decision.waived == owed - decision.amount
    assert decision.tax == (decision.waived * Decimal("0.22")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    # three parts, the last taking the remainder; current throughout, no interest after the first month
    parts = [row.due for row in rows[m - 1:m + 2]]
    assert sum(parts) == decision.amount and [row.payment for row in rows[m - 1:m + 2]] == parts
    assert not any(row.overdue for row in rows[m - 1:]) and rows[m + 1].closed and len(rows) == m + 2
    assert all(row.interest == 0 for row in rows[m:m + 2])
    t = plan.totals
    assert t.cost == t.interest + t.penalty_interest + t.fees + t.forgiven_tax - t.waived
    assert plan.escalated[0].in_collection and t.escalations == 1  # settling keeps the escalation counted
    assert plan.solver is not None
    (worth,) = plan.solver.offers
    assert worth.taken and worth.worth.net_cost > 1000


def _random_1_1(seed: int) -> Any:
    """A small random scenario with the 1.1 pieces: a settlement offer (sometimes two), a
    percent-plus-interest card, an account already in collection."""
    rng = random.Random(seed)
    data = random_scenario_dict(rng, n_loans=1 + seed % 3, horizon=3 + seed % 8)
    data["offers"] = [settlement_offer(rng, data, f"settle-{k}") for k in range(1 + (seed % 4 == 0))]
    for loan in data["loans"]:
        if loan["kind"] == "revolving" and rng.random() < 0.5:
            loan.update(min_rule="percent-plus-interest", min_percent="0.01")
    if rng.random() < 0.4:
        loan = rng.choice(data["loans"])
        loan.update(arrears=str(round(float(loan["balance"]) * 0.2, 2)), months_overdue=3, escalation_months=3)
    if rng.random() < 0.3:  # a settlement already under way (what a check-in writes)
        loan = rng.choice(data["loans"])
        part = Decimal(loan["balance"]) / 10
        parts = [str(part.quantize(Decimal("0.01")))] * rng.randint(1, 4)
        loan.update(balance=str(sum(Decimal(p) for p in parts)), settlement={
            "parts": parts, "owed_if_broken": str((sum(Decimal(p) for p in parts) * 2).quantize(Decimal("0.01")))})
        for key in ("arrears", "months_overdue"):
            loan.pop(key, None)
        data["offers"] = [o for o in data["offers"] if o["loan"] != loan["id"]]
    return scenario_from_dict(data)


def test_a_settlement_under_way_at_the_start_is_kept_part_by_part() -> None:
    card = {**US["loans"][1], "balance": 1500, "settlement": {"parts": [500, 500, 500], "owed_if_broken": 4000}}
    # savings earn 2 %: paying a part early, at no interest, only loses them
    scenario = scenario_from_dict({**US, "horizon_months": 6, "budget": {"monthly": 900, "savings_rate": 0.02},
                                   "loans": [card, US["loans"][2]]})
    plan = optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS))
    rows = [loan for month in plan.months for loan in month.loans if loan.id == "visa"]
    assert [row.due for row in rows] == [500, 500, 500] and [row.payment for row in rows] == [500, 500, 500]
    assert all(row.interest == 0 and not row.overdue for row in rows) and rows[-1].closed
    check_all(scenario, plan)


@pytest.mark.parametrize("seed", range(12))
def test_generated_with_settlements_never_worse_than_any_heuristic(seed: int) -> None:
    scenario = _random_1_1(4000 + seed)
    check_all(scenario, optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS)))


# Known defects, said in issue 15's note: the model never lets a settlement under way break (offers.md: a
# plan "should never do" it), so where the cash cannot keep one the model is infeasible and a heuristic's
# plan is shown; the fix is to model a broken settlement as a choice with its cost.
SETTLEMENT_DEFECTS = {
    **dict.fromkeys((13, 18, 43, 56, 84, 86, 91), "a settlement under way the cash cannot keep: the model has no plan"),
    87: "breaking the settlement under way saves an escalation, which the model does not allow",
    4: "a plan's ledger figure used as a stage's level is one the model cannot reach",
}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [pytest.param(s, marks=pytest.mark.xfail(reason=SETTLEMENT_DEFECTS[s], strict=False))
                                  if s in SETTLEMENT_DEFECTS else s for s in range(100)])
def test_sweep_with_settlements_never_worse_than_any_heuristic(seed: int) -> None:
    scenario = _random_1_1(5000 + seed)
    check_sweep(scenario, optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS)))


def test_a_plan_taking_a_settlement_is_a_point_of_the_model_with_its_counts() -> None:
    """points.plan_integers on money model 1.1: each heuristic's plan that takes a settlement (its
    loan's D moved out from that month: o = 0, z = 1 after), beside percent-plus-interest cards and
    accounts in collection, is a point of the model (the solver's start from it exists), and the
    point's overdue count is the ledger's. (Plans that break a settlement, or pay a fixed amount
    that is all the loan owes, are outside the model by design: settlement_rows, data.py `parts`.)"""
    from test_optimize_model import LIMITS, _violations

    from debtopt.domain.choices import Stage
    from debtopt.domain.plan import Take
    from debtopt.errors import OptionError, ScheduleError
    from debtopt.ledger import replay
    from debtopt.optimize.points import plan_point
    from debtopt.strategies import propose_schedule
    from debtopt.strategies.heuristics import HEURISTICS

    kept = 0
    for seed in range(4100, 4112):
        scenario = _random_1_1(seed)
        ledger = Ledger(scenario)
        model = build(model_data(ledger))
        for offer in model.data.offers:
            for t in offer.months[:2]:
                for name, decide in HEURISTICS.items():
                    try:
                        schedule = propose_schedule(ledger, decide, [Take(offer=offer.id, month=t + 1)])
                        plan = replay(ledger, schedule, strategy=name)
                    except (ScheduleError, OptionError):  # the take does not fit this plan (a closed loan)
                        continue
                    if not _keeps_its_settlements(plan, scenario, scenario.offers[scenario.offer_index(offer.id)].loan):
                        continue  # a part unpaid ends it, or a price of all it owes: no plan of the model does that
                    kept += 1
                    where = (seed, name, offer.id, t)
                    values = plan_point(ledger, model, plan, [], model.objective(Stage.OVERDUE), LIMITS)
                    assert values is not None, where
                    assert _violations(model, values) == [], where
                    overdue = sum(values[j] * c for j, c in model.objective(Stage.OVERDUE).items())
                    assert round(overdue, 6) == plan.totals.overdue_months, where
    assert kept >= 10, kept


def _keeps_its_settlements(plan: Any, scenario: Any, loan: str) -> bool:
    """The plan took a settlement of `loan` that forgives something and paid every part of it, and
    paid every part of the settlements under way at the start."""
    if not plan.decisions or plan.decisions[0].waived <= 0:
        return False
    month = plan.decisions[0].month
    under_way = {x.id: len(x.settlement.parts) for x in scenario.loans if x.settlement is not None}
    return not any(row.overdue for m in plan.months for row in m.loans
                   if (row.id == loan and m.month >= month) or m.month <= under_way.get(row.id, 0))
