"""The stable Python API: what `import debtopt` gives a budgeting app.

    import debtopt

    scenario = debtopt.load_scenario("examples/zhang-san.toml")   # or a dict of the file's fields
    plan = debtopt.simulate(scenario, strategy="snowball")
    best = debtopt.optimize(scenario, time_limit_seconds=10)
    table = debtopt.compare(scenario)                             # typed: plans, best, savings
    html = debtopt.render(best, scenario, format="html", lang="en")

Every function here is an edge-free wrapper over the layers (domain, strategies,
optimize, report): it checks its keyword arguments, raises only `DebtoptError`
children for anything a caller can get wrong, and returns pydantic models
(`plan.model_dump_json()` is the CLI's `--format json` data). docs/api.md is
the reference, with examples the tests run.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from .domain.load import load_scenario as _load_scenario
from .domain.load import scenario_from_dict
from .domain.plan import Plan
from .domain.scenario import Scenario
from .errors import FieldIssue, ScenarioError
from .strategies import run_heuristics, run_strategy

__all__ = [
    "Comparison",
    "Language",
    "Objective",
    "OBJECTIVES",
    "REPORT_FORMATS",
    "ReportFormat",
    "STRATEGIES",
    "Savings",
    "Strategy",
    "compare",
    "load_scenario",
    "optimize",
    "render",
    "scenario_schema",
    "simulate",
]

Strategy = Literal["minimum", "avalanche", "snowball", "balance-matching", "urgency", "custom"]
"""A strategy `simulate` follows: a built-in heuristic, or `custom` with an `order`."""

Objective = Literal["lexicographic", "cost", "weighted"]
"""What `optimize` minimises (see `optimize`)."""

ReportFormat = Literal["text", "markdown", "html", "json", "csv"]
"""Formats of `render`."""

Language = Literal["en", "zh"]
"""Languages of `render`."""

STRATEGIES: tuple[str, ...] = get_args(Strategy)
OBJECTIVES: tuple[str, ...] = get_args(Objective)
REPORT_FORMATS: tuple[str, ...] = get_args(ReportFormat)
_LANGUAGES: tuple[str, ...] = get_args(Language)

# The CLI's --time-limit lower bound: below it HiGHS cannot even start a stage.
MIN_TIME_LIMIT_SECONDS = 0.5


def _bad(path: str, message: str) -> ScenarioError:
    return ScenarioError([FieldIssue(path, message)])


# ---------------------------------------------------------------- scenarios
def load_scenario(source: str | os.PathLike[str] | Mapping[str, Any]) -> Scenario:
    """A validated `Scenario` from a .toml or .json file, or from a mapping of the file's fields.

    Raises `ScenarioError` whose `issues` name every field at fault
    (`issue.path` like ``loans[1].daily_rate``, `issue.message` with the fix).
    A path that does not exist or cannot be read is a `ScenarioError` too.
    """
    if isinstance(source, (str, os.PathLike)):
        return _load_scenario(os.fspath(source))
    # Anything else is data: a mapping is validated, and what is not one (a list parsed from
    # JSON, say) is a ScenarioError too, since it usually comes from the user.
    return scenario_from_dict(source)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files and dicts (what `debtopt schema` prints)."""
    schema: dict[str, Any] = Scenario.model_json_schema(by_alias=True)
    return schema


def _check_scenario(scenario: object) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise TypeError(
            f"scenario must be a debtopt.Scenario (from debtopt.load_scenario), not {type(scenario).__name__}"
        )
    return scenario


# ---------------------------------------------------------------- simulate
def simulate(scenario: Scenario, strategy: Strategy = "avalanche", order: Sequence[str] | None = None) -> Plan:
    """One heuristic's plan, month by month, as the ledger replays it.

    strategy: "minimum" (dues only), "avalanche" (dearest rate first),
    "snowball" (smallest balance first), "balance-matching" (extra in
    proportion to balances), "urgency" (closest to escalation first), or
    "custom" with `order`: loan ids, the one to pay first first.
    Raises `ScenarioError` (path "strategy" or "order") for an unknown
    strategy, an order without "custom", or an order naming a loan twice or
    a loan the scenario does not have.
    """
    scenario = _check_scenario(scenario)
    if strategy not in STRATEGIES:
        raise _bad("strategy", f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    if isinstance(order, str):
        raise _bad("order", "a sequence of loan ids, e.g. ['card', 'huabei'], not one string")
    if order is not None and strategy != "custom":
        raise _bad("order", "only used with strategy='custom'")
    ids = list(order) if order is not None else None
    if strategy == "custom":
        if not ids:
            raise _bad("order", "the custom strategy needs an order: loan ids, the one to pay first first")
        known = [loan.id for loan in scenario.loans]
        for loan_id in ids:
            if loan_id not in known:
                raise _bad("order", f"no loan {loan_id!r}; the loans are {', '.join(known)}")
            if ids.count(loan_id) > 1:
                raise _bad("order", f"{loan_id!r} is named twice; name each loan once")
    return run_strategy(scenario, strategy, ids)


# ---------------------------------------------------------------- optimize
def _check_options(objective: str, overdue_price: float | Decimal | None, max_consecutive_overdue: int | None,
                   time_limit_seconds: float) -> None:
    if objective not in OBJECTIVES:
        raise _bad("objective", f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}")
    if objective == "weighted" and overdue_price is None:
        raise _bad("overdue_price", "objective 'weighted' needs a price per overdue loan-month")
    if overdue_price is not None:
        if objective != "weighted":
            raise _bad("overdue_price", "only used with objective='weighted'")
        if isinstance(overdue_price, bool) or not isinstance(overdue_price, (int, float, Decimal)):
            raise _bad("overdue_price", "a number: what one overdue loan-month is worth")
        if not math.isfinite(float(overdue_price)) or overdue_price < 0:
            raise _bad("overdue_price", "must be a finite amount, 0 or more")
    if max_consecutive_overdue is not None and (
        isinstance(max_consecutive_overdue, bool) or not isinstance(max_consecutive_overdue, int)
        or max_consecutive_overdue < 0
    ):
        raise _bad("max_consecutive_overdue", "a whole number of months, 0 or more")
    if isinstance(time_limit_seconds, bool) or not isinstance(time_limit_seconds, (int, float)) or not (
        math.isfinite(time_limit_seconds) and time_limit_seconds >= MIN_TIME_LIMIT_SECONDS
    ):
        raise _bad("time_limit_seconds", f"seconds, at least {MIN_TIME_LIMIT_SECONDS}")


def _strip_timings(plan: Plan) -> Plan:
    if plan.solver is None:
        return plan
    return plan.model_copy(update={"solver": plan.solver.without_timings()})


def optimize(
    scenario: Scenario,
    *,
    objective: Objective = "lexicographic",
    overdue_price: float | Decimal | None = None,
    max_consecutive_overdue: int | None = None,
    solver: str = "highs",
    time_limit_seconds: float = 60.0,
    timings: bool = False,
    offer_worth: bool = True,
) -> Plan:
    """The optimal plan (`strategy == "optimal"`), never worse than a heuristic: `debtopt optimize`.

    objective: "lexicographic" (the contract's order: fewest escalations, then
    overdue loan-months, then what is still owed at the end, then net cost),
    "cost" (money alone) or "weighted" (net cost plus `overdue_price` per
    overdue loan-month; `overdue_price` is required then, and only then).
    max_consecutive_overdue: a hard limit on any loan's run of overdue months.
    solver: "highs" (in-process, the default), "cbc", or another PuLP solver.
    time_limit_seconds: for the whole solve; past it the best plan found is
    returned and `plan.solver.status` is "time_limit" (each stage's gap is
    in `plan.solver.stages`).
    timings: keep wall-clock seconds in `plan.solver` (off by default, as in
    the CLI, so the same input gives the same plan).
    offer_worth: with offers in the scenario, `plan.solver.offers` says for each
    its decision, its all-in annual cost and what it is worth: the optimum
    re-solved without it, against this one (one more solve per offer taken).

    Raises `ScenarioError` for a bad option (the issue's path is the keyword),
    `InfeasibleLimitError` when no plan meets `max_consecutive_overdue`, and
    `SolverError` for an unknown solver or a solver failure no heuristic covers.
    """
    from .optimize import optimize as _optimize

    scenario = _check_scenario(scenario)
    _check_options(objective, overdue_price, max_consecutive_overdue, time_limit_seconds)
    plan = _optimize(scenario, objective=objective, overdue_price=overdue_price,
                     max_consecutive_overdue=max_consecutive_overdue, solver=solver,
                     time_limit_seconds=float(time_limit_seconds), offer_worth=offer_worth)
    return plan if timings else _strip_timings(plan)


# ---------------------------------------------------------------- compare
SignedMoney = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Savings(BaseModel):
    """What the best plan saves against another strategy: that strategy's totals less the best plan's.

    Positive numbers are savings (fewer escalations, less cost); a negative
    cost means the best plan pays more money to keep accounts from escalating
    or overdue.
    """

    model_config = ConfigDict(frozen=True)

    escalations: int
    overdue_months: int
    remaining_balance: SignedMoney
    cost: SignedMoney
    net_cost: SignedMoney
    interest: SignedMoney
    penalty_interest: SignedMoney
    fees: SignedMoney


class Comparison(BaseModel):
    """Every strategy's plan side by side (`debtopt compare`), best first by the contract's order."""

    model_config = ConfigDict(frozen=True)

    currency: str
    plans: dict[str, Plan] = Field(description="by strategy name: 'optimal' first when it was run, then the heuristics")
    best: str = Field(description="the name of the best plan (escalations, overdue months, still owed, net cost)")
    savings: dict[str, Savings] = Field(description="for every other strategy: what the best plan saves against it")

    @property
    def best_plan(self) -> Plan:
        return self.plans[self.best]

    def ranking(self) -> list[str]:
        """Strategy names, best first (ties keep the order of `plans`)."""
        return sorted(self.plans, key=lambda name: self.plans[name].rank_key())


def _savings(other: Plan, best: Plan) -> Savings:
    o, b = other.totals, best.totals
    return Savings(
        escalations=o.escalations - b.escalations,
        overdue_months=o.overdue_months - b.overdue_months,
        remaining_balance=o.remaining_balance - b.remaining_balance,
        cost=o.cost - b.cost,
        net_cost=o.net_cost - b.net_cost,
        interest=o.interest - b.interest,
        penalty_interest=o.penalty_interest - b.penalty_interest,
        fees=o.fees - b.fees,
    )


def compare(
    scenario: Scenario,
    *,
    optimal: bool = True,
    objective: Objective = "lexicographic",
    overdue_price: float | Decimal | None = None,
    max_consecutive_overdue: int | None = None,
    solver: str = "highs",
    time_limit_seconds: float = 60.0,
    timings: bool = False,
) -> Comparison:
    """Every heuristic and, unless `optimal=False`, the optimum (`optimize`'s options), compared.

    `comparison.best` is the best plan's name ("optimal" whenever the
    optimizer ran: it is never worse than a heuristic), `comparison.savings`
    what it saves against each of the others. Raises as `optimize` does.
    """
    scenario = _check_scenario(scenario)
    plans: dict[str, Plan] = {}
    if optimal:
        plans["optimal"] = optimize(scenario, objective=objective, overdue_price=overdue_price,
                                    max_consecutive_overdue=max_consecutive_overdue, solver=solver,
                                    time_limit_seconds=time_limit_seconds, timings=timings, offer_worth=False)
    plans.update(run_heuristics(scenario))
    best = min(plans, key=lambda name: plans[name].rank_key())
    savings = {name: _savings(plan, plans[best]) for name, plan in plans.items() if name != best}
    return Comparison(currency=scenario.currency, plans=plans, best=best, savings=savings)


# ---------------------------------------------------------------- render
def report_data(plan: Plan, scenario: Scenario, lang: Language | None = None,
                time_limit_seconds: float | None = 60.0) -> dict[str, Any]:
    """The full report of `plan` as data (what `render(..., format="json")` prints, before the sentences).

    The same sections as `debtopt report` (report/analysis.py's
    `build_report`), but explaining the plan given rather than choosing one.
    The what-ifs (the budget 10 % up and down) run the optimizer when `plan`
    is an optimizer's plan, with a third of `time_limit_seconds` each.
    """
    from .analysis.report_data import build_report_data

    limit = 5.0 if time_limit_seconds is None else min(5.0, time_limit_seconds / 3)
    return build_report_data(scenario, plan, lang=lang or scenario.language,
                             time_limit_seconds=max(1.0, limit)).model_dump(mode="json")


def _check_plan_of(plan: Plan, scenario: Scenario) -> None:
    """A plan of this scenario: same currency, same first month, the same loans open in it."""
    first = plan.months[0] if plan.months else None
    same = (
        plan.currency == scenario.currency
        and first is not None
        and first.date == scenario.start
        and [lm.id for lm in first.loans] == [loan.id for loan in scenario.loans]
    )
    if not same:
        raise _bad("plan", "this plan is not one of this scenario's (its currency, start or loans differ)")


def render(
    plan: Plan,
    scenario: Scenario,
    *,
    format: ReportFormat = "text",
    lang: Language | None = None,
    time_limit_seconds: float | None = 60.0,
) -> str:
    """The full report of `plan` (from `simulate` or `optimize` on `scenario`) as a string.

    format: "text" (plain, 120 columns), "markdown", "html" (one self-contained
    page, charts inline as SVG), "json" (the plan's JSON plus explanations and
    the report's sections) or "csv" (one row per month and loan, with reasons).
    lang: "en" or "zh"; by default the scenario's `language`.
    The scenario is needed for what a plan does not carry: loan names, lenders
    and terms (for the reasons and the lenders' letters).
    time_limit_seconds: for the optimizer's what-ifs when `plan` is optimal.
    Raises `ScenarioError` (path "format" or "lang") for an unknown choice.
    """
    from .report.render import render as _render

    scenario = _check_scenario(scenario)
    if not isinstance(plan, Plan):
        raise TypeError(f"plan must be a debtopt.Plan, not {type(plan).__name__}")
    if format not in REPORT_FORMATS:
        raise _bad("format", f"unknown format {format!r}; choose one of {', '.join(REPORT_FORMATS)}")
    if lang is not None and lang not in _LANGUAGES:
        raise _bad("lang", f"unknown language {lang!r}; choose one of {', '.join(_LANGUAGES)}")
    _check_plan_of(plan, scenario)
    language = lang or scenario.language
    from .analysis.report_data import build_report_data

    limit = 5.0 if time_limit_seconds is None else min(5.0, time_limit_seconds / 3)
    doc = build_report_data(scenario, plan, lang=language, time_limit_seconds=max(1.0, limit))
    svgs = None
    if format == "html":
        from .report.charts import inline_svgs

        svgs = inline_svgs(doc)
    return _render(doc, format, language, svgs=svgs)

