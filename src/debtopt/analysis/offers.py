"""Every offer of the scenario as the report shows it: its terms, its all-in cost, the plan's decision, its worth."""

from __future__ import annotations

from decimal import Decimal

from ..domain.months import month_index
from ..domain.offers import AssetSale, BorrowOffer, HardshipPlan, Settlement
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..ledger import offer_cost
from ..ledger.terms import hardship_rate
from .document import OfferRow, OfferWorthRow


def _worth(plan: Plan) -> dict[str, OfferWorthRow]:
    rows = plan.solver.offers if plan.solver is not None and plan.solver.offers else []
    out = {}
    for row in rows:
        w = row.worth
        if row.taken and w.computed:
            out[row.offer] = OfferWorthRow(
                escalations=w.escalations, overdue_months=w.overdue_months,
                remaining_balance=None if w.remaining_balance is None else Decimal(repr(w.remaining_balance)),
                net_cost=None if w.net_cost is None else Decimal(repr(w.net_cost)), proved=bool(row.proved))
    return out


def offer_rows(scenario: Scenario, plan: Plan) -> list[OfferRow]:
    decisions = {d.offer: d for d in plan.decisions}
    worth = _worth(plan)
    lenders = {loan.id: loan.lender or loan.display_name for loan in scenario.loans}
    out = []
    for offer in scenario.offers:
        row: dict[str, object] = {
            "id": offer.id, "name": offer.name or offer.id, "kind": offer.kind,
            "first": month_index(scenario.start, offer.available_from),
            "last": month_index(scenario.start, offer.available_until),
        }
        taken = decisions.get(offer.id)
        if isinstance(offer, BorrowOffer):
            cost = offer_cost(scenario, offer.id, None if taken is None or taken.amount is None
                              else int(taken.amount * 100))
            row.update(max_amount=offer.max_amount, annual_rate=cost.annual_rate,
                       effective_annual_rate=cost.effective_annual_rate, crosses=cost.crosses,
                       pays=[] if offer.kind == "cash-loan" else
                       list(offer.pays) if offer.pays is not None else [loan.id for loan in scenario.loans],
                       term_months=offer.loan.term_months)
        elif isinstance(offer, AssetSale):
            row.update(amount=offer.amount, keep_value=offer.keep_value)
        elif isinstance(offer, HardshipPlan):
            row.update(loan=offer.loan, lender=lenders.get(offer.loan, ""), term_months=offer.term_months,
                       annual_rate=float(hardship_rate(offer) * 12), fee_percent=float(offer.fee_percent),
                       grace_months=offer.grace_months, waive_percent=float(offer.waive_percent))
        elif isinstance(offer, Settlement):
            row.update(loan=offer.loan, lender=lenders.get(offer.loan, ""), amount=offer.amount,
                       percent=None if offer.percent is None else float(offer.percent), instalments=offer.instalments,
                       tax_rate=float(offer.forgiven_tax_rate))
        if taken is not None:
            row.update(taken_month=taken.month, taken_amount=taken.amount, waived=taken.waived, fees=taken.fees,
                       worth=worth.get(offer.id))
        out.append(OfferRow.model_validate(row))
    return out
