"""The model with every integer fixed: an LP, solved with HiGHS.

Three steps need it: a ledger plan's point (its choices fixed, the rest the LP's
best: points.py), the half-cent retry of the rounding (cents.py), and the cash
duals (duals.py, on the stage backend itself). Each fixes the integer columns
(o, z, y) at given values and makes them continuous, so HiGHS solves an LP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .model import Model
from .results import StageStatus
from .solve import HighsBackend, SolveLimits, highspy

Level = tuple[dict[int, float], float]  # a stage's coefficients, and the most it may reach


def integer_columns(model: Model) -> np.ndarray:
    """The indices of the model's integer columns (o, z, y), ascending."""
    return np.flatnonzero(np.array(model.rows.col_integer, dtype=bool)).astype(np.int32)


def fix_integers(highs: object, columns: np.ndarray, values: np.ndarray) -> None:
    """Fix `columns` of a loaded `highspy.Highs` at `values` (rounded) and make them continuous."""
    if not len(columns):
        return
    at = np.round(np.asarray(values, dtype=np.float64))
    h = highs
    h.changeColsBounds(len(columns), columns, at, at)  # type: ignore[attr-defined]
    h.changeColsIntegrality(len(columns), columns,  # type: ignore[attr-defined]
                            np.full(len(columns), highspy.HighsVarType.kContinuous))


@dataclass(frozen=True, slots=True)
class LowerRows:
    """Rows `lower_r <= sum_k value_k x_index_k` in compressed form (starts per row)."""

    lower: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray


def solve_with_integers_fixed(model: Model, values: np.ndarray, levels: Sequence[Level], objective: dict[int, float],
                              limits: SolveLimits, rows: LowerRows | None = None) -> list[float] | None:
    """The LP of `model` with its integer columns at `values` (one per `integer_columns`), the
    stage rows `levels` and `rows`, best for `objective`. None when it has no optimum (the
    choices do not fit the rows, or the limits stopped it)."""
    return solve_in_turn(model, values, levels, [objective], limits, rows)


def solve_in_turn(model: Model, values: np.ndarray, levels: Sequence[Level], objectives: Sequence[dict[int, float]],
                  limits: SolveLimits, rows: LowerRows | None = None) -> list[float] | None:
    """As `solve_with_integers_fixed`, minimizing `objectives` in turn, each fixed at its optimum
    (room for float noise only: `reached_level`) before the next: the last one's point. One
    backend for all, each LP bounded by `limits`."""
    backend = HighsBackend(model)  # its own: a stage backend keeps its integers
    for coefs, level in levels:
        backend.add_upper("level", coefs, level)
    fix_integers(backend.highs, integer_columns(model), values)
    if rows is not None and len(rows.lower):
        h = backend.highs
        h.addRows(len(rows.lower), rows.lower, np.full(len(rows.lower), highspy.kHighsInf), len(rows.index),
                  rows.starts, rows.index, rows.value)
    point = None
    for coefs in objectives:
        backend.set_objective(coefs)
        out = backend.solve(limits, None, None, False)
        if out.status != StageStatus.OPTIMAL or out.objective is None:
            return None
        point = out.values
        backend.add_upper("level", coefs, reached_level(out.objective))
    return point


def reached_level(value: float) -> float:
    """The row that fixes a money stage at the value reached: room for float noise only."""
    return value + max(0.5, 1e-9 * abs(value))
