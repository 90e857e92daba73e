"""Urgency with lookahead (triage), and its seeded variants: the optimizer's portfolio of starts.

When the cash cannot keep every loan current, the loans worth saving are those whose
dues over the next months fit in the cash of those months; a loan that cannot be
saved anyway is better left to escalate than paid in part (a part-paid due is
overdue all the same). Each month:

1. the cash of the window: what is at hand now plus the budgets and inflows of the
   next `months - 1` months;
2. each open loan's cost to keep current over the window: its due now plus its
   regular due for each later month of the window;
3. the loans are taken in order (not yet escalated first, then cheapest first, or nearest
   escalation first: the variant's `by`; seeded noise perturbs the costs) while their
   costs fit in the window's cash: those are kept current, the most urgent first
   (months left before escalation, then the smallest due), each whole due or nothing;
4. what is left goes, by the variant's rule, to the dearest rate ("avalanche") or
   stays saved for the next months' dues ("save") when some loan was given up.

These plans are not offered to users as strategies (compare and batch show the five
classic ones); the optimizer takes them as starts and as floors (`PORTFOLIO`), and
its short horizons continue plans with them. Every variant is deterministic: its
noise comes from a `random.Random` seeded by its index.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..ledger import LedgerRun, Statement
from .allocate import fill_in_order
from .heuristics import Decide, _costliest_shortfall_first, _dearest_first, _open


@dataclass(frozen=True)
class Lookahead:
    """Triage over a window of `months`; `leftover` is "avalanche" or "save"; `seed` > 0
    perturbs each loan's cost by a factor in [1 - noise, 1 + noise] drawn once per loan."""

    months: int = 6
    leftover: str = "avalanche"
    seed: int = 0
    noise: float = 0.3
    by: str = "cost"  # the order loans are saved in: "cost" (cheapest first) or "urgency" (nearest escalation first)

    def __call__(self, run: LedgerRun, st: Statement) -> list[int]:
        n = len(st.due)
        pays = [0] * n
        window = self._window_cash(run, st)
        factors = self._factors(n)
        escalated = [account.escalated for account in run.accounts]

        def cost(i: int) -> float:
            return (st.due[i] + (self.months - 1) * st.regular_due[i]) * factors[i]

        if self.by == "urgency":
            order = sorted(_open(st), key=lambda i: (escalated[i], _months_left(run, st, i), cost(i), i))
        else:
            order = sorted(_open(st), key=lambda i: (escalated[i], cost(i), i))
        saved, total = [], 0.0
        for i in order:
            if total + cost(i) <= window:
                saved.append(i)
                total += cost(i)
        cash = st.cash_available
        for i in sorted(saved, key=lambda i: (_months_left(run, st, i), st.due[i], i)):
            if st.due[i] <= cash:
                pays[i] = st.due[i]
                cash -= st.due[i]
        given_up = len(saved) < len(order)
        if self.leftover == "save" and given_up:
            return pays
        cash = fill_in_order(cash, _costliest_shortfall_first(run, st), st.due, pays)
        fill_in_order(cash, _dearest_first(run, st), st.owed, pays)
        return pays

    def _window_cash(self, run: LedgerRun, st: Statement) -> float:
        ledger = run.ledger
        last = min(ledger.horizon_months, st.month + self.months - 1)
        later = sum(ledger.budget_by_month[t - 1] + ledger.inflow_by_month[t - 1] for t in range(st.month + 1, last + 1))
        return float(st.cash_available + later)

    def _factors(self, n: int) -> list[float]:
        if self.seed == 0:
            return [1.0] * n
        rng = random.Random(self.seed)
        return [1.0 + self.noise * (2.0 * rng.random() - 1.0) for _ in range(n)]


def _months_left(run: LedgerRun, st: Statement, i: int) -> int:
    terms = run.accounts[i].terms
    escalation = terms.escalation_months if terms is not None else 3
    return escalation - st.overdue_run[i] if st.arrears[i] else escalation


PLAIN_MONTHS = (2, 3, 6, 12)
# The fewest loans for which the optimizer runs the portfolio (issue 13's real sizes: 10 to 30).
REAL_SIZE = 10
# The plain variants that were best on the benchmark's generated cases (10x60, 15x90, 20x120,
# 30x360: benchmarks/results/scale_notes.md) come first, so a small portfolio has them.
FIRST = (("cost", 2, "save"), ("urgency", 12, "save"), ("urgency", 2, "avalanche"), ("cost", 12, "save"))


def portfolio(size: int = 16) -> dict[str, Decide]:
    """The first `size` variants, in a fixed order: the 16 plain ones (windows of 2, 3, 6 and 12
    months, leftover to avalanche or saved, loans saved cheapest first or nearest escalation
    first; FIRST first), then seeded noise on the costs."""
    shapes = [*FIRST, *((by, months, leftover) for by in ("cost", "urgency") for months in PLAIN_MONTHS
                        for leftover in ("avalanche", "save") if (by, months, leftover) not in FIRST)]
    plain = [Lookahead(months, leftover, by=by) for by, months, leftover in shapes]
    seeded = [Lookahead(months=PLAIN_MONTHS[k % 4], leftover=("avalanche", "save")[k % 2],
                        by=("cost", "urgency")[(k // 4) % 2], seed=k + 1)
              for k in range(max(0, size - len(plain)))]
    return {_name(d): d for d in (plain + seeded)[:size]}


def _name(d: Lookahead) -> str:
    return f"lookahead-{d.by}-{d.months}-{d.leftover}" + (f"-s{d.seed}" if d.seed else "")


def portfolio_size(n_loans: int, months: int) -> int:
    """How many variants a scenario gets: none below REAL_SIZE loans (there the classic
    heuristics and the short horizons prove the counting stages, and a different start only
    sends the short horizons down another path: zhang-san's overdue stage no longer proved in
    60 s with the portfolio's start); from REAL_SIZE loans on about 48,000 loan-months of replays
    in all (half a second on this machine), between 2 and 48 variants: 48 at 10 x 60, 20 at
    20 x 120, 4 at 30 x 360."""
    if n_loans < REAL_SIZE:
        return 0
    return max(2, min(48, 48_000 // max(1, n_loans * months)))


# The default portfolio (the first variants of every larger one).
PORTFOLIO: dict[str, Decide] = portfolio()
# What the optimizer's short horizons continue their months with: the short windows (each
# continuation is a replay and a model point of the whole horizon, so a few).
CONTINUATIONS: dict[str, Decide] = {name: d for name, d in PORTFOLIO.items()
                                    if isinstance(d, Lookahead) and not d.seed and d.months <= 3}
