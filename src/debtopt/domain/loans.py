"""Loans: the terms of a contract, and a scenario's loan with its state."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StrictBool, field_validator

from .fields import MAX_HORIZON_MONTHS, Count, Id, MonthNumber, Money, Rate, Strict, TermMonths, Text
from .money import monthly_rate


def _label(value: object) -> str:
    """A short printable label (a name, an account number): any script, no control characters."""
    if not isinstance(value, str):
        raise ValueError("write it as text, e.g. \"6222 0212 3456 7890\"")
    text = value.strip()
    if not text.isprintable():
        raise ValueError("it has a control character (a tab or a line break); write it on one line")
    if not 1 <= len(text) <= 64:
        raise ValueError(f"it is {len(text)} characters long; write 1 to 64")
    return text


# The borrower's name and an account number: printed on the letters to lenders.
Label = Annotated[str, BeforeValidator(_label)]


class LoanContract(Strict):
    """The terms of a loan: what a month does to it. A scenario's loans add
    their balance and state; an offer's new loan (offers.md) is just terms."""

    kind: Literal["revolving", "installment", "bullet"]
    annual_rate: Rate | None = None
    daily_rate: Rate | None = None
    promo_rate: Rate | None = None
    promo_months: Count = Field(default=0, ge=0, le=MAX_HORIZON_MONTHS)
    penalty_rate: Rate | None = None
    penalty_multiplier: Rate | None = None
    # revolving
    min_percent: Rate | None = None
    min_floor: Money | None = None
    min_rule: Literal["percent", "percent-plus-interest"] = Field(
        default="percent", description="revolving: the minimum is min_percent of what is owed (percent), or "
        "min_percent of the balance plus the month's interest (percent-plus-interest, most US cards)")
    # installment
    installment: Money | None = None
    term_months: TermMonths | None = None
    method: Literal["annuity", "equal-principal"] | None = None
    principal_part: Money | None = Field(
        default=None, description="equal-principal: the principal part of each month's due, as the contract "
        "set it (default: the balance not yet due / term_months)")
    # bullet (offers.md): nothing due in its first `due_month` months, then the whole balance
    due_month: MonthNumber | None = None
    # lateness
    late_fee: Money = Decimal(0)
    late_fee_percent: Rate = Decimal(0)
    escalation_months: Count = Field(default=3, ge=1, le=24)
    # When in the month the lender collects: only the calendar exports read it (the money model is monthly).
    due_day: Count = Field(default=1, description="day of the month the payment is due, 1 to 28 (default 1)",
                         json_schema_extra={"minimum": 1, "maximum": 28})

    @field_validator("due_day")
    @classmethod
    def _due_day_in_every_month(cls, value: int) -> int:
        if not 1 <= value <= 28:
            raise ValueError(f"{value} is not a day every month has; give 1 to 28 (28 for a due date at the month's end)")
        return value

    def _to_monthly(self, rate: Decimal) -> Fraction:
        """Monthly rate in the loan's unit: annual / 12, or daily x 30 (360-day year)."""
        return monthly_rate(rate, daily=self.daily_rate is not None)

    @property
    def monthly_rate(self) -> Fraction:
        base = self.daily_rate if self.daily_rate is not None else self.annual_rate
        return self._to_monthly(base if base is not None else Decimal(0))

    @property
    def promo_monthly_rate(self) -> Fraction | None:
        return None if self.promo_rate is None else self._to_monthly(self.promo_rate)

    @property
    def penalty_monthly_rate(self) -> Fraction | None:
        """The fixed penalty rate, if the loan gives one (else it follows r_t)."""
        return None if self.penalty_rate is None else self._to_monthly(self.penalty_rate)

    def rate_in_month(self, t: int) -> Fraction:
        """r_t: the promotional rate for the first `promo_months`, then the loan's rate."""
        promo = self.promo_monthly_rate
        if promo is not None and t <= self.promo_months:
            return promo
        return self.monthly_rate

    def penalty_rate_in_month(self, t: int) -> Fraction:
        """rp_t: `penalty_rate`, or `penalty_multiplier * r_t`, by default r_t."""
        fixed = self.penalty_monthly_rate
        if fixed is not None:
            return fixed
        multiplier = Fraction(self.penalty_multiplier) if self.penalty_multiplier is not None else Fraction(1)
        return multiplier * self.rate_in_month(t)


class SettlementSchedule(Strict):
    """A settlement accepted in instalments, part-way through (offers.md 1.1, "Settlement").

    The loan owes `parts`, one a month from the plan's first month, with no
    interest while each is paid in full; a part not paid ends the settlement and
    the lender's usual terms come back on `owed_if_broken` less what was paid.
    """

    parts: list[Money] = Field(min_length=1, max_length=MAX_HORIZON_MONTHS)
    owed_if_broken: Money = Field(description="what the loan owed when the settlement was accepted, less the parts paid")


class Loan(LoanContract):
    """One account with one lender (money-model.md, "A loan's state")."""

    id: Id
    name: Text = ""
    lender: Text = ""
    balance: Money
    arrears: Money = Decimal(0)
    months_overdue: Count = Field(default=0, ge=0)
    in_collection: StrictBool | None = Field(
        default=None, description="already escalated (money-model.md item 8); implied when months_overdue "
        "reaches escalation_months, and kept after the loan is brought current")
    grace_months: MonthNumber = Field(default=0, description="installment: months from the start with nothing "
                                      "regular due (展期)")
    settlement: SettlementSchedule | None = None
    charges_accrued: Money = Field(default=Decimal(0), description="penalty interest and late fees accrued before "
                                   "the start, which a hardship plan's waive_percent counts with the plan's own")
    account_number: Label | None = Field(default=None, description="the lender's account or contract number, "
                                         "for the letters (left blank to fill when absent)")

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def is_in_collection(self) -> bool:
        """In collection at the start: said so, or as many months overdue as its escalation takes."""
        return bool(self.in_collection) or self.months_overdue >= self.escalation_months


