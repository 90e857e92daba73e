"""Money as exact cents.

Amounts are held as integer cents inside the ledger and as `Decimal` at the
edges; rates as exact fractions. Rounding is to the cent, half away from zero,
at the step where an amount is computed (money-model.md, "Units and rounding").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .limits import MAX_CONVERTIBLE
from .numbers import read_number

CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """A number as an exact Decimal (floats via their shortest repr; text read strictly, bounded)."""
    if isinstance(value, bool):
        raise TypeError("a number is needed, not true/false")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return read_number(value.strip())
    raise TypeError("a number is needed")


def is_whole_cents(amount: Decimal) -> bool:
    return amount == amount.quantize(CENT)


def to_cents(amount: Decimal | int | float | str) -> int:
    """Whole cents of an amount already known to be whole cents (ValueError past MAX_CONVERTIBLE)."""
    value = to_decimal(amount)
    if not value.is_finite() or value.copy_abs() > MAX_CONVERTIBLE:
        raise ValueError(f"{value:.3g} is not an amount debtopt can hold")  # before any arithmetic on it
    cents = int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    return cents


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def monthly_rate(rate: Decimal | Fraction | int, *, daily: bool) -> Fraction:
    """A rate per month, exact: an annual rate / 12, a daily rate x 30 (the 360-day year).

    money-model.md, "Units": never rounded. The one definition: the loans'
    properties (and so validation) and the ledger's terms (`ledger.terms`
    re-exports it) all call this.
    """
    return Fraction(rate) * 30 if daily else Fraction(rate) / 12


def round_half_away(value: Fraction) -> int:
    """Round an exact non-negative-or-negative fraction to an integer, half away from zero."""
    if value < 0:
        return -round_half_away(-value)
    q, r = divmod(value.numerator, value.denominator)
    return q + (1 if 2 * r >= value.denominator else 0)


def mul_round(numerator: int, denominator: int, cents: int) -> int:
    """round(numerator / denominator * cents), half away from zero, for cents >= 0.

    The ledger's hot path: integer arithmetic only.
    """
    q, r = divmod(numerator * cents, denominator)
    return q + (1 if 2 * r >= denominator else 0)


def format_money(cents: int, currency: str) -> str:
    symbol = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}.get(currency)
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    body = f"{whole:,}.{frac:02d}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency}"
