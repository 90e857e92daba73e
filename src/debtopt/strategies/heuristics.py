"""The heuristics: how people (and counsellors) usually repay several lenders.

Each month every heuristic works in two steps on the ledger's statement:
1. what is due, and who goes short when the cash does not cover it;
2. what is left over, and where it goes (or whether it is saved).
docs/model.md explains each rule and why.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..ledger import LedgerRun, Statement
from .allocate import fill_in_order, fill_pro_rata

Decide = Callable[[LedgerRun, Statement], list[int]]


def _open(st: Statement) -> list[int]:
    return [i for i, is_open in enumerate(st.is_open) if is_open]


@functools.lru_cache(maxsize=4096)
def _fraction(n: int, d: int) -> Fraction:
    return Fraction(n, d)


def _next_rate(run: LedgerRun, i: int, t: int) -> Fraction:
    """r_{t+1}: what a unit left on loan i costs next month (the promotion may end), as the
    ledger run has it: an offer's new loan and a converted loan carry their own rates; a
    settlement schedule charges nothing."""
    account = run.accounts[i]
    if account.settlement is not None:
        return Fraction(0)
    return _fraction(*account.rate_in_month(min(t + 1, run.ledger.horizon_months)))


def _shortfall_cost(run: LedgerRun, i: int, t: int) -> tuple[Fraction, int]:
    """What a unit of unpaid due costs: next month's penalty rate plus the percent late fee;
    then the fixed late fee, to break ties."""
    account = run.accounts[i]
    terms = account.terms
    assert terms is not None
    rate = _fraction(*account.penalty_rate_in_month(min(t + 1, run.ledger.horizon_months)))
    return rate + terms.late_fee_percent, terms.late_fee


def _costliest_shortfall_first(run: LedgerRun, st: Statement) -> list[int]:
    def key(i: int) -> tuple[Fraction, int, int]:
        rate, fixed_fee = _shortfall_cost(run, i, st.month)
        return (-rate, -fixed_fee, i)

    return sorted(_open(st), key=key)


def _dearest_first(run: LedgerRun, st: Statement) -> list[int]:
    return sorted(_open(st), key=lambda i: (-_next_rate(run, i, st.month), i))


def _smallest_first(st: Statement) -> list[int]:
    return sorted(_open(st), key=lambda i: (st.owed[i], i))


def _urgent_first(run: LedgerRun, st: Statement) -> list[int]:
    """Closest to escalation first (months left before it), then the smallest due.

    A loan that has escalated (in collection, money-model.md item 8) ranks as a current
    loan does: its escalation is counted whatever is paid, and only its overdue months
    can still be saved, as on any loan; it does not push ahead of one still to be saved.
    """
    def key(i: int) -> tuple[int, int, int]:
        account = run.accounts[i]
        terms = account.terms
        assert terms is not None
        behind = st.arrears[i] and not account.escalated
        months_left = terms.escalation_months - st.overdue_run[i] if behind else terms.escalation_months
        return (months_left, st.due[i], i)

    return sorted(_open(st), key=key)


def minimum(run: LedgerRun, st: Statement) -> list[int]:
    """Pay what is due and save the rest; when short, every due is cut in proportion."""
    pays = [0] * len(st.due)
    fill_pro_rata(st.cash_available, st.due, st.due, pays)
    return pays


def avalanche(run: LedgerRun, st: Statement) -> list[int]:
    """Dues first, the loans where a shortfall costs most first; the rest to the dearest rate."""
    pays = [0] * len(st.due)
    cash = fill_in_order(st.cash_available, _costliest_shortfall_first(run, st), st.due, pays)
    fill_in_order(cash, _dearest_first(run, st), st.owed, pays)
    return pays


def snowball(run: LedgerRun, st: Statement) -> list[int]:
    """Dues first, the smallest debts first; the rest to the smallest debt."""
    pays = [0] * len(st.due)
    order = _smallest_first(st)
    cash = fill_in_order(st.cash_available, order, st.due, pays)
    fill_in_order(cash, order, st.owed, pays)
    return pays


def balance_matching(run: LedgerRun, st: Statement) -> list[int]:
    """What most people do: dues cut in proportion when short, the rest spread by balance."""
    pays = [0] * len(st.due)
    cash = fill_pro_rata(st.cash_available, st.due, st.due, pays)
    fill_pro_rata(cash, st.owed, st.owed, pays)
    return pays


def urgency(run: LedgerRun, st: Statement) -> list[int]:
    """Whole dues first to the loans closest to escalation, smallest due first; the rest avalanche.

    A due that the cash cannot cover in full is skipped in the first pass: a
    part-paid due is overdue all the same, so the cash keeps another loan
    current instead. What remains goes to the skipped dues where a shortfall
    costs most, then to the dearest rate. The strongest start for the
    optimizer when cash is short (solver-notes.md).
    """
    pays = [0] * len(st.due)
    cash = st.cash_available
    for i in _urgent_first(run, st):
        if st.due[i] <= cash:
            pays[i] = st.due[i]
            cash -= st.due[i]
    cash = fill_in_order(cash, _costliest_shortfall_first(run, st), st.due, pays)
    fill_in_order(cash, _dearest_first(run, st), st.owed, pays)
    return pays


@dataclass(frozen=True)
class Custom:
    """The borrower's own order: dues in that order, then the rest in that order.

    Loans the order leaves out come after it, in file order.
    """

    order: Sequence[int]

    def __call__(self, run: LedgerRun, st: Statement) -> list[int]:
        pays = [0] * len(st.due)
        listed = list(self.order) + [i for i in range(len(st.due)) if i not in self.order]
        order = [i for i in listed if st.is_open[i]]
        cash = fill_in_order(st.cash_available, order, st.due, pays)
        fill_in_order(cash, order, st.owed, pays)
        return pays


HEURISTICS: dict[str, Decide] = {
    "minimum": minimum,
    "avalanche": avalanche,
    "snowball": snowball,
    "balance-matching": balance_matching,
    "urgency": urgency,
}
