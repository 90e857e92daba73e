"""The optimizer's contract suite (cvxpy solver_test_helpers style).

Every check is against the ledger's replay, the only judge of a plan:
- the solver's own rounded optimum is never worse than any heuristic in the contract's
  order (the plan shown may still be a better plan, but a fallback to a heuristic
  because the rounded optimum lost fails the check: the solver report says which
  plan was chosen and, when it is not the rounded optimum, that plan's figures);
- on tiny scenarios it is no worse than an exhaustive search over coarse schedules;
- HiGHS and CBC reach the same optimum, stage by stage;
- the replay stays within a cent per loan-month of the model;
- hard limits hold or raise InfeasibleLimitError; debt left at T is explained.
"""

from __future__ import annotations

import itertools
import random
import time
from decimal import Decimal
from pathlib import Path

import pytest
from caps import NO_CAP_SECONDS
from scenarios import random_scenario, random_scenario_with_offers
from solved import example_plan

from debtopt.analysis.cash import clears, with_extra_cash, with_extra_monthly
from debtopt.domain import Plan, Scenario, load_scenario, scenario_from_dict
from debtopt.domain.options import solve_options
from debtopt.domain.solver import PlanSource, SolveStatus, StageStatus
from debtopt.errors import InfeasibleLimitError, OptionError
from debtopt.ledger import Ledger, plan_from_run
from debtopt.optimize import optimize
from debtopt.strategies import run_heuristics
from caps import NO_CAP_SECONDS

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.toml"))
FAST_SEEDS = list(range(12))
SLOW_SEEDS = list(range(300))


def solve(scenario: Scenario, **options: object) -> Plan:
    return optimize(scenario, solve_options(**options))


# -- helpers (solver_test_helpers style: one assertion per property) ------------------------


def check_rounded_optimum_never_loses(scenario: Scenario, plan: Plan) -> None:
    """The solver found a plan, and its own optimum rounded to cents and replayed is no worse
    than any heuristic: a plan shown because the rounded optimum lost to a heuristic fails here,
    though the fallback saved the user (a short-horizon plan shown instead is the solver's too)."""
    assert plan.strategy == "optimal"
    report = plan.solver
    assert report is not None and report.status != SolveStatus.FALLBACK, plan.notes
    assert (report.rounded is None) == (report.chosen == PlanSource.ROUNDED), (report.chosen, plan.notes)
    rounded = plan.rank_key() if report.rounded is None else report.rounded.rank_key()
    for name, heuristic in run_heuristics(scenario).items():
        assert rounded <= heuristic.rank_key(), f"{name} beats the rounded optimum: {heuristic.rank_key()} < {rounded}"


def check_never_costlier(scenario: Scenario, plan: Plan) -> None:
    """Under "cost" (what is still owed, then net cost: domain/ranking.py) no heuristic is cheaper than
    the plan shown, nor than the solver's own rounded optimum (a fallback to a cheaper heuristic fails)."""
    assert plan.solver is not None and plan.solver.objective == "cost" and plan.solver.status != SolveStatus.FALLBACK
    assert plan.solver.fell_back_to is None, plan.notes
    money = (plan.totals.remaining_balance, plan.totals.net_cost)
    for name, heuristic in run_heuristics(scenario).items():
        theirs = (heuristic.totals.remaining_balance, heuristic.totals.net_cost)
        assert money <= theirs, f"{name} is cheaper: {theirs} < {money}"


def check_solver_block(plan: Plan) -> None:
    assert plan.solver is not None
    info = plan.solver.model_dump(mode="json")
    assert {"name", "status", "stages", "build_seconds", "solve_seconds", "replay_seconds", "fell_back_to"} <= set(info)
    assert info["status"] in ("optimal", "work_limit", "time_limit", "fallback")
    for stage in info["stages"]:
        assert {"name", "objective", "bound", "gap", "proved", "seconds"} <= set(stage)
    plan.model_dump()  # plain data all the way down


def check_replay_tracks_model(plan: Plan) -> None:
    """The replay may differ from the model by rounding only: at most a cent per loan-month.
    The deviation is the rounded optimum's: reported whenever it is the plan shown."""
    assert plan.solver is not None
    deviation = plan.solver.replay_deviation
    assert deviation is not None or plan.solver.chosen != PlanSource.ROUNDED
    assert (0.0 if deviation is None else deviation.max_cents_per_month) <= 1.0, deviation


ROUNDING_NOTE = "Rounding the solver's plan to whole cents cost"


def check_plan_meets_proved_stages(plan: Plan, accounts: int) -> None:
    """What the solver block says it proved is what the plan shows, or the plan says it is not:
    the same escalations and overdue months, and what is still owed to rounding (the replay's
    drift bound, a cent an account a month)."""
    assert plan.solver is not None
    solvers = not plan.solver.fell_back_to and not any(note.startswith(ROUNDING_NOTE) for note in plan.notes)
    proved = {stage.name: stage.objective for stage in plan.solver.stages if stage.proved}
    t = plan.totals
    for name, shown in (("escalations", t.escalations), ("overdue", t.overdue_months)):
        assert not solvers or name not in proved or shown == round(proved[name]), (name, shown, proved)
    drift = abs(float(t.remaining_balance) * 100 - proved.get("remaining", float(t.remaining_balance) * 100))
    assert not solvers or drift <= accounts * max(1, len(plan.months)), (drift, proved)


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
    assert plan.decisions or t.paid == start + t.cost - t.remaining_balance


def check_sweep(scenario: Scenario, plan: Plan) -> None:
    """The sweeps' checks: hard on what no plan may break, xfail on the known rounding defects
    (a plan that says rounding cost it, and replay drift)."""
    check_solver_block(plan)
    check_identities(plan, scenario)
    check_plan_meets_proved_stages(plan, len(Ledger(scenario).account_ids))
    if plan.solver is not None and plan.solver.status == SolveStatus.TIME_LIMIT:
        # The safety cap, not the work limit, ended a step: what was found depends on the machine's
        # speed, so whether the rounded optimum beats every heuristic cannot be judged (issue 12's note
        # counts these cases: the solver is too slow for them within the sweep's cap).
        pytest.xfail("stopped by the time limit: a machine-dependent result")
    check_rounded_optimum_never_loses(scenario, plan)
    if any(note.startswith(ROUNDING_NOTE) for note in plan.notes):
        pytest.xfail(f"known rounding defect, said in the plan: {plan.notes}")
    try:
        check_replay_tracks_model(plan)
    except AssertionError as exc:
        pytest.xfail(f"known rounding drift: {exc}")


def check_all(scenario: Scenario, plan: Plan) -> None:
    check_solver_block(plan)
    check_rounded_optimum_never_loses(scenario, plan)
    check_replay_tracks_model(plan)
    assert not any(note.startswith(ROUNDING_NOTE) for note in plan.notes), plan.notes  # hard here, xfail in sweeps
    check_plan_meets_proved_stages(plan, len(Ledger(scenario).account_ids))
    check_identities(plan, scenario)


# -- examples and generated scenarios -------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_never_worse_than_any_heuristic(path: Path) -> None:
    check_all(load_scenario(path), example_plan(path.stem))


@pytest.mark.parametrize("seed", FAST_SEEDS)
def test_generated_never_worse_than_any_heuristic(seed: int) -> None:
    scenario = random_scenario(seed, n_loans=min(3, 1 + seed % 3), horizon=3 + seed % 8)
    check_all(scenario, solve(scenario, time_limit_seconds=NO_CAP_SECONDS))


# Known defects, said in the issues' notes: fixed, they fail here (strict) and leave this list.
OFFERS_DEFECTS: dict[int, str] = {}


@pytest.mark.parametrize("seed", [pytest.param(s, marks=pytest.mark.xfail(reason=OFFERS_DEFECTS[s], strict=True))
                                  if s in OFFERS_DEFECTS else s for s in FAST_SEEDS])
def test_generated_with_offers_never_worse_than_any_heuristic(seed: int) -> None:
    scenario = random_scenario_with_offers(2000 + seed, n_loans=1 + seed % 3, horizon=3 + seed % 8)
    check_all(scenario, solve(scenario, time_limit_seconds=NO_CAP_SECONDS))


# us-consolidation under "cost": its net-cost stage, started from the heuristics' plans taking the
# offers a relaxation takes (optimize/current.py), proves its optimum in 321 nodes, about 23 s on
# the idle machine: slow (zhang-san's and us-cards' cost plans are solved in the default suite).
COST_EXAMPLES = [pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if p.stem == "us-consolidation" else [])
                 for p in EXAMPLES]


@pytest.mark.parametrize("path", COST_EXAMPLES)
def test_examples_cost_objective_never_costlier_than_any_heuristic(path: Path) -> None:
    check_never_costlier(load_scenario(path), example_plan(path.stem, "cost"))


@pytest.mark.parametrize("seed", FAST_SEEDS)
def test_generated_cost_objective_never_costlier_than_any_heuristic(seed: int) -> None:
    scenario = random_scenario_with_offers(2000 + seed, n_loans=1 + seed % 3, horizon=3 + seed % 8)
    check_never_costlier(scenario, solve(scenario, objective="cost", time_limit_seconds=NO_CAP_SECONDS))


# -- rounding to whole cents keeps the better plan (issue 12 item 3) --------------------------

# One card behind on its minimum for five months, all the cash paid to it each month. The
# optimum pays 281.76 a month; rounded by floors it paid 281.75 where the ledger's interest
# had rounded down (an overdue loan was paid the model's payment less the ledger's rounding
# saving), kept the cent idle in savings, and owed a cent more than `minimum` at the end
# (random_scenario(1260), cut to one loan's essentials and five months).
ONE_CARD_BEHIND = {
    "currency": "CNY", "start": "2027-07", "horizon_months": 5, "budget": {"monthly": "281.76"},
    "loans": [{"id": "card", "kind": "revolving", "balance": "14087.96", "daily_rate": "0.00035",
               "penalty_rate": "0.000625", "late_fee": "58.98", "min_percent": "0.03"}],
}

# Four loans, five months, all cash spent. The optimum pays fractions of a cent on every loan;
# which whole cent each rounds to moves the ledger's half-up interest, and urgency's cents come
# out a cent better than the floors' (random_scenario(1287): no subset of its loans shows it).
FOUR_LOANS_A_CENT_APART = {
    "currency": "USD", "start": "2025-03", "horizon_months": 5, "budget": {"monthly": "12476.97"},
    "loans": [
        {"id": "loan-0", "kind": "revolving", "balance": "38221.5", "annual_rate": "0.2785", "late_fee": "1.64",
         "arrears": "3347.94", "months_overdue": 1, "min_percent": "0.03"},
        {"id": "loan-1", "kind": "installment", "balance": "44735.15", "annual_rate": "0.2504",
         "penalty_rate": "0.38560", "escalation_months": 6, "term_months": 4, "method": "equal-principal"},
        {"id": "loan-2", "kind": "revolving", "balance": "21138.13", "annual_rate": "0.2521", "promo_rate": "0.0000",
         "promo_months": 2, "late_fee": "32.77", "min_percent": "0.02", "min_floor": "300"},
        {"id": "loan-3", "kind": "revolving", "balance": "20674.96", "daily_rate": "0.00048",
         "penalty_rate": "0.000820", "late_fee": "7.46", "min_percent": "0.02", "min_floor": "25"},
    ],
}

# Four loans, seven months, short of cash: the optimum brings loans current after months behind,
# paying exactly their due. Rounding kept cents back from a loan overdue anyway that the model
# brings current the month after (in random_scenario(1156), of which this is the case less its
# first loan, its promotion and floor: the largest payment, so the first cut), and its due, which
# carries those arrears, came out cents above the cash: overdue, then escalated. Rounded: 3
# escalations, where snowball has 2 and the model 1.
BROUGHT_CURRENT_AFTER_TWO_MONTHS = {
    "currency": "USD", "start": "2026-07", "horizon_months": 7, "budget": {"monthly": "3014.99"},
    "loans": [
        {"id": "loan-1", "kind": "revolving", "balance": "30916.33", "daily_rate": "0.00085",
         "penalty_multiplier": "1.3", "late_fee_percent": "0.05", "escalation_months": 6, "arrears": "7634.23",
         "months_overdue": 4, "min_percent": "0.02"},
        {"id": "loan-2", "kind": "installment", "balance": "55324.42", "daily_rate": "0.00024", "late_fee": "6.54",
         "term_months": 40, "method": "annuity"},
        {"id": "loan-3", "kind": "installment", "balance": "26383.6", "annual_rate": "0.2062",
         "penalty_multiplier": "1.3", "late_fee_percent": "0.05", "term_months": 34, "method": "annuity"},
        {"id": "loan-4", "kind": "installment", "balance": "3721.36", "annual_rate": "0.3458",
         "penalty_multiplier": "1.5", "late_fee": "22.95", "escalation_months": 4, "installment": "590.65"},
    ],
}


@pytest.mark.parametrize("data", [ONE_CARD_BEHIND, FOUR_LOANS_A_CENT_APART, BROUGHT_CURRENT_AFTER_TWO_MONTHS],
                         ids=["one-card-behind", "four-loans", "brought-current"])
def test_rounded_optimum_never_loses_to_a_heuristic(data: dict) -> None:
    """The solver's own plan in whole cents, not a heuristic's, is the one shown, proved, and no
    heuristic is a cent better on any criterion of the order."""
    scenario = scenario_from_dict(data)
    plan = solve(scenario, time_limit_seconds=NO_CAP_SECONDS)
    check_all(scenario, plan)
    assert plan.solver is not None and plan.solver.status == SolveStatus.OPTIMAL
    assert plan.solver.chosen == PlanSource.ROUNDED and plan.solver.fell_back_to is None, plan.notes


# Seeds whose rounded optimum loses to a heuristic (the plan shown is a short-horizon plan, as
# good as the heuristic): rounding the proved optimum to cents tips a month overdue (90: 29
# overdue months against 28, ¥629.62 more owed, said in the plan) or owes 2 cents more at T (81).
ROUNDED_LOSES = {81: "the rounded optimum owes 2 cents more than urgency at T",
                 90: "rounding tips a month overdue: 29 overdue months against avalanche's 28"}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [pytest.param(s, marks=pytest.mark.xfail(reason=ROUNDED_LOSES[s], strict=False))
                                  if s in ROUNDED_LOSES else s for s in range(100)])
def test_sweep_with_offers_never_worse_than_any_heuristic(seed: int) -> None:
    rng = random.Random(seed)
    scenario = random_scenario_with_offers(3000 + seed, n_loans=rng.randint(1, 6), horizon=rng.randint(6, 36))
    plan = solve(scenario, time_limit_seconds=10)
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
    plan = solve(scenario, time_limit_seconds=10)
    check_sweep(scenario, plan)


# Real sizes (issue 13): 10 to 30 loans over 5 to 10 years, tight budgets, a few seeds each.
# Never worse than the classic heuristics nor than the lookahead portfolio, the identities and
# the solver block hard; rounding defects xfail as in the sweeps above.
LARGE_CASES = [(10, 60, 0), (10, 60, 1), (15, 90, 0), (20, 120, 0), (30, 120, 0)]


@pytest.mark.slow
@pytest.mark.parametrize(("n_loans", "horizon", "seed"), LARGE_CASES, ids=[f"{n}x{t}-{s}" for n, t, s in LARGE_CASES])
def test_large_never_worse_than_any_heuristic_or_the_portfolio(n_loans: int, horizon: int, seed: int) -> None:
    from debtopt.optimize.polish import portfolio_plans

    scenario = random_scenario(4000 + seed, n_loans=n_loans, horizon=horizon, tight=True)
    plan = solve(scenario, time_limit_seconds=30)
    for name, other in portfolio_plans(Ledger(scenario)).items():
        assert plan.rank_key() <= other.rank_key(), f"{name} beats the optimizer"
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
    plan = solve(scenario, time_limit_seconds=NO_CAP_SECONDS)
    assert plan.rank_key() <= best.rank_key(), (plan.rank_key(), best.rank_key())
    # On the counting criteria the grid is rich enough to reach the optimum.
    assert plan.rank_key()[:2] == best.rank_key()[:2] or plan.rank_key() < best.rank_key()


# -- solvers agree --------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["cbc", "pulp-highs"])
@pytest.mark.parametrize("seed", [1, 4, 7])
def test_highs_and_cbc_reach_the_same_optimum(seed: int, other: str) -> None:
    """HiGHS from arrays, CBC through PuLP, and HiGHS through PuLP's own class agree stage by stage."""
    scenario = random_scenario(seed, n_loans=2, horizon=4)
    highs = solve(scenario, solver="highs", time_limit_seconds=NO_CAP_SECONDS)
    cbc = solve(scenario, solver=other, time_limit_seconds=NO_CAP_SECONDS)
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
    """TIGHT's optimum runs a loan 4 months overdue; every lower limit is refused (the loan starts
    1 month behind and no budget of 300 a month keeps it within 3)."""
    scenario = scenario_from_dict(TIGHT)
    free = solve(scenario, time_limit_seconds=NO_CAP_SECONDS)
    assert free.totals.max_consecutive_overdue == 4
    same = solve(scenario, max_consecutive_overdue=4, time_limit_seconds=NO_CAP_SECONDS)
    assert same.rank_key() == free.rank_key()
    for limit in (1, 2, 3):
        with pytest.raises(InfeasibleLimitError, match=f"within {limit} consecutive overdue months"):
            solve(scenario, max_consecutive_overdue=limit, time_limit_seconds=NO_CAP_SECONDS)


def test_consecutive_limit_binds_when_money_allows() -> None:
    """With 800 a month the optimum runs a loan 2 months overdue; a limit of 1 is met, at a price."""
    data = dict(TIGHT, budget={"monthly": 800, "changes": [{"from": "2027-04", "monthly": 3000}]})
    scenario = scenario_from_dict(data)
    free = solve(scenario, time_limit_seconds=NO_CAP_SECONDS)
    plan = solve(scenario, max_consecutive_overdue=1, time_limit_seconds=NO_CAP_SECONDS)
    assert free.totals.max_consecutive_overdue == 2
    assert plan.totals.max_consecutive_overdue <= 1
    assert plan.rank_key()[:2] == free.rank_key()[:2] and plan.totals.net_cost > free.totals.net_cost


def test_consecutive_limit_that_cannot_be_met_raises() -> None:
    scenario = scenario_from_dict(TIGHT)
    with pytest.raises(InfeasibleLimitError, match="consecutive overdue"):
        solve(scenario, max_consecutive_overdue=0, time_limit_seconds=NO_CAP_SECONDS)


def test_limit_below_the_starting_run_raises_before_solving() -> None:
    data = dict(TIGHT, loans=[dict(TIGHT["loans"][1], months_overdue=2, escalation_months=3)])
    with pytest.raises(InfeasibleLimitError, match="already 2 months overdue"):
        solve(scenario_from_dict(data), max_consecutive_overdue=1)


def test_cost_objective_is_cheapest() -> None:
    """Money alone: no more owed at the end, and (owing the same) no more net cost, than the contract's order."""
    scenario = scenario_from_dict(TIGHT)
    lexi = solve(scenario, time_limit_seconds=NO_CAP_SECONDS)
    cost = solve(scenario, objective="cost", time_limit_seconds=NO_CAP_SECONDS)
    assert cost.solver is not None and [stage.name for stage in cost.solver.stages] == ["remaining", "net_cost"]
    assert cost.totals.remaining_balance == lexi.totals.remaining_balance == 0
    assert cost.totals.net_cost <= lexi.totals.net_cost + Decimal("0.05")


def test_weighted_objective_prices_overdue_months() -> None:
    scenario = scenario_from_dict(TIGHT)
    cheap = solve(scenario, objective="weighted", overdue_price=0, time_limit_seconds=NO_CAP_SECONDS)
    dear = solve(scenario, objective="weighted", overdue_price=100000, time_limit_seconds=NO_CAP_SECONDS)
    assert dear.totals.overdue_months <= cheap.totals.overdue_months


def test_options_are_checked_before_any_solve() -> None:
    """The optimizer takes validated options only; a bad one names its parameter (OptionError)."""
    with pytest.raises(OptionError, match="overdue_price: objective 'weighted' needs a price"):
        solve_options(objective="weighted")
    with pytest.raises(OptionError, match="solver: unknown solver 'nope'; choose one of highs, pulp-highs, cbc"):
        solve_options(solver="nope")


def test_solver_failure_falls_back_to_the_best_heuristic(monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend that fails every solve (a crash is an outcome, never a traceback): the best
    heuristic's plan, said in the status, fell_back_to and a note."""
    from debtopt.optimize import solve as backends

    def crash(self: object, *args: object) -> backends.SolveOutcome:
        return backends.SolveOutcome(StageStatus.ERROR, None, None, None, 0.0, "RuntimeError('crash')")

    monkeypatch.setattr(backends.HighsBackend, "solve", crash)
    scenario = random_scenario(3, n_loans=2, horizon=5)
    plan = solve(scenario, time_limit_seconds=NO_CAP_SECONDS)
    best = min(run_heuristics(scenario).values(), key=lambda p: p.rank_key())
    assert plan.solver is not None and plan.solver.status == SolveStatus.FALLBACK
    assert plan.solver.fell_back_to == best.strategy and plan.solver.chosen == PlanSource.START
    assert plan.rank_key() == best.rank_key()
    assert any("The solver found no plan (RuntimeError('crash'))" in note for note in plan.notes), plan.notes


def test_without_warm_start_same_optimum() -> None:
    scenario = random_scenario(3, n_loans=2, horizon=5)
    a = solve(scenario, time_limit_seconds=NO_CAP_SECONDS)
    b = solve(scenario, warm_start=False, time_limit_seconds=NO_CAP_SECONDS)
    assert a.rank_key()[:3] == b.rank_key()[:3]


def test_debt_left_at_the_horizon_is_explained_with_the_cash_that_clears_it() -> None:
    data = dict(TIGHT, budget={"monthly": 400}, horizon_months=4)
    scenario = scenario_from_dict(data)
    options = solve_options(time_limit_seconds=NO_CAP_SECONDS)
    plan = optimize(scenario, options)
    assert plan.totals.remaining_balance > 0
    plan = with_extra_cash(scenario, plan, options, time.perf_counter() + NO_CAP_SECONDS)
    assert plan.solver is not None and plan.solver.extra_cash is not None
    extra = plan.solver.model_dump(mode="json")["extra_monthly_to_clear"]
    assert extra is not None and extra > 0
    assert any("more a month" in note for note in plan.notes)
    cents = round(extra * 100)
    assert clears(with_extra_monthly(scenario, cents))
    assert not clears(with_extra_monthly(scenario, cents - 1))
