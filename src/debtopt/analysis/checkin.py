"""A check-in against the plan it followed: what happened differently, and what that changed (checkin.md, issue 15).

`changes(old_plan, old_scenario, checkin, new_plan)` compares the months that
passed with what the old plan said (cash that fell short, payments that were
not made, offers taken or not, statements that corrected a balance, loans that
appeared) and the re-plan with the old plan's remaining months, loan by loan:
months that now go short or no longer do, payoffs that move, and the totals
of the months left. Only ledger figures are compared (both plans are replays).

`replan(checkin, old_plan, solve)` plans the next scenario and, among the plans
it has that are equal in the contract's order (the solve's, the old plan's
remaining months, the heuristics'), shows the one that moves the least money
against the old plan: the borrower is not told to change everything for ¥10
(issue 15, item 2).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..domain.choices import BORROW_KINDS
from ..domain.months import month_index
from ..domain.plan import MonthRow, Plan, Schedule, Take
from ..domain.scenario import Scenario
from ..errors import ScheduleError
from ..ledger import Ledger, replay
from ..ledger.checkin import CheckIn
from ..strategies import run_heuristics
from .document import Amount


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cause(_Item):
    """Something in the months that passed that differs from the old plan.

    kind: "cash" (the month's cash, `actual` against `planned`), "paid" (a loan paid
    `actual` instead of `planned`), "correction" (a statement changed `field` by
    `amount`), "new_loan" (`amount` owed), "taken" (an offer the plan did not take),
    "not_taken" (one it took).
    """

    kind: str
    month: str
    loan: str | None = None
    offer: str | None = None
    field: str | None = None
    planned: Amount | None = None
    actual: Amount | None = None
    amount: Amount | None = None


class LoanChange(_Item):
    """One loan's remaining months, before (the old plan) and after (the re-plan)."""

    loan: str
    short_now: list[str]  # months it now goes short (overdue) that the old plan kept current
    short_no_more: list[str]  # months the old plan let it go short that the re-plan keeps current
    closed_before: str | None
    closed_after: str | None


class Changes(_Item):
    """What the check-in changed: its causes, and the effects on the months left."""

    causes: list[Cause]
    loans: list[LoanChange]
    same_plan: bool  # the re-plan's months are the old plan's remaining months, cent for cent
    cost_before: Amount  # interest, penalty interest and fees of the old plan's remaining months
    cost_after: Amount
    overdue_before: int
    overdue_after: int
    remaining_before: Amount
    remaining_after: Amount


def remaining_schedule(old_plan: Plan, checkin: CheckIn) -> Schedule:
    """The old plan's payments and decisions from the next scenario's first month, in its accounts."""
    start = checkin.scenario.start
    ids = Ledger(checkin.scenario).account_ids
    column = {account: i for i, account in enumerate(ids)}
    rows = []
    for month in old_plan.months:
        t = month_index(start, month.date)
        if t < 1:
            continue
        row = [0] * len(ids)
        for loan in month.loans:
            if loan.payment and loan.id in column:
                row[column[loan.id]] = int(loan.payment * 100)
        rows.append(row)
    offers = {offer.id for offer in checkin.scenario.offers}
    takes = [Take(offer=d.offer, month=month_index(start, d.date),
                  amount=int(d.amount * 100) if d.kind in BORROW_KINDS and d.amount is not None else None)
             for d in old_plan.decisions if month_index(start, d.date) >= 1 and d.offer in offers]
    return Schedule(payments=rows, decisions=takes)


def old_plan_on(checkin: CheckIn, old_plan: Plan) -> Plan | None:
    """The old plan's remaining months replayed on the next scenario; None when the ledger refuses them
    (the state moved: a payment is now above what is owed or above the cash)."""
    try:
        return replay(checkin.scenario, remaining_schedule(old_plan, checkin), strategy=old_plan.strategy)
    except ScheduleError:
        return None


def money_moved(plan: Plan, old_plan: Plan) -> Decimal:
    """What `plan` moves around against `old_plan` in its own months: the sum over months and loans of
    |paid - planned| (a payment the old plan did not have counts whole)."""
    old = {(m.date, lm.id): lm.payment for m in old_plan.months for lm in m.loans}
    new = {(m.date, lm.id): lm.payment for m in plan.months for lm in m.loans}
    months = {m.date for m in plan.months}
    keys = set(new) | {key for key in old if key[0] in months}
    return sum((abs(new.get(key, Decimal(0)) - old.get(key, Decimal(0))) for key in keys), Decimal(0))


def replan(checkin: CheckIn, old_plan: Plan | None, solve: Callable[[Scenario], Plan]) -> Plan:
    """The next scenario's plan: the best in the contract's order of `solve`'s plan, the old plan's remaining
    months and the heuristics' plans; among those equal in that order, the one that moves the least money
    against the old plan (issue 15, item 2: a borrower is not told to change everything for ¥10)."""
    new = solve(checkin.scenario)
    if old_plan is None:
        return new
    kept = old_plan_on(checkin, old_plan)
    candidates = [new, *([kept] if kept is not None else []), *run_heuristics(checkin.scenario).values()]
    best = min(plan.rank_key() for plan in candidates)
    equal = [plan for plan in candidates if plan.rank_key() == best]
    chosen = min(equal, key=lambda plan: money_moved(plan, old_plan))  # the first of equals: the solve's
    if chosen is new:
        return new
    notes = list(new.notes)
    if best < new.rank_key():  # the solve stopped short (a time limit): say what is shown instead
        which = "the remaining months of the plan you followed" if chosen is kept else f"the '{chosen.strategy}' plan"
        notes.append(f"{which[0].upper()}{which[1:]} replays better than the plan this solve found; it is shown.")
    return chosen.model_copy(update={"strategy": new.strategy, "solver": new.solver, "notes": notes})


def changes(old_plan: Plan, old_scenario: Scenario, checkin: CheckIn, new_plan: Plan) -> Changes:
    """What happened differently from `old_plan`, and what it changed in the months left."""
    start = checkin.scenario.start
    before = [m for m in old_plan.months if month_index(start, m.date) >= 1]
    return Changes(
        causes=causes(old_plan, old_scenario, checkin),
        loans=_loan_changes(before, new_plan),
        same_plan=_rows(before) == _rows(new_plan.months),
        cost_before=_cost(before),
        cost_after=_cost(new_plan.months),
        overdue_before=sum(loan.overdue for m in before for loan in m.loans),
        overdue_after=new_plan.totals.overdue_months,
        remaining_before=old_plan.totals.remaining_balance,
        remaining_after=new_plan.totals.remaining_balance,
    )


def _rows(months: list[MonthRow]) -> list[dict[str, Any]]:
    out = []
    for m in months:
        data = m.model_dump(mode="json", exclude={"month"})
        data["loans"] = sorted(data["loans"], key=lambda loan: loan["id"])
        out.append(data)
    return out


def _cost(months: list[MonthRow]) -> Decimal:
    return sum((loan.interest + loan.penalty_interest + loan.fees for m in months for loan in m.loans), Decimal(0))


def causes(old_plan: Plan, old_scenario: Scenario, checkin: CheckIn) -> list[Cause]:
    """What happened in the months checked in that the old plan did not say, month by month; then the
    statements' corrections and the loans that appeared."""
    causes: list[Cause] = []
    planned = {m.date: m for m in old_plan.months}
    ledger = Ledger(old_scenario)
    cash = {m.month: m.cash for m in checkin.actual.months if m.cash is not None}
    for t, month in enumerate(checkin.passed.months, start=1):
        plan_month = planned.get(month.date)
        income = Decimal(ledger.budget_by_month[t - 1] + ledger.inflow_by_month[t - 1]) / 100
        actual_income = cash.get(month.date, income)
        if actual_income != income:
            causes.append(Cause(kind="cash", month=month.date, planned=income, actual=actual_income))
        paid = {loan.id: loan.payment for loan in month.loans}
        was = {loan.id: loan.payment for loan in plan_month.loans} if plan_month else {}
        for loan_id in sorted(set(paid) | set(was), key=lambda i: (i not in was, i)):
            if paid.get(loan_id, Decimal(0)) != was.get(loan_id, Decimal(0)):
                causes.append(Cause(kind="paid", month=month.date, loan=loan_id, planned=was.get(loan_id, Decimal(0)),
                                    actual=paid.get(loan_id, Decimal(0))))
        taken = {d.offer for d in checkin.passed.decisions if d.date == month.date}
        meant = {d.offer for d in old_plan.decisions if d.date == month.date}
        causes += [Cause(kind="taken", month=month.date, offer=o) for o in sorted(taken - meant)]
        causes += [Cause(kind="not_taken", month=month.date, offer=o) for o in sorted(meant - taken)]
    causes += [Cause(kind="correction", month=c.month, loan=c.loan, field=c.field, amount=c.amount)
               for c in checkin.corrections]
    causes += [Cause(kind="new_loan", month=new.month, loan=new.id, amount=new.balance)
               for new in checkin.actual.new_loans]
    return causes


def _loan_changes(before: list[MonthRow], new_plan: Plan) -> list[LoanChange]:
    def overdue(months: list[MonthRow]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for m in months:
            for loan in m.loans:
                out.setdefault(loan.id, set())
                if loan.overdue:
                    out[loan.id].add(m.date)
        return out

    def closed(months: list[MonthRow]) -> dict[str, str]:
        return {loan.id: m.date for m in months for loan in m.loans if loan.closed}

    old, new = overdue(before), overdue(new_plan.months)
    old_closed, new_closed = closed(before), closed(new_plan.months)
    out = []
    for loan in [*old, *(i for i in new if i not in old)]:
        change = LoanChange(loan=loan, short_now=sorted(new.get(loan, set()) - old.get(loan, set())),
                            short_no_more=sorted(old.get(loan, set()) - new.get(loan, set())),
                            closed_before=old_closed.get(loan), closed_after=new_closed.get(loan))
        if change.short_now or change.short_no_more or change.closed_before != change.closed_after:
            out.append(change)
    return out


__all__ = ["Cause", "Changes", "LoanChange", "causes", "changes", "money_moved", "old_plan_on", "remaining_schedule",
           "replan"]
