"""The report document: everything a report says, as typed data (`ReportData`).

`analysis/report_data.py` builds it from a ledger-replayed plan; the renderers
in `report/` only format it, in one language. Amounts are Decimal currency
units (JSON numbers), rates annual decimals (monthly rate x 12), months plan
months (1 is the scenario's `start`). `report --format json` is this model's
JSON (with each reason's sentence added as `text`).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from ..domain.plan import Plan, Totals

REPORT_VERSION = 2

# Signed money (differences, savings): JSON numbers like the plan's amounts.
Amount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Value = int | Amount | str | list[str]


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReasonCode(StrEnum):
    """Why a month's cash went where it did (docs/reports.md lists each code's values)."""

    # month level
    DUES_ONLY = "dues_only"  # every open account paid exactly its due
    SHORT_CASH_MONTH = "short_cash_month"  # the month's cash is less than its dues
    KEEP_FOR_DUE = "keep_for_due"  # cash kept for a later month whose dues exceed its cash
    KEEP_REST = "keep_rest"  # cash kept, nothing else to pay it to with profit
    ALL_CLOSED = "all_closed"  # every account closed
    ASSET_SOLD = "asset_sold"  # an asset sale of the plan
    LOAN_TAKEN = "loan_taken"  # a cash loan of the plan: its money joins the cash
    # account level
    DUE_PAID = "due_paid"
    NOTHING_DUE = "nothing_due"  # nothing is due this month (a grace month, a bullet loan before its date)
    HARDSHIP_ACCEPTED = "hardship_accepted"  # the plan accepts a hardship plan on this loan
    SETTLED = "settled"  # the plan accepts a settlement of this loan: its price closes it
    CONSOLIDATED = "consolidated"  # paid from a consolidation or balance transfer's proceeds
    STOP_ESCALATION = "stop_escalation"  # arrears cleared before the account escalates
    EXTRA_DEAREST = "extra_dearest"  # beyond the due: the dearest money left
    EXTRA_TIED = "extra_tied"  # beyond the due: as dear as the dearest other
    EXTRA_PROMO = "extra_promo"  # beyond the due: its promotional rate ends soon
    EXTRA_PLAN = "extra_plan"  # beyond the due: the plan's best use of cash over the horizon
    CLOSE = "close"
    SHORT_UNAVOIDABLE = "short_unavoidable"  # short: the plan cannot keep it from escalating
    SHORT_FOR_ESCALATION = "short_for_escalation"  # short so another account stops short of escalating
    SHORT_KEEP_CURRENT = "short_keep_current"  # short so the others stay current
    SHORT_FOR_LATER = "short_for_later"  # short while cash is kept for a larger due later
    SHORT_TOO_BIG = "short_too_big"  # its due is more than all the month's cash
    SHORT_NO_CASH = "short_no_cash"
    STILL_OVERDUE = "still_overdue"  # part of the due unpaid: past due after the month
    ESCALATED = "escalated"  # reaches its escalation months this month


SHORT_CODES = frozenset({ReasonCode.SHORT_UNAVOIDABLE, ReasonCode.SHORT_FOR_ESCALATION,
                         ReasonCode.SHORT_KEEP_CURRENT, ReasonCode.SHORT_FOR_LATER, ReasonCode.SHORT_TOO_BIG,
                         ReasonCode.SHORT_NO_CASH})
EXTRA_CODES = frozenset({ReasonCode.EXTRA_DEAREST, ReasonCode.EXTRA_TIED, ReasonCode.EXTRA_PROMO,
                         ReasonCode.EXTRA_PLAN})


class Reason(_Doc):
    code: ReasonCode
    account: str | None = None  # the account it explains (None: the month)
    values: dict[str, Value] = Field(default_factory=dict)  # amounts, rates, months, account or offer ids


class AccountMonth(_Doc):
    id: str
    payment: Amount
    due: Amount
    reasons: list[Reason]


class MonthExplanation(_Doc):
    month: int
    date: str
    routine: bool  # only the dues were paid: one line says so
    paid: Amount  # paid to every account this month
    reasons: list[Reason]  # month level
    accounts: list[AccountMonth]


class Account(_Doc):
    """A loan of the scenario, or the new loan of a borrowing offer."""

    id: str
    name: str
    lender: str
    kind: str  # the loan's kind (revolving, installment, bullet)
    offer_kind: str | None = None  # set for an offer's new loan
    account_number: str | None = None
    balance: Amount
    arrears: Amount
    months_overdue: int
    escalation_months: int
    in_collection: bool = False  # escalated before the plan (money-model.md item 8)
    # over the plan (the ledger's rows, added up)
    paid: Amount = Decimal(0)
    interest: Amount = Decimal(0)
    penalty_interest: Amount = Decimal(0)
    fees: Amount = Decimal(0)
    overdue_months: int = 0
    closed_month: int | None = None


class TableRow(_Doc):
    """One month of the plan: where the cash came from and where it went; it adds up to the cent.

    cash + proceeds = sum(payments) + saved
    """

    month: int
    date: str
    cash: Amount  # budget, inflows, savings, cash loans and sales (the ledger's cash_available)
    proceeds: Amount  # consolidation and transfer money paid straight to the loans it pays
    unused: Amount  # restricted proceeds left unpaid (lost to the borrower; not in the payments)
    payments: dict[str, Amount | None]  # by account id; None: not open this month
    overdue: list[str]  # accounts past due after the month
    closed: list[str]  # accounts closed this month
    saved: Amount


class Action(_Doc):
    """One thing to do: pay, accept or ask for an offer, refuse one, sell, borrow."""

    kind: str  # pay | ask_hardship | settle | take_loan | consolidate | sell | refuse | keep
    month: int
    account: str | None = None
    offer: str | None = None
    lender: str = ""
    amount: Amount | None = None
    values: dict[str, Value] = Field(default_factory=dict)


class Extra(_Doc):
    """The one most useful extra: the least cash (or loan) that avoids an escalation, or the month cash is worth most."""

    kind: str  # avoid_escalation | value | none
    month: int | None = None
    amount: Amount | None = None
    escalations_avoided: int = 0
    saves: Amount | None = None  # net cost saved (value of money)
    borrow_cost: dict[str, Amount] = Field(default_factory=dict)  # annual rate (as text) -> interest, borrowed instead


class Actions(_Doc):
    this_month: list[Action]
    next_month: list[Action]
    later: list[Action]  # offers taken after the next month
    refuse: list[Action]
    extra: Extra


class OfferWorthRow(_Doc):
    escalations: int | None
    overdue_months: int | None
    remaining_balance: Amount | None
    net_cost: Amount | None
    proved: bool


class OfferRow(_Doc):
    id: str
    name: str
    kind: str
    first: int
    last: int
    lender: str = ""  # the lender of the loan a hardship plan converts or a settlement closes
    loan: str | None = None  # hardship plan, settlement: the loan it converts or settles
    pays: list[str] = Field(default_factory=list)  # consolidation / transfer: the loans it may pay
    max_amount: Amount | None = None
    amount: Amount | None = None  # asset sale
    keep_value: Amount | None = None
    annual_rate: float | None = None
    effective_annual_rate: float | None = None
    crosses: float | None = None  # the regulatory line (0.24, 0.36) its all-in cost is above
    term_months: int | None = None
    fee_percent: float | None = None
    grace_months: int | None = None
    waive_percent: float | None = None
    percent: float | None = None  # settlement: its price as a share of what the loan owes
    instalments: int | None = None  # settlement: the monthly parts of its price
    tax_rate: float | None = None  # settlement: the tax on the forgiven part
    taken_month: int | None = None
    taken_amount: Amount | None = None
    waived: Amount | None = None
    fees: Amount | None = None
    worth: OfferWorthRow | None = None


class ComparisonRow(_Doc):
    strategy: str
    totals: Totals
    # that plan minus the main one: positive means the main plan is better by that much
    escalations: int
    overdue_months: int
    cost: Amount
    net_cost: Amount
    penalty_interest: Amount
    fees: Amount
    remaining_balance: Amount


class BorrowRow(_Doc):
    annual_rate: float
    interest: Amount  # the new loan's interest, penalty interest and fees (ledger)
    escalations: int
    overdue_months: int
    net_cost: Amount


class Borrowing(_Doc):
    """以贷养贷 on the plan shown: does borrowing avoid an escalation, and at what price?"""

    needed: bool  # the plan lets an account escalate
    amount: Amount | None = None  # the least extra cash in month 1 found that avoids one
    month: int = 1
    term_months: int = 12
    base_escalations: int = 0
    escalations_with_cash: int | None = None  # with `amount` more cash in month 1 (not borrowed)
    base_net_cost: Amount = Decimal(0)
    rows: list[BorrowRow] = Field(default_factory=list)


class ValueMonth(_Doc):
    month: int
    saves: Amount  # what `unit` more cash that month saves in net cost


class ValueOfMoney(_Doc):
    method: str  # dual | none
    unit: Amount
    months: list[ValueMonth]  # the few months where it matters most, by month


class WhatIf(_Doc):
    change: str  # up | down
    factor: Amount
    budget: Amount
    strategy: str
    proved: bool
    totals: Totals


class LetterPayment(_Doc):
    month: int
    amount: Amount


class Letter(_Doc):
    """A request to one lender: what is owed, what is asked, the schedule that backs it."""

    purpose: str  # hardship (ask for a named plan) | settlement (accept one) | overdue (ask to accept a schedule)
    #               | application (a new loan)
    lender: str
    accounts: list[str]
    account_numbers: list[str | None]
    offer: str | None = None
    owed: Amount
    arrears: Amount
    months_overdue: int
    month: int  # when the request is made (the plan month it is needed by)
    amount: Amount | None = None  # the amount applied for (a new loan)
    waived: Amount | None = None
    payments: list[LetterPayment]
    remaining: Amount


class ReportData(_Doc):
    version: int = REPORT_VERSION
    language: str
    currency: str
    start: str
    horizon_months: int
    borrower: str | None = None
    owed: Amount  # what the scenario's loans owe at the start
    savings_to_horizon: Amount  # cost less net cost: what the borrower's savings earn to the horizon
    method: str  # optimal | heuristic
    solver_status: str | None = None
    notes: list[str] = Field(default_factory=list)
    accounts: list[Account]
    plan: Plan
    table: list[TableRow]
    actions: Actions
    explanations: list[MonthExplanation]
    offers: list[OfferRow] = Field(default_factory=list)
    comparison: list[ComparisonRow] = Field(default_factory=list)
    borrowing: Borrowing | None = None
    value_of_money: ValueOfMoney | None = None
    what_ifs: list[WhatIf] = Field(default_factory=list)
    letters: list[Letter] = Field(default_factory=list)
    extra_monthly_to_clear: Amount | None = None

    def account(self, account_id: str) -> Account:
        return next(a for a in self.accounts if a.id == account_id)

    def offer(self, offer_id: str) -> OfferRow:
        return next(o for o in self.offers if o.id == offer_id)
