"""Offers in the ledger (offers.md): checking a month's decisions and what they do to cash.

The ledger run calls these; the figures they produce are replayed like payments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..domain.choices import OfferKind
from ..domain.money import to_cents
from ..domain.months import month_index
from ..domain.offers import AssetSale, BorrowOffer, HardshipPlan, Settlement
from ..domain.plan import Take
from ..domain.scenario import Scenario
from ..errors import ScheduleError
from .terms import percent_of


@dataclass(frozen=True, slots=True)
class Proceeds:
    """What borrowing `amount` cents from an offer does (offers.md, "Borrowing offers")."""

    amount: int  # X, borrowed
    opening_balance: int  # X + round(fee_added_percent X): the new loan's balance
    received: int  # X - round(fee_deducted_percent X) - fee: paid out in the month taken
    fees: int  # fee added + fee deducted + the fixed fee


def proceeds(offer: BorrowOffer, amount: int) -> Proceeds:
    """The opening balance, the money received and the fees of borrowing `amount` cents."""
    added = percent_of(offer.fee_added_percent, amount)
    deducted = percent_of(offer.fee_deducted_percent, amount) + to_cents(offer.fee)
    return Proceeds(amount, amount + added, amount - deducted, added + deducted)


@dataclass(slots=True)
class Effect:
    """One decision taken in a month, and what it does (cents)."""

    offer: str
    kind: str
    month: int
    amount: int | None
    received: int = 0  # cash in this month (free, or restricted to `pays`)
    restricted_to: frozenset[int] | None = None  # accounts the received cash may pay (consolidation, transfer)
    opens_account: int | None = None  # the new loan's account index
    opening_balance: int = 0  # X + fee added
    fees: int = 0  # fee added + fee deducted + fixed fee, or the hardship fee (set on acceptance)
    keep_value: int = 0
    hardship_account: int | None = None
    settles_account: int | None = None  # a settlement's loan: its price is `amount` (set when the month opens)
    used: int = 0  # restricted proceeds that paid their loans (set on settle)
    waived: int = 0  # set on acceptance
    tax: int = 0  # a settlement's tax on the forgiven part, paid from the month's cash

    @property
    def unused(self) -> int:
        return self.received - self.used if self.restricted_to is not None else 0


@dataclass(slots=True)
class OfferBook:
    """The scenario's offers, indexed, and which have been taken."""

    scenario: Scenario
    n_loans: int
    account_of: dict[str, int] = field(default_factory=dict)  # borrowing offer id -> account index
    taken: set[str] = field(default_factory=set)
    hardship_taken: set[int] = field(default_factory=set)
    settled: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        k = self.n_loans
        for offer in self.scenario.offers:
            if isinstance(offer, BorrowOffer):
                self.account_of[offer.id] = k
                k += 1

    def effects(self, t: int, takes: Sequence[Take], is_open: Sequence[bool]) -> list[Effect]:
        """Check the decisions of month t and say what each does; ScheduleError when one is not allowed."""
        scenario = self.scenario
        effects = []
        known = {offer.id: j for j, offer in enumerate(scenario.offers)}
        for take in takes:
            if take.offer not in known:
                raise ScheduleError(f"month {t}: no offer '{take.offer}' in the scenario", month=t)
        for take in sorted(takes, key=lambda take: known[take.offer]):
            offer = scenario.offers[known[take.offer]]
            where = f"month {t}, offer {offer.id}"
            if take.month != t:
                raise ScheduleError(f"{where}: the decision is for month {take.month}", month=t)
            if offer.id in self.taken:
                raise ScheduleError(f"{where}: already taken; an offer is taken once", month=t)
            first = month_index(scenario.start, offer.available_from)
            last = month_index(scenario.start, offer.available_until)
            if not first <= t <= last:
                raise ScheduleError(f"{where}: available only in months {first} to {last}", month=t)
            self.taken.add(offer.id)
            effects.append(self._effect(offer, take, t, is_open, where))
        return effects

    def _effect(self, offer: object, take: Take, t: int, is_open: Sequence[bool], where: str) -> Effect:
        if isinstance(offer, BorrowOffer):
            if take.amount is None:
                raise ScheduleError(f"{where}: say how much is borrowed", month=t)
            x = take.amount
            low, high = to_cents(offer.min_amount), to_cents(offer.max_amount)
            if not low <= x <= high or x <= 0:
                raise ScheduleError(f"{where}: {x / 100:.2f} is outside {low / 100:.2f} to {high / 100:.2f}", month=t)
            money = proceeds(offer, x)
            if money.received < 0:
                raise ScheduleError(f"{where}: the fees are more than the {x / 100:.2f} borrowed", month=t)
            restricted = None
            if offer.kind != OfferKind.CASH_LOAN:
                ids = offer.pays if offer.pays is not None else [loan.id for loan in self.scenario.loans]
                restricted = frozenset(self.scenario.loan_index(loan_id) for loan_id in ids)
            return Effect(offer.id, offer.kind, t, x, received=money.received, restricted_to=restricted,
                          opens_account=self.account_of[offer.id], opening_balance=money.opening_balance,
                          fees=money.fees)
        if isinstance(offer, AssetSale):
            amount = to_cents(offer.amount)
            if take.amount not in (None, amount):
                raise ScheduleError(f"{where}: an asset sells for its amount, {amount / 100:.2f}", month=t)
            return Effect(offer.id, offer.kind, t, amount, received=amount, keep_value=to_cents(offer.keep_value))
        if isinstance(offer, Settlement):
            return self._settlement(offer, take, t, is_open, where)
        assert isinstance(offer, HardshipPlan)
        i = self.scenario.loan_index(offer.loan)
        if not is_open[i]:
            raise ScheduleError(f"{where}: loan {offer.loan} is closed; there is nothing to convert", month=t)
        if i in self.hardship_taken:
            raise ScheduleError(f"{where}: loan {offer.loan} already has a hardship plan", month=t)
        self.hardship_taken.add(i)
        return Effect(offer.id, offer.kind, t, None, hardship_account=i)

    def _settlement(self, offer: Settlement, take: Take, t: int, is_open: Sequence[bool], where: str) -> Effect:
        i = self.scenario.loan_index(offer.loan)
        if take.amount is not None:
            raise ScheduleError(f"{where}: a settlement's price is set by the offer; leave the amount out", month=t)
        if not is_open[i]:
            raise ScheduleError(f"{where}: loan {offer.loan} is closed; there is nothing to settle", month=t)
        if i in self.settled:
            raise ScheduleError(f"{where}: loan {offer.loan} is already settled", month=t)
        self.settled.add(i)
        return Effect(offer.id, offer.kind, t, None, settles_account=i)


def restricted_used(restricted: Sequence[tuple[int, frozenset[int]]], payments: Sequence[int]) -> list[int]:
    """Of each (proceeds, accounts they may pay), what this month's payments use.

    Offers are served in the scenario's order, each from what is still unpaid
    to its loans, so overlapping `pays` lists are attributed deterministically.
    """
    left = list(payments)
    used = []
    for received, accounts in restricted:
        budget = received
        for i in sorted(accounts):
            use = min(budget, left[i])
            left[i] -= use
            budget -= use
        used.append(received - budget)
    return used


def attribute_restricted(effects: Sequence[Effect], payments: Sequence[int]) -> int:
    """Restricted proceeds used by this month's payments to their loans (set on each effect); the total."""
    restricted = [e for e in effects if e.restricted_to is not None]
    if not restricted:
        return 0
    used = restricted_used([(e.received, e.restricted_to) for e in restricted], payments)  # type: ignore[misc]
    for effect, amount in zip(restricted, used, strict=True):
        effect.used = amount
    return sum(used)
