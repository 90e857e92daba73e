"""How the solve went, in words: status, each stage's value, bound and gap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain.money import format_money
from ..domain.plan import Plan

_STAGE_WORDS = {
    "escalations": "accounts escalating",
    "overdue": "overdue loan-months",
    "remaining": "still owed at the end",
    "net_cost": "net cost",
    "weighted": "cost + price of overdue months",
}


def without_timings(solver: Mapping[str, Any]) -> dict[str, Any]:
    """The solver block without wall-clock seconds, so the same input gives the same bytes."""
    out: dict[str, Any] = {}
    for key, value in solver.items():
        if key.endswith("seconds"):
            continue
        if key == "stages":
            value = [{k: v for k, v in stage.items() if k != "seconds"} for stage in value]
        out[key] = value
    return out


def solver_to_text(plan: Plan) -> str:
    solver = plan.solver
    if not solver:
        return ""
    status = solver.get("status")
    head = {
        "optimal": "Proved optimal",
        "time_limit": "Best plan found within the time limit (not proved optimal)",
        "fallback": f"The solver did not beat the heuristics; showing '{solver.get('fell_back_to')}'",
    }.get(str(status), str(status))
    lines = [f"Solver: {solver.get('name')}. {head}."]
    for stage in solver.get("stages", []):
        words = _STAGE_WORDS.get(stage["name"], stage["name"])
        value = stage.get("objective")
        gap = stage.get("gap")
        shown = "-" if value is None else (f"{value:.0f}" if stage["name"] in ("escalations", "overdue") else
                                           format_money(round(value), plan.currency))
        proof = "proved" if stage.get("proved") else (f"gap {gap:.2f}" if gap is not None else "not proved")
        seconds = f", {stage['seconds']:.2f} s" if "seconds" in stage else ""
        lines.append(f"  {words}: {shown} ({proof}{seconds})")
    if "total_seconds" in solver:
        lines.append(f"  time: {solver['total_seconds']:.2f} s in all, building the model {solver.get('build_seconds', 0):.2f} s")
    return "\n".join(lines) + "\n"
