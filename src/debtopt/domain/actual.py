"""The actual file (checkin.md, "The actual file"): what really happened in the months that have passed.

A borrower follows a plan for a few months, then says what was really paid to
each loan, the cash really available, the offers taken, the lender's own
figures, and the loans that appeared. This module holds the file's models and
checks it against the scenario it reports on; the check-in replays it.

Field-level rules (types, whole cents, months) live on the models; rules that
tie the file to its scenario live in `check_actual`, and every problem names
its field and the fix, as a scenario's do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from pydantic import Field, ValidationError, model_validator

from ..errors import FieldIssue, InputError, ScenarioError
from .fields import MAX_HORIZON_MONTHS, Money, Month, Strict
from .load import field_path, read_scenario_data
from .loans import Loan
from .months import month_index, month_label
from .offers import AssetSale, BorrowOffer, HardshipPlan, Settlement
from .scenario import Budget, Scenario
from .validate import check_scenario

WHAT = "actual file"


class Taken(Strict):
    """An offer of the scenario taken this month; `amount` is what was borrowed (borrowing offers only)."""

    offer: str
    amount: Money | None = None


class StatementFigures(Strict):
    """The lender's own figures after this month's payment; they override the ledger's (checkin.md item 2)."""

    balance: Money | None = None
    arrears: Money | None = None

    @model_validator(mode="after")
    def _some_figure(self) -> StatementFigures:
        if self.balance is None and self.arrears is None:
            raise ValueError("give the statement's balance, its arrears, or both")
        if self.balance is not None and self.arrears is not None and self.arrears > self.balance:
            raise ValueError(f"arrears {self.arrears} are above the balance {self.balance}; arrears are part of it")
        return self


class ActualMonth(Strict):
    """One month that has passed."""

    month: Month
    cash: Money | None = Field(default=None, description="cash really available for debt this month "
                               "(default: the scenario's budget and inflows for the month)")
    payments: dict[str, Money] = Field(default_factory=dict, description="what each loan was paid; a loan not listed: 0")
    taken: list[Taken] = Field(default_factory=list)
    statements: dict[str, StatementFigures] = Field(default_factory=dict)

    def payment(self, loan_id: str) -> Decimal:
        return self.payments.get(loan_id, Decimal(0))


class NewLoan(Loan):
    """A loan that appeared: any field of a scenario loan, and the month it first counts."""

    month: Month

    def as_loan(self) -> Loan:
        return Loan.model_validate(self.model_dump(exclude={"month"}, exclude_unset=True))


class Actual(Strict):
    """The actual file: `scenario_start`, the months that passed in order, the loans that appeared."""

    scenario_start: Month = Field(description="must equal the scenario's `start`")
    months: list[ActualMonth] = Field(min_length=1, max_length=MAX_HORIZON_MONTHS)
    new_loans: list[NewLoan] = Field(default_factory=list, max_length=200)

    @property
    def last_month(self) -> str:
        return self.months[-1].month

    @property
    def next_start(self) -> str:
        """The first month of the scenario a check-in writes: the month after the last one given."""
        return month_label(self.scenario_start, len(self.months) + 1)


# ---------------------------------------------------------------- checks against the scenario
def check_actual(actual: Actual, scenario: Scenario) -> list[FieldIssue]:
    """Every problem of an actual file that parsed, against its scenario, in file order."""
    issues = list(_check_months(actual, scenario))
    issues += _check_new_loans(actual, scenario)
    return issues


def _check_months(actual: Actual, scenario: Scenario) -> Iterator[FieldIssue]:
    if actual.scenario_start != scenario.start:
        yield FieldIssue("scenario_start", f"{actual.scenario_start} is not the scenario's start {scenario.start}; "
                         "check in against the scenario the plan was made from, or write its start here")
    taken_in: dict[str, str] = {}
    for t, month in enumerate(actual.months, start=1):
        path = f"months[{t - 1}]"
        expected = month_label(actual.scenario_start, t)
        if month.month != expected:
            yield FieldIssue(f"{path}.month", f"{month.month} is not the month after the one before; "
                             f"months run consecutively from scenario_start, so this one is {expected}")
        if t == scenario.horizon_months + 1:
            yield FieldIssue(f"{path}.month", f"past the scenario's horizon ({scenario.horizon_months} months from "
                             f"{scenario.start}); leave out the months after it")
        known = _accounts_in_month(actual, scenario, t)
        for field in ("payments", "statements"):
            for loan_id in getattr(month, field):
                if loan_id not in known:
                    yield FieldIssue(f"{path}.{field}.{loan_id}", _unknown_loan(loan_id, month.month, known))
        yield from _check_offers_taken(month, path, scenario, taken_in)


def _accounts_in_month(actual: Actual, scenario: Scenario, t: int) -> list[str]:
    """The loans that can be paid in plan month t: the scenario's, a borrowing offer's from the month
    after it was taken (offers.md), and each new loan from its month."""
    known = [loan.id for loan in scenario.loans]
    borrow = {offer.id for offer in scenario.offers if isinstance(offer, BorrowOffer)}
    for month in actual.months[: t - 1]:
        known += [taken.offer for taken in month.taken if taken.offer in borrow]
    this_month = month_label(actual.scenario_start, t)
    known += [new.id for new in actual.new_loans if month_index(new.month, this_month) >= 1]
    return known


def _unknown_loan(loan_id: str, month: str, known: list[str]) -> str:
    return (f"no loan '{loan_id}' in {month}; the loans then are {', '.join(known)} "
            "(an offer's loan counts from the month after it is taken, a new loan from its month)")


def _check_offers_taken(month: ActualMonth, path: str, scenario: Scenario,
                        taken_in: dict[str, str]) -> Iterator[FieldIssue]:
    """Each offer taken exists, is open that month, is taken once (`taken_in` remembers where), for an amount it allows."""
    offers = {offer.id: offer for offer in scenario.offers}
    for k, taken in enumerate(month.taken):
        where = f"{path}.taken[{k}]"
        offer = offers.get(taken.offer)
        if offer is None:
            names = ", ".join(offers) or "none"
            yield FieldIssue(f"{where}.offer", f"no offer '{taken.offer}' in the scenario (its offers: {names})")
            continue
        if taken.offer in taken_in:
            yield FieldIssue(f"{where}.offer", f"'{taken.offer}' was already taken in {taken_in[taken.offer]}; "
                             "an offer is taken once")
            continue
        taken_in[taken.offer] = path
        opens, closes = (month_index(scenario.start, m) for m in (offer.available_from, offer.available_until))
        if not opens <= month_index(scenario.start, month.month) <= closes:
            yield FieldIssue(f"{where}.offer", f"'{offer.id}' is open from {offer.available_from} to "
                             f"{offer.available_until}, not in {month.month}; check the month it was taken")
        yield from _check_amount_taken(offer, taken, where)


def _check_amount_taken(offer: object, taken: Taken, path: str) -> Iterator[FieldIssue]:
    if isinstance(offer, BorrowOffer):
        if taken.amount is None:
            yield FieldIssue(f"{path}.amount", f"missing; say how much was borrowed from '{offer.id}' "
                             f"({offer.min_amount} to {offer.max_amount})")
        elif not offer.min_amount <= taken.amount <= offer.max_amount:
            yield FieldIssue(f"{path}.amount", f"{taken.amount} is outside what '{offer.id}' lends "
                             f"({offer.min_amount} to {offer.max_amount})")
    elif isinstance(offer, AssetSale) and taken.amount is not None:
        yield FieldIssue(f"{path}.amount", f"an asset sale brings its offer's amount ({offer.amount}); remove amount, "
                         "and give a different price as that month's cash")
    elif isinstance(offer, HardshipPlan) and taken.amount is not None:
        yield FieldIssue(f"{path}.amount", "a hardship plan converts the whole balance; remove amount")
    elif isinstance(offer, Settlement) and taken.amount is not None:
        yield FieldIssue(f"{path}.amount", "a settlement's price is set by its offer (percent or amount); remove "
                         "amount, and give what was paid under payments")


def _check_new_loans(actual: Actual, scenario: Scenario) -> Iterator[FieldIssue]:
    taken_ids = {loan.id for loan in scenario.loans} | {offer.id for offer in scenario.offers}
    for j, new in enumerate(actual.new_loans):
        if new.id in taken_ids:
            yield FieldIssue(f"new_loans[{j}].id", f"'{new.id}' is already a loan's or an offer's id in the scenario; "
                             "give the new loan an id of its own")
        t = month_index(actual.scenario_start, new.month)
        if not 1 <= t <= len(actual.months) + 1:
            yield FieldIssue(f"new_loans[{j}].month", f"{new.month} is outside the months given; a new loan counts "
                             f"from a month between {actual.scenario_start} and {actual.next_start}")
    if actual.new_loans:
        yield from _check_new_loan_terms(actual, scenario)


_LOAN_PATH = re.compile(r"\bloans\[")


def _check_new_loan_terms(actual: Actual, scenario: Scenario) -> Iterator[FieldIssue]:
    """A new loan's terms follow the rules of a scenario's loans: checked as the loans of a scenario of their own."""
    alone = Scenario(currency=scenario.currency, start=scenario.start, budget=Budget(monthly=Decimal(0)),
                     loans=[new.as_loan() for new in actual.new_loans])
    for issue in check_scenario(alone):
        if issue.path.startswith("loans["):
            yield FieldIssue(_LOAN_PATH.sub("new_loans[", issue.path), _LOAN_PATH.sub("new_loans[", issue.message))


# ---------------------------------------------------------------- loading
def actual_from_dict(data: Mapping[str, Any], scenario: Scenario, source: str | None = None) -> Actual:
    """Validate an actual file given as a mapping of its fields, against its scenario."""
    if not isinstance(data, Mapping):
        raise InputError([FieldIssue("", "an actual file is a table of fields (a JSON object)")], source, WHAT)
    try:
        actual = Actual.model_validate(dict(data))
    except ValidationError as exc:
        raise InputError(_issues_from(exc), source, WHAT) from None
    issues = check_actual(actual, scenario)
    if issues:
        raise InputError(issues, source, WHAT)
    return actual


def load_actual(source: str | os.PathLike[str] | Mapping[str, Any], scenario: Scenario) -> Actual:
    """A validated `Actual` from a .toml or .json file, or a mapping; `InputError` naming every field at fault."""
    if isinstance(source, Mapping):
        return actual_from_dict(source, scenario)
    path = os.fspath(source)
    try:
        data = read_scenario_data(path)
    except ScenarioError as exc:  # the file cannot be read or parsed: the same words, for an actual file
        raise InputError(exc.issues, path, WHAT) from None
    return actual_from_dict(data, scenario, path)


_FIXES = {
    "extra_forbidden": "unknown field; remove it or check its spelling (checkin.md lists the fields)",
    "missing": "missing; this field is required",
    "too_short": "empty; give at least one month that has passed",
}


def _issues_from(error: ValidationError) -> list[FieldIssue]:
    issues = []
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        message = _FIXES.get(item["type"]) or str(item["msg"]).removeprefix("Value error, ")
        issues.append(FieldIssue(field_path(loc), message))
    return issues


__all__ = [
    "Actual",
    "ActualMonth",
    "NewLoan",
    "StatementFigures",
    "Taken",
    "actual_from_dict",
    "check_actual",
    "load_actual",
]
