"""The scenario file: budget and loans (money-model.md, "The scenario file").

Field-level rules (types, ranges, whole cents) live on the models; rules that
tie fields together live in `validate.py`, which names the field at fault.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator

from .money import is_whole_cents, to_decimal
from .months import parse_month


def _number(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except (TypeError, ArithmeticError, ValueError) as exc:
        raise ValueError(str(exc) or "a number is needed") from None


def _amount(value: object) -> Decimal:
    amount = _number(value)
    if not amount.is_finite():
        raise ValueError("a finite amount is needed")
    if amount < 0:
        raise ValueError(f"{amount} is negative; amounts are 0 or more")
    if not is_whole_cents(amount):
        raise ValueError(f"{amount} has fractions of a cent; give at most two decimals")
    return amount


def _rate(value: object) -> Decimal:
    rate = _number(value)
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"{rate} is not a rate; rates are decimals of 0 or more (0.18 means 18 %)")
    return rate


def _month(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a month is written as a string YYYY-MM, e.g. \"2027-03\"")
    parse_month(value)
    return value


_as_number = PlainSerializer(float, return_type=float, when_used="json")
Money = Annotated[Decimal, BeforeValidator(_amount), _as_number]
Rate = Annotated[Decimal, BeforeValidator(_rate), _as_number]
Month = Annotated[str, BeforeValidator(_month)]

# A rate above 100 % a month is a typo (a percentage written as a decimal).
MAX_MONTHLY_RATE = Fraction(1)
MAX_HORIZON_MONTHS = 600


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BudgetChange(_Strict):
    """From `from` on, the monthly budget is `monthly` (income falls, income recovers)."""

    from_: Month = Field(alias="from", description="first month of the new budget, YYYY-MM")
    monthly: Money


class Inflow(_Strict):
    """A one-off amount in one month: an asset sold, a gift."""

    month: Month
    amount: Money
    label: str = ""


class Budget(_Strict):
    monthly: Money = Field(description="cash for debt each month")
    starting_cash: Money = Decimal(0)
    savings_rate: Rate = Field(default=Decimal(0), description="annual rate earned on cash kept")
    changes: list[BudgetChange] = Field(default_factory=list)
    inflows: list[Inflow] = Field(default_factory=list)


class Loan(_Strict):
    """One account with one lender (money-model.md, "A loan's state")."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=64)
    name: str = ""
    lender: str = ""
    kind: Literal["revolving", "installment"]
    balance: Money
    annual_rate: Rate | None = None
    daily_rate: Rate | None = None
    promo_rate: Rate | None = None
    promo_months: int = Field(default=0, ge=0, le=MAX_HORIZON_MONTHS)
    penalty_rate: Rate | None = None
    penalty_multiplier: Rate | None = None
    # revolving
    min_percent: Rate | None = None
    min_floor: Money | None = None
    # installment
    installment: Money | None = None
    term_months: int | None = Field(default=None, ge=1, le=MAX_HORIZON_MONTHS)
    method: Literal["annuity", "equal-principal"] | None = None
    # lateness
    late_fee: Money = Decimal(0)
    late_fee_percent: Rate = Decimal(0)
    arrears: Money = Decimal(0)
    months_overdue: int = Field(default=0, ge=0)
    escalation_months: int = Field(default=3, ge=1, le=24)

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @property
    def display_name(self) -> str:
        return self.name or self.id

    def _to_monthly(self, rate: Decimal) -> Fraction:
        """Monthly rate in the loan's unit: annual / 12, or daily x 30 (360-day year)."""
        if self.daily_rate is not None:
            return Fraction(rate) * 30
        return Fraction(rate) / 12

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


class Scenario(_Strict):
    """A borrower's situation: what they owe and what they can pay."""

    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$", description="ISO 4217 code, for display")
    language: Literal["zh", "en"] = "en"
    start: Month = Field(description="plan month 1, YYYY-MM")
    horizon_months: int = Field(default=120, ge=1, le=MAX_HORIZON_MONTHS)
    budget: Budget
    loans: list[Loan] = Field(min_length=1, max_length=200)

    def loan_index(self, loan_id: str) -> int:
        for i, loan in enumerate(self.loans):
            if loan.id == loan_id:
                return i
        raise KeyError(loan_id)
