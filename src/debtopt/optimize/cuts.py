"""Valid inequalities from the cash: counting rows the LP relaxation cannot see by itself.

The model's own rows let every overdue indicator sit at a fraction: a loan half
overdue in every month pays half its dues and escalates "half", and the
escalation stage's LP bound stays near 0 where the optimum is several. The
data says more. Whatever the plan:

- a loan current in month w (A_{w+1} = 0) has been paid at least need_i,w in
  months 1..w+1 (data._cash_bounds: its start plus its least charges, less the
  most it may still owe not yet due);
- all loans together are paid at most cash_max_w in months 1..w+1 (data._cash_max);
- a loan that never escalates is current in some month of every window of
  E_i consecutive months, and in one of its first E_i - k0_i months.

So in each month w at most K_w loans can be current, K_w the most loans whose
needs fit in cash_max_w (the smallest needs first: a knapsack by count, solved
exactly by sorting), and at most K'_w loans can avoid escalating, K'_w the same
count over m_i,w = the least need of loan i in its window ending at w:

    sum_{i in L} o_i,w >= |L| - K_w                  overdue_count_cut, per month
    sum_{i in L'_w} esc_i >= |L'_w| - K'_w           escalation_count_cut, per month

L: the scenario's loans (an offer's new loan needs nothing; a loan a hardship plan may
convert is left out, its month may be forgiven rather than paid); L'_w the loans of L
whose window ending at w escalates them (w + 1 >= E_i - k0_i). Each row is the integer
rounding of a knapsack row (model.current_needs_cash) that the LP keeps fractional.
A row is added only when it says something (its right-hand side is at least 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.choices import OfferKind
from .data import LoanData

if TYPE_CHECKING:
    from .model import Model


def add_cuts(model: Model) -> int:
    """Add the counting rows above to `model`; the number of rows added."""
    return overdue_count_cuts(model) + escalation_count_cuts(model)


def most_fitting(needs: list[float], capacity: float) -> int:
    """The most items whose needs add up to at most `capacity` (the smallest first)."""
    count, total = 0, 0.0
    for need in sorted(needs):
        if total + need > capacity:
            break
        total += need
        count += 1
    return count


def _counted_loans(model: Model) -> list[int]:
    """The scenario's loans no hardship plan may convert (see the module's docstring)."""
    converted = {offer.loan for offer in model.data.offers if offer.kind == OfferKind.HARDSHIP_PLAN}
    return [i for i, loan in enumerate(model.data.loans) if loan.offer < 0 and loan.start == 0 and i not in converted]


def overdue_count_cuts(model: Model) -> int:
    """sum_{i in L} o_i,w >= |L| - K_w for each month w where K_w < |L|."""
    d = model.data
    loans = _counted_loans(model)
    added = 0
    for w in range(d.horizon):
        needs = [d.loans[i].paid_to_be_current[w] for i in loans]
        must = len(loans) - most_fitting(needs, d.cash_max[w])
        if must >= 1:
            model.rows.row(f"cut_overdue_count_{w}", [(model.loans[i].o[w], 1.0) for i in loans], lower=float(must))
            added += 1
    return added


def window_need(loan: LoanData, w: int) -> float | None:
    """m_i,w: the least loan i must have been paid by month w + 1 not to escalate within
    months 1..w + 1 (None when those months cannot escalate it)."""
    first = loan.escalation_months - loan.months_overdue
    if w + 1 < first:
        return None
    start = max(0, w - loan.escalation_months + 1)
    return min(loan.paid_to_be_current[start:w + 1])


def escalation_count_cuts(model: Model) -> int:
    """sum_{i in L'_w} esc_i >= |L'_w| - K'_w for each month w where the right-hand side is >= 1;
    a month whose row is no stronger than the previous one's is left out."""
    d = model.data
    loans = _counted_loans(model)
    added = 0
    last: tuple[tuple[int, ...], int] | None = None
    for w in range(d.horizon):
        window = [(i, need) for i in loans if (need := window_need(d.loans[i], w)) is not None]
        must = len(window) - most_fitting([need for _, need in window], d.cash_max[w])
        key = (tuple(i for i, _ in window), must)
        if must < 1 or (last is not None and last[0] == key[0] and last[1] >= must):
            continue
        model.rows.row(f"cut_escalation_count_{w}", [(model.loans[i].esc, 1.0) for i, _ in window], lower=float(must))
        last = key
        added += 1
    return added
