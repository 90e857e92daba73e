"""A plan's payments as a budgeting app's CSV import (YNAB, Actual).

Columns `Date,Payee,Memo,Amount`: the date as YYYY-MM-DD (the loan's due day),
the payee the loan's name, the memo what the plan says of the month, the
amount negative (money leaving the account the payments come from) with a dot
and two decimals. Cash an offer brings (a loan taken, an asset sold) is a
positive row on the 1st of its month, the offer as payee. Both apps map these
headers in their file import.

A payee or memo is text from the scenario; a spreadsheet that opens the file
would run a cell starting with =, +, -, @, a tab or a carriage return as a
formula, so such a cell gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from ..domain.money import format_money, from_cents
from .payments import PlanPayments
from .words import kind_words, words

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
    rows = []
    for decision in payments.decisions:
        if decision.received_cents:
            kind = kind_words(payments.language, decision.kind)
            memo = text["offer_memo"].format(strategy=payments.strategy, t=decision.plan_month, kind=kind)
            rows.append((decision.day, 0, decision.name, memo, decision.received_cents))
    for payment in payments.payments:
        memo = text["memo"].format(strategy=payments.strategy, t=payment.plan_month,
                                   due=format_money(payment.due_cents, payments.currency),
                                   owed=format_money(payment.owed_after_cents, payments.currency))
        rows.append((payment.day, 1, payment.account.name, memo, -payment.cents))
    for day, _, payee, memo, cents in sorted(rows, key=lambda row: (row[0], row[1])):
        writer.writerow([day.isoformat(), neutralise(payee), neutralise(memo), f"{from_cents(cents)}"])
    return out.getvalue()
