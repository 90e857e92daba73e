"""A lender's CSV statement into an actual file (checkin.md): what was paid to one loan, month by month.

`--map date=COL,amount=COL,description=COL` names the statement's columns
(`balance=COL` too: the lender's running balance, which after the month's
last payment, or on its last row in a month with none, becomes the month's
statement). Payments are the rows with the sign the lender gives
credits (negative by default) and, with `match`, a description containing it;
charges, interest and the rest are not payments and are skipped. The months
run from the scenario's start to the statement's last month (or `through`);
each gets this loan's total, 0 when nothing was paid.

A statement covers one loan, and a loan an actual file does not list counts
as paid nothing: `actual` adds this loan to an actual file already written
(replacing what it said of this loan), so the statements of every loan can be
imported one after another.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..domain.actual import Actual, actual_from_dict, load_actual
from ..domain.money import CENT, format_money, to_cents
from ..domain.months import month_index, month_label, parse_month
from ..domain.offers import BorrowOffer
from ..domain.scenario import Scenario
from ..errors import FieldIssue, InputError, OptionError
from .result import ImportResult, to_toml

WHAT = "statement"
REQUIRED_COLUMNS = ("date", "amount", "description")
OPTIONAL_COLUMNS = ("balance",)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
HEADER_SEARCH_ROWS = 30  # bank exports often put an account summary above the header
_CURRENCY_MARKS = re.compile(r"[¥$€£￥]|\b(?:CNY|RMB|USD|EUR|GBP|HKD)\b|元")


def parse_column_map(text: str) -> dict[str, str]:
    """'date=Date,amount=Amount,description=Memo' -> {'date': 'Date', ...}; OptionError naming --map."""
    columns: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        key, sep, column = part.partition("=")
        key = key.strip().lower()
        if not sep or not column.strip():
            raise OptionError([FieldIssue("--map", f"'{part}' is not FIELD=COLUMN, e.g. date=Transaction Date")])
        if key not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            raise OptionError([FieldIssue("--map", f"unknown field '{key}'; the fields are "
                                          f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")])
        columns[key] = column.strip()
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise OptionError([FieldIssue("--map", f"say which column holds {', '.join(missing)} "
                                      "(e.g. --map date=Date,amount=Amount,description=Description)")])
    return columns


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    day: datetime.date
    cents: int  # as the statement signs it
    description: str
    balance_cents: int | None


def import_statement(path: str | os.PathLike[str], columns: dict[str, str], loan_id: str, scenario: Scenario,
                     actual: str | os.PathLike[str] | None = None, payments_negative: bool = True,
                     match: str | None = None, through: str | None = None, encoding: str = "utf-8-sig",
                     date_format: str | None = None) -> ImportResult:
    """The actual file with this loan's payments, as TOML, and the notes saying what was read."""
    source = os.fspath(path)
    _check_loan(loan_id, scenario)
    rows = _read_rows(source, columns, encoding, date_format)
    if rows and rows[0].day > rows[-1].day:  # newest first, as many banks list them
        rows.reverse()
    last = _last_month(rows, scenario, through, source)
    months = [month_label(scenario.start, t) for t in range(1, month_index(scenario.start, last) + 1)]
    wanted = -1 if payments_negative else 1
    paid: dict[str, int] = defaultdict(int)
    balances: dict[str, int] = {}
    counts = {"payments": 0, "before": 0, "after": 0, "other": 0}
    for row in rows:
        month = row.day.strftime("%Y-%m")
        if month < months[0] or month > months[-1]:
            counts["before" if month < months[0] else "after"] += 1
            continue
        is_payment = row.cents * wanted > 0 and (match is None or match.casefold() in row.description.casefold())
        if row.balance_cents is not None and (is_payment or month not in paid):
            balances[month] = abs(row.balance_cents)  # after the month's last payment, else its last row
        if is_payment:
            paid[month] += abs(row.cents)
            counts["payments"] += 1
        else:
            counts["other"] += 1
    data = _merged(actual, scenario, loan_id, months, paid, balances)
    try:
        checked = actual_from_dict(data, scenario, source)
    except InputError as exc:
        raise InputError(exc.issues, source, f"{WHAT} for this scenario") from None
    added = f", added to {os.path.basename(os.fspath(actual))}" if actual is not None else ""
    text = to_toml(_actual_fields(checked), f"Written by `debtopt import {os.path.basename(source)}`: what "
                   f"{loan_id} was paid in {_span(months)}{added}.\n"
                   "A loan not listed in a month counts as paid 0.")
    notes = _notes(source, loan_id, scenario.currency, months, paid, counts, actual)
    if len(checked.months) > len(months):
        notes.append(f"the actual file runs to {checked.last_month}, this statement to {months[-1]}: {loan_id} counts "
                     f"as paid 0 after it (give --through {checked.last_month} if the statement covers those months).")
    return ImportResult(text, notes)


def _check_loan(loan_id: str, scenario: Scenario) -> None:
    ids = [loan.id for loan in scenario.loans] + [o.id for o in scenario.offers if isinstance(o, BorrowOffer)]
    if loan_id not in ids:
        raise OptionError([FieldIssue("--loan", f"no loan '{loan_id}' in the scenario; its loans are {', '.join(ids)}")])


# ---------------------------------------------------------------- reading
def _read_text(source: str, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise OptionError([FieldIssue("--encoding", f"unknown encoding '{encoding}'; e.g. utf-8, gbk, gb18030")]) from None
    try:
        raw = Path(source).read_bytes()
    except FileNotFoundError:
        raise InputError([FieldIssue("", f"no such file: {source}")], source, WHAT) from None
    except OSError as exc:
        raise InputError([FieldIssue("", f"cannot read {source}: {exc.strerror}")], source, WHAT) from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        shown = "UTF-8" if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig") else encoding
        raise InputError([FieldIssue(f"line {line}", f"not {shown} text; give the file's encoding, "
                                     "e.g. --encoding gbk for many Chinese banks' exports")], source, WHAT) from None


def _read_rows(source: str, columns: dict[str, str], encoding: str, date_format: str | None) -> list[Row]:
    text = _read_text(source, encoding)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    index = _find_header(reader, columns, source)
    rows, issues = [], []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        try:
            rows.append(_row(reader.line_num, cells, index, date_format))
        except _CellError as exc:
            issues.append(FieldIssue(f"line {reader.line_num}, column '{columns[exc.field]}'", exc.message))
    if issues:
        raise InputError(issues, source, WHAT)
    return rows


def _find_header(reader: Any, columns: dict[str, str], source: str) -> dict[str, int]:
    first: list[str] | None = None
    for cells in reader:
        names = [cell.strip() for cell in cells]
        first = first if first is not None else names
        if all(column in names for column in columns.values()):
            return {field: names.index(column) for field, column in columns.items()}
        if reader.line_num >= HEADER_SEARCH_ROWS:
            break
    shown = ", ".join(first or []) or "nothing"
    wanted = ", ".join(columns.values())
    raise InputError([FieldIssue("--map", f"no row names all the columns {wanted} (the first row has: {shown}); "
                                 "give --map the header's names")], source, WHAT)


class _CellError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _row(line: int, cells: list[str], index: dict[str, int], date_format: str | None) -> Row:
    def cell(field: str) -> str:
        i = index[field]
        if i >= len(cells):
            raise _CellError(field, "missing: the row is shorter than the header")
        return cells[i].strip()

    balance = _amount(cell("balance"), "balance") if "balance" in index else None
    return Row(line, _date(cell("date"), date_format), _amount(cell("amount"), "amount"), cell("description"), balance)


def _date(text: str, date_format: str | None) -> datetime.date:
    head = text.split()[0] if text.split() else ""
    for fmt in (date_format,) if date_format else DATE_FORMATS:
        for candidate in (text, head):
            try:
                return datetime.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    hint = f"the format {date_format}" if date_format else "YYYY-MM-DD (or give --date-format, e.g. %m/%d/%Y)"
    raise _CellError("date", f"'{text}' is not a date in {hint}")


def _amount(text: str, field: str) -> int:
    """Cents of an amount as statements write it: '-1,234.56', '¥1,234.56', '(1,234.56)', '1 234,56' is not."""
    body = _CURRENCY_MARKS.sub("", text).replace(",", "").replace(" ", "").replace("\u00a0", "")
    negative = body.startswith("(") and body.endswith(")")
    body = body.strip("()")
    try:
        value = Decimal(body)
    except InvalidOperation:
        raise _CellError(field, f"'{text}' is not an amount") from None
    if not value.is_finite():
        raise _CellError(field, f"'{text}' is not an amount")
    if value != value.quantize(CENT):
        raise _CellError(field, f"'{text}' has fractions of a cent")
    return -to_cents(value) if negative else to_cents(value)


def _last_month(rows: list[Row], scenario: Scenario, through: str | None, source: str) -> str:
    if through is not None:
        try:
            parse_month(through)
        except ValueError as exc:
            raise OptionError([FieldIssue("--through", str(exc))]) from None
        last = through
    elif rows:
        last = rows[-1].day.strftime("%Y-%m")
    else:
        raise InputError([FieldIssue("", "no rows after the header")], source, WHAT)
    if month_index(scenario.start, last) < 1:
        message = f"{last} is before the scenario's start {scenario.start}; a check-in covers the months from it on"
        if through is not None:
            raise OptionError([FieldIssue("--through", message)])
        raise InputError([FieldIssue(f"line {rows[-1].line}", f"the statement's last row: {message}")], source, WHAT)
    return last


# ---------------------------------------------------------------- the actual file
def _merged(actual: str | os.PathLike[str] | None, scenario: Scenario, loan_id: str, months: list[str],
            paid: dict[str, int], balances: dict[str, int]) -> dict[str, Any]:
    """The actual file's fields with this loan's months set: on top of `actual` when given."""
    data: dict[str, Any] = {"scenario_start": scenario.start, "months": []}
    if actual is not None:
        data = _actual_fields(load_actual(actual, scenario))
    rows: list[dict[str, Any]] = data["months"]
    for t, month in enumerate(months):
        if t == len(rows):
            rows.append({"month": month})
        row = rows[t]
        row.setdefault("payments", {})[loan_id] = Decimal(paid.get(month, 0)) / 100
        if month in balances:
            statement = row.setdefault("statements", {}).get(loan_id, {})
            row["statements"][loan_id] = {**statement, "balance": Decimal(balances[month]) / 100}
    return data


def _actual_fields(actual: Actual) -> dict[str, Any]:
    fields: dict[str, Any] = actual.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    fields.setdefault("months", [])
    for month in fields["months"]:
        for key, value in list(month.get("payments", {}).items()):
            month["payments"][key] = value.quantize(CENT)
    return fields


def _span(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


def _notes(source: str, loan_id: str, currency: str, months: list[str], paid: dict[str, int],
           counts: dict[str, int], actual: str | os.PathLike[str] | None) -> list[str]:
    shown = ", ".join(f"{m}: {format_money(paid.get(m, 0), currency)}" for m in months)
    notes = [f"{source}: {counts['payments']} payment{'s' if counts['payments'] != 1 else ''} to {loan_id} "
             f"in {months[0]} to {months[-1]} ({shown})."]
    def rows(n: int) -> str:
        return f"{n} row{'s' if n != 1 else ''}"

    skipped = [f"{rows(counts['other'])} not payments (charges, interest, refunds)" if counts["other"] else "",
               f"{rows(counts['before'])} before {months[0]}" if counts["before"] else "",
               f"{rows(counts['after'])} after {months[-1]}" if counts["after"] else ""]
    if any(skipped):
        notes.append(f"skipped: {'; '.join(s for s in skipped if s)}.")
    if actual is None:
        notes.append("only this loan's payments are in it, and a loan not listed counts as paid 0: add the others' "
                     "(import their statements with --actual, or write them) before checking in.")
    else:
        notes.append(f"added to what {os.fspath(actual)} says of the other loans.")
    return notes


__all__ = ["import_statement", "parse_column_map"]
