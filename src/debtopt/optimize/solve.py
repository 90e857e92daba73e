"""The model handed to PuLP, and one solver call per stage.

The only module of debtopt that imports PuLP. `PulpBackend` loads the rows of
`model.Rows` into a `pulp.LpProblem` (variables one call each, rows through
PuLP's batch `lpSum_vars_coefs`), then each stage sets an objective, a warm
start, and solves with HiGHS in-process (`pulp.HiGHS`), CBC (`pulp.COIN_CMD`,
the cbcbox binary) or any solver PuLP knows by name.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pulp

from .model import INF, Model
from .results import StageStatus

SOLVER_ALIASES = {"highs": "HiGHS", "cbc": "COIN_CMD"}


@dataclass(slots=True)
class SolveOutcome:
    status: StageStatus
    objective: float | None
    bound: float | None
    values: list[float] | None
    seconds: float
    message: str = ""


class PulpBackend:
    """One PuLP problem for every stage: the objective changes, fixing rows are added."""

    def __init__(self, model: Model) -> None:
        rows = model.rows
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

    def solve(
        self,
        solver: str,
        time_limit: float,
        gap_abs: float | None,
        gap_rel: float | None,
        warm_start: bool,
    ) -> SolveOutcome:
        began = time.perf_counter()
        try:
            engine = make_solver(solver, time_limit, gap_abs, gap_rel, warm_start)
            with _quiet_solver():
                stats = self.prob.solve(engine)
        except Exception as exc:  # a solver crash is a fallback, never a traceback
            return SolveOutcome(StageStatus.ERROR, None, None, None, time.perf_counter() - began, repr(exc))
        seconds = time.perf_counter() - began
        S = pulp.LpSolveStatus
        if not stats.has_solution:
            status = StageStatus.INFEASIBLE if stats.status == S.Infeasible else StageStatus.NO_SOLUTION
            return SolveOutcome(status, None, stats.best_bound, None, seconds, str(stats.status))
        values = [v.varValue if v.varValue is not None else 0.0 for v in self.vars]
        objective = sum(c * values[j] for j, c in self._objective.items())
        bound = stats.best_bound
        status = StageStatus.OPTIMAL if stats.status in (S.Optimal, S.GapLimit) else StageStatus.TIME_LIMIT
        if bound is None and status == StageStatus.OPTIMAL:
            bound = objective
        return SolveOutcome(status, objective, bound, values, seconds)


@contextlib.contextmanager
def _quiet_solver() -> Iterator[None]:
    """Silence what solvers print on file descriptor 1 while they run.

    highspy prints its banner from C++ when a `Highs()` is made, before any
    option can silence it; on stdout it would corrupt `--format json` output
    and a budgeting app's own stdout. Solver logs are off (msg=False), so the
    banner is all that is lost.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real stdout (embedded, or already closed)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """File descriptor 1 to /dev/null: HiGHS prints its banner from C++ when created."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


# HiGHS's RENS and root-reduced-cost heuristics run sub-MIPs recursively (depth 12 on
# zhang-san): they took 5-8 s of a 9 s overdue stage and found nothing the warm start
# and the other heuristics did not (benchmarks/results/solve_speed.md).
HIGHS_OPTIONS: dict[str, object] = {
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}


class QuietHiGHS(pulp.HiGHS):
    """PuLP's in-process HiGHS, without the banner on stdout (JSON output stays clean)."""

    def createAndConfigureSolver(self, lp):  # noqa: N802 (PuLP's name)
        with _stdout_silenced():
            super().createAndConfigureSolver(lp)
        lp.solverModel.setOptionValue("output_flag", False)
        for key, value in HIGHS_OPTIONS.items():
            lp.solverModel.setOptionValue(key, value)


def make_solver(name: str, time_limit: float, gap_abs: float | None, gap_rel: float | None, warm_start: bool):
    """A configured PuLP solver: "highs" (in-process), "cbc" (cbcbox), or any PuLP solver name."""
    pulp_name = SOLVER_ALIASES.get(name.lower(), name)
    limit = max(0.1, float(time_limit))
    if pulp_name == "HiGHS":
        return QuietHiGHS(msg=False, timeLimit=limit, gapAbs=gap_abs, gapRel=gap_rel, warmStart=warm_start)
    if pulp_name in ("COIN_CMD", "PULP_CBC_CMD"):
        return pulp.COIN_CMD(msg=False, timeLimit=limit, gapAbs=gap_abs, gapRel=gap_rel, warmStart=warm_start)
    try:
        return pulp.getSolver(pulp_name, msg=False, timeLimit=limit, gapAbs=gap_abs, gapRel=gap_rel, warmStart=warm_start)
    except TypeError:
        return pulp.getSolver(pulp_name, msg=False, timeLimit=limit)


def check_solver_name(name: str) -> None:
    """Unknown names are the caller's mistake: say which names work."""
    from ..errors import SolverError

    pulp_name = SOLVER_ALIASES.get(name.lower(), name)
    known = pulp.listSolvers()
    if pulp_name not in known and pulp_name != "PULP_CBC_CMD":
        available = ", ".join(["highs", "cbc", *[s for s in pulp.listSolvers(onlyAvailable=True) if s not in ("HiGHS", "COIN_CMD")]])
        raise SolverError(f"unknown solver '{name}'; available here: {available}")


def solver_available(name: str) -> bool:
    try:
        return bool(make_solver(name, 1.0, None, None, False).available())
    except Exception:
        return False
