"""The scale work (issue 13): cuts that no plan breaks, the lookahead portfolio, the polish, LNS.

Every check is on plans the ledger replays: a cut is valid when every plan's point of the
model satisfies it; a heuristic is deterministic when two runs give the same plan; an
improvement step never returns a plan that ranks worse than the one it was given, and a
larger work budget never ends worse than a smaller one.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from scenarios import random_scenario

from debtopt.domain.choices import Objective, Stage
from debtopt.domain.options import solve_options
from debtopt.ledger import Ledger, replay
from debtopt.optimize import optimize
from debtopt.optimize.cuts import add_cuts, most_fitting, window_need
from debtopt.optimize.data import model_data
from debtopt.optimize.model import build
from debtopt.optimize.points import plan_integers, plan_point
from debtopt.optimize.polish import polish, portfolio_plans
from debtopt.domain.ranking import rank_by
from debtopt.optimize.solve import SolveLimits
from debtopt.strategies import run_heuristics
from debtopt.strategies.lookahead import PORTFOLIO, Lookahead
from debtopt.strategies.run import propose_schedule
from caps import NO_CAP_SECONDS


def _cut_rows(model) -> list[int]:
    return [r for r, name in enumerate(model.rows.row_names) if name.startswith("cut_")]


def _activity(model, r: int, values: list[float]) -> float:
    rows = model.rows
    start, end = rows.row_start[r], rows.row_start[r + 1] if r + 1 < rows.n_rows else len(rows.row_index)
    return sum(a * values[j] for j, a in zip(rows.row_index[start:end], rows.row_value[start:end]))


def test_most_fitting_counts_the_smallest_first() -> None:
    assert most_fitting([5.0, 1.0, 3.0], 4.0) == 2
    assert most_fitting([5.0], 4.0) == 0
    assert most_fitting([], 4.0) == 0


@pytest.mark.parametrize("seed", range(8))
def test_cuts_hold_at_every_heuristic_plan(seed: int) -> None:
    """The counting rows cut off fractional points only: every ledger plan's point satisfies them.

    A plan's point is the LP of the model without the cuts, the plan's choices fixed, fewest
    escalations (points.plan_point); the cut rows are then evaluated at it."""
    scenario = random_scenario(500 + seed, n_loans=4 + seed % 5, horizon=12 + 3 * seed, tight=True)
    ledger = Ledger(scenario)
    plain = build(model_data(ledger))
    model = build(model_data(ledger))
    assert add_cuts(model) == len(_cut_rows(model))
    rows = _cut_rows(model)
    plans = {**run_heuristics(scenario), **_portfolio(ledger)}
    for name, plan in plans.items():
        values = plan_point(ledger, plain, plan, [], plain.objective(Stage.ESCALATIONS), SolveLimits(20.0))
        assert values is not None, name
        for r in rows:
            assert _activity(model, r, values) >= model.rows.row_lower[r] - 1e-6, (name, model.rows.row_names[r])


def test_tight_cases_get_counting_rows() -> None:
    """A budget far below the dues: some month can keep only a few loans current, and the rows say so."""
    scenario = random_scenario(42, n_loans=10, horizon=24, tight=True)
    model = build(model_data(Ledger(scenario)))
    assert not _cut_rows(model)  # off in build (model.CUTS): measured, not kept
    assert add_cuts(model) > 0
    assert _cut_rows(model)


def test_window_need_is_none_before_a_loan_can_escalate() -> None:
    scenario = random_scenario(42, n_loans=3, horizon=12, tight=True)
    loan = model_data(Ledger(scenario)).loans[0]
    first = loan.escalation_months - loan.months_overdue
    assert window_need(loan, first - 2) is None
    assert window_need(loan, first - 1) is not None


@pytest.mark.parametrize("seed", range(3))
def test_lookahead_is_deterministic(seed: int) -> None:
    scenario = random_scenario(700 + seed, n_loans=6, horizon=24, tight=True)
    ledger = Ledger(scenario)
    for name, decide in PORTFOLIO.items():
        a = replay(ledger, propose_schedule(ledger, decide), strategy=name)
        b = replay(ledger, propose_schedule(ledger, decide), strategy=name)
        assert a.rank_key() == b.rank_key() and a.months == b.months, name


def test_lookahead_saves_loans_the_classic_heuristics_cannot() -> None:
    """The benchmark's 20 x 120 case (seed 42): the best classic heuristic (urgency) lets 4 loans
    escalate; the lookahead portfolio keeps it to 3 (the short horizon's bound)."""
    from debtopt.domain import scenario_from_dict
    from scenarios import random_scenario_dict

    scenario = scenario_from_dict(random_scenario_dict(42, n_loans=20, horizon=120, tight=True))
    classic = min(p.totals.escalations for p in run_heuristics(scenario).values())
    ours = min(p.totals.escalations for p in portfolio_plans(Ledger(scenario)).values())
    assert classic >= 4
    assert ours <= 3


def test_a_variant_without_a_seed_has_no_noise() -> None:
    assert Lookahead()._factors(3) == [1.0, 1.0, 1.0]
    assert Lookahead(seed=3)._factors(3) == Lookahead(seed=3)._factors(3)
    assert Lookahead(seed=3)._factors(3) != [1.0, 1.0, 1.0]


@pytest.mark.parametrize("seed", range(4))
def test_polish_never_ranks_worse_than_its_plan(seed: int) -> None:
    """The polish keeps the plan's pattern: its replay has the same counts or fewer, and
    on equal counts owes no more at the end than the plan it polished (beyond rounding)."""
    scenario = random_scenario(800 + seed, n_loans=4, horizon=18, tight=seed % 2 == 0)
    ledger = Ledger(scenario)
    model = build(model_data(ledger))
    for plan in run_heuristics(scenario).values():
        levels = [(model.objective(Stage.ESCALATIONS), plan.totals.escalations + 0.5),
                  (model.objective(Stage.OVERDUE), plan.totals.overdue_months + 0.5)]
        polished = polish(ledger, model, plan_integers(ledger, model, plan), levels)
        if polished is None:
            continue
        got, had = polished.plan.totals, plan.totals
        assert (got.escalations, got.overdue_months) <= (had.escalations, had.overdue_months)
        if (got.escalations, got.overdue_months) == (had.escalations, had.overdue_months):
            slack = Decimal(len(scenario.loans) * len(plan.months)) / 100
            assert got.remaining_balance <= had.remaining_balance + slack


@pytest.mark.parametrize("horizon", [6, pytest.param(12, marks=pytest.mark.slow)])
def test_optimizer_never_worse_than_the_portfolio(horizon: int) -> None:
    """Ten loans, the portfolio's smallest size. Over 12 months three stages run to their work
    limits (about 140 s on the idle machine): slow; over 6 months the solve takes a few seconds."""
    scenario = random_scenario(42, n_loans=10, horizon=horizon, tight=True)
    plans = portfolio_plans(Ledger(scenario))
    assert len(plans) >= 16
    plan = optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS))
    for name, other in plans.items():
        assert plan.rank_key() <= other.rank_key(), name


def test_no_portfolio_below_real_sizes() -> None:
    """Below 10 loans the optimizer keeps the classic heuristics' start (portfolio_size)."""
    assert portfolio_plans(Ledger(random_scenario(42, n_loans=9, horizon=12, tight=True))) == {}


def _portfolio(ledger: Ledger) -> dict:
    """Every plain variant's plan, whatever the scenario's size."""
    return {name: replay(ledger, propose_schedule(ledger, decide), strategy=name)
            for name, decide in PORTFOLIO.items()}


def test_lns_windows_cover_the_horizon_in_order() -> None:
    from debtopt.optimize.lns import windows

    assert windows(20, 6) == [(0, 6), (3, 9), (6, 12), (9, 15), (12, 18), (15, 20)]
    assert windows(4, 6) == [(0, 4)]


def test_lns_with_more_neighbourhoods_never_ends_worse() -> None:
    """The search tries its windows in a fixed order, each sub-solve bounded by nodes: a
    larger budget repeats the smaller one's steps, then goes on (more work, never worse)."""
    from debtopt.optimize import lns

    scenario = random_scenario(42, n_loans=5, horizon=18, tight=True)
    ledger = Ledger(scenario)
    model = build(model_data(ledger))
    start = min(run_heuristics(scenario).values(), key=lambda p: p.rank_key())
    integers = plan_integers(ledger, model, start)
    coefs = model.objective(Stage.OVERDUE)
    levels = [(model.objective(Stage.ESCALATIONS), start.totals.escalations + 0.5)]
    at_start = float(start.totals.overdue_months)
    small = lns.search(model, integers, at_start, coefs, levels, neighbourhoods=1, nodes=20)
    large = lns.search(model, integers, at_start, coefs, levels, neighbourhoods=4, nodes=20)
    assert not small.capped and not large.capped
    assert large.objective <= small.objective <= at_start
    assert large.tried == 4 and small.tried == 1


def test_plans_ranked_in_the_objective_order() -> None:
    """ranking.rank_by: the contract's order for lexicographic; remaining then net cost for cost;
    remaining then net cost plus the price of each overdue loan-month for weighted."""
    plan = min(run_heuristics(random_scenario(42, n_loans=3, horizon=12, tight=True)).values(),
               key=lambda p: p.rank_key())

    def with_totals(**totals: object):
        return plan.model_copy(update={"totals": plan.totals.model_copy(update=totals)})

    saves_accounts = with_totals(escalations=0, overdue_months=1, remaining_balance=Decimal("100.00"),
                                 net_cost=Decimal("10.00"))
    clears_debt = with_totals(escalations=2, overdue_months=5, remaining_balance=Decimal("0.00"),
                              net_cost=Decimal("20.00"))
    lexicographic, cost = rank_by(Objective.LEXICOGRAPHIC), rank_by(Objective.COST)
    assert lexicographic(saves_accounts) < lexicographic(clears_debt)
    assert cost(clears_debt) < cost(saves_accounts)
    cheap_overdue = with_totals(remaining_balance=Decimal(0), net_cost=Decimal("10.00"), overdue_months=5)
    dear_current = with_totals(remaining_balance=Decimal(0), net_cost=Decimal("12.00"), overdue_months=0)
    assert rank_by(Objective.WEIGHTED, Decimal("1"))(dear_current) < rank_by(Objective.WEIGHTED, Decimal("1"))(cheap_overdue)
    assert rank_by(Objective.WEIGHTED, Decimal("0.1"))(cheap_overdue) < rank_by(Objective.WEIGHTED, Decimal("0.1"))(dear_current)
