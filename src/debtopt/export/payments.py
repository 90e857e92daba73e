"""The payments of a plan, with what each export needs to know of its loan.

Without a scenario a loan is known by its id and falls due on the 1st. With
the scenario the plan was made from, the loans' names, lenders and due days
are used, and the plan is first replayed through the ledger: a plan that does
not replay to the same figures on that scenario is an `InputError`, since its
payments would be exported against the wrong loans.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from ..domain.money import CENT, to_cents
from ..domain.months import parse_month
from ..domain.offers import BorrowOffer
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..errors import FieldIssue, InputError, ScheduleError
from ..ledger import Ledger, replay


@dataclass(frozen=True, slots=True)
class Account:
    """A loan as the exports show it."""

    id: str
    name: str
    lender: str = ""
    due_day: int = 1


@dataclass(frozen=True, slots=True)
class PlannedPayment:
    account: Account
    plan_month: int
    month: str  # YYYY-MM
    day: datetime.date  # the account's due day in that month
    cents: int
    due_cents: int
    owed_after_cents: int
    closes: bool  # this payment pays the loan off


@dataclass(frozen=True, slots=True)
class PlannedDecision:
    """An offer the plan takes: something to do that month besides paying."""

    offer: str
    name: str
    kind: str
    plan_month: int
    month: str
    day: datetime.date  # the 1st of the month
    amount_cents: int | None  # borrowed, or the sale's amount
    received_cents: int  # cash it brings this month


@dataclass(frozen=True, slots=True)
class PlanPayments:
    strategy: str
    currency: str
    start: str  # the plan's first month, YYYY-MM
    months: int
    language: str
    payments: list[PlannedPayment]  # by month, then in the plan's loan order
    decisions: list[PlannedDecision]


def plan_payments(plan: Plan, scenario: Scenario | None = None, source: str | None = None,
                  language: str | None = None) -> PlanPayments:
    """Every payment above zero in `plan`; `source` names the plan file in errors."""
    accounts: dict[str, Account] = {}
    if scenario is not None:
        _check_replays(plan, scenario, source)
        accounts = _accounts(scenario)
    payments = []
    for row in plan.months:
        year, month = parse_month(row.date)
        for loan in row.loans:
            cents = to_cents(loan.payment)
            if cents == 0:
                continue
            account = accounts.get(loan.id) or Account(id=loan.id, name=loan.id)
            payments.append(PlannedPayment(
                account=account, plan_month=row.month, month=row.date,
                day=datetime.date(year, month, account.due_day), cents=cents, due_cents=to_cents(loan.due),
                owed_after_cents=to_cents(loan.balance), closes=loan.closed,
            ))
    chosen = language or (scenario.language if scenario is not None else "en")
    return PlanPayments(strategy=plan.strategy, currency=plan.currency, start=plan.months[0].date,
                        months=len(plan.months), language=chosen, payments=payments,
                        decisions=_decisions(plan, scenario))


def _decisions(plan: Plan, scenario: Scenario | None) -> list[PlannedDecision]:
    names = {offer.id: offer.name or offer.id for offer in scenario.offers} if scenario is not None else {}
    out = []
    for decision in plan.decisions:
        year, month = parse_month(decision.date)
        out.append(PlannedDecision(
            offer=decision.offer, name=names.get(decision.offer, decision.offer), kind=decision.kind,
            plan_month=decision.month, month=decision.date, day=datetime.date(year, month, 1),
            amount_cents=None if decision.amount is None else to_cents(decision.amount),
            received_cents=to_cents(decision.received - decision.unused),
        ))
    return out


def _accounts(scenario: Scenario) -> dict[str, Account]:
    accounts = {loan.id: Account(loan.id, loan.display_name, loan.lender, loan.due_day) for loan in scenario.loans}
    for offer in scenario.offers:
        if isinstance(offer, BorrowOffer):  # the loan a borrowing offer opens takes the offer's id
            accounts[offer.id] = Account(offer.id, offer.name or offer.id, "", offer.loan.due_day)
    return accounts


def _check_replays(plan: Plan, scenario: Scenario, source: str | None) -> None:
    issues = list(_fit_issues(plan, scenario))
    if not issues:
        ledger = Ledger(scenario)
        try:
            replayed = replay(ledger, plan.to_schedule(ledger.account_ids), plan.strategy)
        except ScheduleError as exc:
            issues = [FieldIssue(_schedule_path(plan, exc), f"the scenario cannot replay this plan ({exc}); "
                                 "give the scenario the plan was made from")]
        else:
            issues = list(_differences(plan, replayed))
    if issues:
        raise InputError(issues, source, "plan for this scenario")


def _fit_issues(plan: Plan, scenario: Scenario) -> Iterator[FieldIssue]:
    if plan.currency != scenario.currency:
        yield FieldIssue("currency", f"the plan is in {plan.currency}, the scenario in {scenario.currency}; "
                         "give the scenario the plan was made from")
    if plan.months[0].date != scenario.start:
        yield FieldIssue("months[0].date", f"the plan starts in {plan.months[0].date}, the scenario in "
                         f"{scenario.start}; give the scenario the plan was made from")
    known = set(Ledger(scenario).account_ids)
    for i, row in enumerate(plan.months):
        for j, loan in enumerate(row.loans):
            if loan.id not in known:
                yield FieldIssue(f"months[{i}].loans[{j}].id", f"the scenario has no loan or borrowing offer "
                                 f"'{loan.id}'; give the scenario the plan was made from")
                return


def _schedule_path(plan: Plan, error: ScheduleError) -> str:
    """Where in the plan file the ledger refused it: the month, and the loan when it names one."""
    if error.month is None or not 1 <= error.month <= len(plan.months):
        return "months"
    row = plan.months[error.month - 1]
    at = next((j for j, loan in enumerate(row.loans) if loan.id == error.loan_id), None)
    return f"months[{error.month - 1}]" + (f".loans[{at}].payment" if at is not None else "")


_COMPARED = ("payment", "due", "balance", "arrears")


def _differences(plan: Plan, replayed: Plan) -> Iterator[FieldIssue]:
    """The first figure of the file the ledger does not reproduce on this scenario."""
    if len(plan.months) != len(replayed.months):
        yield FieldIssue("months", f"the plan has {len(plan.months)} months, its replay on the scenario "
                         f"{len(replayed.months)}; give the scenario the plan was made from")
        return
    for i, (row, again) in enumerate(zip(plan.months, replayed.months)):
        ours = {loan.id: loan for loan in again.loans}
        for j, loan in enumerate(row.loans):
            other = ours.get(loan.id)
            for field in _COMPARED:
                if other is None or getattr(loan, field) != getattr(other, field):
                    theirs = "nothing" if other is None else str(getattr(other, field).quantize(CENT))
                    yield FieldIssue(f"months[{i}].loans[{j}].{field}",
                                     f"{getattr(loan, field).quantize(CENT)} in the plan, {theirs} when the ledger replays its "
                                     "payments on the scenario; give the scenario the plan was made from")
                    return
