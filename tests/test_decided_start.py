"""The money stages started from the offers a related plan takes (polish.as_decided, optimize's
`decisions`): the what-if with a budget its plan's payments do not fit starts there (issue 12, item 5).

A start changes where the search begins, never what is proved: the plan with the hint is proved
and ranks with the plan without it. No test here times anything.
"""

from __future__ import annotations

from caps import NO_CAP_SECONDS
from scenarios import small_two_offers

from debtopt.domain.choices import Stage
from debtopt.domain.options import solve_options
from debtopt.ledger import Ledger
from debtopt.optimize import optimize
from debtopt.optimize.data import model_data
from debtopt.optimize.model import build
from debtopt.optimize.polish import as_decided
from debtopt.optimize.solve import SolveLimits


def test_a_hint_of_the_plans_own_offers_gives_a_proved_plan_of_the_same_rank() -> None:
    scenario = small_two_offers()
    options = solve_options(time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
    plan = optimize(scenario, options)
    assert plan.decisions, "the hint needs offers taken"
    hinted = optimize(scenario, options, decisions={d.offer: d.month for d in plan.decisions})
    assert plan.solver is not None and hinted.solver is not None
    assert plan.solver.proved and hinted.solver.proved
    a, b = plan.totals, hinted.totals
    assert (a.escalations, a.overdue_months, a.remaining_balance) == (b.escalations, b.overdue_months,
                                                                       b.remaining_balance)
    # both proved within the net-cost stage's tolerance of the same bound: the rounding to cents apart
    assert abs(a.net_cost - b.net_cost) <= 0.5


def test_as_decided_takes_exactly_the_offers_given_or_finds_nothing() -> None:
    scenario = small_two_offers()
    model = build(model_data(Ledger(scenario)))
    coefs = model.objective(Stage.NET_COST)
    limits = SolveLimits(NO_CAP_SECONDS, 500)
    none_taken = as_decided(model, [], coefs, {}, limits)
    assert none_taken is not None
    assert all(round(none_taken[col]) == 0 for ov in model.offers for col in ov.y.values())
    mum = as_decided(model, [], coefs, {"mum": 1}, limits)
    assert mum is not None
    assert [round(mum[col]) for ov in model.offers for col in ov.y.values()] == [1, 0]
    assert as_decided(model, [], coefs, {"mum": 2}, limits) is None  # outside the offer's months
    assert as_decided(model, [], coefs, {"someone-else": 1}, limits) is None  # not an offer of this scenario
