"""Layer 2: the only code that computes money. Replays any schedule exactly."""

from .book import Ledger, LedgerRun, MonthResult, Statement
from .offer_cost import OfferCost, offer_cost
from .replay import plan_from_run, replay
from .terms import LoanTerms, annuity_payment, compile_loan

__all__ = [
    "Ledger",
    "LedgerRun",
    "LoanTerms",
    "MonthResult",
    "OfferCost",
    "Statement",
    "annuity_payment",
    "compile_loan",
    "offer_cost",
    "plan_from_run",
    "replay",
]
