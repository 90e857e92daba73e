"""The check-in (checkin.md): the months that passed, replayed through the ledger, and the scenario of the next month.

`check_in(scenario, actual)` replays `actual`'s months on the scenario with the
payments really made, the offers really taken and the cash really available
(the same checks as any plan: a payment above what is owed or above the cash is
an error naming the month and loan). A lender's statement overrides the
ledger's balance and arrears after its month; the difference is a
`Correction`. Loans that appeared count from their month. What is left is
carried into the next scenario by `carry.next_scenario_fields`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ..domain.actual import WHAT, Actual, ActualMonth
from ..domain.load import scenario_from_dict
from ..domain.money import from_cents, to_cents
from ..domain.months import month_index, month_label
from ..domain.offers import BorrowOffer
from ..domain.plan import Plan, Take
from ..domain.scenario import Scenario
from ..errors import FieldIssue, InputError, ScenarioError, ScheduleError
from .book import Account, Ledger, LedgerRun, LoanMonthResult, Statement
from .carry import next_scenario_fields
from .replay import plan_from_run


@dataclass(frozen=True, slots=True)
class Correction:
    """A lender's figure that differs from the ledger's, after one month's payment (checkin.md item 2)."""

    loan: str
    month: str  # YYYY-MM
    field: Literal["balance", "arrears"]
    ledger: Decimal
    statement: Decimal

    @property
    def amount(self) -> Decimal:
        """The statement less the ledger: what the lender's figure adds (negative: takes off)."""
        return self.statement - self.ledger


@dataclass(frozen=True, slots=True)
class CheckIn:
    """What a check-in found: the months that passed as the ledger replayed them, the corrections
    the statements made, and the next scenario (its fields, as a file writes them, and validated)."""

    passed: Plan
    corrections: list[Correction]
    fields: dict[str, Any]
    scenario: Scenario
    notes: list[str]  # what the next scenario could not carry exactly, said plainly
    actual: Actual


def check_in(scenario: Scenario, actual: Actual) -> CheckIn:
    """Replay the months of `actual` (checked against `scenario` by `domain.actual`) and carry the rest forward.

    Raises `InputError` naming `months[k]...` for a payment or an offer taken that
    the ledger refuses, and for a next scenario that is not valid.
    """
    months = len(actual.months)
    if months >= scenario.horizon_months:
        raise InputError([FieldIssue(f"months[{months - 1}].month", f"the plan's horizon ends in "
                                     f"{month_label(scenario.start, scenario.horizon_months)}; nothing is left to "
                                     "plan after it (make a new scenario with a longer horizon_months)")],
                         what=WHAT)
    extended = _with_new_loans(scenario, actual)
    ledger = Ledger(extended)
    for k, month in enumerate(actual.months):
        if month.cash is not None:  # the cash really available replaces the month's budget and inflows
            ledger.budget_by_month[k] = to_cents(month.cash)
            ledger.inflow_by_month[k] = 0
    run = ledger.start()
    waiting = _hold_new_loans(run, scenario, actual)
    corrections: list[Correction] = []
    for k, month in enumerate(actual.months):
        t = k + 1
        _open_new_loans(run, waiting, t)
        statement = _replay_month(run, month, k)
        corrections += _apply_statements(run, statement, month, k)
        if run.finished and k + 1 < months:
            raise InputError([FieldIssue(f"months[{k + 1}]", f"every loan was closed in {month.month}; "
                                         "leave out the months after it")], what=WHAT)
    passed = plan_from_run(run, "actual")
    fields, notes = next_scenario_fields(run, actual, waiting)
    if not fields["loans"]:
        raise InputError([FieldIssue(f"months[{months - 1}]", f"every loan is paid off by {actual.last_month}: "
                                     "there is nothing left to plan, and no next scenario to write")], what=WHAT)
    try:
        next_scenario = scenario_from_dict(fields)
    except ScenarioError as exc:  # a bug in carrying forward, or a state no scenario can hold: say which field
        raise InputError([FieldIssue(f"next scenario: {i.path}", i.message) for i in exc.issues], what=WHAT) from None
    return CheckIn(passed, corrections, fields, next_scenario, notes, actual)


def _with_new_loans(scenario: Scenario, actual: Actual) -> Scenario:
    """The scenario with the loans that appeared among its loans (they count from their month:
    `_hold_new_loans`), so that the ledger gives each an account of its own."""
    if not actual.new_loans:
        return scenario
    loans = [*scenario.loans, *(new.as_loan() for new in actual.new_loans)]
    return scenario.model_copy(update={"loans": loans})


@dataclass(slots=True)
class Waiting:
    """A loan that appeared: its account, its month (plan month of the old scenario), its state on opening."""

    index: int
    month: int
    account: Account


def _hold_new_loans(run: LedgerRun, scenario: Scenario, actual: Actual) -> list[Waiting]:
    """Close the new loans' accounts until their month (the ledger opens every scenario loan in month 1)."""
    waiting = []
    first = len(scenario.loans)
    for j, new in enumerate(actual.new_loans):
        i = first + j
        waiting.append(Waiting(i, month_index(scenario.start, new.month), run.accounts[i]))
        run.accounts[i] = Account(None)
    held = {w.index for w in waiting}
    run.in_collection = [(i, t) for i, t in run.in_collection if i not in held]
    return waiting


def _open_new_loans(run: LedgerRun, waiting: Sequence[Waiting], t: int) -> None:
    """The new loans of month t open at its start, with the state they were given; their months count from t."""
    for w in waiting:
        if w.month != t:
            continue
        w.account.opened_at = w.account.penalty_from = t
        run.accounts[w.index] = w.account
        if w.account.escalated:
            run.in_collection.append((w.index, t))


def _replay_month(run: LedgerRun, month: ActualMonth, k: int) -> Statement:
    """One month that passed: its offers taken, then its payments; the ledger's refusal named by field."""
    t = k + 1
    ids = run.ledger.account_ids
    scenario = run.ledger.scenario
    takes = []
    for taken in month.taken:
        offer = scenario.offers[scenario.offer_index(taken.offer)]
        amount = to_cents(taken.amount) if isinstance(offer, BorrowOffer) and taken.amount is not None else None
        takes.append(Take(offer=taken.offer, month=t, amount=amount))
    path = f"months[{k}]"
    try:
        statement = run.open_month(takes)
    except ScheduleError as exc:
        raise _refused(f"{path}.taken", month.month, exc) from None
    row = [0] * len(ids)
    for loan_id, paid in month.payments.items():
        row[ids.index(loan_id)] = to_cents(paid)
    for i, cents in enumerate(row):
        if cents > statement.owed[i]:
            owed = "it is closed" if not statement.is_open[i] else f"it owes {from_cents(statement.owed[i])}"
            raise InputError([FieldIssue(f"{path}.payments.{ids[i]}", f"{from_cents(cents)} paid in {month.month}, "
                                         f"but {owed}; give what was really paid")], what=WHAT)
    try:
        run.settle(row)
    except ScheduleError as exc:
        where = f"{path}.payments.{exc.loan_id}" if exc.loan_id else f"{path}.payments"
        raise _refused(where, month.month, exc) from None
    return statement


def _refused(path: str, month: str, exc: ScheduleError) -> InputError:
    text = str(exc)
    if exc.month is not None:  # the ledger counts plan months; the file speaks of calendar months
        text = text.replace(f"month {exc.month}", month, 1)
    return InputError([FieldIssue(path, f"{text}; give what really happened in {month}")], what=WHAT)


def _apply_statements(run: LedgerRun, statement: Statement, month: ActualMonth, k: int) -> list[Correction]:
    """The lender's B' and A' after the month replace the ledger's; overdue, k' and escalation follow."""
    if not month.statements:
        return []
    ids = run.ledger.account_ids
    result = run.results[-1]
    rows = {row.index: row for row in result.loans}
    corrections = []
    for loan_id, figures in month.statements.items():
        i = ids.index(loan_id)
        account = run.accounts[i]
        path = f"months[{k}].statements.{loan_id}"
        if account.settlement is not None:
            raise InputError([FieldIssue(path, "this loan is being settled in instalments: its balance is what is "
                                         "left of the price; leave its statement out")], what=WHAT)
        balance = to_cents(figures.balance) if figures.balance is not None else account.balance
        arrears = to_cents(figures.arrears) if figures.arrears is not None else min(account.arrears, balance)
        if arrears > balance:
            raise InputError([FieldIssue(f"{path}.arrears", f"{figures.arrears} is above the balance "
                                         f"{from_cents(balance)}; arrears are part of the balance")], what=WHAT)
        if balance != account.balance:
            corrections.append(Correction(loan_id, month.month, "balance", from_cents(account.balance),
                                          from_cents(balance)))
        if arrears != account.arrears:
            corrections.append(Correction(loan_id, month.month, "arrears", from_cents(account.arrears),
                                          from_cents(arrears)))
        _restate(account, rows.get(i), statement.overdue_run[i], balance, arrears)
    return corrections


def _restate(account: Account, row: LoanMonthResult | None, run_before: int, balance: int, arrears: int) -> None:
    """Put the statement's figures in the account and the month's row: overdue when A' >= 0.01,
    k' = k + 1 then, else 0 (k: the run at the month's start); an escalation the ledger found
    this month stands only if the loan is still overdue."""
    terms = account.terms
    assert terms is not None
    overdue = arrears > 0
    k_next = run_before + 1 if overdue else 0
    if row is not None and row.escalated and not overdue:
        account.escalated = row.escalated = False
    escalated_now = overdue and k_next >= terms.escalation_months and not account.escalated
    if escalated_now:
        account.escalated = True
    account.balance, account.arrears, account.overdue_run = balance, arrears, k_next
    if row is not None:
        row.balance, row.arrears, row.overdue, row.overdue_run = balance, arrears, overdue, k_next
        row.closed = balance == 0
        row.escalated = row.escalated or escalated_now


__all__ = ["CheckIn", "Correction", "check_in"]
