"""The PuLP backend (solvers "pulp-highs" and "cbc"): the one module that imports PuLP.

`PulpBackend` loads the rows of `model.Rows` into a `pulp.LpProblem` (variables one
call each, rows through PuLP's batch `lpSum_vars_coefs`), then solves with PuLP's
HiGHS class (`QuietHiGHS`) or CBC (`pulp.COIN_CMD`, the cbcbox binary), bounded by
the same `SolveLimits` as the HiGHS backend (solve.py) and reporting in the same
words. It is loaded only when one of these solvers is asked for.
"""

from __future__ import annotations

import math
import time

import pulp

from ..domain.choices import SolverName
from .model import INF, Model
from .results import StageStatus
from .solve import HIGHS_OPTIONS, RANDOM_SEED, SolveLimits, SolveOutcome, proved_bound, quiet_solver, stdout_silenced


class PulpBackend:
    """One PuLP problem for every stage: the objective changes, fixing rows are added."""

    def __init__(self, model: Model, solver: SolverName) -> None:
        rows = model.rows
        self.solver = solver
        prob = pulp.LpProblem("debtopt", pulp.LpMinimize)
        self.vars = [
            prob.add_variable(
                rows.col_names[j],
                rows.col_lower[j] if math.isfinite(rows.col_lower[j]) else None,
                rows.col_upper[j] if math.isfinite(rows.col_upper[j]) else None,
                pulp.LpInteger if rows.col_integer[j] else pulp.LpContinuous,
            )
            for j in range(rows.n_cols)
        ]
        starts = rows.row_start + [len(rows.row_index)]
        index, value, names = rows.row_index, rows.row_value, rows.row_names
        for r in range(rows.n_rows):
            a, b = starts[r], starts[r + 1]
            expr = pulp.lpSum_vars_coefs([(self.vars[index[k]], value[k]) for k in range(a, b)])
            lo, hi = rows.row_lower[r], rows.row_upper[r]
            if lo == hi:
                prob.addConstraint(expr == lo, names[r])
            elif hi < INF:
                prob.addConstraint(expr <= hi, names[r])
            else:
                prob.addConstraint(expr >= lo, names[r])
        self.prob = prob
        self.model = model
        self._fixes = 0

    def set_objective(self, coefs: dict[int, float]) -> None:
        self._objective = dict(coefs)
        self.prob.setObjective(pulp.lpSum_vars_coefs([(self.vars[j], c) for j, c in coefs.items() if c]))

    def add_upper(self, name: str, coefs: dict[int, float], upper: float) -> None:
        """Fix a stage: its objective may not exceed the value reached."""
        expr = pulp.lpSum_vars_coefs([(self.vars[j], c) for j, c in coefs.items() if c])
        self.prob.addConstraint(expr <= upper, f"fix_{name}")
        self._fixes += 1

    def set_start(self, values: list[float]) -> None:
        rows = self.model.rows
        for j, var in enumerate(self.vars):
            x = min(max(values[j], rows.col_lower[j]), rows.col_upper[j])
            if rows.col_integer[j]:
                x = float(round(x))
            var.setInitialValue(x, check=False)

    def solve(self, limits: SolveLimits, gap_abs: float | None, gap_rel: float | None, warm_start: bool) -> SolveOutcome:
        began = time.perf_counter()
        try:
            engine = make_solver(self.solver, limits, gap_abs, gap_rel, warm_start)
            with quiet_solver():
                stats = self.prob.solve(engine)
        except Exception as exc:  # a solver crash is a fallback, never a traceback
            return SolveOutcome(StageStatus.ERROR, None, None, None, time.perf_counter() - began, repr(exc))
        seconds = time.perf_counter() - began
        status = pulp_status(stats.status)
        if not stats.has_solution:
            failed = status if status in (StageStatus.INFEASIBLE, StageStatus.TIME_LIMIT, StageStatus.WORK_LIMIT) \
                else StageStatus.NO_SOLUTION
            return SolveOutcome(failed, None, stats.best_bound, None, seconds, str(stats.status))
        values = [v.varValue if v.varValue is not None else 0.0 for v in self.vars]
        objective = sum(c * values[j] for j, c in self._objective.items())
        bound = stats.best_bound
        if bound is not None and bound > objective:
            bound = None  # a bound above a point it found is not a bound (CBC's report, read through PuLP)
        if status == StageStatus.OPTIMAL:
            bound = proved_bound(objective, bound, gap_abs, gap_rel)
        elif status not in (StageStatus.TIME_LIMIT, StageStatus.WORK_LIMIT):
            status = StageStatus.WORK_LIMIT  # stopped with a point for another reason: not proved
        return SolveOutcome(status, objective, bound, values, seconds)


def pulp_status(status: object) -> StageStatus:
    """PuLP's solve status (HiGHS or CBC) in the words every backend uses."""
    S = pulp.LpSolveStatus
    if status in (S.Optimal, S.GapLimit):
        return StageStatus.OPTIMAL
    if status == S.TimeLimit:
        return StageStatus.TIME_LIMIT
    if status in (S.NodeLimit, S.IterationLimit, S.SolutionLimit, S.Stopped):
        return StageStatus.WORK_LIMIT  # CBC says "Stopped on iterations" for its node limit too
    if status == S.Infeasible:
        return StageStatus.INFEASIBLE
    return StageStatus.ERROR


class QuietHiGHS(pulp.HiGHS):
    """PuLP's in-process HiGHS, without the banner on stdout (JSON output stays clean)."""

    def createAndConfigureSolver(self, lp):  # noqa: N802 (PuLP's name)
        with stdout_silenced():
            super().createAndConfigureSolver(lp)
        lp.solverModel.setOptionValue("output_flag", False)
        for key, value in HIGHS_OPTIONS.items():
            lp.solverModel.setOptionValue(key, value)


def make_solver(name: SolverName, limits: SolveLimits, gap_abs: float | None, gap_rel: float | None,
                warm_start: bool) -> pulp.LpSolver:
    """A configured PuLP solver: HiGHS in-process ("pulp-highs", or "highs" through PuLP) or CBC (cbcbox),
    bounded by nodes, single-threaded, seeded; `limits.seconds` a safety cap."""
    limit = max(0.05, float(limits.seconds))
    if name == SolverName.CBC:
        return pulp.COIN_CMD(msg=False, timeLimit=limit, gapAbs=gap_abs, gapRel=gap_rel, warmStart=warm_start,
                             threads=1, maxNodes=int(limits.nodes), randomSeed=RANDOM_SEED)
    return QuietHiGHS(msg=False, timeLimit=limit, gapAbs=gap_abs, gapRel=gap_rel, warmStart=warm_start,
                      mip_max_nodes=int(limits.nodes), simplex_iteration_limit=int(limits.iterations))


__all__ = ["PulpBackend", "QuietHiGHS", "make_solver", "pulp_status"]
