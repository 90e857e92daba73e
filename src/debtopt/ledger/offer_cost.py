"""What an offer really costs a year: the internal rate of return of its cash flows, fees included.

The flows are the borrower's: what the offer pays out in the month it is taken
(the amount less deducted fees), then every due of the new loan paid on time,
as the ledger computes them, until it is closed. The annual cost is 12 times the
monthly IRR (the nominal "IRR method" Chinese lenders must disclose, 年化利率
(IRR)); the effective rate (1 + i)^12 - 1 is given beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.load import scenario_from_dict
from ..domain.money import from_cents, to_cents
from ..domain.offers import BorrowOffer
from ..domain.scenario import Scenario
from .book import Ledger
from .offers import proceeds
from .terms import ANNUAL_COST_LINES

_MAX_MONTHS = 600


@dataclass(frozen=True, slots=True)
class OfferCost:
    offer: str
    kind: str
    amount: int  # cents borrowed
    received: int  # cents paid out in the month it is taken
    payments: list[int]  # cents, months 1.. after it is taken
    monthly_irr: float | None
    annual_rate: float | None  # 12 x monthly IRR
    effective_annual_rate: float | None
    crosses: float | None  # the highest of ANNUAL_COST_LINES the annual cost is above, if any

    @property
    def flows(self) -> list[int]:
        return [self.received, *(-p for p in self.payments)]


def offer_cost(scenario: Scenario, offer_id: str, amount_cents: int | None = None) -> OfferCost:
    """The all-in cost of borrowing `amount_cents` (default: the offer's maximum) from a borrowing offer."""
    offer = scenario.offers[scenario.offer_index(offer_id)]
    if not isinstance(offer, BorrowOffer):
        raise ValueError(f"offer {offer_id} is a {offer.kind}, not a loan: it has no rate of its own")
    x = to_cents(offer.max_amount) if amount_cents is None else amount_cents
    contract = offer.loan
    money = proceeds(offer, x)
    received, opening = money.received, money.opening_balance
    loan = contract.model_dump(mode="json", exclude_none=True, by_alias=True)
    loan.update(id=offer.id, balance=str(from_cents(opening)))
    alone = scenario_from_dict({
        "currency": scenario.currency,
        "start": scenario.start,
        "horizon_months": _MAX_MONTHS,
        # cash enough for any due, paid exactly: the contract schedule
        "budget": {"monthly": str(from_cents(10 * opening + 100))},
        "loans": [loan],
    }, derived=True)
    run = Ledger(alone).start()
    payments = []
    while not run.finished:
        st = run.open_month()
        payments.append(st.due[0])
        run.settle([st.due[0]])
    if run.remaining:
        payments[-1] += run.remaining  # still owed after 50 years: repaid at the end, for the rate's sake
    monthly = _irr([received, *(-p for p in payments)])
    annual = None if monthly is None else 12 * monthly
    effective = None if monthly is None else (1 + monthly) ** 12 - 1
    crosses = next((float(line) for line in reversed(ANNUAL_COST_LINES) if annual is not None and annual > float(line)),
                   None)
    return OfferCost(offer.id, offer.kind, x, received, payments, monthly, annual, effective, crosses)


def _irr(flows: list[int]) -> float | None:
    """The monthly rate i at which sum_s flows[s] / (1 + i)^s = 0, by bisection; None if no money changes hands."""
    if flows[0] <= 0 or not any(f < 0 for f in flows[1:]):
        return None

    def npv(i: float) -> float:
        total, factor = 0.0, 1.0
        for f in flows:
            total += f / factor
            factor *= 1 + i
        return total

    low, high = -0.5, 10.0
    if npv(low) > 0 or npv(high) < 0:
        return None
    for _ in range(200):
        mid = (low + high) / 2
        if npv(mid) < 0:
            low = mid
        else:
            high = mid
    rate = (low + high) / 2
    return 0.0 if abs(rate) < 1e-12 else rate
