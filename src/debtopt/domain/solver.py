"""How a solve went, as typed data: `Plan.solver` (linopy `constants.py` style statuses).

The optimizer fills a `SolverReport`; the analysis layer adds what each offer
is worth and the extra cash that would clear the debt. Its JSON is the shape
`plan.solver` has always had (optimize/README.md): timings only when kept
(`--timings`), flattened into the block; `without_timings()` strips them, so
the same input gives the same bytes.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, field_validator, model_serializer, model_validator

from .choices import Objective, Stage
from .fields import SignedMoney


class SolveStatus(StrEnum):
    """How an optimization ended."""

    OPTIMAL = "optimal"  # every stage proved optimal
    WORK_LIMIT = "work_limit"  # a plan came back, some stage not proved within its work limit (reproducible)
    TIME_LIMIT = "time_limit"  # the safety cap (time_limit_seconds) stopped a step: may differ on another machine
    FALLBACK = "fallback"  # the solver found nothing better: a heuristic plan is returned
    INFEASIBLE = "infeasible"  # a hard limit no plan meets (raised as InfeasibleLimitError)


class StageStatus(StrEnum):
    """How one solver call ended."""

    OPTIMAL = "optimal"  # the solver proved its point within the gap tolerances asked for
    WORK_LIMIT = "work_limit"  # the work limit (nodes, iterations) ended it, gap open: the same on any machine
    TIME_LIMIT = "time_limit"  # the safety cap ended it: what it found may differ on another machine
    NO_SOLUTION = "no_solution"  # stopped without any feasible point
    INFEASIBLE = "infeasible"
    ERROR = "error"
    SKIPPED = "skipped"  # the safety cap had passed: the previous incumbent carries over


class PlanSource(StrEnum):
    """Which plan the optimizer returns."""

    ROUNDED = "rounded"  # its own optimum, rounded to whole cents and replayed
    SHORT_HORIZON = "short_horizon"  # a short-horizon plan, continued by a heuristic, replayed better
    POLISHED = "polished"  # a counting stage's pattern, its money re-sent by an LP (optimize/polish.py), replayed better
    START = "start"  # a heuristic's (or a given start's) plan: fell_back_to names it


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StageResult(_Report):
    """One stage: what it minimised, the value reached, the bound proved, the gap between.

    objective, bound and gap are in the stage's own unit: a count (escalations,
    overdue loan-months) or cents (remaining, net_cost, weighted). `objective` is
    the plan shown's figure (the ledger's), `bound` what the solver proved no plan
    beats, and `proved` holds exactly when `gap` is below the stage's tolerance
    (`stage_tolerance`).
    """

    name: Stage
    objective: float | None
    bound: float | None
    gap: float | None
    proved: bool
    seconds: float | None = None  # wall time: kept only with timings
    status: StageStatus = StageStatus.OPTIMAL
    nodes: int | None = None  # branch-and-bound nodes used (the short horizons' included): kept only with timings

    @field_validator("objective", "bound", "gap")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        return None if value is None or not math.isfinite(value) else value

    @model_serializer(mode="wrap")
    def _shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in ("seconds", "nodes"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


# The relative gap HiGHS and CBC are asked to close on a money stage (the solver's floats).
MONEY_RELATIVE_GAP = 1e-7


# The ledger rounds each loan's month (interest, fees, the due) half away from zero: a whole-cent
# plan can sit up to this much a loan-month above the solver's bound, which is over fractions of a cent.
ROUNDING_CENTS_PER_LOAN_MONTH = 0.5


def stage_tolerance(stage: Stage | str, value: float | None, loan_months: int = 0) -> float:
    """The gap below which a stage counts as proved: under one whole count (escalations, overdue
    loan-months); for money (cents), under one cent, the solver's relative gap of the value, or,
    for a whole-cent plan of `loan_months` loan-months judged against the solver's bound, the
    rounding to cents (ROUNDING_CENTS_PER_LOAN_MONTH each), whichever is largest."""
    if stage in (Stage.ESCALATIONS, Stage.OVERDUE):
        return 1.0
    return max(1.0, MONEY_RELATIVE_GAP * abs(value or 0.0), ROUNDING_CENTS_PER_LOAN_MONTH * loan_months)


class ModelSize(_Report):
    variables: int
    rows: int
    integers: int


class ReplayDeviation(_Report):
    """The ledger's balances against the model's: what rounding to cents moved (cents)."""

    max_cents: float
    max_cents_per_month: float


class Worth(_Report):
    """What an offer saves: the optimum without it less the optimum with it (None: not computed)."""

    escalations: int | None = 0
    overdue_months: int | None = 0
    remaining_balance: float | None = 0.0
    net_cost: float | None = 0.0

    @property
    def computed(self) -> bool:
        return None not in (self.escalations, self.overdue_months, self.remaining_balance, self.net_cost)


NOT_COMPUTED = Worth(escalations=None, overdue_months=None, remaining_balance=None, net_cost=None)


class AnnualCost(_Report):
    """A borrowing offer's all-in annual cost (offers.md, "Costs and reports")."""

    amount: float
    annual_rate: float | None
    effective_annual_rate: float | None
    crosses: float | None  # the regulatory line (0.24, 0.36) it is above


class OfferWorth(_Report):
    """One offer: the plan's decision, what it is worth, its annual cost."""

    offer: str
    kind: str
    modelled: bool
    taken: bool
    month: int | None
    amount: float | None
    proved: bool | None = None  # the re-solve without it proved its optimum (None: no re-solve)
    worth: Worth
    annual_cost: AnnualCost | None = None

    @model_serializer(mode="wrap")
    def _shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in ("proved", "annual_cost"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


class ExtraCash(_Report):
    """With debt left at the horizon: the smallest extra monthly amount found that clears it."""

    amount: float | None  # None: searched, none found
    cleared_by: str | None = None  # the plan that clears it with that amount


class RoundedPlan(_Report):
    """The rounded optimum's figures, when the plan shown is another one."""

    escalations: int
    overdue_months: int
    remaining_balance: float
    net_cost: float

    @classmethod
    def of(cls, plan: Any) -> RoundedPlan:
        t = plan.totals
        return cls(escalations=t.escalations, overdue_months=t.overdue_months,
                   remaining_balance=float(t.remaining_balance), net_cost=float(t.net_cost))

    def rank_key(self) -> tuple[int, int, Decimal, Decimal]:
        """As `Plan.rank_key()` (the figures are whole cents)."""
        return (self.escalations, self.overdue_months, Decimal(repr(self.remaining_balance)),
                Decimal(repr(self.net_cost)))


class Timings(_Report):
    build_seconds: float
    solve_seconds: float
    replay_seconds: float
    total_seconds: float


_TIMING_KEYS = ("build_seconds", "solve_seconds", "replay_seconds", "total_seconds")


class SolverReport(_Report):
    """`Plan.solver`: how the optimizer's plan was found."""

    name: str
    status: SolveStatus
    objective: Objective
    # The weighted objective's price of one overdue loan-month, so that whatever ranks plans
    # beside this one (the report's table) ranks them as the solver did. In the JSON only then.
    overdue_price: SignedMoney | None = None
    stages: list[StageResult]
    fell_back_to: str | None = None
    # Which plan is shown, and (when it is not the rounded optimum) the rounded optimum's
    # figures: a test counts a rounded optimum that loses to a heuristic. In the JSON only
    # when the plan shown is not the rounded optimum.
    chosen: PlanSource = PlanSource.ROUNDED
    rounded: RoundedPlan | None = None
    model: ModelSize
    replay_deviation: ReplayDeviation | None = None
    cash_values: list[float] | None = None  # per plan month: what one more unit of cash saves
    extra_cash: ExtraCash | None = None
    offers: list[OfferWorth] | None = None
    timings: Timings | None = None

    @property
    def proved(self) -> bool:
        return self.status == SolveStatus.OPTIMAL

    @property
    def timed_out(self) -> bool:
        """The safety cap, not the work limit, ended some step: the output may differ on another machine."""
        return self.status == SolveStatus.TIME_LIMIT

    def stage(self, name: Stage | str) -> StageResult | None:
        return next((s for s in self.stages if s.name == name), None)

    def without_timings(self) -> SolverReport:
        """The same report with no wall-clock figure: what every output shows by default."""
        stages = [s.model_copy(update={"seconds": None, "nodes": None}) for s in self.stages]
        return self.model_copy(update={"timings": None, "stages": stages})

    @model_validator(mode="before")
    @classmethod
    def _from_shape(cls, data: Any) -> Any:
        """The JSON shape `_shape` writes, read back: the flat timings and extra cash gathered again,
        no replay deviation written `{}`."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("replay_deviation") == {}:
            data["replay_deviation"] = None
        if "timings" not in data and any(key in data for key in _TIMING_KEYS):
            data["timings"] = {key: data.pop(key) for key in _TIMING_KEYS if key in data}
        if "extra_cash" not in data and "extra_monthly_to_clear" in data:
            data["extra_cash"] = {"amount": data.pop("extra_monthly_to_clear"),
                                  "cleared_by": data.pop("extra_monthly_cleared_by", None)}
        return data

    @model_serializer(mode="wrap")
    def _shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        timings = data.pop("timings", None) or {}
        extra = data.pop("extra_cash", None)
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("cash_values", "offers", "rounded", "overdue_price") and value is None:
                continue
            if key == "chosen" and value == PlanSource.ROUNDED:
                continue
            if key == "replay_deviation" and value is None:
                value = {}
            if key == "fell_back_to":
                out.update({k: timings[k] for k in ("build_seconds", "solve_seconds", "replay_seconds") if k in timings})
            if key == "offers" and extra is not None:
                out.update(_extra_shape(extra))
                extra = None
            out[key] = value
        if extra is not None:
            out.update(_extra_shape(extra))
        if "total_seconds" in timings:
            out["total_seconds"] = timings["total_seconds"]
        return out


def _extra_shape(extra: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"extra_monthly_to_clear": extra["amount"]}
    if extra.get("cleared_by") is not None:
        out["extra_monthly_cleared_by"] = extra["cleared_by"]
    return out


__all__ = [
    "NOT_COMPUTED",
    "AnnualCost",
    "ExtraCash",
    "ModelSize",
    "OfferWorth",
    "PlanSource",
    "ReplayDeviation",
    "RoundedPlan",
    "SolveStatus",
    "SolverReport",
    "StageResult",
    "StageStatus",
    "Timings",
    "Worth",
    "MONEY_RELATIVE_GAP",
    "ROUNDING_CENTS_PER_LOAN_MONTH",
    "stage_tolerance",
]
