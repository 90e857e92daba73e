"""Reads other tools' files into debtopt's: a beancount ledger into a scenario, a lender's CSV
statement into an actual file (checkin.md). Imports domain only.

Each reader returns the file to write and the notes for the user (what it
found, what it assumed); bad input is an `InputError` naming the line and field,
raised before anything is written.
"""

from .beancount_ledger import import_ledger
from .result import ImportResult
from .statement_csv import import_statement, parse_column_map

__all__ = ["ImportResult", "import_ledger", "import_statement", "parse_column_map"]
