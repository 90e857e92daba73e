"""A plan whose analysis the safety cap stopped: its status and a note say so."""

from __future__ import annotations

from ..domain.plan import Plan
from ..domain.solver import SolveStatus

NOTE = "Stopped by the time limit ({what}): this plan may differ on another machine."


def stopped_by_time_limit(plan: Plan, what: str) -> Plan:
    """`plan` with status "time_limit" and a note naming what the cap stopped (`what`)."""
    if plan.solver is None:
        return plan
    solver = plan.solver.model_copy(update={"status": SolveStatus.TIME_LIMIT})
    note = NOTE.format(what=what)
    notes = plan.notes if note in plan.notes else [*plan.notes, note]
    return plan.model_copy(update={"solver": solver, "notes": notes})
