"""The scenario file: budget, loans and offers (money-model.md, "The scenario file").

Field-level rules (types, ranges, whole cents) live on the models; rules that
tie fields together live in `validate.py`, which names the field at fault.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from .fields import MAX_HORIZON_MONTHS, MAX_MONTHLY_RATE, Count, Money, Month, Rate, Strict, Text
from .loans import Label, Loan, LoanContract
from .offers import Offer

__all__ = ["MAX_HORIZON_MONTHS", "MAX_MONTHLY_RATE", "Budget", "BudgetChange", "Inflow", "Loan",
           "LoanContract", "Money", "Month", "Offer", "Rate", "Scenario"]


class BudgetChange(Strict):
    """From `from` on, the monthly budget is `monthly` (income falls, income recovers)."""

    from_: Month = Field(alias="from", description="first month of the new budget, YYYY-MM")
    monthly: Money


class Inflow(Strict):
    """A one-off amount in one month: an asset sold, a gift."""

    month: Month
    amount: Money
    label: Text = ""


class Budget(Strict):
    monthly: Money = Field(description="cash for debt each month")
    starting_cash: Money = Decimal(0)
    savings_rate: Rate = Field(default=Decimal(0), description="annual rate earned on cash kept")
    changes: list[BudgetChange] = Field(default_factory=list)
    inflows: list[Inflow] = Field(default_factory=list)


class Scenario(Strict):
    """A borrower's situation: what they owe and what they can pay."""

    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$", description="ISO 4217 code, for display")
    language: Literal["zh", "en"] = "en"
    borrower: Label | None = Field(default=None, description="the borrower's name, for the letters "
                                   "(left blank to fill when absent)")
    start: Month = Field(description="plan month 1, YYYY-MM")
    horizon_months: Count = Field(default=120, ge=1, le=MAX_HORIZON_MONTHS)
    budget: Budget
    loans: list[Loan] = Field(min_length=1, max_length=200)
    offers: list[Offer] = Field(default_factory=list, max_length=50)

    def loan_index(self, loan_id: str) -> int:
        for i, loan in enumerate(self.loans):
            if loan.id == loan_id:
                return i
        raise KeyError(loan_id)

    def offer_index(self, offer_id: str) -> int:
        for j, offer in enumerate(self.offers):
            if offer.id == offer_id:
                return j
        raise KeyError(offer_id)
