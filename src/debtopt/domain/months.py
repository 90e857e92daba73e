"""Calendar months: a scenario's `start` is plan month 1."""

from __future__ import annotations

import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[int, int]:
    """'2026-12' -> (2026, 12); ValueError with the fix when malformed."""
    match = _MONTH.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2027-03")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(f"'{text}' is not a real month; write it as YYYY-MM with MM from 01 to 12")
    return year, month


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
