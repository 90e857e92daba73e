"""`optimize()`: build, solve stage by stage, round, replay, compare with the heuristics.

Reads as a script:
1. the heuristics' plans (the warm start and the floor the result must beat);
2. build the model (model.py) and hand it to PuLP (solve.py);
3. one solve per stage of the objective, each fixing the optimum of the one before;
4. the solution rounded to cents and replayed by the ledger (schedule.py);
5. the better of that and the best heuristic, by `Plan.rank_key()`;
6. if debt is left at T, the extra monthly cash that would clear it (shortfall.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from ..domain.money import format_money, from_cents, to_cents
from ..domain.offers import BorrowOffer
from ..domain.plan import Plan, Take
from ..domain.scenario import Scenario
from ..errors import InfeasibleLimitError, ScenarioError, ScheduleError, SolverError
from ..ledger import Ledger, replay
from ..ledger.offer_cost import offer_cost
from ..strategies import run_heuristics
from ..strategies.heuristics import HEURISTICS
from ..strategies.run import propose_schedule
from . import duals
from .cents import with_half_cent_margin
from .data import model_data
from .horizon import prove_stage
from .model import Model, build
from ..domain.solver import (
    NOT_COMPUTED,
    AnnualCost,
    ExtraCash,
    ModelSize,
    OfferWorth,
    ReplayDeviation,
    SolverReport,
    Timings,
    Worth,
)
from .results import SolveStatus, StageResult, StageStatus
from .schedule import planned_overdue, round_solution
from .shortfall import extra_monthly_to_clear
from .solve import SolveOutcome, check_solver_name, make_backend
from .start import plan_intent, plan_takes, simulate

Objective = Literal["lexicographic", "cost", "weighted"]

# The share of an integer stage's time the short-horizon relaxation may use first.
SHORT_SHARE = 0.6

# Stage objectives that are sums of nonnegative columns (model.py): 0 is their bound.
NONNEGATIVE = ("escalations", "overdue", "remaining")

# Stages per objective: (name, integer-valued, share of the time left it may use).
STAGES: dict[str, list[tuple[str, bool, float]]] = {
    "lexicographic": [("escalations", True, 0.4), ("overdue", True, 0.5), ("remaining", False, 0.6), ("net_cost", False, 1.0)],
    "cost": [("remaining", False, 0.5), ("net_cost", False, 1.0)],
    "weighted": [("remaining", False, 0.5), ("weighted", False, 1.0)],
}


def optimize(
    scenario: Scenario,
    *,
    objective: Objective = "lexicographic",
    overdue_price: float | Decimal | None = None,
    max_consecutive_overdue: int | None = None,
    solver: str = "highs",
    time_limit_seconds: float = 60.0,
    warm_start: bool = True,
    offer_worth: bool = True,
    starts: Sequence[Plan] = (),
) -> Plan:
    """The optimal plan (ledger-replayed, `strategy="optimal"`), never worse than a heuristic.

    objective: "lexicographic" (the contract's order: escalations, overdue
    loan-months, remaining balance, net cost), "cost" (remaining balance, then
    net cost: money alone) or "weighted" (remaining balance, then net cost +
    overdue_price per overdue loan-month).
    max_consecutive_overdue: a hard limit on any loan's consecutive overdue
    months; InfeasibleLimitError when no plan meets it.
    `plan.solver` says how the solve went (see README of this package / results.py);
    `plan.solver["extra_monthly_to_clear"]` is set when debt is left at T.
    offer_worth: with offers in the scenario, `plan.solver["offers"]` says what each is
    worth: the optimum without it (re-solved with a short time limit) against this one.
    starts: ledger plans of this scenario to start from and to beat besides the heuristics
    (the re-solves without an offer start from heuristics taking the plan's other offers).
    """
    began = time.perf_counter()
    if objective not in STAGES:
        raise ValueError(f"objective must be one of {', '.join(STAGES)}, not {objective!r}")
    price_cents = 0.0
    if objective == "weighted":
        if overdue_price is None or float(overdue_price) < 0:
            raise ValueError("objective 'weighted' needs overdue_price >= 0 (money per overdue loan-month)")
        price_cents = float(overdue_price) * 100
    check_solver_name(solver)
    ledger = Ledger(scenario)
    _check_limit_at_start(ledger, max_consecutive_overdue)

    # 1. The heuristics: the floor to beat, and the warm start.
    heuristics = {**run_heuristics(scenario), **{f"start-{k}": plan for k, plan in enumerate(starts)}}
    allowed = {
        name: plan
        for name, plan in heuristics.items()
        if max_consecutive_overdue is None or plan.totals.max_consecutive_overdue <= max_consecutive_overdue
    }
    best_heuristic = min(allowed.values(), key=lambda p: p.rank_key()) if allowed else None

    # 2. Build.
    t0 = time.perf_counter()
    model = build(model_data(ledger), max_consecutive_overdue)
    backend = make_backend(model, solver)
    build_seconds = time.perf_counter() - t0

    # 3. Solve, stage by stage.
    incumbent: list[float] | None = None
    incumbent_plan: Plan | None = None
    if warm_start and best_heuristic is not None:
        incumbent = simulate(model, plan_intent(best_heuristic, ledger.account_ids, model.data.horizon), plan_takes(best_heuristic))
        incumbent_plan = best_heuristic
    objectives: dict[str, dict[int, float]] = {}

    def objective_of(stage: str) -> dict[int, float]:
        # built once per stage: the short horizons judge every continued plan on several stages
        if stage not in objectives:
            objectives[stage] = model.objective(stage, price_cents)
        return objectives[stage]

    fixed: list[tuple[str, float]] = []
    replayed: list[Plan] = []  # ledger plans the short horizons found (candidates beside the rounded optimum)
    stages: list[StageResult] = []
    infeasible = False
    found_any = False
    failure = ""
    t0 = time.perf_counter()
    deadline = began + time_limit_seconds
    for name, integer, share in STAGES[objective]:
        coefs = objective_of(name)
        left = deadline - time.perf_counter()
        if left <= 0.05 and incumbent is not None:
            value = _value(coefs, incumbent)
            stages.append(StageResult(name=name, objective=value, bound=None, gap=None, proved=False, seconds=0.0,
                                      status=StageStatus.SKIPPED))
            backend.add_upper(name, coefs, _fix_level(value, integer))
            fixed.append((name, _fix_level(value, integer)))
            continue
        if name in NONNEGATIVE and incumbent is not None and _value(coefs, incumbent) < 0.5:
            # escalations, overdue months and balances are >= 0: a start at 0 is optimal as it is
            # (the stage that would prove it costs seconds on a model with offers)
            found_any = True
            stages.append(StageResult(name=name, objective=0.0, bound=0.0, gap=0.0, proved=True, seconds=0.0))
            backend.add_upper(name, coefs, 0.5)
            fixed.append((name, 0.5))
            continue
        short_bound: float | None = None
        short_seconds = 0.0
        if integer and objective == "lexicographic" and incumbent is not None:
            # A short-horizon relaxation first (horizon.py): it proves most counting stages
            # in a fraction of the full model's time, and improves the start when it does not.
            short = prove_stage(
                ledger, model, solver, name, fixed, incumbent, incumbent_plan,
                time.perf_counter() + left * share * SHORT_SHARE, max_consecutive_overdue,
                lambda stage, values: _value(objective_of(stage), values),
            )
            short_bound, short_seconds = short.bound, short.seconds
            if short.plan is not None and short.plan is not best_heuristic:
                replayed.append(short.plan)
            if short.values is not None and short.value is not None and short.value <= _value(coefs, incumbent) + 1e-9:
                incumbent, incumbent_plan = short.values, short.plan
            value = _value(coefs, incumbent)
            if short_bound is not None and value <= short_bound + 0.5:
                found_any = True
                stages.append(StageResult(name=name, objective=value, bound=short_bound, gap=max(0.0, value - short_bound),
                                          proved=True, seconds=short_seconds))
                level = _fix_level(value, integer)
                backend.add_upper(name, coefs, level)
                fixed.append((name, level))
                continue
            left = deadline - time.perf_counter()
        backend.set_objective(coefs)
        if incumbent is not None:
            backend.set_start(incumbent)
        gap_abs, gap_rel = (0.99, 0.0) if integer else (0.5, 1e-7)
        out = backend.solve(solver, max(0.5, left * share), gap_abs, gap_rel, incumbent is not None)
        out.seconds += short_seconds
        if short_bound is not None and (out.bound is None or out.bound < short_bound):
            out.bound = short_bound
        if short_bound is not None and out.objective is not None and out.objective < short_bound - 0.5:
            # Below a proved bound: a point only float tolerance made feasible (balances of
            # 1e16 cents at 30x360), not a plan. The incumbent carries the stage.
            out = SolveOutcome(StageStatus.TIME_LIMIT, None, short_bound, None, out.seconds, "numerically unsafe solution")
        if out.values is not None and out.objective is not None:
            value = out.objective
            incumbent = out.values
            found_any = True
        elif incumbent is not None:
            value = _value(coefs, incumbent)  # the start carries the stage
            failure = failure or out.message or out.status.value
        else:
            infeasible = out.status == StageStatus.INFEASIBLE
            failure = out.message or out.status.value
            stages.append(StageResult(name=name, objective=None, bound=out.bound, gap=None, proved=False,
                                      seconds=out.seconds, status=out.status))
            break
        bound = out.bound
        if integer and bound is not None:
            bound = float(math.ceil(bound - 1e-6))
        gap = None if bound is None else max(0.0, value - bound)
        tolerance = 1.0 if integer else max(1.0, 1e-6 * abs(value))
        proved = (gap is not None and gap < tolerance) or (out.status == StageStatus.OPTIMAL and gap is None)
        stages.append(StageResult(name=name, objective=value, bound=bound, gap=gap, proved=proved, seconds=out.seconds,
                                  status=out.status))
        backend.add_upper(name, coefs, _fix_level(value, integer))
        fixed.append((name, _fix_level(value, integer)))
    solve_seconds = time.perf_counter() - t0

    # What an extra unit of cash saves each month: duals of the cash rows, integers fixed (duals.py).
    cash_values = None
    if incumbent is not None and found_any and objective == "lexicographic" and stages:
        try:
            cash_values = duals.cash_values(backend, model, incumbent,
                                            time_limit=min(5.0, max(0.5, deadline - time.perf_counter())))
        except Exception:  # an extra of the report, never a reason to lose the plan
            cash_values = None

    if infeasible and max_consecutive_overdue is not None:
        raise InfeasibleLimitError(
            f"no plan keeps every loan within {max_consecutive_overdue} consecutive overdue months "
            f"with this budget: raise the limit or the monthly cash"
        )

    # 4. Round and replay.
    t0 = time.perf_counter()
    plan: Plan | None = None
    deviation: dict[str, float] = {}
    rounded = None
    rounding_failed = ""
    if incumbent is not None:
        try:
            rounded = round_solution(ledger, model, incumbent)
        except ScheduleError as exc:  # a bug in the rounding, never the user's: fall back, and say so
            rounding_failed = str(exc)
        if rounded is not None and found_any and len(fixed) > 1 and _counts(rounded.plan) > _model_counts(model, incumbent):
            # rounding cost a month the model kept current: the same choices paid half a cent above
            # each due (cents.py), rounded again; the better replay is kept
            point = with_half_cent_margin(model, fixed[:-1], incumbent, objective_of(stages[-1].name),
                                          max(1.0, min(10.0, deadline - time.perf_counter())))
            if point is not None:
                try:
                    again = round_solution(ledger, model, point)
                except ScheduleError:
                    again = None
                if again is not None and again.plan.rank_key() < rounded.plan.rank_key():
                    rounded = again
    if rounded is not None:
        plan = rounded.plan
        for other in replayed:  # rounding can tip a month overdue; a replayed plan the stages met cannot
            if other.rank_key() < plan.rank_key():
                plan = other
        if plan is rounded.plan:  # how far the replay is from the model (a replayed plan is not the model's)
            deviation = {"max_cents": rounded.max_deviation, "max_cents_per_month": rounded.max_deviation_per_month}
    replay_seconds = time.perf_counter() - t0

    # 5. Never worse than a heuristic.
    notes: list[str] = []
    if rounding_failed:
        notes.append(f"Rounding the solver's plan to whole cents failed ({rounding_failed}); a heuristic's plan is shown.")
    fell_back_to: str | None = None
    solver_failed = plan is None or not found_any
    if solver_failed and best_heuristic is not None:
        plan = None
    if plan is None or (best_heuristic is not None and best_heuristic.rank_key() < plan.rank_key()):
        if best_heuristic is None:
            raise SolverError(f"the solver found no plan ({failure}) and no heuristic meets the limits")
        fell_back_to = best_heuristic.strategy
        if solver_failed:
            notes.append(f"The solver found no plan ({failure}); this is the '{fell_back_to}' heuristic's plan.")
        else:
            notes.append(
                f"The '{fell_back_to}' heuristic's plan replays better than the solver's rounded plan; it is the one shown."
            )
        plan = best_heuristic
    if stages and not all(s.proved for s in stages) and not solver_failed:
        notes.append("Not proved optimal within the time limit; each stage's gap is in solver.stages.")
    if fell_back_to is None and not solver_failed:
        lost = _rounding_loss(plan, stages, len(ledger.account_ids), scenario.currency)
        if lost:
            notes.append(f"Rounding the solver's plan to whole cents cost {lost}: the plan shown is the best "
                         "whole-cent plan found, not the solver's optimum.")
    if max_consecutive_overdue is not None and plan.totals.max_consecutive_overdue > max_consecutive_overdue:
        raise SolverError("the plan breaks the consecutive-overdue limit: this is a bug")

    if solver_failed:
        status = SolveStatus.FALLBACK
    elif stages and all(s.proved for s in stages):
        status = SolveStatus.OPTIMAL
    else:
        status = SolveStatus.TIME_LIMIT
    report = SolverReport(
        name=solver,
        status=status,
        objective=objective,
        stages=stages,
        fell_back_to=fell_back_to,
        model=ModelSize(variables=model.rows.n_cols, rows=model.rows.n_rows, integers=sum(model.rows.col_integer)),
        replay_deviation=ReplayDeviation(**deviation) if deviation else None,
        # per unit of cash in each plan month (currency per currency): what one more saves in net cost
        cash_values=cash_values[: len(plan.months)] if cash_values is not None and fell_back_to is None else None,
    )

    # 6. Debt left at T.
    if plan.totals.remaining_balance > 0:
        # within the time limit, but never less than two seconds for the search
        found = extra_monthly_to_clear(scenario, deadline=max(began + time_limit_seconds, time.perf_counter() + 2.0))
        owed = format_money(int(plan.totals.remaining_balance * 100), scenario.currency)
        if found is None:
            notes.append(f"{owed} is still owed at month {scenario.horizon_months}; no extra monthly amount "
                         "that clears it was found within the time limit.")
            report = report.model_copy(update={"extra_cash": ExtraCash(amount=None)})
        else:
            extra, how = found
            report = report.model_copy(update={"extra_cash": ExtraCash(amount=float(extra), cleared_by=how)})
            notes.append(
                f"{owed} is still owed at month {scenario.horizon_months}: "
                f"{format_money(int(extra * 100), scenario.currency)} more a month would clear it "
                f"within the horizon (the '{how}' plan does)."
            )
    if offer_worth and scenario.offers:
        report = report.model_copy(update={"offers": _offer_worth(
            scenario, plan, objective=objective, overdue_price=overdue_price,
            max_consecutive_overdue=max_consecutive_overdue, solver=solver, deadline=deadline,
            warm_start=warm_start)})
    timings = Timings(build_seconds=round(build_seconds, 4), solve_seconds=round(solve_seconds, 4),
                      replay_seconds=round(replay_seconds, 4), total_seconds=round(time.perf_counter() - began, 4))
    report = report.model_copy(update={"timings": timings})
    return plan.model_copy(update={"strategy": "optimal", "solver": report, "notes": [*plan.notes, *notes]})


# The longest a re-solve without one offer may take (offer worth).
MAX_WORTH_SECONDS = 20.0

MODELLED_KINDS = ("consolidation", "balance-transfer", "cash-loan", "asset-sale", "hardship-plan")


def _offer_worth(scenario: Scenario, plan: Plan, *, deadline: float, **options: object) -> list[OfferWorth]:
    """What each offer is worth: the optimum without it against the optimum with every offer.

    An offer the plan does not take is worth nothing (the plan stands without it); one it
    takes is re-solved without it, with a short time limit. Deltas are without - with:
    positive means the offer saves that many escalations, overdue months or money. `proved`
    says the re-solve proved its optimum; when it did not, the worth is an upper bound. The
    re-solves share what is left of the caller's time limit (at most MAX_WORTH_SECONDS each);
    with less than a second each left, the worth is not computed (None).
    """
    taken = {d.offer: d for d in plan.decisions}
    out: list[OfferWorth] = []
    for offer in scenario.offers:
        d = taken.get(offer.id)
        worth = Worth()
        proved: bool | None = None
        limit = 0.0
        if d is not None:
            left = sum(1 for o in scenario.offers[scenario.offers.index(offer):] if o.id in taken)
            limit = min(MAX_WORTH_SECONDS, (deadline - time.perf_counter()) / left)
        if d is not None and limit < 1.0:
            worth, proved = NOT_COMPUTED, False
        elif d is not None:
            without = scenario.model_copy(update={"offers": [o for o in scenario.offers if o.id != offer.id]})
            others = [Take(offer=e.offer, month=e.month, amount=None if e.amount is None else to_cents(e.amount))
                      for e in plan.decisions if e.offer != offer.id]
            try:
                other = optimize(without, time_limit_seconds=limit, offer_worth=False,
                                 starts=_plans_taking(without, others), **options)  # type: ignore[arg-type]
            except (SolverError, InfeasibleLimitError):
                other = None
            if other is None:
                worth = NOT_COMPUTED
            else:
                a, b = plan.totals, other.totals
                worth = Worth(escalations=b.escalations - a.escalations,
                              overdue_months=b.overdue_months - a.overdue_months,
                              remaining_balance=float(b.remaining_balance - a.remaining_balance),
                              net_cost=float(b.net_cost - a.net_cost))
                proved = other.solver is not None and other.solver.proved
        annual_cost = None
        if isinstance(offer, BorrowOffer):
            # offers.md, "Costs and reports": the all-in annual cost, at the amount taken (or
            # the most it lends, when declined), and the regulatory line it crosses
            cost = offer_cost(scenario, offer.id, None if d is None or d.amount is None else to_cents(d.amount))
            annual_cost = AnnualCost(
                amount=float(from_cents(cost.amount)),
                annual_rate=None if cost.annual_rate is None else round(cost.annual_rate, 6),
                effective_annual_rate=None if cost.effective_annual_rate is None
                else round(cost.effective_annual_rate, 6),
                crosses=cost.crosses,
            )
        out.append(OfferWorth(
            offer=offer.id, kind=offer.kind, modelled=offer.kind in MODELLED_KINDS, taken=d is not None,
            month=d.month if d else None, amount=float(d.amount) if d and d.amount is not None else None,
            proved=proved, worth=worth, annual_cost=annual_cost,
        ))
    return out


def _counts(plan: Plan) -> tuple[int, int]:
    return plan.totals.escalations, plan.totals.overdue_months


def _model_counts(model: Model, values: list[float]) -> tuple[int, int]:
    return round(_value(model.objective("escalations"), values)), planned_overdue(model, values)


def _plans_taking(scenario: Scenario, takes: list[Take]) -> list[Plan]:
    """Each heuristic's plan when it takes `takes` (the plan's other offers): the re-solve
    without one offer starts from these, far closer to its optimum than heuristics that take none."""
    if not takes:
        return []
    ledger = Ledger(scenario)
    plans = []
    for name, decide in HEURISTICS.items():
        try:
            plans.append(replay(ledger, propose_schedule(ledger, decide, takes), strategy=name))
        except (ScheduleError, ScenarioError):  # the takes do not fit this heuristic's plan
            continue
    return plans


def _rounding_loss(plan: Plan, stages: list[StageResult], accounts: int, currency: str) -> str:
    """What the plan shown has beyond what the solver proved ('' if nothing): rounding to cents
    can tip a month overdue that the model, in fractions of a cent, kept current, and the plan
    shown is then a whole-cent plan of the short horizons, which may owe more at the end.
    Owed differs by rounding alone up to a cent an account a month (the replay's drift bound)."""
    proved = {s.name: s.objective for s in stages if s.proved and s.objective is not None}
    parts = []
    for name, shown, words in (("escalations", plan.totals.escalations, "escalation"),
                               ("overdue", plan.totals.overdue_months, "overdue loan-month")):
        if name in proved and shown > round(proved[name]):
            extra = shown - round(proved[name])
            parts.append(f"{extra} {words}{'s' if extra != 1 else ''}")
    owed = int(plan.totals.remaining_balance * 100)
    if "remaining" in proved and owed - proved["remaining"] > accounts * max(1, len(plan.months)):
        parts.append(f"{format_money(owed - round(proved['remaining']), currency)} more owed at the end")
    return " and ".join(parts)


def _check_limit_at_start(ledger: Ledger, limit: int | None) -> None:
    if limit is None:
        return
    if limit < 0:
        raise ValueError("max_consecutive_overdue must be 0 or more")
    for terms in ledger.terms:
        if terms.months_overdue > limit:
            raise InfeasibleLimitError(
                f"loan '{terms.id}' is already {terms.months_overdue} months overdue at the start, "
                f"more than the limit of {limit} consecutive overdue months"
            )


def _value(coefs: dict[int, float], values: list[float]) -> float:
    return sum(c * values[j] for j, c in coefs.items())


def _fix_level(value: float, integer: bool) -> float:
    """The fixing row's right-hand side: the value reached, with room for float noise only."""
    if integer:
        return float(round(value)) + 0.5
    return value + max(0.5, 1e-9 * abs(value))


__all__ = ["Model", "optimize"]
