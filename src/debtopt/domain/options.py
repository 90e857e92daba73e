"""The options of a solve, validated once for every edge (API, CLI, HTTP, batch).

`solve_options(**keywords)` is the one place options are checked: a bad value
is an `OptionError` naming the parameter as the Python API spells it, with
the fix. The edges translate parameter names to their own (`--time-limit`,
`query.time_limit`), never re-check the values.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import FieldIssue, OptionError
from .choices import Objective, SolverName, values

# Below this HiGHS cannot even start a stage.
MIN_TIME_LIMIT_SECONDS = 0.5


class SolveOptions(BaseModel):
    """How to optimize: what to minimise, the hard limits, the solver and its safety cap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    objective: Objective = Objective.LEXICOGRAPHIC
    overdue_price: Decimal | None = Field(
        default=None, description="objective 'weighted': the price of one overdue loan-month, in the currency")
    max_consecutive_overdue: int | None = Field(default=None, ge=0, le=600)
    solver: SolverName = SolverName.HIGHS
    time_limit_seconds: float = Field(default=60.0, description="a safety cap on the whole call's wall time")
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
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError("a whole number of months, 0 or more")
        return value

    @field_validator("time_limit_seconds", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or value < MIN_TIME_LIMIT_SECONDS:
            raise ValueError(f"seconds, at least {MIN_TIME_LIMIT_SECONDS}")
        return float(value)

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


_CHOICES = {"objective": Objective, "solver": SolverName}


def option_issues(error: ValidationError) -> list[FieldIssue]:
    """pydantic's errors as issues naming the parameter, with the fix."""
    issues = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if not path and ": " in message:  # a rule that ties options together names its parameter first
            path, message = message.split(": ", 1)
        if item["type"] == "enum" and path in _CHOICES:
            message = f"unknown {path} {item.get('input')!r}; choose one of {', '.join(values(_CHOICES[path]))}"
        elif item["type"] == "extra_forbidden":
            message = "unknown option"
        issues.append(FieldIssue(path, message))
    return issues


def solve_options(**keywords: Any) -> SolveOptions:
    """Validated options from keywords; OptionError naming each parameter at fault."""
    try:
        return SolveOptions(**keywords)
    except ValidationError as exc:
        raise OptionError(option_issues(exc)) from None


__all__ = ["MIN_TIME_LIMIT_SECONDS", "SolveOptions", "option_issues", "solve_options"]
