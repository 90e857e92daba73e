"""Splitting a month's cash among loans, in whole cents."""

from __future__ import annotations

from collections.abc import Sequence


def fill_in_order(cash: int, order: Sequence[int], caps: Sequence[int], pays: list[int]) -> int:
    """Pay each loan in `order` up to its cap (less what it already got); return the cash left."""
    for i in order:
        room = caps[i] - pays[i]
        if room <= 0:
            continue
        amount = min(room, cash)
        pays[i] += amount
        cash -= amount
        if cash == 0:
            break
    return cash


def fill_pro_rata(cash: int, weights: Sequence[int], caps: Sequence[int], pays: list[int]) -> int:
    """Spread `cash` in proportion to `weights`, never above a cap; return the cash left.

    Water-filling: loans that hit their cap drop out and their share goes to
    the rest. Cents left by rounding go to the largest remainders (ties: the
    earlier loan), so the split is deterministic.
    """
    active = [i for i in range(len(caps)) if caps[i] - pays[i] > 0 and weights[i] > 0]
    while cash > 0 and active:
        total_weight = sum(weights[i] for i in active)
        shares = {}
        remainders = []
        for i in active:
            q, r = divmod(cash * weights[i], total_weight)
            shares[i] = q
            remainders.append((-r, i))
        leftover = cash - sum(shares.values())
        for _, i in sorted(remainders)[:leftover]:
            shares[i] += 1
        capped = [i for i in active if shares[i] >= caps[i] - pays[i]]
        if not capped:
            for i in active:
                pays[i] += shares[i]
            return 0
        for i in capped:
            room = caps[i] - pays[i]
            pays[i] += room
            cash -= room
        active = [i for i in active if i not in capped]
    return cash
