"""The model handed to a solver, and one solver call per stage.

`HighsBackend` (solver "highs") loads the rows of `model.Rows` into one
`highspy.Highs` as arrays (one addCols, one addRows) and keeps it for every
stage: each stage changes the objective, sets the start, and adds a fixing row.
PuLP's own HiGHS class rebuilds the model from its row objects in Python loops
at every solve (0.65 s a stage at 20 x 120, against 0.17 s to load the arrays
once), and fails on a solve that ends without a solution.

`PulpBackend` ("pulp-highs", "cbc": pulp_backend.py, the one module that imports
PuLP) loads the rows into a `pulp.LpProblem` and solves with PuLP's HiGHS class
or CBC. Every backend's `solve` takes `SolveLimits`, the one place a budget
becomes a solver's options.

Every solver call is bounded by work (branch-and-bound nodes, simplex iterations),
single-threaded with a fixed seed, so that what it finds depends on the model
alone, never on the machine's speed or load. Its wall-clock seconds are a safety
cap only: a call the cap ends is `StageStatus.TIME_LIMIT`, one the work limit ends
`StageStatus.WORK_LIMIT`, and HiGHS and CBC map to the same words.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import highspy
import numpy as np

from . import forked
from .model import Model
from .results import StageStatus

from ..domain.choices import SolverName

# "highs": arrays straight into highspy (the default); "pulp-highs": the same HiGHS
# through PuLP's own HiGHS class (3-8x slower to load, rebuilt every stage: kept to
# compare and as a fallback); "cbc": CBC through PuLP.


# One seed for every solver call: the same model gives the same search.
RANDOM_SEED = 1
# An LP (integers fixed: fixed.py, cents.py, duals.py) needs far fewer: the cap of a runaway.
LP_ITERATIONS = 1_000_000


@dataclass(frozen=True, slots=True)
class SolveLimits:
    """What one solver call may spend: branch-and-bound nodes (the work limit that ends an
    unproved search the same way on any machine), simplex iterations of an LP, and
    wall-clock seconds (a safety cap only; pipeline.Budget makes these). Each backend's
    `solve` is the one place that hands them to its solver."""

    seconds: float
    nodes: int = 10_000
    iterations: int = LP_ITERATIONS


@dataclass(slots=True)
class SolveOutcome:
    status: StageStatus
    objective: float | None
    bound: float | None
    values: list[float] | None
    seconds: float
    message: str = ""
    nodes: int = 0  # branch-and-bound nodes the call used (work, not time: the same on any machine)

    @property
    def timed_out(self) -> bool:
        """The safety cap, not the work limit, ended the call: its result may differ on another machine."""
        return self.status == StageStatus.TIME_LIMIT


def make_backend(model: Model, solver: SolverName) -> Backend:
    """The backend for a solver: arrays straight into highspy for "highs", PuLP otherwise (loaded
    only then: importing PuLP costs a tenth of a second that the default solver does not pay)."""
    if solver == SolverName.HIGHS:
        return HighsBackend(model)
    from .pulp_backend import PulpBackend

    return PulpBackend(model, solver)


class HighsBackend:
    """One highspy.Highs for every stage, loaded from the model's arrays."""

    def __init__(self, model: Model) -> None:
        rows = model.rows
        inf = highspy.kHighsInf
        with stdout_silenced():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        for key, value in HIGHS_OPTIONS.items():
            h.setOptionValue(key, value)
        n = rows.n_cols
        lower = np.array(rows.col_lower, dtype=np.float64)
        upper = np.array(rows.col_upper, dtype=np.float64)
        lower[~np.isfinite(lower)] = -inf
        upper[~np.isfinite(upper)] = inf
        empty = np.zeros(0, dtype=np.int32)
        h.addCols(n, np.zeros(n), lower, upper, 0, empty, empty, np.zeros(0))
        integer = np.flatnonzero(np.array(rows.col_integer, dtype=bool)).astype(np.int32)
        self._integer = integer
        if len(integer):
            h.changeColsIntegrality(len(integer), integer, np.full(len(integer), highspy.HighsVarType.kInteger))
        row_lower = np.array(rows.row_lower, dtype=np.float64)
        row_upper = np.array(rows.row_upper, dtype=np.float64)
        row_lower[~np.isfinite(row_lower)] = -inf
        row_upper[~np.isfinite(row_upper)] = inf
        h.addRows(rows.n_rows, row_lower, row_upper, len(rows.row_index), np.array(rows.row_start, dtype=np.int32),
                  np.array(rows.row_index, dtype=np.int32), np.array(rows.row_value, dtype=np.float64))
        self.highs = h
        self.model = model
        self.n = n
        self._lp = not len(integer)
        self._objective: dict[int, float] = {}
        self._start: np.ndarray | None = None
        self._start_index = np.zeros(0, dtype=np.int32)

    def set_objective(self, coefs: dict[int, float]) -> None:
        self._objective = {j: c for j, c in coefs.items() if c}
        cost = np.zeros(self.n)
        for j, c in self._objective.items():
            cost[j] = c
        self.highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)

    def add_upper(self, name: str, coefs: dict[int, float], upper: float) -> None:
        """Fix a stage: its objective may not exceed the value reached."""
        idx = [j for j, c in coefs.items() if c]
        self.highs.addRow(-highspy.kHighsInf, upper, len(idx), np.array(idx, dtype=np.int32),
                          np.array([coefs[j] for j in idx], dtype=np.float64))

    def set_start(self, values: list[float]) -> None:
        rows = self.model.rows
        x = np.clip(np.array(values, dtype=np.float64), np.array(rows.col_lower), np.array(rows.col_upper))
        integer = np.array(rows.col_integer, dtype=bool)
        x[integer] = np.round(x[integer])
        self._start = x
        self._start_index = np.arange(self.n, dtype=np.int32)

    def set_partial_start(self, columns: np.ndarray, values: np.ndarray) -> None:
        """A start that gives only `columns` (the integers): HiGHS completes it with them fixed."""
        self._start = np.asarray(values, dtype=np.float64)
        self._start_index = np.asarray(columns, dtype=np.int32)

    def solve(self, limits: SolveLimits, gap_abs: float | None, gap_rel: float | None, warm_start: bool) -> SolveOutcome:
        h = self.highs
        began = time.perf_counter()
        try:
            # HiGHS times an LP by the instance's whole run time, a MIP by its own run
            offset = h.getRunTime() if self._lp else 0.0
            limit_seconds = max(0.05, float(limits.seconds))
            h.setOptionValue("time_limit", offset + limit_seconds)
            h.setOptionValue("mip_max_nodes", int(limits.nodes))
            h.setOptionValue("simplex_iteration_limit", int(limits.iterations))
            h.setOptionValue("mip_abs_gap", 1e-6 if gap_abs is None else float(gap_abs))
            h.setOptionValue("mip_rel_gap", 1e-4 if gap_rel is None else float(gap_rel))
            if warm_start and self._start is not None:
                h.setSolution(len(self._start_index), self._start_index, self._start)
            with quiet_solver():
                ran = self._run(limit_seconds)
        except Exception as exc:  # a solver crash is a fallback, never a traceback
            return SolveOutcome(StageStatus.ERROR, None, None, None, time.perf_counter() - began, repr(exc))
        seconds = time.perf_counter() - began
        if ran is None:  # the safety cap killed a run HiGHS did not stop (forked.py)
            return SolveOutcome(StageStatus.TIME_LIMIT, None, None, None, seconds, "stopped by the time limit")
        return self._outcome(ran, seconds, gap_abs, gap_rel)

    def _run(self, seconds: float) -> forked.Ran | None:
        """A MIP of forked.MIN_ROWS rows or more in a forked child the cap can kill (forked.py); a smaller
        MIP, and an LP, in-process (an LP's next solve starts from its basis)."""
        h = self.highs
        # fixed.fix_integers makes every integer continuous; a relaxation (current.py) only some
        ends = (int(self._integer[0]), int(self._integer[-1])) if len(self._integer) else ()
        mip = any(h.getColIntegrality(col)[1] == highspy.HighsVarType.kInteger for col in ends)
        if mip and forked.AVAILABLE and self.model.rows.n_rows >= forked.MIN_ROWS:
            return forked.run_in_child(h, seconds)
        h.run()
        return forked.read_run(h)

    def _outcome(self, ran: forked.Ran, seconds: float, gap_abs: float | None, gap_rel: float | None
                 ) -> SolveOutcome:
        nodes = max(0, ran.nodes)
        bound = ran.dual_bound if math.isfinite(ran.dual_bound) and nodes > 0 else None
        status = highspy.HighsModelStatus(ran.status)
        stage_status = highs_status(status)
        if status == highspy.HighsModelStatus.kInfeasible:
            return SolveOutcome(StageStatus.INFEASIBLE, None, bound, None, seconds, "infeasible", nodes)
        if not ran.has_solution or ran.values is None:
            failed = StageStatus.NO_SOLUTION if stage_status == StageStatus.OPTIMAL else stage_status
            return SolveOutcome(failed, None, bound, None, seconds, ran.status_text, nodes)
        values = ran.values.tolist()
        objective = sum(c * values[j] for j, c in self._objective.items())
        if stage_status == StageStatus.OPTIMAL:
            bound = proved_bound(objective, bound, gap_abs, gap_rel)
        return SolveOutcome(stage_status, objective, bound, values, seconds, "", nodes)


def highs_status(status: object) -> StageStatus:
    """HiGHS's model status in the words every backend uses."""
    M = highspy.HighsModelStatus
    if status in (M.kOptimal, M.kObjectiveBound, M.kObjectiveTarget):
        return StageStatus.OPTIMAL
    if status == M.kTimeLimit:
        return StageStatus.TIME_LIMIT
    if status in (M.kSolutionLimit, M.kIterationLimit):  # nodes, leaves, improving solutions, iterations
        return StageStatus.WORK_LIMIT
    if status == M.kInfeasible:
        return StageStatus.INFEASIBLE
    return StageStatus.ERROR


def proved_bound(objective: float, bound: float | None, gap_abs: float | None, gap_rel: float | None) -> float:
    """The bound a solver's "optimal" vouches for: within its gap tolerances of the objective.

    An LP (no integer left after presolve) reports no MIP bound, or a stale one; "optimal"
    itself says the objective is within the tolerances asked for of the best there is."""
    tolerance = max(1e-6 if gap_abs is None else gap_abs, (1e-4 if gap_rel is None else gap_rel) * abs(objective))
    floor = objective - tolerance
    return floor if bound is None or bound < floor else min(bound, objective)


@contextlib.contextmanager
def quiet_solver() -> Iterator[None]:
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
def stdout_silenced() -> Iterator[None]:
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
# One thread and one seed: HiGHS's search is then the same on any machine.
HIGHS_OPTIONS: dict[str, object] = {
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "threads": 1,
    "random_seed": RANDOM_SEED,
}


class Backend(Protocol):
    """What the stage loop asks of a backend: HighsBackend here, PulpBackend (pulp_backend.py)."""

    def set_objective(self, coefs: dict[int, float]) -> None: ...

    def add_upper(self, name: str, coefs: dict[int, float], upper: float) -> None: ...

    def set_start(self, values: list[float]) -> None: ...

    def solve(self, limits: SolveLimits, gap_abs: float | None, gap_rel: float | None,
              warm_start: bool) -> SolveOutcome: ...
