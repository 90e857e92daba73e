"""Schedules (what a strategy proposes) and plans (what the ledger made of one).

A `Schedule` is payments in whole cents, `payments[t-1][i]` for plan month t and
loan i in scenario order. A `Plan` is the ledger's replay of a schedule, in the
JSON shape of money-model.md ("A plan in JSON"); its figures are the only ones
debtopt ever shows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .scenario import Money


class Schedule(BaseModel):
    """Payments in cents by month then loan. Months past its end pay nothing."""

    model_config = ConfigDict(frozen=True)

    payments: list[list[int]] = Field(description="cents, [month-1][loan index]")

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


class Totals(_Out):
    paid: Money
    interest: Money
    penalty_interest: Money
    fees: Money
    cost: Money
    savings_interest: Money
    net_cost: Money = Field(description="cost - savings_interest: the contract's fourth criterion")
    overdue_months: int
    max_consecutive_overdue: int
    escalations: int
    payoff_month: int | None
    remaining_balance: Money
    final_savings: Money


class Plan(_Out):
    strategy: str
    currency: str
    months: list[MonthRow]
    totals: Totals
    escalated: list[Escalation] = Field(default_factory=list)
    solver: dict[str, Any] | None = None
    notes: list[str] = Field(default_factory=list)

    def rank_key(self) -> tuple[int, int, Decimal, Decimal]:
        """The contract's order ("What 'best' means"): smaller is better."""
        t = self.totals
        return (t.escalations, t.overdue_months, t.remaining_balance, t.net_cost)

    def to_schedule(self, loan_ids: list[str]) -> Schedule:
        """The payments of this plan, to replay it again."""
        column = {loan_id: i for i, loan_id in enumerate(loan_ids)}
        rows = []
        for month in self.months:
            row = [0] * len(loan_ids)
            for loan in month.loans:
                row[column[loan.id]] = int(loan.payment * 100)
            rows.append(row)
        return Schedule(payments=rows)
