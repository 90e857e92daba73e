"""Large-neighbourhood search on the model: fix-and-optimize over windows of months.

A counting stage the full model does not prove still has an incumbent; its
neighbourhoods are windows of months: every integer outside the window (which
loans are overdue, whose due is all it owes, which offers are taken) is fixed at
the incumbent, the window's integers are free, and the model is re-solved with a
node limit. A better point (fewer escalations or overdue months) replaces the
incumbent, and the next window starts from it. The windows follow a fixed order
(from month 1, `WINDOW_MONTHS` wide, half overlapping), so a search given more
neighbourhoods tries the same ones first, then more: with each sub-solve bounded
by nodes, never by the clock, more work never ends worse. A wall-clock cap is
only a safety net; when it bites, the search stops where it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..domain.plan import Plan
from .fixed import Level, integer_columns
from .model import Model
from ..domain.ranking import Rank
from .results import StageStatus
from .solve import HighsBackend, SolveLimits, highspy

# Measured on the benchmark's 10 x 60 case (scale_notes.md): 6-month windows at 100 nodes
# took its overdue stage from 56 to 43 in 8 neighbourhoods; 12-month windows at 200 nodes
# to 52 in 10, five times slower.
WINDOW_MONTHS = 6
NODES = 100  # per neighbourhood
NEIGHBOURHOODS = 8  # per stage, by default
# Below this many loan-months the full model proves the counting stages in seconds: the
# search would only take its time (the bundled examples, the default suite's scenarios).
MIN_LOAN_MONTHS = 500
# Above this many, loading the model again for the search takes seconds of its own (60 x 480
# is 28,800): the search is left to the full model there.
MAX_LOAN_MONTHS = 12_000


@dataclass(slots=True)
class Searched:
    values: list[float] | None  # the best point found (None: no neighbourhood improved on the start)
    objective: float  # its stage objective (the start's value when nothing improved)
    plan: Plan | None  # the judge's plan of `values` (the `plan` given when nothing improved)
    tried: int  # neighbourhoods solved
    improved: int  # of them, how many gave a better point
    capped: bool  # the safety cap stopped it before its budget


def windows(horizon: int, width: int = WINDOW_MONTHS) -> list[tuple[int, int]]:
    """Month-index windows [a, b) from month 1, half overlapping, to the horizon; in order."""
    step = max(1, width // 2)
    out = []
    a = 0
    while True:
        out.append((a, min(horizon, a + width)))
        if a + width >= horizon:
            break
        a += step
    return out


def worth_searching(model: Model) -> bool:
    """Whether a counting stage of `model` gets a search: real sizes only (MIN_LOAN_MONTHS)."""
    return MIN_LOAN_MONTHS <= model.data.n_loans * model.data.horizon <= MAX_LOAN_MONTHS


def month_columns(model: Model) -> dict[int, list[int]]:
    """The integer columns of each month index: o and z of every loan, y of every offer."""
    by_month: dict[int, list[int]] = {}
    zero = model.zero
    for loan, v in zip(model.data.loans, model.loans):
        for t in range(loan.start, model.data.horizon):
            for col in (v.o[t], v.z[t]):
                if col != zero and model.rows.col_integer[col]:
                    by_month.setdefault(t, []).append(col)
    for ov in model.offers:
        for t, col in ov.y.items():
            by_month.setdefault(t, []).append(col)
    return by_month


def search(model: Model, integers: np.ndarray, value: float, coefs: dict[int, float], levels: Sequence[Level],
           neighbourhoods: int = NEIGHBOURHOODS, nodes: int = NODES, deadline: float | None = None,
           width: int = WINDOW_MONTHS, judge: Callable[[list[float]], Plan | None] | None = None,
           plan: Plan | None = None, rank: Rank = Plan.rank_key) -> Searched:
    """Fix-and-optimize on the stage objective `coefs` from a start given by its integer columns
    (`integers`, one per `fixed.integer_columns`; `value` its stage value), the rows `levels` kept.

    With a `judge` (a point to its ledger replay, or None), a better point is taken only when
    its replay ranks better (`rank`) than the best so far (`plan`, the start's replay): the model
    pays in fractions of a cent, and a point that spends every cent on dues can replay worse."""
    if deadline is not None and time.perf_counter() > deadline - 1.0:
        return Searched(None, value, plan, 0, 0, True)
    backend = HighsBackend(model)
    for level_coefs, level in levels:
        backend.add_upper("level", level_coefs, level)
    backend.set_objective(coefs)
    h = backend.highs
    h.setOptionValue("mip_max_nodes", int(nodes))  # the work bound of each neighbourhood
    rows = model.rows
    columns = integer_columns(model)
    lower = np.array(rows.col_lower, dtype=np.float64)[columns]
    upper = np.array(rows.col_upper, dtype=np.float64)[columns]
    position = {int(j): k for k, j in enumerate(columns)}
    by_month = month_columns(model)
    best = np.round(np.asarray(integers, dtype=np.float64))
    best_values: list[float] | None = None
    best_value, best_plan = value, plan
    tried = improved = 0
    capped = False
    order = windows(model.data.horizon, width)
    for k in range(neighbourhoods):
        if deadline is not None and time.perf_counter() > deadline - 1.0:
            capped = True
            break
        a, b = order[k % len(order)]
        lo, hi = best.copy(), best.copy()
        for t in range(a, b):
            for col in by_month.get(t, ()):
                p = position[col]
                lo[p], hi[p] = lower[p], upper[p]
        h.changeColsBounds(len(columns), columns, lo, hi)
        backend.set_partial_start(columns, best)  # HiGHS completes the start with its integers fixed
        left = 60.0 if deadline is None else max(0.1, deadline - time.perf_counter())
        out = backend.solve(SolveLimits(left), 0.99, 0.0, True)
        tried += 1
        if h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
            capped = True  # the clock, not the node limit, ended this one: say so
        if out.values is None or out.objective is None or out.objective >= best_value - 0.5 \
                or out.status not in (StageStatus.OPTIMAL, StageStatus.TIME_LIMIT):
            continue
        if judge is not None:
            replayed = judge(out.values)
            if replayed is None or (best_plan is not None and rank(replayed) >= rank(best_plan)):
                continue
            best_plan = replayed
        best = np.round(np.asarray(out.values, dtype=np.float64)[columns])
        best_values, best_value = out.values, out.objective
        improved += 1
    return Searched(best_values, best_value, best_plan if judge is not None else None, tried, improved, capped)
