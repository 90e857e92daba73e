"""The cost and weighted objectives' money stages start from plans that take the offers (optimize/current.py).

Their start was the best heuristic plan, which takes no offer: on us-consolidation the net-cost
stage then needed 4,642 nodes (70-80 s) to find and prove the transfer in month 1 and the
consolidation loan in month 2.
"""

from __future__ import annotations

import pytest
from caps import NO_CAP_SECONDS
from solved import EXAMPLES, example_plan

from debtopt.api import scenario_from_fields
from debtopt.domain.choices import Stage
from debtopt.domain.load import load_scenario
from debtopt.domain.solver import SolveStatus
from debtopt.ledger import Ledger
from debtopt.optimize.current import offer_takes
from debtopt.optimize.data import model_data
from debtopt.optimize.model import build
from debtopt.optimize.solve import SolveLimits
from debtopt.strategies import heuristics_taking, run_heuristics

LIMITS = SolveLimits(NO_CAP_SECONDS, 5_000)


def _takes(scenario):
    ledger = Ledger(scenario)
    model = build(model_data(ledger))
    remaining_level = [(model.objective(Stage.REMAINING), 0.5)]
    return ledger, offer_takes(model, remaining_level, model.objective(Stage.NET_COST), LIMITS)


def test_the_relaxation_takes_the_offers_that_save_most_and_heuristics_taking_them_start_far_lower() -> None:
    scenario = load_scenario(EXAMPLES / "us-consolidation.toml")
    ledger, takes = _takes(scenario)
    assert takes is not None
    assert [(take.offer, take.month) for take in takes] == [("transfer", 1), ("consolidation", 2)]
    plans = heuristics_taking(ledger, takes)
    assert plans, "every heuristic failed to take the offers"
    for plan in plans:
        assert [(d.offer, d.month) for d in plan.decisions] == [("transfer", 1), ("consolidation", 2)]
    without = min(plan.totals.net_cost for plan in run_heuristics(scenario).values())
    taking = min(plan.totals.net_cost for plan in plans if plan.totals.remaining_balance == 0)
    # no heuristic takes an offer: $7,633.15 at best; taking these, avalanche's $998.77
    assert taking < without / 5


def test_no_takes_when_the_cash_cannot_keep_every_loan_current() -> None:
    scenario = scenario_from_fields({
        "currency": "USD", "start": "2027-01", "horizon_months": 6, "budget": {"monthly": "20"},
        "loans": [{"id": "card", "kind": "revolving", "balance": "5000", "annual_rate": "0.25",
                   "min_percent": "0.03", "min_floor": "40", "late_fee": "30"}],
        "offers": [{"id": "loan", "kind": "consolidation", "available_from": "2027-03", "available_until": "2027-04",
                    "min_amount": "1000", "max_amount": "5000",
                    "loan": {"kind": "installment", "annual_rate": "0.12", "term_months": 24, "method": "annuity"}}],
    })
    _, takes = _takes(scenario)
    assert takes is None  # $20 a month against a $150 minimum: month 1 is overdue whatever is taken


def test_a_scenario_without_offers_has_no_takes() -> None:
    _, takes = _takes(load_scenario(EXAMPLES / "us-cards.toml"))
    assert takes is None


@pytest.mark.slow  # about 23 s (it was 70-80 s before this start)
def test_us_consolidation_under_cost_proves_its_net_cost_in_a_few_hundred_nodes() -> None:
    plan = example_plan("us-consolidation", "cost")
    assert plan.solver is not None and plan.solver.status == SolveStatus.OPTIMAL
    stage = plan.solver.stage(Stage.NET_COST)
    assert stage is not None and stage.proved
    assert stage.nodes is not None and stage.nodes <= 500  # 4,642 from the heuristics' start
    assert [(d.offer, d.month) for d in plan.decisions] == [("transfer", 1), ("consolidation", 2)]
