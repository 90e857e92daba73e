"""Calendar months: a scenario's `start` is plan month 1."""

from __future__ import annotations

import re

from .text import excerpt

# ASCII digits only, the whole string (no trailing newline, no other scripts' digits).
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR = 1900
LAST_MONTH = "9999-12"


def parse_month(text: str) -> tuple[int, int]:
    """'2026-12' -> (2026, 12); ValueError with the fix when malformed."""
    match = _MONTH.fullmatch(text) if isinstance(text, str) else None
    if not match:
        shown = excerpt(text) if isinstance(text, str) else "this"
        raise ValueError(f"{shown} is not a month; write it as YYYY-MM, e.g. 2027-03")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a real month; write it as YYYY-MM with MM from 01 to 12")
    if year < FIRST_YEAR:
        raise ValueError(f"'{text}' is before {FIRST_YEAR}; write a month from {FIRST_YEAR}-01 on")
    return year, month


def months_since_year_zero(text: str) -> int:
    """A month as a count of months (0 is January of year 0), for range checks."""
    year, month = parse_month(text)
    return year * 12 + month - 1


def month_index(start: str, month: str) -> int:
    """Plan month number of a calendar month (start is 1; earlier months are <= 0)."""
    y0, m0 = parse_month(start)
    y, m = parse_month(month)
    return (y - y0) * 12 + (m - m0) + 1


def month_label(start: str, t: int) -> str:
    """Calendar month 'YYYY-MM' of plan month t."""
    y0, m0 = parse_month(start)
    total = y0 * 12 + (m0 - 1) + (t - 1)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
