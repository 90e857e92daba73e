"""`optimize()`: the optimizer as a script of named steps, each with a typed result.

In the manner of PyPSA's `optimize()`:

    starts   = start_plans(ledger, options, given, budget)  heuristics, the lookahead portfolio, given plans
    built    = build_model(ledger, options)               data, model, backend
    solved   = solve_stages(built, starts, options, budget)   each stage fixing the one before; a polish
                                                          after each counting stage, windows searched before it
    replayed = round_and_replay(built, solved, starts, options, budget)  the optimum in whole cents, replayed by the ledger
    chosen   = choose_plan(built, solved, replayed, starts, options)   against the other plans
    report   = solver_report(...)                         Plan.solver

Every plan compared is a ledger replay, judged by its ledger figures in the order of the
objective asked for (domain/ranking.py). What each
offer is worth and the extra cash that would clear the debt are analyses of the
plan this returns (`debtopt.analysis`), not steps of the solve.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..domain.choices import COUNTING_STAGES, OPTIMAL, STAGES, Objective, Stage
from ..domain.money import format_money
from ..domain.options import SolveOptions
from ..domain.plan import Plan
from ..domain.ranking import Rank, rank_by
from ..domain.scenario import Scenario
from ..domain.solver import (
    MONEY_RELATIVE_GAP,
    ModelSize,
    PlanSource,
    ReplayDeviation,
    RoundedPlan,
    SolverReport,
    SolveStatus,
    StageResult,
    StageStatus,
    Timings,
    stage_tolerance,
)
from ..errors import InfeasibleLimitError, ScheduleError, SolverError
from ..ledger import Ledger
from ..strategies import heuristics_taking, run_heuristics
from . import duals, lns
from .budget import Budget
from .current import offer_takes, worth_taking_offers
from .cents import with_half_cent_margin
from .data import model_data
from .fixed import Level, integer_columns
from .horizon import ShortResult, prove_stage
from .model import Model, build
from .points import Incumbent, model_escalations, outside_model, plan_integers, plan_point, plan_value, start_from_plan
from .polish import Polished, as_decided, improve, portfolio_plans
from .schedule import Rounded, planned_overdue, round_solution
from .solve import Backend, SolveLimits, SolveOutcome, make_backend

# Building the model takes about 2-3 times as long as the classic heuristics' start plans (measured at
# 60 x 480: 0.8 s and 2.3 s): with less of the safety cap left than this many times what they took, the
# model is not built (the lookahead portfolio's replays are not counted: they say nothing of the model). Only ever decides when the cap is about to bite (then the plan says so).
BUILD_PER_START_SECONDS = 3.0
# Stage objectives that are sums of nonnegative columns (model.py): 0 is their bound.
NONNEGATIVE = frozenset({Stage.ESCALATIONS, Stage.OVERDUE, Stage.REMAINING})


def optimize(scenario: Scenario, options: SolveOptions, *, starts: Sequence[Plan] = (),
             decisions: Mapping[str, int] | None = None) -> Plan:
    """The optimal plan (ledger-replayed, `strategy="optimal"`), never worse than a heuristic.

    `options.objective`: "lexicographic" (the contract's order: escalations, overdue
    loan-months, remaining balance, net cost), "cost" (remaining balance, then net cost)
    or "weighted" (remaining balance, then net cost + overdue_price per overdue
    loan-month). `options.max_consecutive_overdue` is a hard limit (InfeasibleLimitError
    when no plan meets it). `starts`: ledger plans of this scenario to start from and
    to beat besides the heuristics. `decisions` (offer id -> month taken: a related plan's,
    as a what-if's of the plan it varies): the money stages also start from the best point
    taking exactly those offers then (polish.as_decided). `plan.solver` says how the solve went.
    """
    began = time.perf_counter()
    ledger = Ledger(scenario)
    budget = Budget(began + options.time_limit_seconds - rounding_reserve(ledger, options.time_limit_seconds),
                    options.max_nodes)
    check_limit_at_start(ledger, options.max_consecutive_overdue)
    candidates = start_plans(ledger, options, starts, budget)
    if candidates.best is not None and budget.seconds_left() < BUILD_PER_START_SECONDS * candidates.heuristic_seconds:
        # the cap would pass while the model is built (it cannot be stopped half-way): the best start, said so
        return _stopped_before_the_model(candidates.best, options, began)
    built = build_model(ledger, options)
    solved = solve_stages(built, candidates, options, budget, decisions)
    cash = cash_values(built, solved, options, budget)
    if solved.infeasible and options.max_consecutive_overdue is not None:
        raise InfeasibleLimitError(
            f"no plan keeps every loan within {options.max_consecutive_overdue} consecutive overdue months "
            f"with this budget: raise the limit or the monthly cash"
        )
    replayed = round_and_replay(built, solved, candidates, options, budget)
    chosen = choose_plan(built, solved, replayed, candidates, options)
    budget.check()
    report = solver_report(built, solved, replayed, chosen, cash, options, began, budget.capped)
    return chosen.plan.model_copy(update={"strategy": OPTIMAL, "solver": report,
                                          "notes": [*chosen.plan.notes, *chosen.notes, *status_notes(report)]})


# Rounding the last point to cents and replaying it runs after the stages, past the deadline they
# stop at: measured at 30 x 360 (10,800 loan-months), 4.0 s. The stages stop this much earlier, so
# that the call still ends within the cap; it changes nothing unless the cap bites.
ROUNDING_SECONDS_PER_LOAN_MONTH = 0.0004


def rounding_reserve(ledger: Ledger, cap_seconds: float) -> float:
    """The seconds kept back from the stages for the rounding (at most a quarter of the cap)."""
    loan_months = len(ledger.terms) * ledger.horizon_months
    return min(cap_seconds / 4, ROUNDING_SECONDS_PER_LOAN_MONTH * loan_months)


def _stopped_before_the_model(best: Plan, options: SolveOptions, began: float) -> Plan:
    """The best start plan, as it is, when the safety cap passed before any solve: said so."""
    report = SolverReport(name=options.solver, status=SolveStatus.TIME_LIMIT, objective=options.objective,
                          overdue_price=options.overdue_price, stages=[],
                          fell_back_to=best.strategy, chosen=PlanSource.START,
                          model=ModelSize(variables=0, rows=0, integers=0),
                          timings=Timings(build_seconds=0.0, solve_seconds=0.0, replay_seconds=0.0,
                                          total_seconds=round(time.perf_counter() - began, 4)))
    return best.model_copy(update={"strategy": OPTIMAL, "solver": report,
                                   "notes": [*best.notes, *status_notes(report)]})


# -- start plans ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartPlans:
    """The heuristics' plans, the lookahead portfolio's, then the given ones, each within the hard limit."""

    plans: tuple[Plan, ...]
    best: Plan | None  # the first of the best (the objective's order): the warm start and the floor to beat
    heuristic_seconds: float = 0.0  # the classic heuristics' replays: what building the model is measured against


def start_plans(ledger: Ledger, options: SolveOptions, given: Sequence[Plan], budget: Budget) -> StartPlans:
    """The plans the optimizer starts from and must beat. The lookahead portfolio
    (polish.portfolio_plans: from 10 loans on, as many variants as its work allows, with the
    safety cap as its net) joins under the lexicographic objective only: its plans
    save accounts, not money."""
    limit = options.max_consecutive_overdue
    began = time.perf_counter()
    classic = run_heuristics(ledger.scenario)
    heuristic_seconds = time.perf_counter() - began
    portfolio = portfolio_plans(ledger, deadline=budget.deadline) \
        if options.objective == Objective.LEXICOGRAPHIC else {}
    budget.check()  # past the cap, some variants were left out: the plan says so
    plans = tuple(plan for plan in (*classic.values(), *portfolio.values(), *given)
                  if within_limit(plan, limit))
    best = min(plans, key=rank_by(options.objective, options.overdue_price)) if plans else None
    return StartPlans(plans, best, heuristic_seconds)


def within_limit(plan: Plan, limit: int | None) -> bool:
    """The plan keeps every loan within `limit` consecutive overdue months (None: no limit)."""
    return limit is None or plan.totals.max_consecutive_overdue <= limit


def check_limit_at_start(ledger: Ledger, limit: int | None) -> None:
    if limit is None:
        return
    for terms in ledger.terms:
        if terms.months_overdue > limit:
            raise InfeasibleLimitError(
                f"loan '{terms.id}' is already {terms.months_overdue} months overdue at the start, "
                f"more than the limit of {limit} consecutive overdue months"
            )


# -- build ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Objectives:
    """Each stage's coefficients, built once per solve (the short horizons judge every
    continued plan on several stages), and the value of a start on a stage."""

    model: Model
    overdue_price_cents: float
    cache: dict[Stage, dict[int, float]] = field(default_factory=dict)

    def of(self, stage: Stage) -> dict[int, float]:
        if stage not in self.cache:
            self.cache[stage] = self.model.objective(stage, self.overdue_price_cents)
        return self.cache[stage]

    def value(self, stage: Stage, start: Incumbent) -> float:
        """A solver point's value in the model; a plan's, its ledger figure (its escalations
        as the model counts them: `points.model_escalations`)."""
        if start.values is not None:
            return _value(self.of(stage), start.values)
        assert start.plan is not None
        if stage == Stage.ESCALATIONS:
            return float(model_escalations(self.model, start.plan))
        return plan_value(start.plan, stage, self.overdue_price_cents)

    def levels(self, levels: Sequence[tuple[Stage, float]]) -> list[Level]:
        return [(self.of(stage), level) for stage, level in levels]


@dataclass(frozen=True, slots=True)
class Built:
    ledger: Ledger
    model: Model
    backend: Backend
    objectives: Objectives
    seconds: float


def build_model(ledger: Ledger, options: SolveOptions) -> Built:
    began = time.perf_counter()
    model = build(model_data(ledger), options.max_consecutive_overdue)
    backend = make_backend(model, options.solver)
    return Built(ledger, model, backend, Objectives(model, options.overdue_price_cents), time.perf_counter() - began)


# -- solve the stages ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Solved:
    stages: tuple[StageResult, ...]
    incumbent: Incumbent | None  # the last stage's optimum (or the start that carried it)
    levels: tuple[tuple[Stage, float], ...]  # each stage's fixing row: the most it may reach
    replayed: tuple[Plan, ...]  # ledger plans the short horizons and the search found, candidates beside the rounded optimum
    polished: tuple[Polished, ...]  # the polishes' replays (polish.py), candidates too, each with its deviation
    found_any: bool  # some stage was solved or proved (else the solver found nothing)
    infeasible: bool
    failure: str
    seconds: float


@dataclass(slots=True)
class _Progress:
    """The stage loop's state."""

    incumbent: Incumbent | None
    start_plan: Plan | None  # the ledger plan the short horizons start from
    stages: list[StageResult] = field(default_factory=list)
    levels: list[tuple[Stage, float]] = field(default_factory=list)
    replayed: list[Plan] = field(default_factory=list)
    polished: list[Polished] = field(default_factory=list)
    found_any: bool = False
    infeasible: bool = False
    failure: str = ""


def solve_stages(built: Built, starts: StartPlans, options: SolveOptions, budget: Budget,
                 decisions: Mapping[str, int] | None = None) -> Solved:
    """One solve per stage, each fixing the optimum of the one before, each bounded by the
    budget's work; counting stages are first tried on short horizons (horizon.py); a stage
    a start already proves costs nothing. After each counting stage, and after the last, a
    polish (polish.py): no stage ends on a plan whose pattern's LP sends the money better."""
    began = time.perf_counter()
    warm = _warm_start(built, starts, rank_by(options.objective, options.overdue_price)) if options.warm_start else None
    progress = _Progress(None if warm is None else Incumbent(plan=warm), warm)
    for stage in STAGES[options.objective]:
        if not _solve_stage(built, progress, stage, starts, options, budget, decisions):
            break
        if stage in COUNTING_STAGES:
            _polish(built, progress, progress.levels, budget)
    if options.objective == Objective.LEXICOGRAPHIC and progress.found_any:
        _polish(built, progress, [(s, level) for s, level in progress.levels if s in COUNTING_STAGES], budget)
    return Solved(tuple(progress.stages), progress.incumbent, tuple(progress.levels), tuple(progress.replayed),
                  tuple(progress.polished), progress.found_any, progress.infeasible, progress.failure,
                  time.perf_counter() - began)


def _polish(built: Built, p: _Progress, levels: Sequence[tuple[Stage, float]], budget: Budget) -> None:
    """The incumbent's pattern kept, its money sent where it saves most (polish.improve): the
    replay a candidate, the incumbent unchanged."""
    objectives = built.objectives
    polished = improve(built.ledger, built.model, p.incumbent, objectives.levels(levels), objectives.of,
                       budget.seconds_left())
    budget.check()
    if polished is not None:
        p.polished.append(polished)


def _warm_start(built: Built, starts: StartPlans, rank: Rank) -> Plan | None:
    """The best start plan (in the objective's order) the model can make: one that breaks a
    settlement (points.outside_model) is still the floor to beat, but no stage's level."""
    inside = [plan for plan in starts.plans if not outside_model(built.model, plan)]
    return min(inside, key=rank) if inside else None


def _solve_stage(built: Built, p: _Progress, stage: Stage, starts: StartPlans, options: SolveOptions,
                 budget: Budget, decisions: Mapping[str, int] | None = None) -> bool:
    """Solve (or carry, or prove) one stage; False when no plan exists at all (stop)."""
    if p.incumbent is not None and budget.spent:
        budget.capped = True
        value = built.objectives.value(stage, p.incumbent)
        p.stages.append(StageResult(name=stage, objective=value, bound=None, gap=None, proved=False, seconds=0.0,
                                    status=StageStatus.SKIPPED))
        _fix(built, p, stage, value)
        return True
    if stage in NONNEGATIVE and p.incumbent is not None and built.objectives.value(stage, p.incumbent) < 0.5:
        # escalations, overdue months and balances are >= 0: a start at 0 is optimal as it is
        # (the stage that would prove it costs seconds on a model with offers)
        p.found_any = True
        p.stages.append(StageResult(name=stage, objective=0.0, bound=0.0, gap=0.0, proved=True, seconds=0.0))
        _fix(built, p, stage, 0.0)
        return True
    short = None
    if stage in COUNTING_STAGES and options.objective == Objective.LEXICOGRAPHIC and p.incumbent is not None:
        short = _short_horizons(built, p, stage, starts, options, budget)
        if short is None:
            return True  # proved
        if lns.worth_searching(built.model):
            _search_windows(built, p, stage, budget, rank_by(options.objective, options.overdue_price))
    if stage not in COUNTING_STAGES and decisions is not None and p.incumbent is not None:
        _start_as_decided(built, p, stage, decisions, budget)
    elif stage not in COUNTING_STAGES and p.incumbent is not None and not budget.spent:
        _start_taking_offers(built, p, stage, options, budget)
    return _full_solve(built, p, stage, short, budget)


def _start_taking_offers(built: Built, p: _Progress, stage: Stage, options: SolveOptions, budget: Budget) -> None:
    """Under the cost and weighted objectives, a money stage's start that takes the offers the
    relaxation keeping every loan current takes (current.py): the best heuristic plan taking them,
    when it meets the stages fixed and is better on this one. Its plan is a candidate too.
    (Under the lexicographic objective the counting stages' point already takes offers; measured
    on zhang-san, this start made the call slower.)"""
    assert p.incumbent is not None
    model, objectives = built.model, built.objectives
    if options.objective == Objective.LEXICOGRAPHIC or not worth_taking_offers(model):
        return
    takes = offer_takes(model, objectives.levels(p.levels), objectives.of(stage), budget.limits())
    budget.check()
    if not takes:
        return
    best = objectives.value(stage, p.incumbent)
    for plan in heuristics_taking(built.ledger, takes):
        start = Incumbent(plan=plan)
        meets = all(objectives.value(fixed, start) <= level for fixed, level in p.levels) \
            and within_limit(plan, options.max_consecutive_overdue)
        value = objectives.value(stage, start)
        if meets and value < best - 0.5 and not outside_model(model, plan):
            p.incumbent, best = start, value
            p.replayed.append(plan)


def _start_as_decided(built: Built, p: _Progress, stage: Stage, decisions: Mapping[str, int], budget: Budget) -> None:
    """A money stage's start: the best point taking exactly the offers `decisions` says
    (polish.as_decided), when it is better on the stage than the incumbent."""
    assert p.incumbent is not None
    coefs = built.objectives.of(stage)
    point = as_decided(built.model, built.objectives.levels(p.levels), coefs, decisions, budget.limits())
    budget.check()
    if point is not None and _value(coefs, point) < built.objectives.value(stage, p.incumbent) - 0.5:
        p.incumbent = Incumbent(values=point)


def _search_windows(built: Built, p: _Progress, stage: Stage, budget: Budget, rank: Rank) -> None:
    """Fix-and-optimize over windows of months before the full model (lns.py); a point is taken
    only when its replay ranks better, and it starts the full model."""
    assert p.incumbent is not None
    if p.incumbent.values is not None:
        integers = np.asarray(p.incumbent.values, dtype=np.float64)[integer_columns(built.model)]
    else:
        assert p.incumbent.plan is not None
        integers = plan_integers(built.ledger, built.model, p.incumbent.plan)
    objectives = built.objectives
    found = lns.search(built.model, integers, objectives.value(stage, p.incumbent), objectives.of(stage),
                       objectives.levels(p.levels), deadline=budget.deadline, plan=p.start_plan, rank=rank,
                       judge=lambda values: _replay_or_none(built, values))
    budget.check()
    if found.improved and found.values is not None and found.plan is not None:
        p.incumbent, p.start_plan = Incumbent(values=found.values), found.plan
        p.replayed.append(found.plan)


def _replay_or_none(built: Built, values: list[float]) -> Plan | None:
    try:
        return round_solution(built.ledger, built.model, values).plan
    except ScheduleError:
        return None


def _short_horizons(built: Built, p: _Progress, stage: Stage, starts: StartPlans, options: SolveOptions,
                    budget: Budget) -> ShortResult | None:
    """A short-horizon relaxation first (horizon.py): it proves most counting stages in a
    fraction of the full model's work, and improves the start when it does not. None: proved."""
    objectives = built.objectives
    short = prove_stage(built.ledger, built.model, options.solver, stage, p.levels, p.incumbent, p.start_plan,
                        budget, options.max_consecutive_overdue, objectives.value)
    if short.plan is not None and short.plan is not starts.best:
        p.replayed.append(short.plan)
    assert p.incumbent is not None
    if short.best is not None and short.value is not None \
            and short.value <= objectives.value(stage, p.incumbent) + 1e-9:
        p.incumbent, p.start_plan = short.best, short.plan
    value = objectives.value(stage, p.incumbent)
    if short.bound is None or value > short.bound + 0.5:
        return short
    p.found_any = True
    p.stages.append(StageResult(name=stage, objective=value, bound=short.bound, gap=max(0.0, value - short.bound),
                                proved=True, seconds=short.seconds, nodes=short.nodes))
    _fix(built, p, stage, value)
    return None


def _full_solve(built: Built, p: _Progress, stage: Stage, short: ShortResult | None, budget: Budget) -> bool:
    """The stage on the full model, from the incumbent; False when nothing was found and no start exists."""
    integer = stage in COUNTING_STAGES
    coefs = built.objectives.of(stage)
    backend = built.backend
    backend.set_objective(coefs)
    warm = p.incumbent is not None and _set_start(built, p, coefs, budget.limits())
    gap_abs, gap_rel = (0.99, 0.0) if integer else (0.5, MONEY_RELATIVE_GAP)
    out = budget.record(backend.solve(budget.limits(), gap_abs, gap_rel, warm))
    out = _with_short_bound(out, short)
    if out.values is not None and out.objective is not None:
        value = out.objective
        p.incumbent = Incumbent(values=out.values)
        p.found_any = True
    elif p.incumbent is not None:
        value = built.objectives.value(stage, p.incumbent)  # the start carries the stage
        p.failure = p.failure or out.message or out.status.value
    else:
        p.infeasible = out.status == StageStatus.INFEASIBLE
        p.failure = out.message or out.status.value
        p.stages.append(StageResult(name=stage, objective=None, bound=out.bound, gap=None, proved=False,
                                    seconds=out.seconds, status=out.status))
        return False
    bound = out.bound
    if integer and bound is not None:
        bound = float(math.ceil(bound - 1e-6))
    gap = None if bound is None else max(0.0, value - bound)
    proved = gap is not None and gap < stage_tolerance(stage, value)
    status = out.status
    if status == StageStatus.OPTIMAL and not proved:
        status = StageStatus.WORK_LIMIT  # a solver's "optimal" that its own bound does not bear out
    p.stages.append(StageResult(name=stage, objective=value, bound=bound, gap=gap, proved=proved, seconds=out.seconds,
                                status=status, nodes=out.nodes))
    _fix(built, p, stage, value)
    return True


def _set_start(built: Built, p: _Progress, coefs: dict[int, float], limits: SolveLimits) -> bool:
    """The incumbent as the backend's start: a solver point as it is, a plan by its choices."""
    assert p.incumbent is not None
    if p.incumbent.values is not None:
        built.backend.set_start(p.incumbent.values)
        return True
    assert p.incumbent.plan is not None
    return start_from_plan(built.ledger, built.model, built.backend, p.incumbent.plan,
                           built.objectives.levels(p.levels), coefs, limits)


def _with_short_bound(out: SolveOutcome, short: ShortResult | None) -> SolveOutcome:
    """The full solve's outcome with what the short horizons proved: their time and bound."""
    if short is None:
        return out
    out.seconds += short.seconds
    out.nodes += short.nodes
    if short.bound is not None and (out.bound is None or out.bound < short.bound):
        out.bound = short.bound
    if short.bound is not None and out.objective is not None and out.objective < short.bound - 0.5:
        # Below a proved bound: a point only float tolerance made feasible (balances of
        # 1e16 cents at 30x360), not a plan. The incumbent carries the stage.
        return SolveOutcome(StageStatus.WORK_LIMIT if out.status == StageStatus.OPTIMAL else out.status, None,
                            short.bound, None, out.seconds, "numerically unsafe solution", out.nodes)
    return out


def _fix(built: Built, p: _Progress, stage: Stage, value: float) -> None:
    """Fix a stage: its objective may not exceed the value reached (room for float noise only)."""
    level = float(round(value)) + 0.5 if stage in COUNTING_STAGES else value + max(0.5, 1e-9 * abs(value))
    built.backend.add_upper(stage, built.objectives.of(stage), level)
    p.levels.append((stage, level))


def _value(coefs: dict[int, float], values: list[float]) -> float:
    return sum(c * values[j] for j, c in coefs.items())


def cash_values(built: Built, solved: Solved, options: SolveOptions, budget: Budget) -> list[float] | None:
    """What an extra unit of cash saves each month: duals of the cash rows, integers fixed (duals.py)."""
    incumbent = solved.incumbent
    if incumbent is None or incumbent.values is None or not solved.found_any \
            or options.objective != Objective.LEXICOGRAPHIC or not solved.stages:
        return None
    if budget.spent:
        budget.capped = True
        return None
    try:
        values = duals.cash_values(built.backend, built.model, incumbent.values, budget.limits())
    except Exception:  # an extra of the report, never a reason to lose the plan
        values = None
    budget.check()
    return values


# -- round and replay ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Replayed:
    rounded: Rounded | None  # the optimum in whole cents, as the ledger replays it
    failure: str  # why rounding failed ('' if it did not)
    seconds: float


def round_and_replay(built: Built, solved: Solved, starts: StartPlans, options: SolveOptions, budget: Budget
                     ) -> Replayed:
    """The optimum rounded to cents and replayed; again with half a cent above each due
    (cents.py: its counts kept, the money stages minimized again in turn) when rounding cost
    a month the model kept current; again guided by each start
    plan that still replays better (`_round_like_the_starts`)."""
    began = time.perf_counter()
    rank = rank_by(options.objective, options.overdue_price)
    point = _final_point(built, solved, budget)
    if point is None:
        return Replayed(None, "", time.perf_counter() - began)
    try:
        rounded = round_solution(built.ledger, built.model, point, rank=rank)
    except ScheduleError as exc:  # a bug in the rounding, never the user's: fall back, and say so
        return Replayed(None, str(exc), time.perf_counter() - began)
    if solved.found_any and len(solved.levels) > 1 and not budget.spent \
            and _counts(rounded.plan) > _model_counts(built.model, point):
        objectives = built.objectives
        counting = [(stage, level) for stage, level in solved.levels if stage in COUNTING_STAGES]
        money = [objectives.of(stage) for stage, _ in solved.levels if stage not in COUNTING_STAGES]
        again_point = with_half_cent_margin(built.model, objectives.levels(counting), point, money, budget.limits())
        budget.check()
        if again_point is not None:
            try:
                again = round_solution(built.ledger, built.model, again_point, rank=rank)
            except ScheduleError:
                again = None
            if again is not None and rank(again.plan) < rank(rounded.plan):
                rounded = again
    if solved.found_any and not budget.spent:
        rounded = _round_like_the_starts(built, point, starts, rounded, rank)
    return Replayed(rounded, "", time.perf_counter() - began)


def _cents_apart(start: Plan, rounded: Plan, loan_months: int) -> bool:
    """The two plans differ as roundings of one point can: the same counts, and what is owed
    and the net cost within the replay's drift bound (a cent an account a month). A start
    better by more is no rounding matter: it is shown as the start it is (choose_plan)."""
    a, b = start.totals, rounded.totals
    return (a.escalations, a.overdue_months) == (b.escalations, b.overdue_months) \
        and abs(a.remaining_balance - b.remaining_balance) * 100 <= loan_months \
        and abs(a.net_cost - b.net_cost) * 100 <= loan_months


# The start plans that replay better than the rounded optimum whose cents guide a rounding:
# each costs a replay (or a few, with the reserves) of the optimum's point.
GUIDING_STARTS = 3


def _round_like_the_starts(built: Built, point: list[float], starts: StartPlans, rounded: Rounded, rank: Rank
                           ) -> Rounded:
    """The optimum rounded with its cents chosen like a start plan's that replays better (a heuristic's).

    The model pays in fractions of a cent; the ledger rounds each interest half away from
    zero, so which whole cent each payment rounds to moves the ledger's figures by cents,
    and a heuristic's plan can be those cents better than the optimum rounded by floors.
    For each start that ranks better by such cents (`_cents_apart`; the best first), the
    optimum is rounded again, each payment that lies within a cent of the start's taking the
    start's cents (schedule.py, `guide`): a rounding of the same point, kept when it replays
    better."""
    loan_months = len(built.ledger.account_ids) * max(1, len(rounded.plan.months))
    better = sorted((plan for plan in starts.plans if rank(plan) < rank(rounded.plan)
                     and _cents_apart(plan, rounded.plan, loan_months)), key=rank)
    for start in better[:GUIDING_STARTS]:
        if rank(start) >= rank(rounded.plan):
            continue
        try:
            again = round_solution(built.ledger, built.model, point,
                                   guide=start.to_schedule(built.ledger.account_ids).payments, rank=rank)
        except ScheduleError:
            continue
        if rank(again.plan) < rank(rounded.plan):
            rounded = again
    return rounded


def _final_point(built: Built, solved: Solved, budget: Budget) -> list[float] | None:
    """The point to round: the last stage's optimum, or, when a plan carried every stage,
    the best point making that plan's choices for the last stage (points.plan_point)."""
    incumbent = solved.incumbent
    if incumbent is None or incumbent.values is not None:
        return None if incumbent is None else incumbent.values
    if not solved.found_any or budget.spent:  # nothing solved, or no time left: the start plan is shown as it is
        budget.check()
        return None
    assert incumbent.plan is not None
    objectives = built.objectives
    last = solved.stages[-1].name if solved.stages else Stage.NET_COST
    point = plan_point(built.ledger, built.model, incumbent.plan, objectives.levels(solved.levels[:-1]),
                       objectives.of(last), budget.limits())
    budget.check()
    return point


def _counts(plan: Plan) -> tuple[int, int]:
    return plan.totals.escalations, plan.totals.overdue_months


def _model_counts(model: Model, values: list[float]) -> tuple[int, int]:
    return round(_value(model.objective(Stage.ESCALATIONS), values)), planned_overdue(model, values)


# -- choose against the other plans --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chosen:
    plan: Plan
    source: PlanSource
    fell_back_to: str | None  # the start plan shown (its strategy), when it replays better or the solver failed
    rounded: RoundedPlan | None  # the rounded optimum's figures when another plan is shown
    deviation: ReplayDeviation | None
    solver_failed: bool
    notes: tuple[str, ...]


def choose_plan(built: Built, solved: Solved, replayed: Replayed, starts: StartPlans,
                options: SolveOptions) -> Chosen:
    """The best of the rounded optimum, the short horizons', the search's and the polishes' plans and
    the start plans, in the objective's order (domain/ranking.py; never worse than a heuristic), and
    the notes that say how it was found."""
    notes: list[str] = []
    if replayed.failure:
        notes.append(f"Rounding the solver's plan to whole cents failed ({replayed.failure}); a heuristic's plan is shown.")
    rank = rank_by(options.objective, options.overdue_price)
    plan, source, deviation = _best_replayed(replayed.rounded, solved.replayed, solved.polished, rank)
    solver_failed = plan is None or not solved.found_any
    best = starts.best
    if solver_failed and best is not None:
        plan = None
    fell_back_to = None
    if plan is None or (best is not None and rank(best) < rank(plan)):
        if best is None:
            raise SolverError(f"the solver found no plan ({solved.failure}) and no heuristic meets the limits")
        fell_back_to = best.strategy
        notes.append(f"The solver found no plan ({solved.failure}); this is the '{fell_back_to}' heuristic's plan."
                     if solver_failed else f"The '{fell_back_to}' heuristic's plan replays better than the solver's "
                     "rounded plan; it is the one shown.")
        plan, source = best, PlanSource.START
    if fell_back_to is None and not solver_failed:
        lost = _rounding_loss(plan, solved.stages, len(built.ledger.account_ids), built.ledger.scenario.currency)
        if lost:
            notes.append(f"Rounding the solver's plan to whole cents cost {lost}: the plan shown is the best "
                         "whole-cent plan found, not the solver's optimum.")
    limit = options.max_consecutive_overdue
    if not within_limit(plan, limit):
        raise SolverError("the plan breaks the consecutive-overdue limit: this is a bug")
    rounded = replayed.rounded
    figures = RoundedPlan.of(rounded.plan) if rounded is not None and source != PlanSource.ROUNDED else None
    return Chosen(plan, source, fell_back_to, figures, deviation, solver_failed, tuple(notes))


def _best_replayed(rounded: Rounded | None, others: Sequence[Plan], polished: Sequence[Polished], rank: Rank
                   ) -> tuple[Plan | None, PlanSource, ReplayDeviation | None]:
    """The rounded optimum, or a short-horizon (or search) plan or a polish's that replays better
    (rounding can tip a month overdue; a replayed plan the stages met cannot); the deviation of the
    rounded optimum, or of the polish, from its point of the model, if shown."""
    if rounded is None:  # nothing rounded (the cap passed): the best short-horizon or polished plan, if any
        found: list[tuple[Plan, PlanSource, ReplayDeviation | None]] = \
            [(other, PlanSource.SHORT_HORIZON, None) for other in others]
        found += [(done.plan, PlanSource.POLISHED, done.deviation) for done in polished]
        return min(found, key=lambda item: rank(item[0]), default=(None, PlanSource.SHORT_HORIZON, None))
    plan, source = rounded.plan, PlanSource.ROUNDED
    deviation: ReplayDeviation | None = ReplayDeviation(max_cents=rounded.max_deviation,
                                                        max_cents_per_month=rounded.max_deviation_per_month)
    for other in others:
        if rank(other) < rank(plan):
            plan, source, deviation = other, PlanSource.SHORT_HORIZON, None
    for done in polished:
        if rank(done.plan) < rank(plan):
            plan, source, deviation = done.plan, PlanSource.POLISHED, done.deviation
    return plan, source, deviation


def _rounding_loss(plan: Plan, stages: Sequence[StageResult], accounts: int, currency: str) -> str:
    """What the plan shown has beyond what the solver proved ('' if nothing): rounding to cents
    can tip a month overdue that the model, in fractions of a cent, kept current, and the plan
    shown is then a whole-cent plan of the short horizons, which may owe more at the end.
    Owed differs by rounding alone up to a cent an account a month (the replay's drift bound)."""
    proved = {s.name: s.objective for s in stages if s.proved and s.objective is not None}
    parts = []
    for stage, shown, words in ((Stage.ESCALATIONS, plan.totals.escalations, "escalation"),
                                (Stage.OVERDUE, plan.totals.overdue_months, "overdue loan-month")):
        if stage in proved and shown > round(proved[stage]):
            extra = shown - round(proved[stage])
            parts.append(f"{extra} {words}{'s' if extra != 1 else ''}")
    owed = int(plan.totals.remaining_balance * 100)
    if Stage.REMAINING in proved and owed - proved[Stage.REMAINING] > accounts * max(1, len(plan.months)):
        parts.append(f"{format_money(owed - round(proved[Stage.REMAINING]), currency)} more owed at the end")
    return " and ".join(parts)


# -- the report ----------------------------------------------------------------------------


def solver_report(built: Built, solved: Solved, replayed: Replayed, chosen: Chosen, cash: list[float] | None,
                  options: SolveOptions, began: float, capped: bool = False) -> SolverReport:
    """How the solve went, each stage judged on the plan shown (`shown_stages`); "optimal" exactly
    when every stage is proved, "time_limit" when the safety cap ended a step (`capped`)."""
    stages = shown_stages(built.objectives, solved.stages, chosen.plan, len(built.ledger.account_ids))
    if capped:
        status = SolveStatus.TIME_LIMIT
    elif chosen.solver_failed:
        status = SolveStatus.FALLBACK
    elif stages and all(s.proved for s in stages):
        status = SolveStatus.OPTIMAL
    else:
        status = SolveStatus.WORK_LIMIT
    rows = built.model.rows
    return SolverReport(
        name=options.solver,
        status=status,
        objective=options.objective,
        overdue_price=options.overdue_price,
        stages=stages,
        fell_back_to=chosen.fell_back_to,
        chosen=chosen.source,
        rounded=chosen.rounded,
        model=ModelSize(variables=rows.n_cols, rows=rows.n_rows, integers=sum(rows.col_integer)),
        replay_deviation=chosen.deviation,
        # per unit of cash in each plan month (currency per currency): what one more saves in net cost
        cash_values=cash[: len(chosen.plan.months)] if cash is not None and chosen.fell_back_to is None else None,
        timings=Timings(build_seconds=round(built.seconds, 4), solve_seconds=round(solved.seconds, 4),
                        replay_seconds=round(replayed.seconds, 4),
                        total_seconds=round(time.perf_counter() - began, 4)),
    )


def shown_stages(objectives: Objectives, stages: Sequence[StageResult], plan: Plan, accounts: int
                 ) -> list[StageResult]:
    """Each stage with the plan shown's own figure (the ledger's) against the bound the solver
    proved: a stage is proved exactly when that gap is below its tolerance (a whole count, or
    the rounding to whole cents: `stage_tolerance`). The plan shown is the best of the rounded
    optimum, the heuristics and the given starts, so none of them beats a "proved" plan."""
    out = []
    loan_months = accounts * len(plan.months)
    for stage in stages:
        value = objectives.value(stage.name, Incumbent(plan=plan))
        gap = None if stage.bound is None else max(0.0, value - stage.bound)
        proved = gap is not None and gap < stage_tolerance(stage.name, value, loan_months)
        status = stage.status
        if status == StageStatus.OPTIMAL and not proved:
            status = StageStatus.WORK_LIMIT
        bound = None if stage.bound is None else stage.bound + 0.0  # never -0.0 in the JSON
        out.append(stage.model_copy(update={"objective": value, "bound": bound, "gap": gap, "proved": proved,
                                            "status": status}))
    return out


def status_notes(report: SolverReport) -> list[str]:
    """What the status means for the plan, in words beside it."""
    if report.status == SolveStatus.TIME_LIMIT:
        return ["Stopped by the time limit: this plan may differ on another machine (raise --time-limit, "
                "or lower the work limit, to get the same plan everywhere)."]
    if report.status == SolveStatus.WORK_LIMIT:
        return ["Not proved optimal within the work limit (max_nodes); each stage's gap is in solver.stages."]
    return []


__all__ = ["Budget", "optimize"]
