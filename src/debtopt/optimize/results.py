"""Typed results of a solve (linopy `constants.py` style).

`SolveStatus` says how the whole optimization ended; `StageResult` is one stage of
the lexicographic sequence. Both turn into plain dicts for `Plan.solver`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any


class SolveStatus(str, Enum):
    """How an optimization ended, as `plan.solver["status"]` reports it."""

    OPTIMAL = "optimal"  # every stage proved optimal
    TIME_LIMIT = "time_limit"  # a plan came back, at least one stage not proved in time
    FALLBACK = "fallback"  # the solver found nothing better: a heuristic plan is returned
    INFEASIBLE = "infeasible"  # a hard limit no plan meets (raised as InfeasibleLimitError)


class StageStatus(str, Enum):
    """How one solver call ended."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"  # stopped with an incumbent, gap open
    NO_SOLUTION = "no_solution"  # stopped without any feasible point
    INFEASIBLE = "infeasible"
    ERROR = "error"
    SKIPPED = "skipped"  # no time left: the previous incumbent carries over


@dataclass(slots=True)
class StageResult:
    """One stage: what it minimized, the value reached, the bound proved, the gap between."""

    name: str
    objective: float | None
    bound: float | None
    gap: float | None  # objective - bound, in the stage's own unit (count or cents)
    proved: bool
    seconds: float
    status: StageStatus = StageStatus.OPTIMAL

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status.value
        for key in ("objective", "bound", "gap"):
            value = out[key]
            if value is not None and not math.isfinite(value):
                out[key] = None
        return out
