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


def solver_to_text(plan: Plan) -> str:
    solver = plan.solver
    if solver is None:
        return ""
    data = solver.model_dump(mode="json")
    status = data.get("status")
    head = {
        "optimal": "Proved optimal",
        "time_limit": "Best plan found within the time limit (not proved optimal)",
        "fallback": f"The solver did not beat the heuristics; showing '{data.get('fell_back_to')}'",
    }.get(str(status), str(status))
    lines = [f"Solver: {data.get('name')}. {head}."]
    for stage in data.get("stages", []):
        words = _STAGE_WORDS.get(stage["name"], stage["name"])
        value = stage.get("objective")
        gap = stage.get("gap")
        shown = "-" if value is None else (f"{value:.0f}" if stage["name"] in ("escalations", "overdue") else
                                           format_money(round(value), plan.currency))
        proof = "proved" if stage.get("proved") else (f"gap {gap:.2f}" if gap is not None else "not proved")
        seconds = f", {stage['seconds']:.2f} s" if "seconds" in stage else ""
        lines.append(f"  {words}: {shown} ({proof}{seconds})")
    for offer in data.get("offers", []):
        lines.append("  " + _offer_line(offer, plan.currency))
    if "total_seconds" in data:
        lines.append(f"  time: {data['total_seconds']:.2f} s in all, building the model {data.get('build_seconds', 0):.2f} s")
    return "\n".join(lines) + "\n"


def _offer_line(offer: Mapping[str, Any], currency: str) -> str:
    """One offer's decision and what it is worth: the optimum without it, less the optimum with it."""
    name = f"offer {offer['offer']} ({offer['kind']})"
    cost = _annual_cost(offer.get("annual_cost"), currency)
    if not offer.get("modelled", True):
        return f"{name}: not weighed by the optimizer{cost}"
    if not offer.get("taken"):
        return f"{name}: declined (the best plan is as good without it){cost}"
    amount = "" if offer.get("amount") is None else f", {format_money(round(offer['amount'] * 100), currency)}"
    worth = offer.get("worth") or {}
    if worth and all(value is None for value in worth.values()):
        return f"{name}: taken in month {offer['month']}{amount}; what it is worth was not computed " \
               f"(no time left, or no plan without it){cost}"
    parts = []
    if worth.get("escalations"):
        parts.append(f"{worth['escalations']} escalation{'s' if worth['escalations'] != 1 else ''}")
    if worth.get("overdue_months"):
        parts.append(f"{worth['overdue_months']} overdue loan-month{'s' if worth['overdue_months'] != 1 else ''}")
    if worth.get("remaining_balance"):
        parts.append(f"{format_money(round(worth['remaining_balance'] * 100), currency)} still owed")
    if worth.get("net_cost"):
        parts.append(f"{format_money(round(worth['net_cost'] * 100), currency)} of net cost")
    saves = ", ".join(parts) if parts else "nothing"
    bound = "" if offer.get("proved", True) else " (at most: the solve without it was not proved)"
    return f"{name}: taken in month {offer['month']}{amount}; it saves {saves}{bound}{cost}"


def _annual_cost(cost: Mapping[str, Any] | None, currency: str) -> str:
    """'; all-in 43.6 % a year (IRR, fees included), above the 36 % line' (offers.md)."""
    if not cost or cost.get("annual_rate") is None:
        return ""
    text = f"; all-in {100 * cost['annual_rate']:.1f} % a year (IRR, fees included"
    text += f", borrowing {format_money(round(cost['amount'] * 100), currency)})"
    if cost.get("crosses") is not None:
        text += f", above the {100 * cost['crosses']:.0f} % line"
    return text
