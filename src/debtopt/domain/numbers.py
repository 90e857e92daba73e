"""Numbers from their text, bounded before any arithmetic.

The JSON and TOML readers hand every number over as `NumberText`, its text as
written; a dict from the Python API gives ints, floats, Decimals or strings.
All of them go through `read_number`, which accepts only plain ASCII decimal
notation of at most MAX_NUMBER_CHARS characters and builds a Decimal from it
without computing anything: 1e300 and 1e-99999999 become Decimals whose
size is known, to be range-checked by the field (fields.py) by comparison
alone, before any quantize, Fraction or integer conversion.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from .limits import MAX_NUMBER_CHARS


@dataclass(frozen=True, slots=True)
class NumberText:
    """A number as a file wrote it (JSON or TOML), not yet converted."""

    text: str


_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]+))?")
# Decimal holds larger exponents, but arithmetic past the default context's (999999) overflows.
MAX_EXPONENT = 99_999
_NOT_FINITE = {"nan", "inf", "infinity", "snan"}


def _quote(text: str) -> str:
    from .text import excerpt  # text.py imports NumberText from here

    return excerpt(text)


def number_text(value: object) -> str:
    """The text of a number-like value; ValueError (the field's message) for anything else."""
    if isinstance(value, bool):
        raise ValueError(f"{'true' if value else 'false'} is not a number; write the number itself, e.g. 12")
    if isinstance(value, NumberText):
        return value.text
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        if value.bit_length() > 4 * MAX_NUMBER_CHARS:
            raise ValueError(f"a number of about {int(value.bit_length() * 0.30103) + 1} digits is too long; "
                             f"write at most {MAX_NUMBER_CHARS} characters")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number; give the amount or rate itself")
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number; give the amount or rate itself")
        return str(value)
    from .text import describe

    raise ValueError(f"{describe(value)} is not a number; write a number such as 1500.50 (no quotes needed)")


def read_number(value: object) -> Decimal:
    """A Decimal of bounded size from a number-like value, or ValueError with the fix.

    Refused: booleans, NaN and infinities, signed zero, underscores, thousands
    separators, non-ASCII digits, surrounding spaces, more than
    MAX_NUMBER_CHARS characters.
    """
    text = number_text(value)
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"{_quote(text)} is too long for a number ({len(text)} characters); "
                         f"write at most {MAX_NUMBER_CHARS}")
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["int"] or match["frac"]):
        raise ValueError(_why_not_a_number(text))
    digits = (match["int"] + (match["frac"] or "")).lstrip("0")
    if not digits and match["sign"] == "-":
        raise ValueError(f"{text} is a signed zero; write 0")
    if not digits:
        return Decimal(0)
    exponent = int(match["exp"] or 0)
    if abs(exponent) > MAX_EXPONENT:
        size = "large" if exponent > 0 else "small"
        raise ValueError(f"{_quote(text)} is too {size} to mean anything here (an exponent of {exponent:,}); "
                         "write the number in full, or 0")
    return Decimal(text)


def _why_not_a_number(text: str) -> str:
    quoted = _quote(text)
    lowered = text.strip().lower().lstrip("+-")
    if lowered in _NOT_FINITE:
        return f"{quoted} is not a finite number; give the amount or rate itself"
    if text != text.strip():
        return f"{quoted} has spaces around it; write the number alone, e.g. 1500.50"
    if "_" in text or "," in text or " " in text:
        return f"{quoted} is not a number; write digits without separators, with a point for decimals, e.g. 1000.50"
    if any(c.isdigit() and not "0" <= c <= "9" for c in text):
        return f"{quoted} is not a number; write it with the digits 0-9"
    return f"{quoted} is not a number; write digits with an optional decimal point, e.g. 1500.50"


def decimal_places(number: Decimal) -> int:
    """Decimal places a finite number needs (trailing zeros do not count): 1.50 -> 1, 1E+3 -> 0."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing)) if any(digits) else 0
