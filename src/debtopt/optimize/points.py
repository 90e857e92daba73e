"""A ledger plan as a point of the model: the choices it made, and the LP that completes them.

The model's integer columns are choices, and a plan the ledger replayed made
every one of them:

    o_i,t = 1  loan i is paid less than its due in month t (U > 0);
    z_i,t = 1  its due is all it owes (due = D: the `min` of step 4);
    y_j,t = 1  offer j is taken in month t (so the copy of its new loan, or of the
               converted loan, for month t is the one that opens).

`plan_integers` reads them off a fresh replay of the plan. With them fixed the
model is an LP (fixed.py) whose optimum on a stage is the best point making the
plan's choices: the solver's start from a plan, in place of a float re-run of the
contract. A plan's value on a stage is never read from such a point: it is the
ledger's (`plan_value`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..domain.choices import OfferKind, Stage
from ..domain.plan import Plan, Take
from ..ledger import Ledger, Statement
from .fixed import Level, integer_columns, solve_with_integers_fixed
from .model import Model
from .solve import Backend, HighsBackend, SolveLimits


def plan_value(plan: Plan, stage: Stage | str, overdue_price_cents: float = 0.0) -> float:
    """A plan's value on a stage objective, from its ledger totals (counts, or cents)."""
    t = plan.totals
    if stage == Stage.ESCALATIONS:
        return float(t.escalations)
    if stage == Stage.OVERDUE:
        return float(t.overdue_months)
    if stage == Stage.REMAINING:
        return float(t.remaining_balance * 100)
    net_cost = float(t.net_cost * 100)
    if stage == Stage.NET_COST:
        return net_cost
    if stage == Stage.WEIGHTED:
        return net_cost + overdue_price_cents * t.overdue_months
    raise ValueError(f"unknown stage {stage!r}")


def model_escalations(model: Model, plan: Plan) -> int:
    """The plan's escalations as the model counts them: the ledger's, and once more for each loan
    a hardship plan converted after it escalated whose run reaches its escalation_months again
    (the model counts the converted copy's escalation apart: model.py, "pessimistic"). A plan's
    value must be one the model can meet, or the stage fixed at it leaves the model no point."""
    extra = 0
    taken = {d.offer: d.month for d in plan.decisions}
    for offer in model.data.offers:
        month = taken.get(offer.id)
        if offer.kind != OfferKind.HARDSHIP_PLAN or month is None:
            continue
        loan = model.data.loans[offer.loan]
        before = any(e.id == loan.id and e.month <= month for e in plan.escalated)
        again = any(row.months_overdue >= loan.escalation_months
                    for m in plan.months if m.month > month for row in m.loans if row.id == loan.id)
        extra += before and again
    return plan.totals.escalations + extra


def outside_model(model: Model, plan: Plan) -> bool:
    """A plan whose choices the model cannot make: it leaves a settlement's part unpaid (the
    ledger then ends the settlement; the model keeps every settlement, taken or under way at the
    start: model.settlement_rows, data.py `parts`), or takes a settlement that forgives nothing
    (a fixed amount of all the loan owes, which settlement_rows never takes). Such a plan may be
    shown when it ranks best, but its figures are no stage's level: no point of the model meets them."""
    data = model.data
    kept = {loan.id: range(1, len(loan.parts) + 1) for loan in data.loans[:data.n_loans] if loan.parts}
    taken = {d.offer: d for d in plan.decisions if d.kind == OfferKind.SETTLEMENT}
    for offer in data.offers:
        decision = taken.get(offer.id)
        if decision is None:
            continue
        if decision.waived <= 0:
            return True
        kept[data.loans[offer.loan].id] = range(decision.month, decision.month + offer.instalments)
    return any(row.overdue for month in plan.months for row in month.loans if month.month in kept.get(row.id, ()))


@dataclass(frozen=True, slots=True)
class _Month:
    statement: Statement
    payments: list[int]


def _replayed_months(ledger: Ledger, plan: Plan, months: int) -> list[_Month]:
    """The plan's first `months` months stepped through the ledger, with each month's statement."""
    schedule = plan.to_schedule(ledger.account_ids)
    takes: dict[int, list[Take]] = {}
    for take in schedule.decisions:
        takes.setdefault(take.month, []).append(take)
    run = ledger.start()
    out = []
    while not run.finished and run.month < months:
        t = run.month + 1
        statement = run.open_month(takes.get(t, ()))
        row = list(schedule.payments[t - 1]) if t - 1 < len(schedule.payments) else [0] * len(ledger.account_ids)
        run.settle(row)
        out.append(_Month(statement, row))
    return out


def _live_loan(model: Model, taken: dict[str, int]) -> list[dict[int, int]]:
    """Per ledger account, the model loan that stands for it from a month index on:
    the scenario loan from 0; a converted copy from the month after a hardship plan;
    a borrowing offer's copy from the month after it is taken."""
    data = model.data
    live: list[dict[int, int]] = [{0: i} for i in range(data.n_loans)]
    live += [{} for _ in range(len(data.offers))]  # at most one account per offer
    for offer in data.offers:
        t = taken.get(offer.id)
        if t is None or t not in offer.copies:
            continue
        live[offer.account][t + 1] = offer.copies[t]
    return live


def plan_integers(ledger: Ledger, model: Model, plan: Plan) -> np.ndarray:
    """The value of every integer column (in `fixed.integer_columns` order) the plan's replay chose.

    A loan-month the plan has no account open in (before an offer's loan opens, a copy
    not taken, after a loan closes or is converted, after the plan's last month), or whose
    account a settlement offer settles (from its month on D moves out: model.settlement_rows),
    is current with its due all it owes (o = 0, z = 1); a column the model fixes by its bounds
    (a bullet loan's z, o where no plan can be current) keeps its bound. A settlement already
    under way at the start is the loan's own due (its parts), read off the replay as any due.
    """
    data, rows = model.data, model.rows
    T = data.horizon
    taken = {d.offer: d.month - 1 for d in plan.decisions}
    o = np.zeros((data.n, T))
    z = np.ones((data.n, T))
    live = _live_loan(model, taken)
    settled = {offer.account: taken[offer.id] for offer in data.offers
               if offer.kind == OfferKind.SETTLEMENT and offer.id in taken}  # from the month a settlement is taken
    for t, month in enumerate(_replayed_months(ledger, plan, T)):
        st = month.statement
        for account, by_month in enumerate(live):
            k = next((loan for start, loan in sorted(by_month.items(), reverse=True) if start <= t), None)
            if k is None or account >= len(st.is_open) or not st.is_open[account]:
                continue
            if t >= settled.get(account, T):  # its D moved out: the model's loan owes nothing
                continue
            o[k, t] = 1.0 if month.payments[account] < st.due[account] else 0.0
            z[k, t] = 1.0 if st.due[account] >= st.owed[account] else 0.0
    values = np.array(rows.col_lower, dtype=np.float64)  # fixed columns keep their bound
    for k, v in enumerate(model.loans):
        for t in range(data.loans[k].start, T):
            _set(values, rows, v.o[t], o[k, t])
            _set(values, rows, v.z[t], z[k, t])
    for offer, ov in zip(data.offers, model.offers, strict=True):
        for t, column in ov.y.items():
            _set(values, rows, column, 1.0 if taken.get(offer.id) == t else 0.0)
    return values[integer_columns(model)]


def _set(values: np.ndarray, rows: object, column: int, value: float) -> None:
    lower, upper = rows.col_lower[column], rows.col_upper[column]  # type: ignore[attr-defined]
    values[column] = value if lower != upper else lower


def plan_point(ledger: Ledger, model: Model, plan: Plan, levels: Sequence[Level], objective: dict[int, float],
               limits: SolveLimits) -> list[float] | None:
    """The best point of `model` for `objective` (within `levels`) making the plan's choices;
    None when the model has none (the plan's choices do not fit its rows)."""
    return solve_with_integers_fixed(model, plan_integers(ledger, model, plan), levels, objective, limits)


def start_from_plan(ledger: Ledger, model: Model, backend: Backend, plan: Plan, levels: Sequence[Level],
                    objective: dict[int, float], limits: SolveLimits) -> bool:
    """Give `backend` a start from `plan` for the stage `objective` (within `levels`); False if none.

    HiGHS is given the plan's choices only and completes them itself (highspy 1.16 solves
    the model with them fixed: the same point as `plan_point`, without a second copy of the
    model); PuLP's backends get that point from `plan_point`.
    """
    if isinstance(backend, HighsBackend):
        backend.set_partial_start(integer_columns(model), plan_integers(ledger, model, plan))
        return True
    point = plan_point(ledger, model, plan, levels, objective, limits)
    if point is None:
        return False
    backend.set_start(point)
    return True


@dataclass(frozen=True, slots=True)
class Incumbent:
    """The best found so far, the next solve's start: a point the solver found, or a ledger plan
    (a heuristic's, a given start, a short-horizon plan), whose point is made only when needed."""

    values: list[float] | None = None
    plan: Plan | None = None


__all__ = ["Incumbent", "model_escalations", "outside_model", "plan_integers", "plan_point", "plan_value",
           "start_from_plan"]
