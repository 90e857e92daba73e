"""Every closed set of names debtopt knows, defined once and imported everywhere.

In the manner of linopy's `constants.py`: the layers, the edges and the tests
import these enums instead of spelling the strings. Each member is a `str`, so
it compares equal to its value, prints as its value and serialises to JSON as
its value; the file formats and the JSON shapes are unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class LoanKind(StrEnum):
    """money-model.md step 3 and offers.md: how a loan's regular due is set."""

    REVOLVING = "revolving"
    INSTALLMENT = "installment"
    BULLET = "bullet"


class RepaymentMethod(StrEnum):
    """An installment loan's schedule: 等额本息 (annuity) or 等额本金 (equal principal)."""

    ANNUITY = "annuity"
    EQUAL_PRINCIPAL = "equal-principal"


class MinRule(StrEnum):
    """money-model.md step 3, revolving: how the minimum payment is set (version 1.1)."""

    PERCENT = "percent"  # max(min_floor, round(min_percent x D))
    PERCENT_PLUS_INTEREST = "percent-plus-interest"  # max(min_floor, round(min_percent x B) + I + P)


class OfferKind(StrEnum):
    """offers.md, "Kinds"."""

    CONSOLIDATION = "consolidation"
    BALANCE_TRANSFER = "balance-transfer"
    CASH_LOAN = "cash-loan"
    ASSET_SALE = "asset-sale"
    HARDSHIP_PLAN = "hardship-plan"
    SETTLEMENT = "settlement"


# Offers that open a new loan (an account of their own in the ledger).
BORROW_KINDS: frozenset[OfferKind] = frozenset(
    {OfferKind.CONSOLIDATION, OfferKind.BALANCE_TRANSFER, OfferKind.CASH_LOAN}
)
# Borrowing offers whose proceeds may only pay the loans they list (`pays`).
RESTRICTED_KINDS: frozenset[OfferKind] = frozenset({OfferKind.CONSOLIDATION, OfferKind.BALANCE_TRANSFER})


class Heuristic(StrEnum):
    """The built-in rules of thumb (docs/model.md says who goes short under each)."""

    MINIMUM = "minimum"
    AVALANCHE = "avalanche"
    SNOWBALL = "snowball"
    BALANCE_MATCHING = "balance-matching"
    URGENCY = "urgency"


class Strategy(StrEnum):
    """What `simulate` can follow: a heuristic, or the borrower's own order."""

    MINIMUM = "minimum"
    AVALANCHE = "avalanche"
    SNOWBALL = "snowball"
    BALANCE_MATCHING = "balance-matching"
    URGENCY = "urgency"
    CUSTOM = "custom"


# The `strategy` of the optimizer's plan.
OPTIMAL = "optimal"


class Objective(StrEnum):
    """What the optimizer minimises: the contract's order, money alone, or money plus a price per overdue month."""

    LEXICOGRAPHIC = "lexicographic"
    COST = "cost"
    WEIGHTED = "weighted"


class Stage(StrEnum):
    """One solve of the optimizer, each fixing the one before (`STAGES`)."""

    ESCALATIONS = "escalations"
    OVERDUE = "overdue"
    REMAINING = "remaining"
    NET_COST = "net_cost"
    WEIGHTED = "weighted"


STAGES: dict[Objective, tuple[Stage, ...]] = {
    Objective.LEXICOGRAPHIC: (Stage.ESCALATIONS, Stage.OVERDUE, Stage.REMAINING, Stage.NET_COST),
    Objective.COST: (Stage.REMAINING, Stage.NET_COST),
    Objective.WEIGHTED: (Stage.REMAINING, Stage.WEIGHTED),
}
# Stages that count (escalations, loan-months): integer-valued, proved at an absolute gap below 1.
COUNTING_STAGES: frozenset[Stage] = frozenset({Stage.ESCALATIONS, Stage.OVERDUE})


class SolverName(StrEnum):
    """The solver backends offered (optimize/solve.py)."""

    HIGHS = "highs"
    PULP_HIGHS = "pulp-highs"
    CBC = "cbc"


class Language(StrEnum):
    EN = "en"
    ZH = "zh"


class PlanFormat(StrEnum):
    """Formats of `simulate`, `optimize` and `compare` output."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"


class ReportFormat(StrEnum):
    """Formats of the full report."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    CSV = "csv"


class ChartFormat(StrEnum):
    """File formats of the report's charts saved on their own (`report --charts DIR`)."""

    SVG = "svg"
    PNG = "png"


def values(choices: type[StrEnum]) -> tuple[str, ...]:
    """The values of an enum, in definition order: for help texts, messages and `click.Choice`."""
    return tuple(member.value for member in choices)


__all__ = [
    "BORROW_KINDS",
    "COUNTING_STAGES",
    "OPTIMAL",
    "RESTRICTED_KINDS",
    "STAGES",
    "ChartFormat",
    "Heuristic",
    "Language",
    "LoanKind",
    "MinRule",
    "Objective",
    "OfferKind",
    "PlanFormat",
    "RepaymentMethod",
    "ReportFormat",
    "SolverName",
    "Stage",
    "Strategy",
    "values",
]
