"""A beancount ledger into a scenario: its liability accounts are the loans.

The ledger is loaded by beancount itself (its parser, plugins and checks); a
ledger with errors is refused with beancount's own messages and lines. Every
`Liabilities:` account open before the start that owes something becomes a
loan, its balance what the ledger says before the start's first day. Its terms
come from the account's metadata, the loan's field names with `-` for `_`:

    2025-03-01 open Liabilities:Alipay:Huabei CNY
      name: "花呗"
      lender: "Alipay"
      kind: "revolving"
      daily-rate: 0.0005        ; or rate: 0.18 (annual), annual-rate: 0.18
      min-percent: 0.10
      late-fee-percent: 0.05

`debtopt: FALSE` leaves an account out. A rate, and an installment loan's term,
have no honest default: without them the import stops, naming the account and
its line. What else is missing is assumed and said (kind revolving, a 10 %
minimum, no arrears, no late fees). Transactions tagged `#debtopt-plan` (a
forecast `debtopt export` wrote) are not history and are skipped.
"""

from __future__ import annotations

import datetime
import os
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from ..domain.load import scenario_from_dict
from ..domain.loans import Loan
from ..domain.money import CENT, format_money, from_cents, to_cents, to_decimal
from ..domain.months import month_label, parse_month
from ..errors import FieldIssue, InputError, OptionError, ScenarioError
from .result import ImportResult, to_toml

WHAT = "beancount ledger"
PLAN_TAG = "debtopt-plan"  # what `debtopt export --format beancount` tags its forecast with
BUDGET_MONTHS = 3  # months of payments the budget is averaged over
ASSUMED_MIN_PERCENT = Decimal("0.10")

_ALIASES = {"rate": "annual_rate", "loan-id": "id"}  # loan-id: what `debtopt export` writes on its opens
_FROM_LEDGER = {"balance"}  # a loan's balance is the ledger's, never its metadata
_LOAN_FIELDS = set(Loan.model_fields) - _FROM_LEDGER
_MONEY_FIELDS = {"min_floor", "installment", "late_fee", "arrears"}
_INT_FIELDS = {"promo_months", "term_months", "due_month", "escalation_months", "months_overdue", "due_day"}


@dataclass
class LedgerLoan:
    """One liability account on its way to a scenario loan."""

    account: str
    line: int
    currency: str
    owed_cents: int
    fields: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # loan field -> the metadata key it came from
    assumed: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def where(self, key: str | None = None) -> str:
        return f"line {self.line}, {self.account}" + (f", {key}" if key else "")


def import_ledger(path: str | os.PathLike[str], start: str | None = None, budget: str | None = None,
                  horizon_months: int | None = None) -> ImportResult:
    """The scenario a ledger describes, as TOML, and the notes saying what was read and assumed."""
    source = os.fspath(path)
    entries, options = _load(source)
    start = _start_month(entries, start, source)
    first_day = datetime.date(*parse_month(start), 1)
    history = [entry for entry in entries if entry.date < first_day and not _is_forecast(entry)]
    loans = _read_loans(history, source)
    if not loans:
        raise InputError([FieldIssue("", f"no Liabilities account owes anything before {first_day}; "
                                     "open the loans as Liabilities:... accounts, with their balances")], source, WHAT)
    currency = _one_currency(loans, options, source)
    _assign_ids(loans)
    issues = [issue for loan in loans for issue in _complete_terms(loan)]
    if issues:
        raise InputError(issues, source, WHAT)
    monthly, budget_note = _budget(history, loans, start, budget, currency)
    scenario: dict[str, Any] = {"currency": currency, "start": start}
    if horizon_months is not None:
        scenario["horizon_months"] = horizon_months
    scenario["budget"] = {"monthly": monthly}
    scenario["loans"] = [_scenario_loan(loan) for loan in loans]
    text = to_toml(scenario, f"Written by `debtopt import {os.path.basename(source)}`: balances before {first_day}.\n"
                   "Check what it assumed (it said so when it ran) and the budget.")
    _validate(text, loans, source)
    notes = [f"{source}: {len(loans)} loan{'s' if len(loans) != 1 else ''}, balances before {first_day}:"]
    notes += [_loan_note(loan, currency) for loan in loans]
    notes.append(budget_note)
    return ImportResult(text, notes)


# ---------------------------------------------------------------- reading the ledger
def _load(source: str) -> tuple[list[data.Directive], dict[str, Any]]:
    if not os.path.isfile(source):
        raise InputError([FieldIssue("", f"no such file: {source}")], source, WHAT)
    # The loader would otherwise leave a pickle cache beside a large ledger: an import writes only its output.
    loader.initialize(use_cache=False)
    entries, errors, options = loader.load_file(source)
    if errors:
        issues = [FieldIssue(_error_place(error, source), str(error.message).strip()) for error in errors]
        issues.append(FieldIssue("", "fix these first (bean-check says the same), then import again"))
        raise InputError(issues, source, WHAT)
    return list(entries), options


def _error_place(error: Any, source: str) -> str:
    where = error.source or {}
    line = where.get("lineno")
    filename = where.get("filename")
    if line is None:
        return ""
    if filename and os.path.abspath(filename) != os.path.abspath(source):
        return f"{filename} line {line}"
    return f"line {line}"


def _is_forecast(entry: data.Directive) -> bool:
    return isinstance(entry, data.Transaction) and PLAN_TAG in (entry.tags or ())


def _start_month(entries: list[data.Directive], start: str | None, source: str) -> str:
    if start is not None:
        try:
            parse_month(start)
        except ValueError as exc:
            raise OptionError([FieldIssue("--start", str(exc))]) from None
        return start
    dates = [entry.date for entry in entries if isinstance(entry, data.Transaction) and not _is_forecast(entry)]
    if not dates:
        raise InputError([FieldIssue("", "no transactions; give --start YYYY-MM")], source, WHAT)
    last = max(dates)
    return month_label(f"{last.year:04d}-{last.month:02d}", 2)


def _read_loans(history: list[data.Directive], source: str) -> list[LedgerLoan]:
    opens = {entry.account: entry for entry in history
             if isinstance(entry, data.Open) and entry.account.startswith("Liabilities:")}
    closed = {entry.account for entry in history if isinstance(entry, data.Close)}
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for entry in history:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account in opens and posting.units is not None:
                    sums[posting.account][posting.units.currency] += _units(posting)
    issues, loans = [], []
    for name, opened in opens.items():
        if name in closed or opened.meta.get("debtopt") is False:
            continue
        line = int(opened.meta.get("lineno", 0))
        owed = {currency: -total for currency, total in sums[name].items() if total}
        if len(owed) > 1:
            issues.append(FieldIssue(f"line {line}, {name}", f"holds {', '.join(sorted(owed))}; "
                                     "a loan is owed in one currency"))
            continue
        currency, amount = next(iter(owed.items()), (_declared_currency(opened), Decimal(0)))
        cents = to_cents(amount.quantize(CENT, rounding=ROUND_HALF_UP))
        if cents < 1:
            continue  # paid off (or in credit): nothing to plan
        loans.append(LedgerLoan(name, line, currency, cents))
        _read_meta(loans[-1], opened.meta)
    if issues:
        raise InputError(issues, source, WHAT)
    return loans


def _declared_currency(opened: data.Open) -> str:
    return opened.currencies[0] if opened.currencies else ""


def _read_meta(loan: LedgerLoan, meta: dict[str, Any]) -> None:
    for key, value in meta.items():
        if key in ("filename", "lineno", "debtopt") or key.startswith("__"):
            continue
        name = _ALIASES.get(key, key.replace("-", "_"))
        if name not in _LOAN_FIELDS:
            loan.ignored.append(key)
            continue
        loan.fields[name] = value
        loan.keys[name] = key


def _one_currency(loans: list[LedgerLoan], options: dict[str, Any], source: str) -> str:
    found = sorted({loan.currency for loan in loans if loan.currency})
    if len(found) > 1:
        raise InputError([FieldIssue("", f"the loans are owed in {', '.join(found)}; a scenario has one currency "
                                     "(leave the others out with `debtopt: FALSE`)")], source, WHAT)
    operating = options.get("operating_currency") or []
    currency = found[0] if found else (operating[0] if operating else "")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise InputError([FieldIssue("", f"the loans' currency '{currency}' is not an ISO 4217 code "
                                     "(CNY, USD, ...), which a scenario needs")], source, WHAT)
    return currency


def _assign_ids(loans: list[LedgerLoan]) -> None:
    """The metadata's `id`, else the account's last component in lower case (the whole path on a clash)."""
    def slug(text: str) -> str:
        return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:64] or "loan"

    short = [slug(loan.account.rsplit(":", 1)[-1]) for loan in loans]
    for loan, name in zip(loans, short):
        if "id" not in loan.fields:
            full = slug(loan.account.removeprefix("Liabilities:").replace(":", "-"))
            loan.fields["id"] = name if short.count(name) == 1 else full


# ---------------------------------------------------------------- terms
def _complete_terms(loan: LedgerLoan) -> Iterator[FieldIssue]:
    """Convert the metadata's values to the loan's fields; assume what has a usual value; say what has none."""
    for name in list(loan.fields):
        value, problem = _convert(name, loan.fields[name], loan.currency)
        if problem:
            yield FieldIssue(loan.where(loan.keys.get(name, name)), problem)
        loan.fields[name] = value
    fields = loan.fields
    if "name" not in fields:
        fields["name"] = loan.account.rsplit(":", 1)[-1]
    if "kind" not in fields:
        fields["kind"] = "installment" if {"term_months", "installment"} & set(fields) else "revolving"
        loan.assumed.append(f"kind {fields['kind']}")
    if "annual_rate" not in fields and "daily_rate" not in fields:
        yield FieldIssue(loan.where(), "no rate; add `rate: 0.18` (annual) or `daily-rate: 0.0005` "
                         "to its open directive")
    if fields["kind"] == "revolving" and "min_percent" not in fields:
        fields["min_percent"] = ASSUMED_MIN_PERCENT
        loan.assumed.append("a 10 % minimum payment (add min-percent:)")
    if fields["kind"] == "installment" and not {"term_months", "installment"} & set(fields):
        yield FieldIssue(loan.where(), "an installment loan needs `term-months:` (months left) or "
                         "`installment:` (the monthly amount)")
    if fields["kind"] == "bullet" and "due_month" not in fields:
        yield FieldIssue(loan.where(), "a bullet loan needs `due-month:` (months until it is all due)")
    if "arrears" not in fields:
        loan.assumed.append("current, no arrears (add arrears: and months-overdue:)")
    if "late_fee" not in fields and "late_fee_percent" not in fields:
        loan.assumed.append("no late fees (add late-fee: or late-fee-percent:)")


def _convert(name: str, value: Any, currency: str) -> tuple[Any, str | None]:
    """A metadata value as the scenario field wants it, or why it cannot be."""
    if isinstance(value, Amount):
        if name not in _MONEY_FIELDS:
            return value, f"{value} is an amount; give a plain number"
        if value.currency != currency:
            return value, f"{value} is not in the loan's currency {currency}"
        value = value.number
    if name in _INT_FIELDS:
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value), None
        return value, f"{value} is not a whole number"
    if name in ("id", "name", "lender", "kind", "method"):
        return (value, None) if isinstance(value, str) else (value, f"{value!r}: write it in quotes, e.g. \"text\"")
    if isinstance(value, Decimal):
        return value, None
    return value, f"{value!r} is not a number" + ("; write it without quotes" if isinstance(value, str) else "")


def _scenario_loan(loan: LedgerLoan) -> dict[str, Any]:
    fields = dict(loan.fields)
    out: dict[str, Any] = {"id": fields.pop("id"), "name": fields.pop("name")}
    if "lender" in fields:
        out["lender"] = fields.pop("lender")
    out["kind"] = fields.pop("kind")
    out["balance"] = from_cents(loan.owed_cents)
    out.update(fields)
    return out


# ---------------------------------------------------------------- budget
def _budget(history: list[data.Directive], loans: list[LedgerLoan], start: str, budget: str | None,
            currency: str) -> tuple[Decimal, str]:
    """--budget, else the average paid to the loans a month over the last months the ledger covers (at most 3)."""
    if budget is not None:
        try:
            amount = to_decimal(budget)
        except (TypeError, ArithmeticError, ValueError):
            raise OptionError([FieldIssue("--budget", f"'{budget}' is not an amount")]) from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
            raise OptionError([FieldIssue("--budget", f"'{budget}' is not an amount of 0 or more in whole cents")])
        return amount, f"budget: {format_money(to_cents(amount), currency)} a month, from --budget."
    paid = _paid_by_month(history, {loan.account for loan in loans})
    dates = [entry.date for entry in history if isinstance(entry, data.Transaction)]
    first = min(dates).strftime("%Y-%m") if dates else month_label(start, 0)
    months = [month_label(start, t) for t in range(1 - BUDGET_MONTHS, 1)]
    months = [m for m in months if m >= first] or months[-1:]
    total = sum(paid.get(m, 0) for m in months)
    if total == 0:
        raise OptionError([FieldIssue("--budget", f"the ledger shows nothing paid to these loans in "
                                      f"{months[0]} to {months[-1]}; say how much a month can go to debt")])
    average = (total * 2 + len(months)) // (2 * len(months))  # to the cent, half up
    shown = ", ".join(f"{m}: {format_money(paid.get(m, 0), currency)}" for m in months)
    return (Decimal(average) / 100, f"budget: {format_money(average, currency)} a month, the average paid to "
            f"these loans from Assets accounts in {months[0]} to {months[-1]} ({shown}); set it with --budget.")


def _units(posting: data.Posting) -> Decimal:
    """A posting's number; the loader has filled in every one an entry left out."""
    number = posting.units.number if posting.units is not None else None
    return number if isinstance(number, Decimal) else Decimal(0)


def _paid_by_month(history: list[data.Directive], accounts: set[str]) -> dict[str, int]:
    """Cents paid into `accounts` from Assets accounts, by month: each transaction counts
    what it adds to these loans, up to what it takes out of Assets."""
    paid: dict[str, int] = defaultdict(int)
    for entry in history:
        if not isinstance(entry, data.Transaction):
            continue
        into = sum((_units(p) for p in entry.postings if p.account in accounts and _units(p) > 0), Decimal(0))
        out_of = -sum((_units(p) for p in entry.postings if p.account.startswith("Assets:") and _units(p) < 0),
                      Decimal(0))
        if into > 0 and out_of > 0:
            paid[f"{entry.date.year:04d}-{entry.date.month:02d}"] += to_cents(min(into, out_of).quantize(CENT))
    return dict(paid)


# ---------------------------------------------------------------- checks and notes
def _validate(text: str, loans: list[LedgerLoan], source: str) -> None:
    """What is written must be a scenario that validates; a field it rejects came from an account's metadata."""
    try:
        scenario_from_dict(tomllib.loads(text))
    except ScenarioError as exc:
        raise InputError([_back_to_account(issue, loans) for issue in exc.issues], source, WHAT) from None


def _back_to_account(issue: FieldIssue, loans: list[LedgerLoan]) -> FieldIssue:
    match = re.match(r"loans\[(\d+)\]\.?(\w*)", issue.path)
    if not match:
        return issue
    loan = loans[int(match.group(1))]
    name = match.group(2)
    return FieldIssue(loan.where(loan.keys.get(name, name.replace("_", "-")) if name else None), issue.message)


def _loan_note(loan: LedgerLoan, currency: str) -> str:
    owed = format_money(loan.owed_cents, currency)
    found = ", ".join(loan.keys[name] for name in loan.keys) or "none"
    note = f"  {loan.fields['id']} ({loan.account}, line {loan.line}): owes {owed}; from its metadata: {found}"
    if loan.assumed:
        note += f"; assumed: {', '.join(loan.assumed)}"
    if loan.ignored:
        note += f"; ignored (not a loan's field): {', '.join(loan.ignored)}"
    return note


__all__ = ["import_ledger"]
