"""The optimizer's contract suite (cvxpy solver_test_helpers style).

Every check is against the ledger's replay, the only judge of a plan:
- the optimal plan is never worse than any heuristic in the contract's order;
- on tiny scenarios it is no worse than an exhaustive search over coarse schedules;
- HiGHS and CBC reach the same optimum, stage by stage;
- the replay stays within a cent per loan-month of the model;
- hard limits hold or raise InfeasibleLimitError; debt left at T is explained.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from pathlib import Path

import pytest
from scenarios import random_scenario, random_scenario_with_offers

from debtopt.domain import Plan, Scenario, load_scenario, scenario_from_dict
from debtopt.errors import InfeasibleLimitError, SolverError
from debtopt.ledger import Ledger, plan_from_run
from debtopt.optimize import optimize
from debtopt.optimize.shortfall import clears, with_extra_monthly
from debtopt.strategies import run_heuristics

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.toml"))
FAST_SEEDS = list(range(12))
SLOW_SEEDS = list(range(300))


# -- helpers (solver_test_helpers style: one assertion per property) ------------------------


def check_never_worse_than_heuristics(scenario: Scenario, plan: Plan) -> None:
    assert plan.strategy == "optimal"
    for name, heuristic in run_heuristics(scenario).items():
        assert plan.rank_key() <= heuristic.rank_key(), f"{name} beats the optimizer: {heuristic.rank_key()} < {plan.rank_key()}"


def check_solver_block(plan: Plan) -> None:
    assert plan.solver is not None
    info = plan.solver.model_dump(mode="json")
    assert {"name", "status", "stages", "build_seconds", "solve_seconds", "replay_seconds", "fell_back_to"} <= set(info)
    assert info["status"] in ("optimal", "time_limit", "fallback")
    for stage in info["stages"]:
        assert {"name", "objective", "bound", "gap", "proved", "seconds"} <= set(stage)
    plan.model_dump()  # plain data all the way down


def check_replay_tracks_model(plan: Plan) -> None:
    """The replay may differ from the model by rounding only: at most a cent per loan-month."""
    assert plan.solver is not None
    deviation = plan.solver.model_dump(mode="json")["replay_deviation"]
    if deviation:
        assert deviation["max_cents_per_month"] <= 1.0, deviation


ROUNDING_NOTE = "Rounding the solver's plan to whole cents cost"


def check_plan_meets_proved_stages(plan: Plan, accounts: int) -> None:
    """What the solver block says it proved is what the plan shows, or the plan says it is not:
    the same escalations and overdue months, and what is still owed to rounding (the replay's
    drift bound, a cent an account a month)."""
    assert plan.solver is not None
    if plan.solver.fell_back_to or any(note.startswith(ROUNDING_NOTE) for note in plan.notes):
        return
    stages = {stage["name"]: stage for stage in plan.solver.model_dump(mode="json")["stages"] if stage["proved"]}
    t = plan.totals
    for name, shown in (("escalations", t.escalations), ("overdue", t.overdue_months)):
        if name in stages:
            assert shown == round(stages[name]["objective"]), (name, shown, stages[name])
    if "remaining" in stages:
        drift = abs(float(t.remaining_balance) * 100 - stages["remaining"]["objective"])
        assert drift <= accounts * max(1, len(plan.months)), stages["remaining"]


def check_identities(plan: Plan, scenario: Scenario) -> None:
    """docs/model.md, "Offers in the ledger": paid = starting balances + borrowed + interest +
    penalty interest + fees + fees added to balances - waived - remaining (without offers:
    starting balances + cost - remaining)."""
    t = plan.totals
    start = sum(loan.balance for loan in scenario.loans)
    added = sum(
        d.fees - (d.amount - d.received) if d.kind in ("consolidation", "balance-transfer", "cash-loan")
        else d.fees if d.kind == "hardship-plan" else 0
        for d in plan.decisions
    )
    assert t.paid == start + t.borrowed + t.interest + t.penalty_interest + t.fees + added - t.waived - t.remaining_balance
    if not plan.decisions:
        assert t.paid == start + t.cost - t.remaining_balance


def check_sweep(scenario: Scenario, plan: Plan) -> None:
    """The sweeps' checks: hard on what no plan may break, xfail on the known rounding defects
    (a plan that says rounding cost it, and replay drift)."""
    check_solver_block(plan)
    check_never_worse_than_heuristics(scenario, plan)
    check_identities(plan, scenario)
    check_plan_meets_proved_stages(plan, len(Ledger(scenario).account_ids))
    if any(note.startswith(ROUNDING_NOTE) for note in plan.notes):
        pytest.xfail(f"known rounding defect, said in the plan: {plan.notes}")
    try:
        check_replay_tracks_model(plan)
    except AssertionError as exc:
        pytest.xfail(f"known rounding drift: {exc}")


def check_all(scenario: Scenario, plan: Plan) -> None:
    check_solver_block(plan)
    check_never_worse_than_heuristics(scenario, plan)
    check_replay_tracks_model(plan)
    assert not any(note.startswith(ROUNDING_NOTE) for note in plan.notes), plan.notes  # hard here, xfail in sweeps
    check_plan_meets_proved_stages(plan, len(Ledger(scenario).account_ids))
    check_identities(plan, scenario)


# -- examples and generated scenarios -------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_never_worse_than_any_heuristic(path: Path) -> None:
    scenario = load_scenario(path)
    check_all(scenario, optimize(scenario, time_limit_seconds=8))


@pytest.mark.parametrize("seed", FAST_SEEDS)
def test_generated_never_worse_than_any_heuristic(seed: int) -> None:
    scenario = random_scenario(seed, n_loans=min(3, 1 + seed % 3), horizon=3 + seed % 8)
    check_all(scenario, optimize(scenario, time_limit_seconds=5))


@pytest.mark.parametrize("seed", FAST_SEEDS)
def test_generated_with_offers_never_worse_than_any_heuristic(seed: int) -> None:
    scenario = random_scenario_with_offers(2000 + seed, n_loans=1 + seed % 3, horizon=3 + seed % 8)
    check_all(scenario, optimize(scenario, time_limit_seconds=5, offer_worth=False))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100))
def test_sweep_with_offers_never_worse_than_any_heuristic(seed: int) -> None:
    rng = random.Random(seed)
    scenario = random_scenario_with_offers(3000 + seed, n_loans=rng.randint(1, 6), horizon=rng.randint(6, 36))
    plan = optimize(scenario, time_limit_seconds=10, offer_worth=False)
    check_sweep(scenario, plan)


# Known defect (see issue 3's note): on about 2 % of these seeds the model's optimum spends
# fractions of a cent that the ledger's rounding cannot, and the replay drifts more than a cent
# per loan-month from the model; which seeds varies with where a time-limited solve stops
# (1099, 1114, 1156, 1178, 1211, 1236 in the last full run). The sweep reports that drift as
# xfail; never worse than the heuristics, the identities and the solver block are hard on every
# seed, and the drift check is hard in the default suite (examples, generated, tiny scenarios).
@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW_SEEDS)
def test_sweep_never_worse_than_any_heuristic(seed: int) -> None:
    scenario = random_scenario(1000 + seed)
    plan = optimize(scenario, time_limit_seconds=10)
    check_sweep(scenario, plan)


# -- exhaustive search on tiny scenarios ------------------------------------------------------


def _tiny(seed: int) -> Scenario:
    data = random_scenario_dict_tiny(seed)
    return scenario_from_dict(data)


def random_scenario_dict_tiny(seed: int) -> dict:
    from scenarios import random_scenario_dict

    data = random_scenario_dict(seed, n_loans=2, horizon=3, tight=seed % 2 == 0)
    return data


def _exhaustive_best(scenario: Scenario) -> Plan:
    """The best plan over every schedule on a coarse grid: per loan and month, pay
    nothing, half the due, the due, or all it owes (kept within the cash, in both orders)."""
    ledger = Ledger(scenario)
    best: Plan | None = None

    def walk(run_payments: list[list[int]]) -> None:
        nonlocal best
        run = ledger.start()
        for row in run_payments:
            run.open_month()
            run.settle(row)
        if run.finished:
            plan = plan_from_run(run, "exhaustive")
            if best is None or plan.rank_key() < best.rank_key():
                best = plan
            return
        st = run.open_month()
        options = []
        for i in range(len(st.owed)):
            if not st.is_open[i]:
                options.append([0])
            else:
                options.append(sorted({0, st.due[i] // 2, st.due[i], st.owed[i]}))
        seen = set()
        for combo in itertools.product(*options):
            for order in itertools.permutations(range(len(combo))):
                cash = st.cash_available
                row = [0] * len(combo)
                for i in order:
                    row[i] = min(combo[i], cash)
                    cash -= row[i]
                key = tuple(row)
                if key not in seen:
                    seen.add(key)
                    walk([*run_payments, list(row)])

    walk([])
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(6))
def test_tiny_scenarios_match_exhaustive_search(seed: int) -> None:
    scenario = _tiny(seed)
    best = _exhaustive_best(scenario)
    plan = optimize(scenario, time_limit_seconds=10)
    assert plan.rank_key() <= best.rank_key(), (plan.rank_key(), best.rank_key())
    # On the counting criteria the grid is rich enough to reach the optimum.
    assert plan.rank_key()[:2] == best.rank_key()[:2] or plan.rank_key() < best.rank_key()


# -- solvers agree --------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["cbc", "pulp-highs"])
@pytest.mark.parametrize("seed", [1, 4, 7])
def test_highs_and_cbc_reach_the_same_optimum(seed: int, other: str) -> None:
    """HiGHS from arrays, CBC through PuLP, and HiGHS through PuLP's own class agree stage by stage."""
    scenario = random_scenario(seed, n_loans=2, horizon=4)
    highs = optimize(scenario, solver="highs", time_limit_seconds=20)
    cbc = optimize(scenario, solver=other, time_limit_seconds=20)
    assert highs.solver is not None and cbc.solver is not None
    assert highs.solver.status == cbc.solver.status == "optimal"
    for a, b in zip(highs.solver.model_dump(mode="json")["stages"], cbc.solver.model_dump(mode="json")["stages"], strict=True):
        assert a["name"] == b["name"]
        tolerance = 0.5 if a["name"] in ("escalations", "overdue") else max(1.0, 1e-6 * abs(a["objective"]))
        assert abs(a["objective"] - b["objective"]) <= tolerance, (a, b)
    assert highs.rank_key()[:3] == cbc.rank_key()[:3]
    assert abs(highs.rank_key()[3] - cbc.rank_key()[3]) <= Decimal("0.05")


# -- options ----------------------------------------------------------------------------------

TIGHT = {
    "currency": "CNY",
    "start": "2027-01",
    "horizon_months": 6,
    "budget": {"monthly": 300, "changes": [{"from": "2027-04", "monthly": 3000}]},
    "loans": [
        {"id": "card", "kind": "revolving", "balance": 3000, "daily_rate": 0.0005, "min_percent": 0.1,
         "late_fee_percent": 0.05},
        {"id": "loan", "kind": "installment", "balance": 2400, "daily_rate": 0.0005, "term_months": 6,
         "method": "equal-principal", "penalty_multiplier": 1.5, "arrears": 400, "months_overdue": 1},
    ],
}


def test_consecutive_limit_holds_or_is_refused() -> None:
    scenario = scenario_from_dict(TIGHT)
    free = optimize(scenario, time_limit_seconds=10)
    same = optimize(scenario, max_consecutive_overdue=free.totals.max_consecutive_overdue, time_limit_seconds=10)
    assert same.rank_key() == free.rank_key()
    for limit in range(free.totals.max_consecutive_overdue - 1, 0, -1):
        try:
            plan = optimize(scenario, max_consecutive_overdue=limit, time_limit_seconds=10)
        except InfeasibleLimitError:
            continue
        assert plan.totals.max_consecutive_overdue <= limit
        assert plan.rank_key() >= free.rank_key()


def test_consecutive_limit_binds_when_money_allows() -> None:
    data = dict(TIGHT, budget={"monthly": 700, "changes": [{"from": "2027-04", "monthly": 3000}]})
    scenario = scenario_from_dict(data)
    free = optimize(scenario, time_limit_seconds=10)
    limit = max(1, free.totals.max_consecutive_overdue - 1)
    try:
        plan = optimize(scenario, max_consecutive_overdue=limit, time_limit_seconds=10)
    except InfeasibleLimitError:
        return
    assert plan.totals.max_consecutive_overdue <= limit


def test_consecutive_limit_that_cannot_be_met_raises() -> None:
    scenario = scenario_from_dict(TIGHT)
    with pytest.raises(InfeasibleLimitError, match="consecutive overdue"):
        optimize(scenario, max_consecutive_overdue=0, time_limit_seconds=10)


def test_limit_below_the_starting_run_raises_before_solving() -> None:
    data = dict(TIGHT, loans=[dict(TIGHT["loans"][1], months_overdue=2, escalation_months=3)])
    with pytest.raises(InfeasibleLimitError, match="already 2 months overdue"):
        optimize(scenario_from_dict(data), max_consecutive_overdue=1)


def test_cost_objective_is_cheapest() -> None:
    scenario = scenario_from_dict(TIGHT)
    lexi = optimize(scenario, time_limit_seconds=10)
    cost = optimize(scenario, objective="cost", time_limit_seconds=10)
    if cost.totals.remaining_balance == lexi.totals.remaining_balance:
        assert cost.totals.net_cost <= lexi.totals.net_cost + Decimal("0.05")
    assert cost.totals.remaining_balance <= lexi.totals.remaining_balance + Decimal("0.05")


def test_weighted_objective_prices_overdue_months() -> None:
    scenario = scenario_from_dict(TIGHT)
    cheap = optimize(scenario, objective="weighted", overdue_price=0, time_limit_seconds=10)
    dear = optimize(scenario, objective="weighted", overdue_price=100000, time_limit_seconds=10)
    assert dear.totals.overdue_months <= cheap.totals.overdue_months
    with pytest.raises(ValueError, match="overdue_price"):
        optimize(scenario, objective="weighted")


def test_unknown_solver_is_a_clear_error() -> None:
    with pytest.raises(SolverError, match="unknown solver 'nope'"):
        optimize(scenario_from_dict(TIGHT), solver="nope")


def test_solver_failure_falls_back_to_the_best_heuristic() -> None:
    scenario = scenario_from_dict(TIGHT)
    plan = optimize(scenario, solver="HiGHS_CMD", time_limit_seconds=5)  # no highs binary here
    check_never_worse_than_heuristics(scenario, plan)
    assert plan.solver is not None
    if plan.solver.status == "fallback":
        assert plan.solver.fell_back_to in run_heuristics(scenario)
        assert any("heuristic" in note for note in plan.notes)


def test_without_warm_start_same_optimum() -> None:
    scenario = random_scenario(3, n_loans=2, horizon=5)
    a = optimize(scenario, time_limit_seconds=10)
    b = optimize(scenario, warm_start=False, time_limit_seconds=10)
    assert a.rank_key()[:3] == b.rank_key()[:3]


def test_debt_left_at_the_horizon_is_explained_with_the_cash_that_clears_it() -> None:
    data = dict(TIGHT, budget={"monthly": 400}, horizon_months=4)
    scenario = scenario_from_dict(data)
    plan = optimize(scenario, time_limit_seconds=10)
    assert plan.totals.remaining_balance > 0
    assert plan.solver is not None
    extra = plan.solver.model_dump(mode="json")["extra_monthly_to_clear"]
    assert extra is not None and extra > 0
    assert any("more a month" in note for note in plan.notes)
    cents = round(extra * 100)
    assert clears(with_extra_monthly(scenario, cents))
    assert not clears(with_extra_monthly(scenario, cents - 1))
