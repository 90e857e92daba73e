"""Honest statuses (issue 12, item 3): "proved" means proved, on the plan shown.

A stage is proved exactly when the plan shown's own figure is within the stage's tolerance of
the bound the solver proved; the plan is "optimal" exactly when every stage is; gaps are
printed in the unit of the figure beside them; HiGHS and CBC end in the same words; and no
heuristic or user's plan beats a plan said to be proved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import highspy
import pulp
import pytest

import debtopt
from debtopt.domain.solver import SolveStatus, StageStatus, stage_tolerance
from debtopt.optimize.points import plan_value
from debtopt.optimize.pulp_backend import pulp_status
from debtopt.optimize.solve import highs_status
from debtopt.report.solver_text import solver_to_text
from scenarios import random_scenario
from test_cli_optimize import SMALL as CLI_SMALL
from caps import NO_CAP_SECONDS

SMALL: dict[str, Any] = {**CLI_SMALL, "language": "en"}


def _check_honest(plan: debtopt.Plan) -> None:
    solver = plan.solver
    assert solver is not None
    loan_months = len(plan.months[0].loans) * len(plan.months) if plan.months else 0
    for stage in solver.stages:
        figure = plan_value(plan, stage.name) if stage.name != "escalations" else float(plan.totals.escalations)
        if stage.name == "escalations":
            assert stage.objective >= figure  # the model's count: hardship conversions may count twice
        else:
            assert stage.objective == pytest.approx(figure, abs=1e-6), stage  # the plan shown's own figure
        if stage.bound is None:
            assert not stage.proved
            continue
        assert stage.gap == pytest.approx(max(0.0, stage.objective - stage.bound))
        assert stage.proved == (stage.gap < stage_tolerance(stage.name, stage.objective, loan_months)), stage
    assert (solver.status == SolveStatus.OPTIMAL) == all(s.proved for s in solver.stages) or \
        solver.status in (SolveStatus.TIME_LIMIT, SolveStatus.FALLBACK)


@pytest.mark.parametrize("seed", range(8))
def test_two_loan_cases_are_proved_exactly_when_their_gaps_are_below_tolerance(seed: int) -> None:
    """The issue's 2-loan case: a plan that pays everything off was "not proved" with "still owed
    at the end: ¥72.03 (gap 7203.21)" beside it. Every stage's figure is now the plan's own."""
    scenario = random_scenario(seed, n_loans=2, horizon=12)
    plan = debtopt.optimize(scenario, time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
    _check_honest(plan)
    if plan.totals.remaining_balance == 0:
        remaining = plan.solver.stage("remaining")
        assert remaining is not None and remaining.objective == 0 and remaining.proved


def test_cbc_says_the_plans_own_overdue_months() -> None:
    """`--solver cbc` printed "overdue loan-months: 1 (proved)" beside a plan with 0 overdue months."""
    scenario = debtopt.load_scenario(SMALL)
    for solver in ("cbc", "highs"):
        plan = debtopt.optimize(scenario, solver=solver, time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
        _check_honest(plan)
        overdue = plan.solver.stage("overdue")
        assert overdue is not None and overdue.objective == plan.totals.overdue_months
        text = solver_to_text(plan, "en")
        assert f"overdue loan-months: {plan.totals.overdue_months} (" in text


def test_highs_and_cbc_statuses_are_the_same_words() -> None:
    M, S = highspy.HighsModelStatus, pulp.LpSolveStatus
    assert highs_status(M.kOptimal) == pulp_status(S.Optimal) == pulp_status(S.GapLimit) == StageStatus.OPTIMAL
    assert highs_status(M.kTimeLimit) == pulp_status(S.TimeLimit) == StageStatus.TIME_LIMIT
    assert highs_status(M.kSolutionLimit) == pulp_status(S.NodeLimit) == StageStatus.WORK_LIMIT
    assert highs_status(M.kIterationLimit) == pulp_status(S.IterationLimit) == pulp_status(S.Stopped) \
        == StageStatus.WORK_LIMIT
    assert highs_status(M.kInfeasible) == pulp_status(S.Infeasible) == StageStatus.INFEASIBLE


@pytest.mark.parametrize("order", [["card", "weilidai"], ["weilidai", "card"]])
def test_no_custom_plan_beats_the_optimum_by_a_cent(order: list[str]) -> None:
    """A custom plan (`compare --order ...`) ranked one cent better than the "proved optimal" plan:
    the optimizer now starts from the user's plan too, and keeps the better."""
    table = debtopt.compare(debtopt.load_scenario(SMALL), order=order, time_limit_seconds=NO_CAP_SECONDS)
    optimal, custom = table.plans["optimal"], table.plans["custom"]
    assert optimal.rank_key() <= custom.rank_key()
    assert table.best == "optimal"
    for name, plan in table.plans.items():
        assert optimal.rank_key() <= plan.rank_key(), name
    _check_honest(optimal)


def test_gaps_are_printed_in_the_unit_of_the_figure_beside_them() -> None:
    """Gaps in cents were printed beside amounts in yuan ("¥72.03 (gap 7203.21)")."""
    plan = debtopt.optimize(debtopt.load_scenario(SMALL), time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
    assert plan.solver is not None
    stages = [s.model_copy(update={"proved": False, "gap": 720321.0 if s.name in ("remaining", "net_cost") else 2.0,
                                   "bound": 0.0})
              for s in plan.solver.stages]
    shown = plan.model_copy(update={"solver": plan.solver.model_copy(update={"stages": stages,
                                                                             "status": SolveStatus.WORK_LIMIT})})
    text = solver_to_text(shown, "en")
    assert "gap ¥7,203.21" in text and "7203.21" not in text.replace("¥7,203.21", "")
    assert "overdue loan-months: " in text and "(gap 2)" in text
    assert "Best plan found within the work limit (not proved optimal)" in text


def test_a_stage_cut_short_by_the_work_limit_is_not_proved_and_says_so() -> None:
    """One node of branch and bound is not enough to prove this case's net cost: the plan is
    reproducible ("work_limit", not "time_limit") and not said to be proved."""
    from scenarios import random_scenario_dict

    scenario = debtopt.load_scenario(random_scenario_dict(42, n_loans=5, horizon=24, tight=True))
    plan = debtopt.optimize(scenario, max_nodes=2, time_limit_seconds=600, offer_worth=False)
    assert plan.solver is not None and plan.solver.status == SolveStatus.WORK_LIMIT
    assert not all(s.proved for s in plan.solver.stages)
    _check_honest(plan)
    assert any("work limit" in note for note in plan.notes)


def test_a_solver_report_reads_back_from_its_json_with_timings_and_extra_cash() -> None:
    from debtopt.domain.choices import Objective, Stage
    from debtopt.domain.solver import ExtraCash, ModelSize, SolverReport, StageResult, Timings

    report = SolverReport(
        name="highs", status=SolveStatus.WORK_LIMIT, objective=Objective.WEIGHTED, overdue_price=Decimal("12.50"),
        stages=[StageResult(name=Stage.ESCALATIONS, objective=1.0, bound=0.0, gap=1.0, proved=False, seconds=0.5)],
        model=ModelSize(variables=10, rows=5, integers=2), extra_cash=ExtraCash(amount=120.5, cleared_by="avalanche"),
        timings=Timings(build_seconds=0.1, solve_seconds=0.5, replay_seconds=0.01, total_seconds=0.7))
    shape = report.model_dump(mode="json")
    assert shape["build_seconds"] == 0.1 and shape["extra_monthly_to_clear"] == 120.5 and shape["overdue_price"] == 12.5
    assert SolverReport.model_validate(shape) == report
    assert SolverReport.model_validate(report.without_timings().model_dump(mode="json")) == report.without_timings()
