"""From the model's solution to whole-cent payments the ledger replays.

Month by month, on the ledger's own statement:
- a loan the model closes is paid exactly what the ledger says it owes (no dust);
- a loan the model keeps current is paid at least the ledger's exact due (the
  model's due can be a fraction of a cent off: paying 0.004 short is overdue);
- a loan the model lets fall behind is paid the model's payment, rounded;
then, if the rounding asks for more than the cash at hand, the excess is taken
first from loans that are overdue anyway, then from extra payments, and only at
last from a due. The ledger's replay of these payments is the plan.

A plan that spends every cent can still come up a cent short a month later:
the ledger rounds each interest to the cent, the model does not, and a due or a
closing balance a cent above the model's makes a loan overdue (a late fee, and
dust that keeps the loan open). When the replay shows more overdue months than
the model planned, it is rounded again keeping a cent or two of every extra
payment back in savings (never from a due), for the months where
the ledger asks a little more than the model did; the best replay is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..domain.plan import Plan, Schedule
from ..ledger import Ledger, LedgerRun, plan_from_run
from .model import Model

DRIFT_MONTHS = 3
# (cents kept in savings, from plan month) tried in turn while the replay is worse than the model
RESERVES = ((0, 1), (1, 1), (2, 1), (4, 1), (8, 1))


@dataclass(slots=True)
class Rounded:
    plan: Plan
    schedule: Schedule
    max_deviation: float  # cents: the largest |B_ledger - B_model| over loan-months
    max_deviation_per_month: float  # max over t of sum_i |B_ledger - B_model| / (open loans x months elapsed)


def round_solution(ledger: Ledger, model: Model, values: list[float], strategy: str = "optimal") -> Rounded:
    """The replay of the model's solution in whole cents; rounded again with a reserve if rounding cost a month."""
    planned = round(sum(values[o] for v in model.loans for o in v.o))
    best: Rounded | None = None
    for reserve, start in RESERVES:
        run = ledger.start()
        rows, worst, worst_rate = round_months(run, model, values, reserve, start)
        rounded = Rounded(plan_from_run(run, strategy), Schedule(payments=rows), worst, worst_rate)
        if best is None or rounded.plan.rank_key() < best.plan.rank_key():
            best = rounded
        if best.plan.totals.overdue_months <= planned:
            break
    assert best is not None
    return best


def round_months(
    run: LedgerRun, model: Model, values: list[float], reserve_cents: int = 0, reserve_from: int = 1
) -> tuple[list[list[int]], float, float]:
    """Settle the model's months (1..its horizon, which may end before the plan's) on `run`:
    (payment rows, largest balance deviation in cents, largest deviation per loan-month).

    From month `reserve_from` on, savings are kept at `reserve_cents` or more by
    holding back extra payments (never a due) for later months' rounding."""
    n = len(run.ledger.terms)
    rows: list[list[int]] = []
    worst = worst_rate = 0.0
    T = model.data.horizon
    while not run.finished and run.month < T:
        st = run.open_month()
        t = st.month - 1
        want = [0] * n
        role = [""] * n
        for i in range(n):
            if not st.is_open[i]:
                continue
            v = model.loans[i]
            mp = values[v.p[t]]
            if values[v.B[t + 1]] < 0.5 or mp >= st.owed[i] - 0.5:
                want[i], role[i] = st.owed[i], "close"
            elif values[v.o[t]] < 0.5:
                # floor, not round: what the model pays beyond a due is never rounded up, so the
                # cents the ledger's rounding may ask for later are still in savings
                want[i], role[i] = max(st.due[i], math.floor(mp + 1e-6)), "current"
            else:
                want[i], role[i] = max(0, math.floor(mp + 1e-6)), "overdue"
            want[i] = min(want[i], st.owed[i])
        reserve = reserve_cents - (st.cash_available - sum(want))
        if reserve > 0 and st.month >= reserve_from:  # keep a few cents of extra payments for later rounding
            _cut(want, reserve, [i for i in range(n) if role[i] == "current"], [min(st.due[i], want[i]) for i in range(n)])
        short = sum(want) - st.cash_available
        if short > 0:
            short = _cut(want, short, [i for i in range(n) if role[i] == "overdue"], [0] * n)
            floors = [min(st.due[i], want[i]) for i in range(n)]
            short = _cut(want, short, [i for i in range(n) if role[i] == "current"], floors)
            short = _cut(want, short, [i for i in range(n) if role[i] == "close"], floors)
            short = _cut(want, short, [i for i in range(n) if role[i] in ("current", "close")], [0] * n)
        if st.month == run.ledger.horizon_months:
            # The last month: the cents floors kept for later rounding have no later; what the
            # replay holds beyond the model's own savings pays debt down.
            left = max(0, st.cash_available - sum(want) - math.ceil(values[model.S[t + 1]] - 1e-6))
            for i in sorted((i for i in range(n) if st.is_open[i]), key=lambda i: -values[model.loans[i].p[t]]):
                extra = min(left, st.owed[i] - want[i])
                want[i] += extra
                left -= extra
        # Accounts past the scenario's loans are offers' new loans, never opened here.
        row = want + [0] * (len(run.ledger.account_ids) - n)
        run.settle(row)
        rows.append(row)
        total = 0.0
        for i in range(n):
            if st.is_open[i]:
                dev = abs(run.balance[i] - values[model.loans[i].B[t + 1]])
                worst = max(worst, dev)
                total += dev
        # Drift per loan-month elapsed. The ledger rounds up to four amounts of a loan's month
        # (interest, penalty interest, the percent minimum, the percent late fee) and the
        # payment is rounded too, so one month alone can differ by two cents: the drift is
        # judged over at least DRIFT_MONTHS months.
        worst_rate = max(worst_rate, total / (max(1, sum(st.is_open)) * max(t + 1, DRIFT_MONTHS)))
    return rows, worst, worst_rate


def _cut(want: list[int], short: int, order: list[int], floors: list[int]) -> int:
    """Lower `want` on `order` (largest first) towards `floors` until `short` is covered."""
    for i in sorted(order, key=lambda i: -(want[i] - floors[i])):
        if short <= 0:
            break
        cut = min(short, max(0, want[i] - floors[i]))
        want[i] -= cut
        short -= cut
    return short
