"""Schedules (what a strategy proposes) and plans (what the ledger made of one).

A `Schedule` is payments in whole cents, `payments[t-1][i]` for plan month t and
loan i in scenario order. A `Plan` is the ledger's replay of a schedule, in the
JSON shape of money-model.md ("A plan in JSON"); its figures are the only ones
debtopt ever shows.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from .choices import OfferKind
from .fields import SignedMoney
from .scenario import Money
from .solver import SolverReport


class Take(BaseModel):
    """A decision on an offer (offers.md): take it in `month`, for `amount` cents.

    `amount` is what is borrowed for consolidation, balance-transfer and
    cash-loan offers; for an asset sale and a hardship plan it is left out.
    """

    model_config = ConfigDict(frozen=True)

    offer: str
    month: int = Field(ge=1)
    amount: int | None = Field(default=None, ge=0, description="cents")


class Schedule(BaseModel):
    """Payments in cents by month then account, and the decisions on offers.

    Accounts are the scenario's loans in order, then one per borrowing offer
    (consolidation, balance-transfer, cash-loan) in offer order: the loan it
    opens when taken. Months past the end of `payments` pay nothing.
    """

    model_config = ConfigDict(frozen=True)

    payments: list[list[int]] = Field(description="cents, [month-1][account index]")
    decisions: list[Take] = Field(default_factory=list)

    def payment(self, t: int, i: int) -> int:
        if t - 1 < len(self.payments):
            return self.payments[t - 1][i]
        return 0


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class LoanMonth(_Out):
    id: str
    payment: Money
    interest: Money
    penalty_interest: Money
    fees: Money
    due: Money
    balance: Money = Field(description="after this month (B')")
    arrears: Money = Field(description="after this month (A')")
    overdue: bool
    months_overdue: int = Field(description="consecutive overdue months after this month (k')")
    closed: bool = Field(description="the loan is paid off this month")
    escalated: bool = Field(description="this month the loan reached its escalation_months")


class MonthRow(_Out):
    month: int
    date: str
    cash_available: Money
    saved: Money
    savings_interest: Money
    loans: list[LoanMonth] = Field(description="the loans open at the start of the month")


class Escalation(_Out):
    id: str
    month: int
    date: str
    in_collection: bool = Field(default=False, description="already in collection when it first counted "
                                "(money-model.md item 8): counted from that month, whatever the plan does")


class Decision(_Out):
    """What taking an offer did, as the ledger replayed it."""

    offer: str
    kind: str
    month: int
    date: str
    amount: Money | None = Field(description="borrowed, or the sale's amount; null for a hardship plan")
    received: Money = Field(description="cash received this month (proceeds less deducted fees, or the sale)")
    unused: Money = Field(description="proceeds the restricted offer could not pay to its loans: lost")
    fees: Money = Field(description="the offer's fees: added to the new balance, deducted, fixed, or the plan's fee")
    waived: Money = Field(description="what the lender forgave: penalty interest and fees (hardship plan), "
                          "or what is owed beyond the price (settlement)")
    keep_value: Money = Field(description="what keeping the sold asset was worth")
    tax: Money = Field(default=Decimal(0), description="settlement: the tax on the forgiven part, paid that month")


class Totals(_Out):
    paid: Money
    interest: Money
    penalty_interest: Money
    fees: Money
    cost: SignedMoney = Field(description="interest, penalty interest, fees and offers' costs, less what is "
                              "waived: below 0 when a settlement forgives more than the plan charges")
    savings_interest: Money
    net_cost: SignedMoney = Field(description="cost less the savings interest the borrower's cash earns to the horizon "
                            "(after the payoff month too): the contract's fourth criterion")
    overdue_months: int
    max_consecutive_overdue: int
    escalations: int
    payoff_month: int | None
    remaining_balance: Money
    final_savings: Money
    borrowed: Money = Field(default=Decimal(0), description="taken from borrowing offers")
    asset_sales: Money = Field(default=Decimal(0), description="cash from assets sold")
    offer_fees: Money = Field(default=Decimal(0), description="fees of offers taken; part of cost")
    keep_value: Money = Field(default=Decimal(0), description="value of assets sold; part of cost")
    waived: Money = Field(default=Decimal(0), description="forgiven by hardship plans and settlements; taken off cost")
    forgiven_tax: Money = Field(default=Decimal(0), description="tax on settlements' forgiven parts; part of cost")
    unused_proceeds: Money = Field(default=Decimal(0), description="restricted proceeds that paid nothing")


# Decisions whose amount the offer sets (the sale's amount, a settlement's price): not given back in a Take.
_PRICED_BY_THE_OFFER = frozenset({OfferKind.ASSET_SALE, OfferKind.HARDSHIP_PLAN, OfferKind.SETTLEMENT})


class Plan(_Out):
    strategy: str
    currency: str
    months: list[MonthRow]
    totals: Totals
    escalated: list[Escalation] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    solver: SolverReport | None = None
    notes: list[str] = Field(default_factory=list)

    def rank_key(self) -> tuple[int, int, Decimal, Decimal]:
        """The contract's order ("What 'best' means"): smaller is better."""
        t = self.totals
        return (t.escalations, t.overdue_months, t.remaining_balance, t.net_cost)

    def to_schedule(self, account_ids: list[str]) -> Schedule:
        """The payments and decisions of this plan, to replay it again.

        `account_ids`: the scenario's loan ids, then the ids of its borrowing
        offers (`Ledger.account_ids`).
        """
        column = {account_id: i for i, account_id in enumerate(account_ids)}
        rows = []
        for month in self.months:
            row = [0] * len(account_ids)
            for loan in month.loans:
                row[column[loan.id]] = int(loan.payment * 100)
            rows.append(row)
        takes = [
            Take(offer=d.offer, month=d.month,
                 amount=None if d.amount is None or d.kind in _PRICED_BY_THE_OFFER else int(d.amount * 100))
            for d in self.decisions
        ]
        return Schedule(payments=rows, decisions=takes)
