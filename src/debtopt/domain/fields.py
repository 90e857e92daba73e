"""Field types shared by scenario, loan and offer models: money, rates, counts, months, text.

Each number is read from its text (numbers.py) and range-checked by
comparison before it is quantized or turned into a Fraction.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo

from .limits import MAX_AMOUNT, MAX_COUNT, MAX_DERIVED_AMOUNT, MAX_NAME_CHARS, MAX_RATE, MAX_RATE_PLACES
from .months import parse_month
from .numbers import decimal_places, read_number
from .text import excerpt


# A rate above 100 % a month is a typo (a percentage written as a decimal).
MAX_MONTHLY_RATE = Fraction(1)
MAX_HORIZON_MONTHS = 600
DERIVED = "derived"  # the validation context of a what-if built from a validated scenario (load.py)


def _amount(value: object, info: ValidationInfo) -> Decimal:
    amount = read_number(value)
    if amount < 0:
        raise ValueError(f"{amount} is negative; amounts are 0 or more")
    if amount > MAX_AMOUNT and not (info.context and info.context.get(DERIVED) and amount <= MAX_DERIVED_AMOUNT):
        shown = f"{amount:,}" if amount < MAX_DERIVED_AMOUNT else f"{amount:.3g}"
        raise ValueError(f"{shown} is above {MAX_AMOUNT:,.0f}, the largest amount debtopt takes; "
                         "amounts are in the currency's units (not cents)")
    if decimal_places(amount) > 2:
        raise ValueError(f"{amount} has fractions of a cent; give at most two decimals")
    return amount


def _signed_amount(value: object, info: ValidationInfo) -> Decimal:
    """A difference or a total that may fall below zero (a plan's cost, once a settlement forgives more
    than the interest charged; its net cost, once savings earn more): whole cents, within the bounds."""
    amount = read_number(value)
    if amount < 0:
        return -_amount(-amount, info)
    return _amount(amount, info)


def _rate(value: object) -> Decimal:
    rate = read_number(value)
    if rate < 0:
        raise ValueError(f"{rate} is not a rate; rates are decimals of 0 or more (0.18 means 18 %)")
    if rate > MAX_RATE:
        raise ValueError(f"{rate:.3g} is far above any rate; rates are decimals (0.18 means 18 %)")
    if decimal_places(rate) > MAX_RATE_PLACES:
        raise ValueError(f"{rate:.3g} has more than {MAX_RATE_PLACES} decimal places; "
                         "round it (0.0005 a day is 0.05 %), or write 0 for no interest")
    return rate


def _count(value: object) -> int:
    """A whole number of months (or an index); booleans and fractions are not counts."""
    number = read_number(value)
    if number.copy_abs() > MAX_COUNT:
        raise ValueError(f"{number:.3g} is far too large; give a whole number of months")
    if decimal_places(number) > 0:
        raise ValueError(f"{number} is not a whole number; give a whole number of months")
    return int(number)


def _month(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a month is written as a string YYYY-MM, e.g. \"2027-03\"")
    parse_month(value)
    return value


def _text(value: object) -> object:
    """Names and labels: any script, one line (the model's max_length bounds the length)."""
    if isinstance(value, str) and len(value) > MAX_NAME_CHARS:
        raise ValueError(f"{len(value):,} characters ({excerpt(value, 16)}); keep it to {MAX_NAME_CHARS}")
    return value


_as_number = PlainSerializer(float, return_type=float, when_used="json")
Money = Annotated[Decimal, BeforeValidator(_amount), _as_number]
SignedMoney = Annotated[Decimal, BeforeValidator(_signed_amount), _as_number]
Rate = Annotated[Decimal, BeforeValidator(_rate), _as_number]
Count = Annotated[int, BeforeValidator(_count)]
# Optional counts carry their bounds inside the Optional, so that the JSON Schema states them.
TermMonths = Annotated[int, Field(ge=1, le=MAX_HORIZON_MONTHS), BeforeValidator(_count)]
MonthNumber = Annotated[int, Field(ge=0, le=MAX_HORIZON_MONTHS), BeforeValidator(_count)]
Month = Annotated[str, BeforeValidator(_month)]
Text = Annotated[str, BeforeValidator(_text), Field(max_length=MAX_NAME_CHARS)]
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=64)]



class Strict(BaseModel):
    """Unknown fields are an error, not ignored (money-model.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
