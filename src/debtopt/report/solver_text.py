"""How the solve went, in words: status, each stage's value, bound and gap, each offer's worth."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..domain.plan import Plan
from ..i18n import N_, Formatter

_STAGE_WORDS = {
    "escalations": N_("accounts escalating"),
    "overdue": N_("overdue loan-months"),
    "remaining": N_("still owed at the end"),
    "net_cost": N_("net cost"),
    "weighted": N_("cost + price of overdue months"),
}


# An offer's kind as the solver's lines name it (the catalogue's words in Chinese).
_KINDS = {"consolidation": N_("consolidation"), "balance-transfer": N_("balance-transfer"),
          "cash-loan": N_("cash-loan"), "asset-sale": N_("asset-sale"), "hardship-plan": N_("hardship-plan")}


def _cents(f: Formatter, value: float) -> str:
    return f.money(Decimal(round(value)) / 100)


def _units(f: Formatter, value: float) -> str:
    return f.money(Decimal(repr(value)).quantize(Decimal("0.01")))


def solver_to_text(plan: Plan, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
    """The solve in words; `names` (offer id -> name) names the offers, else their ids."""
    solver = plan.solver
    if solver is None:
        return ""
    f = Formatter(lang, plan.currency)
    data = solver.model_dump(mode="json")
    status = str(data.get("status"))
    head = {
        "optimal": f._("Proved optimal"),
        "work_limit": f._("Best plan found within the work limit (not proved optimal)"),
        "time_limit": f._("Stopped by the time limit: this plan may differ on another machine"),
        "fallback": f._("The solver did not beat the heuristics; showing '{name}'", name=data.get("fell_back_to")),
    }.get(status, status)
    lines = [f._("Solver: {name}. {head}.", name=data.get("name"), head=head)]
    for stage in data.get("stages", []):
        words = f._(_STAGE_WORDS[stage["name"]]) if stage["name"] in _STAGE_WORDS else stage["name"]
        value = stage.get("objective")
        gap = stage.get("gap")
        counts = stage["name"] in ("escalations", "overdue")
        shown = "-" if value is None else (f"{value:.0f}" if counts else _cents(f, value))
        # the gap in the unit of the figure beside it: a count, or money in the scenario's currency
        gap_text = None if gap is None else (f"{gap:.0f}" if counts else _cents(f, gap))
        if stage.get("proved"):  # a money stage proved up to the rounding to whole cents says by how much
            proof = f._("proved within {gap}", gap=gap_text) if not counts and gap is not None and gap >= 0.5 \
                else f._("proved")
        else:
            proof = f._("gap {gap}", gap=gap_text) if gap_text is not None else f._("not proved")
        seconds = f", {stage['seconds']:.2f} s" if "seconds" in stage else ""
        lines.append(f"  {words}: {shown} ({proof}{seconds})")
    for offer in data.get("offers", []):
        lines.append("  " + _offer_line(f, offer, names or {}))
    if "total_seconds" in data:
        lines.append(f._("  time: {total} s in all, building the model {build} s",
                         total=f"{data['total_seconds']:.2f}", build=f"{data.get('build_seconds', 0):.2f}"))
    return "\n".join(lines) + "\n"


def _offer_line(f: Formatter, offer: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """One offer's decision and what it is worth: the optimum without it, less the optimum with it."""
    kind = f._(_KINDS[offer["kind"]]) if offer["kind"] in _KINDS else offer["kind"]
    name = f._("offer {offer} ({kind})", offer=names.get(offer["offer"], offer["offer"]), kind=kind)
    cost = _annual_cost(f, offer.get("annual_cost"))
    if not offer.get("modelled", True):
        return f._("{name}: not weighed by the optimizer", name=name) + cost
    if not offer.get("taken"):
        return f._("{name}: declined (the best plan is as good without it)", name=name) + cost
    amount = "" if offer.get("amount") is None else f", {_units(f, offer['amount'])}"
    worth = offer.get("worth") or {}
    if worth and all(value is None for value in worth.values()):
        return f._("{name}: taken in month {month}{amount}; what it is worth was not computed (no time left, or no "
                   "plan without it)", name=name, month=offer["month"], amount=amount) + cost
    parts = []
    if worth.get("escalations"):
        parts.append(f.n_("{n} escalation", "{n} escalations", worth["escalations"]))
    if worth.get("overdue_months"):
        parts.append(f.n_("{n} overdue loan-month", "{n} overdue loan-months", worth["overdue_months"]))
    if worth.get("remaining_balance"):
        parts.append(f._("{amount} still owed", amount=_units(f, worth["remaining_balance"])))
    if worth.get("net_cost"):
        parts.append(f._("{amount} of net cost", amount=_units(f, worth["net_cost"])))
    saves = ", ".join(parts) if parts else f._("nothing")
    bound = "" if offer.get("proved", True) else f._(" (at most: the solve without it was not proved)")
    return f._("{name}: taken in month {month}{amount}; it saves {saves}{bound}", name=name, month=offer["month"],
               amount=amount, saves=saves, bound=bound) + cost


def _annual_cost(f: Formatter, cost: Mapping[str, Any] | None) -> str:
    """'; all-in 43.6 % a year (IRR, fees included), above the 36 % line' (offers.md)."""
    if not cost or cost.get("annual_rate") is None:
        return ""
    text = f._("; all-in {rate} a year (IRR, fees included, borrowing {amount})",
               rate=f"{100 * cost['annual_rate']:.1f} %", amount=_units(f, cost["amount"]))
    if cost.get("crosses") is not None:
        text += f._(", above the {line} line", line=f"{100 * cost['crosses']:.0f} %")
    return text
