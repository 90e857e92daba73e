"""Layer 6, beside report/: a plan in the formats of the tools a borrower lives in.

`ics` (a calendar), `beancount` (a plain-text ledger) and `budget_csv` (a
budgeting app's import) each format the payments of a plan; `payments` reads
them from the plan (and its scenario, replayed through the ledger, when one is
given). Imports domain and ledger only; runs no solver.
"""

from .beancount import plan_to_beancount
from .budget_csv import plan_to_budget_csv
from .ics import plan_to_ics
from .payments import Account, PlannedDecision, PlannedPayment, PlanPayments, plan_payments

__all__ = [
    "Account",
    "PlanPayments",
    "PlannedDecision",
    "PlannedPayment",
    "plan_payments",
    "plan_to_beancount",
    "plan_to_budget_csv",
    "plan_to_ics",
]
