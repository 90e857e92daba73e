"""Primal improvement between the stages: the portfolio of starts, and a polish LP.

`portfolio_plans`: the lookahead heuristics (strategies/lookahead.py) replayed by the
ledger; with the classic heuristics they are the starts and the floor the optimizer
must beat.

`polish`: after a counting stage, its plan keeps its pattern (which loans are overdue
in which months, which offers are taken when: every integer of the model) and the
money is sent where it saves most: an LP over the continuous columns with the
integers fixed (fixed.py), minimizing the later stages in turn (remaining balance,
then net cost, each fixed at its optimum before the next), the earlier stages' rows
kept. Its point is rounded to cents and replayed by the ledger like any solution;
the replay is a candidate beside the rounded optimum, ranked by the ledger, so a
polish never makes the plan shown worse. An LP has no search: the same point for
the same input, at any speed (a time limit is only a safety cap, and when it bites
the polish gives nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..domain.choices import Stage
from ..domain.plan import Plan
from ..domain.solver import MONEY_RELATIVE_GAP, ReplayDeviation
from ..errors import ScenarioError, ScheduleError
from ..ledger import Ledger, replay
from ..strategies.lookahead import portfolio, portfolio_size
from ..strategies.run import propose_schedule
from .cents import with_half_cent_margin
from .fixed import Level, fix_integers, integer_columns
from .model import Model
from .points import Incumbent, plan_integers
from .results import StageStatus
from .schedule import planned_overdue, round_solution
from .solve import HighsBackend, SolveLimits

# The stages a polish minimizes in turn, after the counting stages.
POLISH_STAGES = (Stage.REMAINING, Stage.NET_COST)
# A safety cap per LP; the LP itself ends by its own optimality, not by the clock.
POLISH_SECONDS = 20.0
# Above this many loan-months a polish loads a model of its own for seconds (60 x 480 is
# 28,800): it is left out there. Below it, it runs with at least MIN_SECONDS left.
MAX_LOAN_MONTHS = 12_000
MIN_SECONDS = 2.0

ObjectiveOf = Callable[[Stage], dict[int, float]]


@dataclass(frozen=True, slots=True)
class Polished:
    values: list[float]  # the LP's point of the full model
    plan: Plan  # its ledger replay
    deviation: ReplayDeviation  # the replay against the LP's point (schedule.Rounded's figures)


def portfolio_plans(ledger: Ledger, deadline: float | None = None) -> dict[str, Plan]:
    """Each lookahead variant's plan (lookahead.portfolio, as many as `portfolio_size` gives the
    scenario), replayed by the ledger, in a fixed order. `deadline` (perf_counter) is a safety
    net only: the size is set by work, and on a machine so slow that the replays pass it, the
    variants after it are left out."""
    plans: dict[str, Plan] = {}
    size = portfolio_size(len(ledger.terms), ledger.horizon_months)
    for name, decide in portfolio(size).items():
        if deadline is not None and plans and time.perf_counter() > deadline:
            break
        try:
            plans[name] = replay(ledger, propose_schedule(ledger, decide), strategy=name)
        except (ScheduleError, ScenarioError, IndexError):  # a variant that cannot run here is left out
            continue
    return plans


def polish(ledger: Ledger, model: Model, integers: np.ndarray, levels: Sequence[Level],
           objective_of: ObjectiveOf | None = None, seconds: float = POLISH_SECONDS) -> Polished | None:
    """The LP above with the integer columns at `integers` (one per `fixed.integer_columns`) and the
    stage rows `levels` (each stage's coefficients by `objective_of`, the model's own by default);
    None if it finds nothing (or the safety cap, per LP, stops it first)."""
    objective_of = objective_of or model.objective
    limits = SolveLimits(max(0.2, min(POLISH_SECONDS, seconds)))
    backend = HighsBackend(model)  # its own: the stage backend keeps its integers
    for coefs, level in levels:
        backend.add_upper("level", coefs, level)
    fix_integers(backend.highs, integer_columns(model), integers)
    point = None
    reached = list(levels)  # the stage rows, and each polish stage's optimum once reached
    for stage in POLISH_STAGES:
        coefs = objective_of(stage)
        backend.set_objective(coefs)
        out = backend.solve(limits, None, None, False)
        if out.status != StageStatus.OPTIMAL or out.values is None or out.objective is None:
            break
        point = out.values
        level = out.objective + max(0.5, 1e-9 * abs(out.objective))
        backend.add_upper(stage, coefs, level)
        reached.append((coefs, level))
    if point is None:
        return None
    best = _replayed(ledger, model, point)
    if best is None or _counts(best.plan) > _model_counts(model, point):
        # rounding to cents tipped a month the LP kept current: the same LP with each current
        # payment half a cent above its due (cents.py), rounded again; the better replay is kept
        margin = with_half_cent_margin(model, levels, point, [objective_of(s) for s in POLISH_STAGES], limits)
        again = None if margin is None else _replayed(ledger, model, margin)
        if again is not None and (best is None or again.plan.rank_key() < best.plan.rank_key()):
            best = again
    return best


def as_decided(model: Model, levels: Sequence[Level], coefs: dict[int, float], decisions: Mapping[str, int],
               limits: SolveLimits) -> list[float] | None:
    """The best point of the model (within `limits`' nodes) that takes exactly the offers of
    `decisions` (offer id -> plan month it is taken in) and no other, the stage rows `levels`
    kept, on the stage objective `coefs`; None when no such point is found (a decision outside an
    offer's months, no plan with them, or the safety cap ended the search: its point would depend
    on the machine).

    The start of a money stage from the plan just found: a what-if of the plan (its budget 10 %
    lower) mostly takes the same offers in the same months, and with every offer decided the model
    loses its copies of the loans not taken. Measured on zhang-san with the budget 10 % down: this
    search finds the net-cost optimum in 41 nodes (0.8 CPU s), from which the full model proves it
    in 3 nodes, against 262 nodes (17 CPU s) from the short horizons' continued plan."""
    backend = HighsBackend(model)  # its own: the stage backend keeps its integers
    for level_coefs, level in levels:
        backend.add_upper("level", level_coefs, level)
    backend.set_objective(coefs)
    columns, values = [], []
    for offer, ov in zip(model.data.offers, model.offers, strict=True):
        month = decisions.get(offer.id)
        if month is not None and month - 1 not in ov.y:
            return None
        for t, col in ov.y.items():
            columns.append(col)
            values.append(1.0 if month == t + 1 else 0.0)
    if len(decisions) != sum(values):  # an offer the model does not have
        return None
    fixed = np.array(values, dtype=np.float64)
    backend.highs.changeColsBounds(len(columns), np.array(columns, dtype=np.int32), fixed, fixed)
    out = backend.solve(limits, 0.5, MONEY_RELATIVE_GAP, False)
    if out.values is None or out.status not in (StageStatus.OPTIMAL, StageStatus.WORK_LIMIT):
        return None
    return out.values


def worth_polishing(model: Model, seconds_left: float) -> bool:
    """Whether a polish runs: a model not huge, and time left for it."""
    return model.data.n_loans * model.data.horizon <= MAX_LOAN_MONTHS and seconds_left > MIN_SECONDS


def improve(ledger: Ledger, model: Model, incumbent: Incumbent | None, levels: Sequence[Level],
            objective_of: ObjectiveOf, seconds_left: float) -> Polished | None:
    """The stage loop's hook after a counting stage: the polish of the incumbent's pattern (a
    solver point's integers, or a ledger plan's choices: points.plan_integers), or None. Its
    replay is a candidate the ledger ranks beside the rounded optimum; the next stage still
    starts from the incumbent (a polished start sent zhang-san's short horizons elsewhere)."""
    if incumbent is None or not worth_polishing(model, seconds_left):
        return None
    if incumbent.values is not None:
        integers = np.asarray(incumbent.values, dtype=np.float64)[integer_columns(model)]
    else:
        assert incumbent.plan is not None
        integers = plan_integers(ledger, model, incumbent.plan)
    return polish(ledger, model, integers, levels, objective_of, seconds_left / 3)


def _replayed(ledger: Ledger, model: Model, point: list[float]) -> Polished | None:
    try:
        rounded = round_solution(ledger, model, point)
    except ScheduleError:
        return None
    return Polished(point, rounded.plan, ReplayDeviation(max_cents=rounded.max_deviation,
                                                         max_cents_per_month=rounded.max_deviation_per_month))


def _counts(plan: Plan) -> tuple[int, int]:
    return plan.totals.escalations, plan.totals.overdue_months


def _model_counts(model: Model, values: list[float]) -> tuple[int, int]:
    escalations = sum(c * values[j] for j, c in model.objective(Stage.ESCALATIONS).items())
    return round(escalations), planned_overdue(model, values)


__all__ = ["POLISH_STAGES", "Polished", "as_decided", "improve", "polish", "portfolio_plans", "worth_polishing"]
