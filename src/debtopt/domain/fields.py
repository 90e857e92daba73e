"""Field types shared by scenario, loan and offer models: money, rates, months."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

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


class Strict(BaseModel):
    """Unknown fields are an error, not ignored (money-model.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


