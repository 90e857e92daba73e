"""The limits a scenario is held to before any arithmetic, in one place.

A scenario comes from a file, an HTTP body or a budgeting app's dict: whatever
a user typed. These bounds keep reading it cheap (no recursion, no huge
integers, no unbounded exponents) and are far above any real borrower's figures.
"""

from __future__ import annotations

from decimal import Decimal

# Reading: a real scenario is a few kilobytes; 200 loans with comments stay under 200 KB.
MAX_SCENARIO_BYTES = 2 * 1024 * 1024
# TOML's reader (tomllib) is pure Python, about a thousand times slower than JSON's: a TOML
# file is bounded more tightly, before it is parsed.
MAX_TOML_CHARS = 512 * 1024
MAX_TOML_STATEMENTS = 10_000  # keys (an '=' each) and list items (a ',' each), outside strings and comments
MAX_DEPTH = 20  # tables and lists inside each other; a scenario needs 4 (offers[0].loan.kind)
MAX_ITEMS = 1000  # items in one list (budget.inflows, loans, offers, pays)
MAX_KEYS = 100  # fields in one table
MAX_VALUES = 25_000  # values in the whole scenario (200 loans of 25 fields are 5,000)
MAX_TEXT_CHARS = 1000  # characters in one string
MAX_KEY_CHARS = 64  # characters in one field name
MAX_NAME_CHARS = 200  # a loan's name or lender, an offer's name, an inflow's label
MAX_ISSUES = 50  # problems listed in one error; the rest are counted

# Numbers: parsed from their text, compared before any Decimal or Fraction arithmetic.
MAX_NUMBER_CHARS = 40
MAX_AMOUNT = Decimal(10) ** 12  # in the currency's units
# A what-if built from a valid scenario (more cash, everything owed borrowed at once) may sum
# or scale its amounts; Decimal still holds them to the cent with room to spare.
MAX_DERIVED_AMOUNT = Decimal(10) ** 20
MAX_RATE = Decimal(1000)  # a field bound only: validate.py states each rate's real range
MAX_RATE_PLACES = 24  # 0.18 / 365 written as a float has 19
MAX_COUNT = 10**9  # months, terms: validation states their real ranges

# What a loan or the cash may grow to over the plan, in the currency, left unpaid.
# Real terms stay below it even over 600 months (a 36 % loan with a 1.5x penalty
# rate and 5 % late fees grows about 10^24-fold in 50 years); 100 % a month for
# 50 years does not (10^180-fold), and figures that size overflow floats.
MAX_GROWTH = Decimal(10) ** 30
MAX_GROWTH_TEXT = "10^30"
# What money.to_cents converts at most: past every figure a valid scenario reaches.
MAX_CONVERTIBLE = Decimal(10) ** 40
