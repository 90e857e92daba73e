"""A plan's payments as a budgeting app's CSV import (YNAB, Actual).

Columns `Date,Payee,Memo,Amount`: the date as YYYY-MM-DD (the loan's due day),
the payee the loan's name, the memo what the plan says of the month, the
amount negative (money leaving the account the payments come from) with a dot
and two decimals. Both apps map these headers in their file import.

A payee or memo is text from the scenario; a spreadsheet that opens the file
would run a cell starting with =, +, -, @, a tab or a carriage return as a
formula, so such a cell gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from ..domain.money import format_money, from_cents
from .payments import PlanPayments
from .words import words

COLUMNS = ("Date", "Payee", "Memo", "Amount")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def plan_to_budget_csv(payments: PlanPayments) -> str:
    text = words(payments.language)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for payment in sorted(payments.payments, key=lambda p: p.day):
        memo = text["memo"].format(strategy=payments.strategy, t=payment.plan_month,
                                   due=format_money(payment.due_cents, payments.currency),
                                   owed=format_money(payment.owed_after_cents, payments.currency))
        writer.writerow([payment.day.isoformat(), neutralise(payment.account.name), neutralise(memo),
                         f"{from_cents(-payment.cents)}"])
    return out.getvalue()
