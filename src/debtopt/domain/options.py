"""The options of every call, validated once for every edge (API, CLI, HTTP, batch).

`solve_options(**keywords)` (the optimizer), `simulate_options(...)` (a
strategy, its order and the offers it takes) and `report_options(...)` (the
report's format, language and search) are the one place options are checked:
a bad value is an `OptionError` naming the parameter as the Python API spells
it, with the fix. The edges translate parameter names to their own
(`--time-limit`, `query.time_limit`), never re-check the values.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from typing import Any

from collections.abc import Sequence

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from ..errors import FieldIssue, OptionError
from .choices import BORROW_KINDS, ChartFormat, Language, Objective, ReportFormat, SolverName, Strategy, values
from .plan import Take
from .scenario import Scenario

# Below this HiGHS cannot even start a stage.
MIN_TIME_LIMIT_SECONDS = 0.5
# The work limit of each solver call, in branch-and-bound nodes: results depend on it, never on
# the machine's speed. Chosen so the bundled examples and the benchmark's generated cases up to
# 10 x 60 prove within it (benchmarks/solve_speed.py); more nodes can only prove more.
DEFAULT_MAX_NODES = 5_000
MAX_MAX_NODES = 10_000_000


class SolveOptions(BaseModel):
    """How to optimize: what to minimise, the hard limits, the solver and its safety cap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    objective: Objective = Objective.LEXICOGRAPHIC
    overdue_price: Decimal | None = Field(
        default=None, description="objective 'weighted': the price of one overdue loan-month, in the currency")
    max_consecutive_overdue: int | None = Field(default=None, ge=0, le=600)
    solver: SolverName = SolverName.HIGHS
    time_limit_seconds: float = Field(
        default=60.0, description="a safety cap on the whole call's wall time; when it, not the work limit, ends "
                                  "a step, the plan says so (status 'time_limit') and may differ on another machine")
    max_nodes: int = Field(default=DEFAULT_MAX_NODES, ge=1, le=MAX_MAX_NODES,
                           description="the work limit: branch-and-bound nodes per solver call (reproducible)")
    offer_worth: bool = Field(default=True, description="re-solve without each offer taken to say what it is worth")
    warm_start: bool = True
    timings: bool = Field(default=False, description="keep wall-clock seconds in the output (not reproducible)")

    @field_validator("overdue_price", mode="before")
    @classmethod
    def _price(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise ValueError("a number: what one overdue loan-month is worth")
        try:
            price = Decimal(str(value))
        except ArithmeticError:
            raise ValueError("a number: what one overdue loan-month is worth") from None
        if not price.is_finite() or price < 0:
            raise ValueError("must be a finite amount, 0 or more")
        return price

    @field_validator("max_consecutive_overdue", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> Any:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError("a whole number of months, 0 or more")
        return value

    @field_validator("time_limit_seconds", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        return _seconds(value)

    @field_validator("max_nodes", mode="before")
    @classmethod
    def _nodes(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MAX_NODES:
            raise ValueError(f"a whole number of branch-and-bound nodes, 1 to {MAX_MAX_NODES:,}")
        return value

    @model_validator(mode="after")
    def _price_goes_with_weighted(self) -> SolveOptions:
        if self.objective == Objective.WEIGHTED and self.overdue_price is None:
            raise ValueError("overdue_price: objective 'weighted' needs a price per overdue loan-month")
        if self.objective != Objective.WEIGHTED and self.overdue_price is not None:
            raise ValueError("overdue_price: only used with objective 'weighted'")
        return self

    @property
    def overdue_price_cents(self) -> float:
        """The price per overdue loan-month in cents, as the model's objective reads it (0 unless weighted)."""
        return 0.0 if self.overdue_price is None else float(self.overdue_price * 100)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < MIN_TIME_LIMIT_SECONDS:
        raise ValueError(f"seconds, at least {MIN_TIME_LIMIT_SECONDS}")
    return float(value)


def _account_ids(scenario: Scenario) -> list[str]:
    """What an order may name: the loans, then the offers that open a loan of their own (as the ledger counts them)."""
    return [loan.id for loan in scenario.loans] + [o.id for o in scenario.offers if o.kind in BORROW_KINDS]


def _order(value: Any, info: ValidationInfo) -> tuple[str, ...] | None:
    """Loan ids, the one to pay first first: each once, each the scenario's (when the scenario is known)."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError("a sequence of loan ids, e.g. ['card', 'huabei'], not one string")
    ids = tuple(value)
    if not all(isinstance(loan_id, str) and loan_id for loan_id in ids):
        raise ValueError("loan ids are non-empty strings, e.g. ['card', 'huabei']")
    scenario = (info.context or {}).get("scenario")
    known = _account_ids(scenario) if isinstance(scenario, Scenario) else None
    for loan_id in ids:
        if known is not None and loan_id not in known:
            raise ValueError(f"no loan {loan_id!r}; the loans are {', '.join(known)}")
        if ids.count(loan_id) > 1:
            raise ValueError(f"{loan_id!r} is named twice; name each loan once")
    return ids


class SimulateOptions(BaseModel):
    """Which strategy to follow: a heuristic, or the borrower's own order and the offers it takes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: Strategy = Strategy.AVALANCHE
    order: tuple[str, ...] | None = Field(
        default=None, description="strategy 'custom': loan ids, the one to pay first first")
    takes: tuple[Take, ...] = Field(default=(), description="strategy 'custom': the offers the plan takes")

    @field_validator("order", mode="before")
    @classmethod
    def _order(cls, value: Any, info: ValidationInfo) -> Any:
        return _order(value, info)

    @model_validator(mode="after")
    def _custom_needs_an_order(self) -> SimulateOptions:
        custom = self.strategy == Strategy.CUSTOM
        if custom and not self.order:
            raise ValueError("order: the custom strategy needs an order: loan ids, the one to pay first first")
        if not custom and self.order is not None:
            raise ValueError("order: only used with the custom strategy")
        if not custom and self.takes:
            raise ValueError("takes: heuristics take no offers; use the custom strategy with an order")
        return self


class ReportOptions(BaseModel):
    """How to report: the format and language, the plan to explain, and the searches' time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: ReportFormat = ReportFormat.TEXT
    lang: Language | None = Field(default=None, description="by default the scenario's language")
    order: tuple[str, ...] | None = Field(
        default=None, description="the borrower's own order of loans: compared, and used for the borrowing section")
    heuristics_only: bool = Field(default=False, description="explain the best heuristic plan; run no optimizer")
    time_limit_seconds: float = Field(default=60.0, description="a safety cap on each solve of the report")
    chart_format: ChartFormat = ChartFormat.SVG

    @field_validator("order", mode="before")
    @classmethod
    def _order(cls, value: Any, info: ValidationInfo) -> Any:
        ids = _order(value, info)
        if ids is not None and not ids:
            raise ValueError("give loan ids, e.g. ['card', 'huabei']")
        return ids

    @field_validator("time_limit_seconds", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        return _seconds(value)


_CHOICES: dict[str, type[StrEnum]] = {
    "objective": Objective, "solver": SolverName, "strategy": Strategy, "format": ReportFormat, "lang": Language,
    "chart_format": ChartFormat,
}
_LABELS = {"lang": "language", "chart_format": "chart format"}


def option_issues(error: ValidationError) -> list[FieldIssue]:
    """pydantic's errors as issues naming the parameter, with the fix."""
    issues = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if not path and ": " in message:  # a rule that ties options together names its parameter first
            path, message = message.split(": ", 1)
        if item["type"] == "enum" and path in _CHOICES:
            label = _LABELS.get(path, path)
            message = f"unknown {label} {item.get('input')!r}; choose one of {', '.join(values(_CHOICES[path]))}"
        elif item["type"] == "extra_forbidden":
            message = "unknown option"
        issues.append(FieldIssue(path, message))
    return issues


def _validated[M: BaseModel](model: type[M], keywords: dict[str, Any], scenario: Scenario | None = None) -> M:
    try:
        return model.model_validate(keywords, context={"scenario": scenario})
    except ValidationError as exc:
        raise OptionError(option_issues(exc)) from None


def solve_options(**keywords: Any) -> SolveOptions:
    """Validated options from keywords; OptionError naming each parameter at fault."""
    return _validated(SolveOptions, keywords)


def simulate_options(scenario: Scenario | None = None, **keywords: Any) -> SimulateOptions:
    """Validated strategy options; with `scenario`, the order names only its loans."""
    return _validated(SimulateOptions, keywords, scenario)


def report_options(scenario: Scenario | None = None, **keywords: Any) -> ReportOptions:
    """Validated report options; with `scenario`, the order names only its loans."""
    return _validated(ReportOptions, keywords, scenario)


__all__ = [
    "DEFAULT_MAX_NODES",
    "MIN_TIME_LIMIT_SECONDS",
    "ReportOptions",
    "SimulateOptions",
    "SolveOptions",
    "option_issues",
    "report_options",
    "simulate_options",
    "solve_options",
]
