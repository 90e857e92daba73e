"""Money-stage starts that take the right offers: their months read off a small relaxation.

A money stage (remaining balance, net cost, weighted cost) starts from the
incumbent, and when that is a heuristic's plan it takes no offer: on
us-consolidation under `--objective cost` that start's net cost was 763,308 cents
against the optimum's 96,100 (a balance transfer in month 1, a consolidation loan in
month 2), and the full model needed 4,642 nodes (70-80 s) to close the difference.

`offer_takes` solves the model with every loan kept current (each overdue binary at
its lower bound) and the binaries "the due is all it owes" relaxed, so that only the
offers' month binaries are left to branch on; its offers, months and amounts are the
takes. Measured on us-consolidation: the relaxation takes 1 node (about 1 s), and
the heuristics replayed with its takes (`strategies.heuristics_taking`) start the
stage at 99,877 cents, from which the full model proves 96,100 in 321 nodes: 23 s
for the call in all, against 75 s. The same relaxation's takes fixed in the model
(polish.as_decided) gave the optimum's point as a start, but that search cost 12.6 s
and the proof from it no fewer nodes (106); with the overdue binaries kept current
but the "all it owes" ones integer, 2,852 nodes. A start is never a result: the full
model still solves the stage from it, and a start is taken only when it meets the
stages already fixed and is better on this one. Bounded by nodes like every solve; a
relaxation the safety cap ended is not used (its choice would depend on the
machine).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..domain.plan import Take
from ..domain.solver import MONEY_RELATIVE_GAP
from .fixed import Level
from .model import Model
from .polish import MAX_LOAN_MONTHS
from .results import StageStatus
from .solve import HighsBackend, SolveLimits, highspy


def offer_takes(model: Model, levels: Sequence[Level], coefs: dict[int, float], limits: SolveLimits
                ) -> list[Take] | None:
    """The offers (with months and amounts) of the best point on `coefs` that keeps every loan current,
    the "due is all it owes" binaries relaxed, within `levels`' rows; None when the model has no offer,
    no such point exists (the cash cannot keep every loan current) or the safety cap ended the search."""
    if not model.offers:
        return None
    backend = HighsBackend(model)  # its own: the stage backend keeps its bounds and integers
    for level_coefs, level in levels:
        backend.add_upper("level", level_coefs, level)
    h = backend.highs
    overdue = _columns(model, "o")
    lower = np.array(model.rows.col_lower, dtype=np.float64)[overdue]  # 1 where no plan keeps the month current
    h.changeColsBounds(len(overdue), overdue, lower, lower)
    z = _columns(model, "z")
    h.changeColsIntegrality(len(z), z, np.full(len(z), highspy.HighsVarType.kContinuous))
    backend.set_objective(coefs)
    out = backend.solve(limits, 0.5, MONEY_RELATIVE_GAP, False)
    if out.values is None or out.status not in (StageStatus.OPTIMAL, StageStatus.WORK_LIMIT):
        return None
    return _takes(model, out.values)


def worth_taking_offers(model: Model) -> bool:
    """Whether the relaxation runs: a model with offers, not so large that loading it again takes seconds."""
    return bool(model.offers) and model.data.n_loans * model.data.horizon <= MAX_LOAN_MONTHS


def _columns(model: Model, name: str) -> np.ndarray:
    """Every loan-month's column `name` ("o" or "z"): the scenario's loans and the offers' copies."""
    return np.array(sorted({col for loan in model.loans for col in getattr(loan, name)}), dtype=np.int32)


def _takes(model: Model, values: list[float]) -> list[Take]:
    takes = []
    for offer, ov in zip(model.data.offers, model.offers, strict=True):
        for t, column in sorted(ov.y.items()):
            if values[column] > 0.5:
                amount = round(values[ov.X[t]]) if t in ov.X else None
                takes.append(Take(offer=offer.id, month=t + 1, amount=amount))
    return takes


__all__ = ["offer_takes", "worth_taking_offers"]
