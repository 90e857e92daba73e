"""The one service under every edge: what `import debtopt` gives a budgeting app, and what the CLI,
the HTTP service and the batch runner call.

    import debtopt

    scenario = debtopt.load_scenario("examples/zhang-san.toml")   # or a dict of the file's fields
    plan = debtopt.simulate(scenario, strategy="snowball")
    best = debtopt.optimize(scenario, time_limit_seconds=10)
    table = debtopt.compare(scenario)                             # typed: plans, best, savings
    html = debtopt.render(best, scenario, format="html", lang="en")

The names in `__all__` are the stable public API (re-exported by `debtopt`,
documented in docs/api.md with examples the tests run). The other public
functions here are the service's face to the edges (`cli`, `server`, `batch`):
reading scenario text, formatting plans and comparisons, the full report with
its charts and letters, the bundled examples. The edges call nothing else.

The layers below the domain load when a function first needs them, so that
`debtopt validate` loads neither the ledger nor a solver.

Every function checks its options once, through `domain/options.py`: a bad
option is an `OptionError` naming the parameter as spelled here; a scenario
that is not valid is a `ScenarioError`. Results are pydantic models
(`plan.model_dump_json()` is the CLI's `--format json` data).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from .domain import choices
from .domain.actual import Actual
from .domain.choices import OPTIMAL, PlanFormat, values
from .domain.load import load_scenario as _load_scenario
from .domain.load import parse_scenario, read_scenario_data, scenario_from_dict
from .domain.money import format_money, to_cents
from .domain.options import (DEFAULT_MAX_NODES, ReportOptions, SolveOptions, report_options, simulate_options,
                             solve_options)
from .domain.plan import Plan, Take
from .domain.scenario import Scenario
from .errors import FieldIssue, OptionError, OutputError, ScenarioError

if TYPE_CHECKING:
    from .analysis.document import ReportData
    from .analysis.runner import Run

__all__ = [
    "CheckinResult",
    "Comparison",
    "Correction",
    "Language",
    "Objective",
    "OBJECTIVES",
    "REPORT_FORMATS",
    "ReportFormat",
    "STRATEGIES",
    "Savings",
    "Strategy",
    "checkin",
    "compare",
    "load_scenario",
    "optimize",
    "render",
    "scenario_schema",
    "simulate",
]

# ---------------------------------------------------------------- the choices
# The closed sets are domain/choices.py's enums. A type checker needs them as Literal types to catch
# `strategy="avalance"` in a client's code; tests/test_public_api.py checks each Literal against its enum.
Strategy = Literal["minimum", "avalanche", "snowball", "balance-matching", "urgency", "custom"]
"""A strategy `simulate` follows: a built-in heuristic, or `custom` with an `order`."""

Objective = Literal["lexicographic", "cost", "weighted"]
"""What `optimize` minimises (see `optimize`)."""

ReportFormat = Literal["text", "markdown", "html", "json", "csv"]
"""Formats of `render`."""

Language = Literal["en", "zh"]
"""Languages of `render`."""

STRATEGIES: tuple[str, ...] = values(choices.Strategy)
OBJECTIVES: tuple[str, ...] = values(choices.Objective)
REPORT_FORMATS: tuple[str, ...] = values(choices.ReportFormat)
EXAMPLES: tuple[str, ...] = ("zhang-san", "us-cards", "us-consolidation")


def preload() -> None:
    """Import what solves and reports need now, not at the first request (long-lived workers call it).

    The charts (matplotlib) are left out: only HTML reports and `--charts` draw them, and they load
    when first needed.
    """
    from .analysis import report_data  # noqa: F401
    from .optimize import optimize as _optimize  # noqa: F401
    from .report import render, solver_text, tabular, text  # noqa: F401


def preload_charts() -> None:
    """Import the charts' plotting library (matplotlib) now."""
    from .report.charts import plotting

    plotting()


def _check_scenario(scenario: object) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise TypeError(
            f"scenario must be a debtopt.Scenario (from debtopt.load_scenario), not {type(scenario).__name__}"
        )
    return scenario


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


def scenario_from_fields(fields: Mapping[str, Any], source: str | None = None) -> Scenario:
    """`load_scenario` of fields already read, with messages naming the input as `source` (a file name, `line 7`)."""
    return scenario_from_dict(fields, source)


def read_scenario_fields(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The raw fields of a .toml or .json scenario file, checked for form, not yet validated; ScenarioError."""
    return read_scenario_data(os.fspath(path))


def scenario_fields(text: str | bytes, source: str | None = None) -> dict[str, Any]:
    """The raw fields of a scenario sent as JSON text (an HTTP body, a line of a JSONL file), not yet validated.

    Raises `ScenarioError` naming the line and column for text that is not
    UTF-8, not JSON, too large, nested too deeply, or not one JSON object.
    """
    return parse_scenario(text, "json", source)


def summarize(scenario: Scenario) -> str:
    """One line for `debtopt validate`: "valid. 3 loans, ¥17,000.00 owed, 24 months from 2027-01."."""
    scenario = _check_scenario(scenario)
    owed = sum(to_cents(loan.balance) for loan in scenario.loans)
    loans = len(scenario.loans)
    return (f"valid. {loans} loan{'s' if loans != 1 else ''}, {format_money(owed, scenario.currency)} owed, "
            f"{scenario.horizon_months} months from {scenario.start}.")


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files and dicts (what `debtopt schema` prints)."""
    schema: dict[str, Any] = Scenario.model_json_schema(by_alias=True)
    return schema


def example_text(name: str) -> str:
    """The TOML of a bundled example scenario (`debtopt example NAME`); OptionError for an unknown name."""
    from importlib import resources

    if name not in EXAMPLES:
        raise OptionError([FieldIssue("name", f"no example {name!r}; choose one of {', '.join(EXAMPLES)}")])
    return resources.files("debtopt").joinpath("examples", f"{name}.toml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- simulate
def _takes(scenario: Scenario, takes: Sequence[Take | str]) -> list[Take]:
    """Decisions on offers: `Take`s as they are, texts `OFFER:MONTH[:AMOUNT]` parsed against the scenario."""
    from .strategies import parse_takes

    if isinstance(takes, str):
        raise OptionError([FieldIssue("takes", "a sequence of decisions, e.g. ['mum:2027-02:15000'], not one string")])
    texts = [take for take in takes if isinstance(take, str)]
    if not texts:
        return [take for take in takes if not isinstance(take, str)]
    parsed = iter(parse_takes(scenario, texts))
    return [next(parsed) if isinstance(take, str) else take for take in takes]


def simulate(scenario: Scenario, strategy: Strategy = "avalanche", order: Sequence[str] | None = None, *,
             takes: Sequence[Take | str] = ()) -> Plan:
    """One heuristic's plan, month by month, as the ledger replays it.

    strategy: "minimum" (dues only), "avalanche" (dearest rate first),
    "snowball" (smallest balance first), "balance-matching" (extra in
    proportion to balances), "urgency" (closest to escalation first), or
    "custom" with `order`: loan ids, the one to pay first first.
    takes (with "custom"): the offers the plan takes, as `OFFER:MONTH[:AMOUNT]`
    (MONTH as YYYY-MM or a plan month number), e.g. "mum:2027-02:15000".
    Raises `OptionError` (path "strategy", "order" or "takes") for an unknown
    strategy, an order without "custom", or an order naming a loan twice or
    a loan the scenario does not have.
    """
    from .strategies import run_strategy

    scenario = _check_scenario(scenario)
    options = simulate_options(scenario, strategy=strategy, order=order, takes=_takes(scenario, takes))
    order_ids = list(options.order) if options.order is not None else None
    return run_strategy(scenario, options.strategy.value, order_ids, options.takes)


def heuristic_plans(scenario: Scenario, names: Sequence[str] | None = None, *,
                    with_months: bool = True) -> dict[str, Plan]:
    """Built-in heuristics' plans (all by default), each from the very ledger run that stepped it.

    The same figures as `simulate`, which proposes a schedule and replays it
    (a second ledger pass; tests check they agree): the batch runs many
    scenarios and saves that pass. `with_months=False` builds the totals only.
    """
    from .ledger import Ledger, plan_from_run
    from .strategies import HEURISTICS

    scenario = _check_scenario(scenario)
    chosen = list(HEURISTICS) if names is None else list(names)
    for name in chosen:
        if name not in HEURISTICS:
            raise OptionError([FieldIssue("strategies", f"unknown heuristic {name!r}; "
                                                        f"choose from {', '.join(HEURISTICS)}")])
    ledger = Ledger(scenario)  # compiled once, shared by the heuristics
    plans = {}
    for name in chosen:
        decide = HEURISTICS[name]
        run = ledger.start()
        while not run.finished:
            statement = run.open_month()
            run.settle(decide(run, statement))
        plans[name] = plan_from_run(run, name, with_months)
    return plans


# ---------------------------------------------------------------- optimize
@dataclass(frozen=True)
class _Solving:
    """How this call's solves run: what it tells the caller as it goes, and how many worker
    processes may run its independent re-solves (offer worth, what-ifs) side by side."""

    progress: Callable[[str], None] | None = None
    workers: int = 1


_SOLVING: ContextVar[_Solving] = ContextVar("debtopt_solving", default=_Solving())


@contextmanager
def solving(progress: Callable[[str], None] | None = None, workers: int = 1) -> Iterator[None]:
    """Within it, `optimize`, `compare` and `explain` say each step to `progress` (a short English
    phrase: "solving", "what each offer is worth (3 re-solves)") and run their independent
    re-solves in up to `workers` processes (results in the same order, so the same output
    whichever finishes first). The CLI uses it on a terminal; library calls run in-process."""
    token = _SOLVING.set(_Solving(progress, workers))
    try:
        yield
    finally:
        _SOLVING.reset(token)


def _say(step: str) -> None:
    progress = _SOLVING.get().progress
    if progress is not None:
        progress(step)


@contextmanager
def _resolves(expected: int) -> Iterator[Run]:
    """How the re-solves of this call run: in worker processes (started now, so that they load while
    the plan is solved) when `solving` allows more than one and `expected` re-solves may follow."""
    from .analysis.runner import serial

    workers = min(_SOLVING.get().workers, expected)
    if workers < 2:
        yield serial
        return
    from .processes import ProcessRun, can_start_workers

    if not can_start_workers():
        yield serial
        return
    run = ProcessRun(workers)
    try:
        yield run
    except BaseException:  # an error or Ctrl-C: the re-solves still running are of no use
        run.close(abandon=True)
        raise
    run.close()


def _solve(scenario: Scenario, options: SolveOptions, run: Run | None = None, starts: Sequence[Plan] = (),
           then: Callable[[Plan], None] | None = None) -> Plan:
    """The optimizer's plan for validated options: every optimize of the service goes through here.
    Then what the analyses add to it: the extra cash that clears debt left at the horizon, and
    (with `options.offer_worth`) what each offer is worth, its re-solves through `run`. `starts`:
    plans it must not lose to (a user's own). `then`: called with the plan before the offers'
    re-solves (the report starts its what-ifs there, to run beside them). `options.time_limit_seconds`
    caps the whole call, analyses included."""
    from .analysis.cash import with_extra_cash
    from .analysis.offer_worth import with_offer_worth
    from .optimize import optimize as _optimize

    deadline = time.perf_counter() + options.time_limit_seconds
    if run is None and options.offer_worth and len(scenario.offers) > 1:
        with _resolves(len(scenario.offers)) as pool:
            return _solve(scenario, options, pool, starts, then)
    _say("solving")
    plan = with_extra_cash(scenario, _optimize(scenario, options, starts=starts), options, deadline)
    if then is not None:
        then(plan)
    if not options.offer_worth:
        return plan
    taken = len(plan.decisions)
    if taken:
        _say(f"what each offer is worth ({taken} re-solve{'s' if taken != 1 else ''})")
    return with_offer_worth(scenario, plan, options, deadline, run or _serial())


def _serial() -> Run:
    from .analysis.runner import serial

    return serial


def _shown(plan: Plan, options: SolveOptions) -> Plan:
    """Wall-clock seconds differ run to run; the same input gives the same plan unless `timings` asks for them."""
    if options.timings or plan.solver is None:
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
    max_nodes: int = DEFAULT_MAX_NODES,
    timings: bool = False,
    offer_worth: bool = True,
) -> Plan:
    """The optimal plan (`strategy == "optimal"`), never worse than a heuristic: `debtopt optimize`.

    objective: "lexicographic" (the contract's order: fewest escalations, then
    overdue loan-months, then what is still owed at the end, then net cost),
    "cost" (money alone) or "weighted" (net cost plus `overdue_price` per
    overdue loan-month; `overdue_price` is required then, and only then).
    max_consecutive_overdue: a hard limit on any loan's run of overdue months.
    solver: "highs" (in-process, the default), "pulp-highs" or "cbc".
    max_nodes: the work limit, branch-and-bound nodes per solver call: every
    solve is bounded by it, so the same input and options give the same plan
    on any machine; a stage not proved within it leaves `plan.solver.status`
    "work_limit" (each stage's gap is in `plan.solver.stages`).
    time_limit_seconds: a safety cap on the whole call (offer worth and the
    extra-cash search included); when it, not the work limit, stops a step,
    `plan.solver.status` is "time_limit" and a note says the plan may differ
    on another machine.
    timings: keep wall-clock seconds in `plan.solver` (off by default, as in
    the CLI, so the same input gives the same plan).
    offer_worth: with offers in the scenario, `plan.solver.offers` says for each
    its decision, its all-in annual cost and what it is worth: the optimum
    re-solved without it, against this one (one more solve per offer taken).

    Raises `OptionError` for a bad option (the issue's path is the keyword),
    `InfeasibleLimitError` when no plan meets `max_consecutive_overdue`, and
    `SolverError` for a solver failure no heuristic covers.
    """
    scenario = _check_scenario(scenario)
    options = solve_options(objective=objective, overdue_price=overdue_price,
                            max_consecutive_overdue=max_consecutive_overdue, solver=solver,
                            time_limit_seconds=time_limit_seconds, max_nodes=max_nodes, timings=timings,
                            offer_worth=offer_worth)
    return _shown(_solve(scenario, options), options)


# ---------------------------------------------------------------- compare
SignedMoney = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Savings(BaseModel):
    """What the best plan saves against another strategy: that strategy's totals less the best plan's.

    Positive numbers are savings (fewer escalations, less cost); a negative
    cost means the best plan pays more money to keep accounts from escalating
    or overdue.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)  # built when first used, not at import

    escalations: int
    overdue_months: int
    remaining_balance: SignedMoney
    cost: SignedMoney
    net_cost: SignedMoney
    interest: SignedMoney
    penalty_interest: SignedMoney
    fees: SignedMoney


class Comparison(BaseModel):
    """Every strategy's plan side by side (`debtopt compare`), best first in the order of `objective`
    (the contract's by default; "cost": what is still owed, then net cost; "weighted": with
    `overdue_price` per overdue loan-month)."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built when first used, not at import

    currency: str
    plans: dict[str, Plan] = Field(description="by strategy name: 'optimal' first when it was run, then the heuristics")
    best: str = Field(description="the name of the best plan in the objective's order (lexicographic: "
                                  "escalations, overdue months, still owed, net cost)")
    savings: dict[str, Savings] = Field(description="for every other strategy: what the best plan saves against it")
    objective: Objective = Field(default="lexicographic", description="the order the plans are ranked in")
    overdue_price: SignedMoney | None = Field(default=None, description="objective 'weighted': per overdue loan-month")

    @property
    def best_plan(self) -> Plan:
        return self.plans[self.best]

    def rank(self) -> Callable[[Plan], tuple[object, ...]]:
        """The key plans are ranked by: the objective's order (domain/ranking.py)."""
        from .domain.ranking import rank_by

        return rank_by(self.objective, self.overdue_price)

    def ranking(self) -> list[str]:
        """Strategy names, best first in the objective's order (ties keep the order of `plans`)."""
        rank = self.rank()
        return sorted(self.plans, key=lambda name: rank(self.plans[name]))


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
    max_nodes: int = DEFAULT_MAX_NODES,
    timings: bool = False,
    order: Sequence[str] | None = None,
    takes: Sequence[Take | str] = (),
) -> Comparison:
    """Every heuristic and, unless `optimal=False`, the optimum (`optimize`'s options), compared.

    order, takes: the borrower's own plan (`simulate`'s "custom" strategy), as
    the row "custom". `comparison.best` is the best plan's name ("optimal"
    whenever the optimizer ran: it is never worse than a heuristic),
    `comparison.savings` what it saves against each of the others. The plans are
    ranked in the order of `objective` (with or without the optimizer): "cost"
    by what is still owed, then net cost. Raises as `optimize` and `simulate` do.
    """
    from .domain.ranking import rank_by
    from .strategies import run_heuristics

    scenario = _check_scenario(scenario)
    if takes and order is None:
        raise OptionError([FieldIssue("takes", "the offers of your own plan: give its order too")])
    options = None
    if optimal:  # checked before any work, so a bad option costs nothing
        options = solve_options(objective=objective, overdue_price=overdue_price,
                                max_consecutive_overdue=max_consecutive_overdue, solver=solver,
                                time_limit_seconds=time_limit_seconds, max_nodes=max_nodes, timings=timings,
                                offer_worth=False)
    ranked_by = options or solve_options(objective=objective, overdue_price=overdue_price, offer_worth=False)
    plans: dict[str, Plan] = {}
    custom = simulate(scenario, choices.Strategy.CUSTOM.value, order, takes=takes) if order is not None else None
    if options is not None:
        # the user's own plan is a start the optimizer must beat (or show): never a cent better than "optimal"
        plans[OPTIMAL] = _shown(_solve(scenario, options, starts=[custom] if custom is not None else []), options)
    plans.update(run_heuristics(scenario))
    if custom is not None:
        plans[choices.Strategy.CUSTOM.value] = custom
    rank = rank_by(ranked_by.objective, ranked_by.overdue_price)
    best = min(plans, key=lambda name: rank(plans[name]))
    savings = {name: _savings(plan, plans[best]) for name, plan in plans.items() if name != best}
    return Comparison(currency=scenario.currency, plans=plans, best=best, savings=savings,
                      objective=ranked_by.objective.value, overdue_price=ranked_by.overdue_price)


# ---------------------------------------------------------------- options checked before any work
Command = Literal["simulate", "optimize", "compare", "report"]


def check_options(command: Command, scenario: Scenario, **keywords: Any) -> None:
    """Raise the `OptionError` that `command(scenario, **keywords)` would raise, without doing its work.

    `format` (and `lang`) are the output's (`format_plan`'s, or the report's). The HTTP
    service checks a request's options with its scenario before it queues the
    request for a solver.
    """
    scenario = _check_scenario(scenario)
    given = dict(keywords)
    fmt = given.pop("format", None)
    if command == "report":
        report_options(scenario, **({"format": fmt} if fmt is not None else {}), **given)
        return
    if fmt is not None:
        _plan_format(fmt)
    report_options(lang=given.pop("lang", None))  # the language of the text output
    if command == "simulate":
        simulate_options(scenario, **given)
    elif command == "optimize":
        solve_options(**given)
    elif command == "compare":
        if given.pop("optimal", True):
            solve_options(**given, offer_worth=False)
        else:  # without the optimizer only its objective is used (to rank the plans), as in `compare`
            solve_options(objective=given.get("objective", choices.Objective.LEXICOGRAPHIC),
                          overdue_price=given.get("overdue_price"), offer_worth=False)
    else:
        raise OptionError([FieldIssue("command", f"unknown command {command!r}")])


# ---------------------------------------------------------------- plans and comparisons as text
def _plan_format(format: str) -> PlanFormat:
    if format not in values(PlanFormat):
        raise OptionError([FieldIssue("format", f"unknown format {format!r}; "
                                                f"choose one of {', '.join(values(PlanFormat))}")])
    return PlanFormat(format)


def format_plan(plan: Plan, scenario: Scenario, format: str = PlanFormat.TEXT, *, color: bool = False,
                lang: str | None = None) -> str:
    """A plan as `simulate`/`optimize` print it: JSON, CSV, or text in `lang` (default the scenario's), which
    opens with what to do this month and the next and ends with how the solve went."""
    from .analysis.report_data import build_report_data
    from .report.solver_text import solver_to_text
    from .report.tabular import plan_to_csv, plan_to_json
    from .report.text import plan_to_text

    fmt = _plan_format(format)
    if fmt == PlanFormat.JSON:
        return plan_to_json(plan)
    if fmt == PlanFormat.CSV:
        return plan_to_csv(plan)
    scenario = _check_scenario(scenario)
    language = report_options(lang=lang).lang or scenario.language
    doc = build_report_data(scenario, plan, lang=language, sections=frozenset())  # the actions; no re-solves
    return plan_to_text(plan, scenario, color=color, lang=language, doc=doc) + solver_to_text(plan, lang=language)


def format_comparison(comparison: Comparison, scenario: Scenario, format: str = PlanFormat.TEXT, *,
                      color: bool = False, lang: str | None = None) -> str:
    """A comparison as `compare` prints it: text in `lang` (default the scenario's), JSON (totals, best, what
    the optimum saves) or CSV."""
    from .report.tabular import comparison_to_csv, comparison_to_json
    from .report.text import comparison_to_text

    fmt = _plan_format(format)
    if fmt == PlanFormat.JSON:
        return comparison_to_json(scenario, comparison.plans, comparison.best, comparison.rank())
    if fmt == PlanFormat.CSV:
        return comparison_to_csv(comparison.plans)
    language = report_options(lang=lang).lang or scenario.language
    return comparison_to_text(scenario, comparison.plans, comparison.best, color=color, lang=language,
                              objective=comparison.objective, overdue_price=comparison.overdue_price)


# ---------------------------------------------------------------- the report
@dataclass(frozen=True)
class Report:
    """A plan explained (`debtopt report`): the report document, and its renderings, charts and letters."""

    doc: ReportData

    def text(self, format: str = choices.ReportFormat.TEXT, *, color: bool = False,
             chart_files: Mapping[str, str] | None = None) -> str:
        """The report in one format; Markdown links `chart_files` (chart key -> path), HTML embeds its charts."""
        from .report.render import render as _render

        fmt = report_options(format=format).format
        svgs = None
        if fmt == choices.ReportFormat.HTML:
            from .report.charts import inline_svgs

            svgs = inline_svgs(self.doc)
        return _render(self.doc, fmt.value, self.doc.language, color=color and fmt == choices.ReportFormat.TEXT,
                       svgs=svgs, chart_files=chart_files)

    def save_charts(self, folder: str | os.PathLike[str], chart_format: str = choices.ChartFormat.SVG) -> list[str]:
        """Write each chart, its legend drawn in, to FOLDER/KEY.FORMAT; the file names. OutputError if it cannot."""
        from pathlib import Path

        from .report.charts import save_charts
        from .report.words import Words

        fmt = report_options(chart_format=chart_format).chart_format.value
        try:
            return list(save_charts(self.doc, Words(self.doc).names, Path(folder), fmt).values())
        except OSError as exc:
            raise OutputError(os.fspath(folder), f"cannot write the charts there: {exc.strerror}", "charts") from None

    def letters(self) -> dict[str, str]:
        """Each letter as Markdown, in Chinese and in English: {"letter-weilidai.zh.md": text, ...}."""
        from .report.render import letter_files

        return letter_files(self.doc)


def _report(scenario: Scenario, options: ReportOptions) -> Report:
    """The report of the best plan: the optimizer's, or with `heuristics_only` the best heuristic's (the
    borrower's own order among them)."""
    from .analysis.report_data import build_report_data
    from .strategies import run_heuristics

    began = time.perf_counter()
    order = list(options.order) if options.order is not None else None
    habits = None
    if options.heuristics_only:
        habits = run_heuristics(scenario)
        if order:
            habits[choices.Strategy.CUSTOM.value] = simulate(scenario, choices.Strategy.CUSTOM.value, order)
        plan = min(habits.values(), key=lambda p: p.rank_key())
        left = options.time_limit_seconds - (time.perf_counter() - began)
        return Report(build_report_data(scenario, plan, lang=options.lang or scenario.language, order=order,
                                        heuristics=habits, time_limit_seconds=left))
    from .analysis.whatif import StartedWhatIfs, start_what_ifs

    solve = solve_options(time_limit_seconds=options.time_limit_seconds)
    started: list[StartedWhatIfs] = []
    with _resolves(len(scenario.offers) + 2) as run:  # each offer's worth, the two what-ifs

        def start_whatifs(plan: Plan) -> None:  # queued before the offers' re-solves: they all run side by side
            left = options.time_limit_seconds - (time.perf_counter() - began)  # one cap for the whole report
            started.append(start_what_ifs(scenario, plan, order or [], left, options=solve, run=run))

        plan = _solve(scenario, solve, run, then=start_whatifs)
        _say("the report's what-ifs")
        left = options.time_limit_seconds - (time.perf_counter() - began)
        doc = build_report_data(scenario, plan, lang=options.lang or scenario.language, order=order,
                                time_limit_seconds=left, options=solve, run=run,
                                started=started[0] if started else None)
    return Report(doc)


def explain(scenario: Scenario, *, lang: Language | None = None, order: Sequence[str] | None = None,
            heuristics_only: bool = False, time_limit_seconds: float = 60.0) -> Report:
    """The full report of the best plan (the optimizer's, or the best heuristic's): `debtopt report`.

    order: your own order of loans, compared with the others and used for the
    borrowing section. time_limit_seconds: a safety cap on the whole report (the
    plan's solve, then the what-ifs' and the borrowing search's re-solves, each
    bounded by work; a step it stops is said so, or left out).
    """
    scenario = _check_scenario(scenario)
    options = report_options(scenario, lang=lang, order=order, heuristics_only=heuristics_only,
                             time_limit_seconds=time_limit_seconds)
    return _report(scenario, options)


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
        raise OptionError([FieldIssue("plan", "this plan is not one of this scenario's "
                                              "(its currency, start or loans differ)")])


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
    page, charts inline as SVG), "json" (the report document: the plan, what
    to do, why each payment, the comparisons, letters) or "csv" (one row per
    month and loan, with reasons).
    lang: "en" or "zh"; by default the scenario's `language`.
    The scenario is needed for what a plan does not carry: loan names, lenders
    and terms (for the reasons and the lenders' letters).
    time_limit_seconds: a safety cap on the what-ifs' and the borrowing search's
    re-solves together when `plan` is optimal (each is bounded by work).
    Raises `OptionError` (path "format", "lang" or "plan") for an unknown choice
    or a plan of another scenario.
    """
    from .analysis.report_data import build_report_data

    scenario = _check_scenario(scenario)
    if not isinstance(plan, Plan):
        raise TypeError(f"plan must be a debtopt.Plan, not {type(plan).__name__}")
    keywords: dict[str, Any] = {"format": format, "lang": lang}
    if time_limit_seconds is not None:
        keywords["time_limit_seconds"] = time_limit_seconds
    options = report_options(scenario, **keywords)
    _check_plan_of(plan, scenario)
    doc = build_report_data(scenario, plan, lang=options.lang or scenario.language,
                            time_limit_seconds=options.time_limit_seconds)
    return Report(doc).text(options.format.value)


def report(scenario: Scenario, *, format: ReportFormat = "text", lang: Language | None = None,
           order: Sequence[str] | None = None, heuristics_only: bool = False,
           time_limit_seconds: float = 60.0) -> str:
    """`explain(...)` rendered in one format (what the HTTP service's /v1/report answers)."""
    report_options(format=format)  # a bad format costs no solve
    return explain(scenario, lang=lang, order=order, heuristics_only=heuristics_only,
                   time_limit_seconds=time_limit_seconds).text(format)


# ---------------------------------------------------------------- other tools' files (export, import)
EXPORT_FORMATS: tuple[str, ...] = ("ics", "beancount", "csv")


def load_plan(source: str | os.PathLike[str] | Mapping[str, Any]) -> Plan:
    """A plan read back from its JSON (what `simulate`/`optimize --format json` wrote); `InputError` otherwise."""
    from .domain.plan_file import load_plan as _load_plan

    return _load_plan(source)


def check_export_options(format: str, cash_account: str | None = None) -> None:
    """The `OptionError` `export_plan` would raise for these options, before any file is read."""
    if format not in EXPORT_FORMATS:
        raise OptionError([FieldIssue("format", f"unknown format {format!r}; "
                                                f"choose one of {', '.join(EXPORT_FORMATS)}")])
    if format == "beancount" and cash_account is not None:
        from .export.beancount import check_cash_account

        if problem := check_cash_account(cash_account):
            raise OptionError([FieldIssue("cash_account", problem)])


def export_plan(plan: Plan, scenario: Scenario | None = None, *, format: str, source: str | None = None,
                lang: str | None = None, cash_account: str | None = None, open_accounts: bool = True) -> str:
    """A plan's payments in another tool's format: "ics" (a calendar), "beancount" (forecast transactions) or
    "csv" (a YNAB / Actual import). With its scenario, the plan is first replayed through the ledger."""
    from .export import plan_payments, plan_to_beancount, plan_to_budget_csv, plan_to_ics
    from .export.beancount import DEFAULT_CASH_ACCOUNT

    check_export_options(format, cash_account)
    account = cash_account or DEFAULT_CASH_ACCOUNT
    payments = plan_payments(plan, scenario, source=source, language=lang)
    if format == "ics":
        return plan_to_ics(payments)
    if format == "beancount":
        return plan_to_beancount(payments, cash_account=account, open_accounts=open_accounts)
    return plan_to_budget_csv(payments)


def import_ledger(path: str | os.PathLike[str], *, start: str | None = None, budget: str | None = None,
                  horizon_months: int | None = None) -> Any:
    """The scenario a beancount ledger describes: an `ImportResult` (the TOML, and the notes of what was assumed)."""
    from .importing import import_ledger as _import_ledger

    return _import_ledger(path, start=start, budget=budget, horizon_months=horizon_months)


def import_statement(path: str | os.PathLike[str], column_map: str, loan_id: str, scenario: Scenario, *,
                     actual: str | os.PathLike[str] | None = None, payments_negative: bool = True,
                     match: str | None = None, through: str | None = None, encoding: str = "utf-8-sig",
                     date_format: str | None = None) -> Any:
    """A lender's CSV statement as the loan's payments in an actual file: an `ImportResult`.

    column_map: "date=COL,amount=COL,description=COL[,balance=COL]" (the header's names).
    """
    from .importing import import_statement as _import_statement
    from .importing import parse_column_map

    return _import_statement(path, parse_column_map(column_map), loan_id, _check_scenario(scenario), actual=actual,
                             payments_negative=payments_negative, match=match, through=through, encoding=encoding,
                             date_format=date_format)


# ---------------------------------------------------------------- checkin
class Correction(BaseModel):
    """A lender's statement that differs from the ledger after a month: `amount` is the statement less the ledger."""

    model_config = ConfigDict(frozen=True)

    loan: str
    month: str
    field: Literal["balance", "arrears"]
    ledger: SignedMoney
    statement: SignedMoney
    amount: SignedMoney


class CheckinResult(BaseModel):
    """What `checkin` found and what it carries forward (checkin.md).

    `scenario` is the next scenario (validated; `scenario_text` is its TOML file),
    `passed` the months given as the ledger replayed them, `corrections` what the
    statements changed, `notes` what no scenario field could hold exactly. Given the
    plan followed, `against_plan` says what happened differently from it; with
    `replan`, `plan` is the next scenario's plan and `changes` what changed against
    the old plan's remaining months, and why.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    scenario: Scenario
    scenario_text: str
    passed: Plan
    corrections: list[Correction]
    notes: list[str]
    against_plan: list[Any] = Field(default_factory=list)  # analysis.checkin.Cause, month by month
    plan: Plan | None = None
    changes: Any = None  # analysis.checkin.Changes: what the old plan's remaining months became, and why


def _load_actual(actual: object, scenario: Scenario) -> Actual:
    from .domain.actual import load_actual

    if isinstance(actual, Actual):
        return actual
    if isinstance(actual, (str, os.PathLike, Mapping)):
        return load_actual(actual, scenario)
    raise TypeError(f"actual must be a path, a mapping of the actual file's fields or an Actual, not "
                    f"{type(actual).__name__}")


def _load_plan(plan: object) -> Plan | None:
    from .domain.plan_file import load_plan

    if plan is None or isinstance(plan, Plan):
        return plan
    if isinstance(plan, (str, os.PathLike, Mapping)):
        return load_plan(plan)
    raise TypeError(f"plan must be a path, a mapping of a plan's JSON or a Plan, not {type(plan).__name__}")


PathOrData = str | os.PathLike[str] | Mapping[str, Any]


def checkin(
    scenario: Scenario,
    actual: PathOrData | Actual,
    *,
    plan: PathOrData | Plan | None = None,
    replan: bool = False,
    time_limit_seconds: float = 60.0,
    offer_worth: bool = False,
) -> CheckinResult:
    """Check in what really happened (`debtopt checkin`): the next scenario, and with `replan` its plan.

    actual: the actual file (checkin.md: months with payments, cash, offers taken,
    statements; new loans) as a path, a mapping or an `Actual`.
    plan: the plan that was followed (a path to its JSON, a mapping or a `Plan`): what
    the months are compared with, and what the re-plan keeps where nothing better exists.
    replan: also plan the next scenario (the optimizer, `time_limit_seconds`); among
    plans equal in the contract's order the old plan's remaining months are kept.
    Raises `InputError` naming the field of the actual file (a payment the ledger
    refuses names its month and loan) or of the plan at fault.
    """
    from .analysis.checkin import causes, changes
    from .analysis.checkin import replan as _replan
    from .importing.result import to_toml
    from .ledger.checkin import check_in

    scenario = _check_scenario(scenario)
    old_plan = _load_plan(plan)
    if old_plan is not None:
        _check_plan_of(old_plan, scenario)
    result = check_in(scenario, _load_actual(actual, scenario))
    months = len(result.actual.months)
    text = to_toml(result.fields, f"The scenario after checking in {months} month{'s' if months != 1 else ''} "
                   f"from {scenario.start} (debtopt checkin): it starts in {result.scenario.start}.")
    corrections = [Correction(loan=c.loan, month=c.month, field=c.field, ledger=c.ledger, statement=c.statement,
                              amount=c.amount) for c in result.corrections]
    new_plan = found = None
    if replan:
        new_plan = _replan(result, old_plan, lambda s: optimize(s, time_limit_seconds=time_limit_seconds,
                                                                offer_worth=offer_worth))
        if old_plan is not None:
            found = changes(old_plan, scenario, result, new_plan)
    against = causes(old_plan, scenario, result) if old_plan is not None else []
    return CheckinResult(scenario=result.scenario, scenario_text=text, passed=result.passed, corrections=corrections,
                         notes=result.notes, against_plan=against, plan=new_plan, changes=found)


def check_checkin_options(*, replan: bool = False, new_plan: bool = False) -> None:
    """The check-in's options that go together: a new plan is written only with a re-plan."""
    if new_plan and not replan:
        raise OptionError([FieldIssue("new_plan", "a new plan is written only when re-planning; "
                                              "ask for the re-plan too")])


def load_actual(source: PathOrData | Actual, scenario: Scenario) -> Actual:
    """A validated actual file (checkin.md) from a path or a mapping, checked against `scenario`;
    `InputError` naming every field at fault."""
    return _load_actual(source, _check_scenario(scenario))


def format_checkin(result: CheckinResult, scenario: Scenario, format: str = PlanFormat.TEXT, *,
                   lang: str | None = None, output: str | None = None) -> str:
    """A check-in as `debtopt checkin` prints it (text in `lang`, default the scenario's: what the statements
    corrected, what happened differently from the plan, the next scenario, and with a re-plan what changed and
    the new plan), or as `POST /v1/checkin` answers (JSON). `output`: where the next scenario is written."""
    if _plan_format(format) == PlanFormat.JSON:
        return _checkin_json(result)
    from .report.checkin_text import checkin_to_text

    language = report_options(lang=lang).lang or scenario.language
    text = checkin_to_text(result, scenario, language, output=output)
    if result.plan is not None:
        text += "\n" + format_plan(result.plan, result.scenario, "text", lang=language)
    return text


def _checkin_json(result: CheckinResult) -> str:
    def plan_data(plan: Plan | None) -> Any:
        return None if plan is None else json.loads(format_plan(_shown_plan(plan), result.scenario, "json"))

    data = {
        "scenario": result.scenario.model_dump(mode="json", by_alias=True, exclude_unset=True),
        "scenario_toml": result.scenario_text,
        "passed": plan_data(result.passed),
        "corrections": [c.model_dump(mode="json") for c in result.corrections],
        "notes": result.notes,
        "against_plan": [c.model_dump(mode="json", exclude_none=True) for c in result.against_plan],
        "plan": plan_data(result.plan),
        "changes": result.changes.model_dump(mode="json") if result.changes is not None else None,
    }
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _shown_plan(plan: Plan) -> Plan:
    """Without wall-clock seconds: the same input gives the same bytes."""
    return plan if plan.solver is None else plan.model_copy(update={"solver": plan.solver.without_timings()})
