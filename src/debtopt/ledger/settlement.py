"""A settlement in the ledger (offers.md 1.1, "Settlement"): its price, its parts, a month of its schedule.

Accepted in month m, a loan is owed the price instead of that month's due: a
percent of what it owes that month (D, after interest) or a fixed amount (never
more than D), in `instalments` equal monthly parts from m, rounded to the cent,
the last taking the remainder. While each part is paid in full the loan is
current and charges nothing; its balance is what is left of the price. A part
not paid in full ends the settlement: the lender's usual terms come back on
what the loan owed at acceptance less the parts paid, with that month's
shortfall past due (a late fee on it, as on any due).

The forgiven part, D less the price, counts as waived once the schedule starts;
it comes back (the waiver is reversed) if the schedule breaks. Its tax, the
offer's `forgiven_tax_rate` of it, is paid from month m's cash; it is not
charged when the first part already goes unpaid, since nothing was forgiven.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..domain.money import mul_round, round_half_away, to_cents
from ..domain.offers import Settlement
from ..errors import ScheduleError
from .offers import Effect
from .terms import percent_of


def settlement_price(offer: Settlement, owed: int) -> int:
    """The price in cents of settling a loan that owes `owed` this month: percent of it, or the amount (at most `owed`)."""
    if offer.percent is not None:
        return percent_of(offer.percent, owed)
    assert offer.amount is not None
    return min(to_cents(offer.amount), owed)


def settlement_parts(price: int, instalments: int) -> list[int]:
    """`instalments` equal monthly parts of `price`, each rounded to the cent, the last taking the remainder."""
    if instalments == 1:
        return [price]
    part = round_half_away(Fraction(price, instalments))
    last = price - part * (instalments - 1)
    if last < 0 or part <= 0:
        raise ScheduleError(f"a price of {price / 100:.2f} cannot be split into {instalments} parts of a cent or more")
    return [part] * (instalments - 1) + [last]


def forgiven_tax(offer: Settlement, forgiven: int) -> int:
    """The tax owed on the forgiven part: `forgiven_tax_rate` of it, to the cent."""
    return percent_of(offer.forgiven_tax_rate, forgiven) if forgiven > 0 else 0


@dataclass(slots=True)
class SettlementState:
    """A settlement schedule in force on one account: the parts still due (this month's first),
    what the usual terms come back on if a part goes unpaid, and the decision that made it
    (None when it was already in force at the plan's start)."""

    parts: list[int]
    owed_if_broken: int
    effect: Effect | None = None

    @property
    def left(self) -> int:
        return sum(self.parts)


@dataclass(frozen=True, slots=True)
class PartPaid:
    """What a month's payment did to a settlement: kept (the balance left) or broken (the usual terms' B' and A')."""

    broken: bool
    balance: int
    arrears: int
    fee: int
    reversed_waiver: int  # the forgiven part that came back when it broke


def pay_part(state: SettlementState, payment: int, late_fee: int, late_fee_part: tuple[int, int]) -> PartPaid:
    """One month of a settlement schedule; `state` is updated when it is kept.

    Paid at least this month's part: the part is met, anything more comes off the
    last parts (the schedule ends sooner, its months stay as agreed). Less: it
    breaks; B' = what the usual terms come back on less the payment, plus the late
    fee on the shortfall; A' = the shortfall plus the fee.
    """
    due = state.parts[0]
    if payment >= due:
        rest = state.parts[1:]
        extra = payment - due
        while extra and rest:
            cut = min(extra, rest[-1])
            rest[-1] -= cut
            extra -= cut
            if rest[-1] == 0:
                rest.pop()
        state.parts = rest
        state.owed_if_broken -= payment
        return PartPaid(False, sum(rest), 0, 0, 0)
    unpaid = due - payment
    fee = late_fee + mul_round(*late_fee_part, unpaid)
    reversed_waiver = state.owed_if_broken - state.left
    balance = state.owed_if_broken - payment + fee
    return PartPaid(True, balance, unpaid + fee, fee, reversed_waiver)


__all__ = ["PartPaid", "SettlementState", "forgiven_tax", "pay_part", "settlement_parts", "settlement_price"]
