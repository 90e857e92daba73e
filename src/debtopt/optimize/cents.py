"""The retry when rounding to cents costs a month: the same choices, paid half a cent above each due.

The model pays in fractions of a cent; the ledger rounds every interest, fee and
due half away from zero. Where the optimum pays a current loan exactly its due
month after month, the ledger's dues can come to a cent or two more in all, and
a later month that spends every cent finds a loan short: a month overdue the
model did not plan. The retry keeps every integer choice of the optimum (which
loans are current each month, which offers are taken, when), and so its counts,
and asks each current payment that does not close its loan to be half a cent
above the due:

    p_i,t - due_i,t >= 1/2      where o_i,t = 0, z_i,t = 0 and B_i,t+1 > 0

An LP. Its optimum finds the half cents elsewhere (a loan overdue anyway paid a
little less, a little less saved, a cent more borrowed) at a cost of cents, so the
money stages are minimized again in turn under the margins, each fixed at its new
optimum before the next: the optimum's own levels leave room for float noise only
(half a cent), less than those cents when the point spends every cent on dues.
schedule.py rounds it like any solution, and the better of the two replays is
kept. None when the choices leave no half cent to find.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .fixed import Level, LowerRows, integer_columns, solve_in_turn
from .model import Model
from .solve import SolveLimits

MARGIN_CENTS = 0.5


def with_half_cent_margin(model: Model, levels: Sequence[Level], values: list[float],
                          objectives: Sequence[dict[int, float]], limits: SolveLimits) -> list[float] | None:
    """The LP above from `values`' integer choices, with the counting stages' rows `levels`,
    best for the money stages' `objectives` in turn."""
    index: list[int] = []
    for i, v in enumerate(model.loans):
        for t in range(model.data.loans[i].start, model.data.horizon):
            if values[v.o[t]] < 0.5 and values[v.z[t]] < 0.5 and values[v.B[t + 1]] > 0.5:
                index += [v.p[t], v.due[t]]
    n = len(index) // 2
    margins = LowerRows(np.full(n, MARGIN_CENTS), np.arange(0, len(index), 2, dtype=np.int32),
                        np.array(index, dtype=np.int32), np.tile(np.array([1.0, -1.0]), n))
    integers = np.array([values[j] for j in integer_columns(model)], dtype=np.float64)
    return solve_in_turn(model, integers, levels, objectives, limits, margins)
