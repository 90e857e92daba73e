"""A plan's payments as beancount forecast transactions, built and printed by beancount itself.

Each payment is a transaction flagged `!` (not yet happened) and tagged
`#debtopt-plan`, from a cash account to the loan's liability account,
`Liabilities:Debt:<Name>`. The `open` directives the file needs come first,
so it loads on its own (`bean-check`); `include`d in a ledger that opens those
accounts already, leave them out (`open_accounts=False`). Reading a ledger
back (`debtopt import`) skips the `#debtopt-plan` transactions.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from beancount.core import account as bc_account
from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser import printer

from ..domain.money import format_money, from_cents
from ..domain.months import parse_month
from .payments import Account, PlanPayments
from .words import words

PLAN_TAG = "debtopt-plan"
DEBT_ROOT = "Liabilities:Debt"
DEFAULT_CASH_ACCOUNT = "Assets:Cash"
_SOURCE = "debtopt"


def account_name(account: Account, taken: set[str]) -> str:
    """`Liabilities:Debt:<Name>`: the loan's name in capitalised words when it is plain ASCII
    (beancount's components cannot start with a Chinese character), else its id; unique among
    `taken`, which it joins."""
    text = account.name if account.name.isascii() and re.search(r"[A-Za-z0-9]", account.name) else account.id
    component = "-".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)
    name, n = f"{DEBT_ROOT}:{component}", 2
    while name in taken:
        name, n = f"{DEBT_ROOT}:{component}-{n}", n + 1
    taken.add(name)
    return name


def check_cash_account(name: str) -> str | None:
    """Why `name` cannot be the cash account, or None."""
    if not bc_account.is_valid(name):
        return (f"'{name}' is not a beancount account name; write it as Assets:Bank:Checking "
                "(a root such as Assets, then components starting with a capital letter or digit)")
    return None


def plan_to_beancount(payments: PlanPayments, cash_account: str = DEFAULT_CASH_ACCOUNT,
                      open_accounts: bool = True) -> str:
    """The forecast as beancount text; the same plan gives the same text."""
    text = words(payments.language)
    taken: set[str] = set()
    names: dict[str, str] = {}
    for payment in payments.payments:
        if payment.account.id not in names:
            names[payment.account.id] = account_name(payment.account, taken)
    entries: list[data.Directive] = []
    if open_accounts:
        year, month = parse_month(payments.start)
        opened = datetime.date(year, month, 1)
        entries.append(data.Open(data.new_metadata(_SOURCE, 0), opened, cash_account, [payments.currency], None))
        seen: set[str] = set()
        for payment in payments.payments:
            account = payment.account
            if account.id in seen:
                continue
            seen.add(account.id)
            meta = {"loan-id": account.id, "name": account.name}
            if account.lender:
                meta["lender"] = account.lender
            entries.append(data.Open(data.new_metadata(_SOURCE, 0, meta), opened, names[account.id],
                                     [payments.currency], None))
    for payment in sorted(payments.payments, key=lambda p: (p.day, p.plan_month)):
        units = Amount(from_cents(payment.cents), payments.currency)
        memo = text["memo"].format(strategy=payments.strategy, t=payment.plan_month,
                                   due=format_money(payment.due_cents, payments.currency),
                                   owed=format_money(payment.owed_after_cents, payments.currency))
        meta = data.new_metadata(_SOURCE, 0, {"loan-id": payment.account.id, "plan-month": Decimal(payment.plan_month)})
        entries.append(data.Transaction(meta, payment.day, "!", payment.account.name, memo,
                                        frozenset({PLAN_TAG}), frozenset(), [
                                            data.Posting(names[payment.account.id], units, None, None, None, None),
                                            data.Posting(cash_account, -units, None, None, None, None),
                                        ]))
    head = (f"; debtopt plan ({payments.strategy}) from {payments.start}: {len(payments.payments)} planned payments, "
            f"flagged ! and tagged #{PLAN_TAG}.\n\n")
    return head + "\n".join(printer.format_entry(entry) for entry in entries)
