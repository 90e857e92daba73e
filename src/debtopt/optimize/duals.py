"""What one more unit of cash is worth in each month: the duals of the cash rows.

After the last stage, every integer variable is fixed at the solution's value
and that stage's LP is solved again. The dual of month t's cash row,

    S_t - g S_{t-1} + sum_i p_{i,t} - offers_t = budget_t + inflows_t      (model.cash),

is how much the stage's objective (net cost, in cents) changes per cent more
cash in month t, with the same loans kept current and the same offers taken:
so `-dual_t` is what an extra unit of cash in month t saves. Reports show it
as "an extra ¥100 in March saves ¥37".
"""

from __future__ import annotations

import numpy as np

from .model import Model
from .solve import SolveLimits


def cash_values(backend: object, model: Model, values: list[float], limits: SolveLimits | None = None
                ) -> list[float] | None:
    """Savings per unit of extra cash, month by month; None when there are no duals to read.

    Changes the backend's model (integers fixed): call it after the last stage only.
    """
    from .fixed import fix_integers, integer_columns
    from .solve import HighsBackend, highspy

    limits = limits or SolveLimits(5.0)
    if not isinstance(backend, HighsBackend):
        return None  # the duals are read from HiGHS; CBC through PuLP gives none here
    h = backend.highs
    rows = model.rows
    integer = integer_columns(model)
    fix_integers(h, integer, np.array([values[j] for j in integer], dtype=np.float64))
    # The safety cap; the LP's work is its iterations. HiGHS times an LP by the instance's whole
    # run time (the stages' MIPs included), a MIP by its own run: the cap counts from now.
    h.setOptionValue("time_limit", float(h.getRunTime() + limits.seconds))
    h.setOptionValue("simplex_iteration_limit", int(limits.iterations))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    if not solution.dual_valid:
        return None
    duals = solution.row_dual
    cash_rows = [r for r, name in enumerate(rows.row_names) if name.startswith("cash_")]
    return [round(-float(duals[r]), 6) + 0.0 for r in cash_rows]
