"""Which lenders get a letter, and what each asks: only where something is asked.

- the lender of each hardship plan the plan takes: asks for that plan, by name;
- the lender of each settlement the plan takes: accepts it, by name, for its price;
- the lender of each account overdue at the start or in the plan (without a
  hardship plan): asks to accept the plan's payments to it;
- each consolidation or balance transfer the plan takes: the application.
A lender whose accounts stay current, and asks nothing, gets no letter.
"""

from __future__ import annotations

from decimal import Decimal

from ..domain.choices import RESTRICTED_KINDS, OfferKind
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from .document import Letter, LetterPayment


def _payments(plan: Plan, ids: list[str], first: int = 1) -> list[LetterPayment]:
    out = []
    for month in plan.months:
        if month.month < first:
            continue
        amount = sum((lm.payment for lm in month.loans if lm.id in ids), Decimal(0))
        if amount > 0:
            out.append(LetterPayment(month=month.month, amount=amount))
    return out


def _remaining(plan: Plan, ids: list[str]) -> Decimal:
    last = {lm.id: lm.balance for m in plan.months for lm in m.loans}
    return sum((last.get(i, Decimal(0)) for i in ids), Decimal(0))


def letters(scenario: Scenario, plan: Plan) -> list[Letter]:
    loans = {loan.id: loan for loan in scenario.loans}
    numbers = {loan.id: loan.account_number for loan in scenario.loans}
    out: list[Letter] = []
    hardship_loans: set[str] = set()
    for d in plan.decisions:
        offer = scenario.offers[scenario.offer_index(d.offer)]
        if d.kind in (OfferKind.HARDSHIP_PLAN, OfferKind.SETTLEMENT):
            loan = loans[offer.loan]  # type: ignore[union-attr]
            hardship_loans.add(loan.id)
            settling = d.kind == OfferKind.SETTLEMENT
            out.append(Letter(purpose="settlement" if settling else "hardship", lender=loan.lender or loan.display_name,
                              accounts=[loan.id], account_numbers=[numbers[loan.id]], offer=d.offer, owed=loan.balance,
                              arrears=loan.arrears, months_overdue=loan.months_overdue, month=d.month,
                              amount=d.amount if settling else None, waived=d.waived,
                              payments=_payments(plan, [loan.id], d.month), remaining=_remaining(plan, [loan.id])))
        elif d.kind in RESTRICTED_KINDS:
            out.append(Letter(purpose="application", lender=offer.name or offer.id, accounts=[d.offer],
                              account_numbers=[None], offer=d.offer, owed=Decimal(0), arrears=Decimal(0),
                              months_overdue=0, month=d.month, amount=d.amount,
                              payments=_payments(plan, [d.offer]), remaining=_remaining(plan, [d.offer])))
    behind = {lm.id for m in plan.months for lm in m.loans if lm.overdue}
    behind |= {loan.id for loan in scenario.loans if loan.arrears > 0}
    groups: dict[str, list[str]] = {}
    for loan in scenario.loans:
        if loan.id in behind and loan.id not in hardship_loans:
            groups.setdefault(loan.lender or loan.display_name, []).append(loan.id)
    for lender, ids in groups.items():
        first_overdue = min((m.month for m in plan.months for lm in m.loans if lm.id in ids and lm.overdue), default=1)
        start_behind = any(loans[i].arrears > 0 for i in ids)
        out.append(Letter(purpose="overdue", lender=lender, accounts=ids, account_numbers=[numbers[i] for i in ids],
                          owed=sum((loans[i].balance for i in ids), Decimal(0)),
                          arrears=sum((loans[i].arrears for i in ids), Decimal(0)),
                          months_overdue=max(loans[i].months_overdue for i in ids),
                          month=1 if start_behind else first_overdue,
                          payments=_payments(plan, ids), remaining=_remaining(plan, ids)))
    return sorted(out, key=lambda letter: (letter.month, letter.lender))
