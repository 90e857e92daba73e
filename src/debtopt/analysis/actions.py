"""What to do this month and the next, in the order a borrower acts: the plan's own payments and decisions."""

from __future__ import annotations

from decimal import Decimal

from ..domain.choices import OfferKind
from ..domain.plan import Plan
from .document import Action, Actions, Borrowing, Extra, OfferRow, ValueOfMoney

_KIND = {
    OfferKind.HARDSHIP_PLAN: "ask_hardship",
    OfferKind.SETTLEMENT: "settle",
    OfferKind.CASH_LOAN: "take_loan",
    OfferKind.CONSOLIDATION: "consolidate",
    OfferKind.BALANCE_TRANSFER: "consolidate",
    OfferKind.ASSET_SALE: "sell",
}


def _offer_action(plan: Plan, offer: OfferRow, lenders: dict[str, str]) -> Action:
    """Taking an offer, with what the plan says it does (the converted loan's first due, the loans it pays)."""
    assert offer.taken_month is not None
    values: dict[str, object] = {}
    if offer.kind == OfferKind.HARDSHIP_PLAN and offer.loan is not None:
        first = next(((m.month, lm.due) for m in plan.months if m.month > offer.taken_month
                      for lm in m.loans if lm.id == offer.loan and lm.due > 0), None)
        if first is not None:
            values.update(first_month=first[0], installment=first[1])
    if offer.kind == OfferKind.SETTLEMENT:
        decision = next(d for d in plan.decisions if d.offer == offer.id)
        parts = [lm.due for m in plan.months if offer.taken_month <= m.month < offer.taken_month + (offer.instalments or 1)
                 for lm in m.loans if lm.id == offer.loan]
        values.update(waived=decision.waived, tax=decision.tax, parts=len(parts), part=parts[0] if parts else 0)
    if offer.kind in (OfferKind.CONSOLIDATION, OfferKind.BALANCE_TRANSFER):
        paid = [lm.id for m in plan.months if m.month == offer.taken_month for lm in m.loans
                if lm.id in offer.pays and lm.payment > 0] if offer.pays else []
        values["pays"] = paid
    return Action(kind=_KIND[OfferKind(offer.kind)], month=offer.taken_month, offer=offer.id,
                  account=offer.loan, lender=offer.lender or (lenders.get(offer.loan or "", "")),
                  amount=offer.taken_amount if offer.kind != OfferKind.HARDSHIP_PLAN else None,
                  values=values)  # type: ignore[arg-type]


def _payments(plan: Plan, t: int, lenders: dict[str, str]) -> list[Action]:
    if t > len(plan.months):
        return []
    month = plan.months[t - 1]
    return [Action(kind="pay", month=t, account=lm.id, lender=lenders.get(lm.id, ""), amount=lm.payment,
                   values={"due": lm.due})
            for lm in month.loans if lm.payment > 0]


def _extra(borrowing: Borrowing | None, value: ValueOfMoney | None) -> Extra:
    if borrowing is not None and borrowing.needed and borrowing.amount is not None:
        avoided = borrowing.base_escalations - (borrowing.escalations_with_cash or borrowing.base_escalations)
        cost = {str(row.annual_rate): row.interest for row in borrowing.rows}
        return Extra(kind="avoid_escalation", month=1, amount=borrowing.amount, escalations_avoided=avoided,
                     borrow_cost=cost)
    if value is not None and value.months:
        best = max(value.months, key=lambda v: (v.saves, -v.month))
        return Extra(kind="value", month=best.month, amount=value.unit, saves=best.saves)
    return Extra(kind="none")


def actions(plan: Plan, offers: list[OfferRow], lenders: dict[str, str], borrowing: Borrowing | None,
            value: ValueOfMoney | None) -> Actions:
    taken = [o for o in offers if o.taken_month is not None]
    by_month: dict[int, list[Action]] = {}
    for offer in taken:
        by_month.setdefault(offer.taken_month or 0, []).append(_offer_action(plan, offer, lenders))
    this_month = [*by_month.pop(1, []), *_payments(plan, 1, lenders)]
    next_month = [*by_month.pop(2, []), *_payments(plan, 2, lenders)]
    later = [a for t in sorted(by_month) for a in by_month[t]]
    refuse = [Action(kind="refuse" if o.kind != OfferKind.ASSET_SALE else "keep", month=o.first, offer=o.id,
                     amount=o.max_amount if o.max_amount is not None else o.amount,
                     values={k: v for k, v in (("annual_rate", o.annual_rate), ("crosses", o.crosses),
                                               ("keep_value", o.keep_value)) if v is not None})  # type: ignore[misc]
              for o in offers if o.taken_month is None]
    return Actions(this_month=this_month, next_month=next_month, later=later, refuse=refuse,
                   extra=_extra(borrowing, value))


def cash_sources(plan: Plan) -> dict[int, tuple[Decimal, Decimal]]:
    """Per month: restricted proceeds paid to their loans, and those left unused (the ledger's decisions)."""
    out: dict[int, tuple[Decimal, Decimal]] = {}
    for d in plan.decisions:
        if d.kind in (OfferKind.CONSOLIDATION, OfferKind.BALANCE_TRANSFER):
            used, unused = out.get(d.month, (Decimal(0), Decimal(0)))
            out[d.month] = (used + d.received - d.unused, unused + d.unused)
    return out
