"""What each offer is worth: the optimum without it against the plan with every offer.

An offer the plan does not take is worth nothing (the plan stands without it); one
it takes is re-solved without it (`debtopt.optimize.optimize`, starting from the
heuristics taking the plan's other offers), bounded by the same work limit as the
plan's solve, so the worth is the same on any machine. Deltas are without - with:
positive means the offer saves that many escalations, overdue months or money.
`proved` says the re-solve proved its optimum; when it did not, the worth is an
upper bound. The caller's deadline (its time limit) is a safety cap: a re-solve it
stops, and those after it, are not computed (None), and the plan's status says the
time limit stopped it. Borrowing offers also get their all-in annual cost
(offers.md, "Costs and reports"), at the amount taken, or the most they lend.
"""

from __future__ import annotations

import time

from ..domain.choices import OfferKind
from ..domain.money import from_cents, to_cents
from ..domain.offers import BorrowOffer
from ..domain.options import SolveOptions
from ..domain.plan import Decision, Plan, Take
from ..domain.scenario import Scenario
from ..domain.solver import NOT_COMPUTED, AnnualCost, OfferWorth, Worth
from ..errors import InfeasibleLimitError, OptionError, ScheduleError, SolverError
from ..ledger import Ledger, replay
from ..ledger.offer_cost import offer_cost
from ..optimize import optimize
from ..strategies.heuristics import HEURISTICS
from ..strategies.run import propose_schedule
from ._capped import stopped_by_time_limit

# Below this much of the cap left, a re-solve is not started (HiGHS cannot even start a stage).
MIN_WORTH_SECONDS = 0.5
# The kinds the optimizer decides on (every kind, since offers.md's five are all in the model).
MODELLED_KINDS = frozenset(OfferKind)


def with_offer_worth(scenario: Scenario, plan: Plan, options: SolveOptions, deadline: float) -> Plan:
    """`plan` (the optimizer's, of `scenario` with `options`) with `plan.solver.offers` filled:
    each offer's decision, worth and annual cost. The re-solves end by `deadline`
    (a `time.perf_counter()` value)."""
    if not scenario.offers or plan.solver is None:
        return plan
    taken = {d.offer: d for d in plan.decisions}
    rows = []
    capped = False
    for offer in scenario.offers:
        decision = taken.get(offer.id)
        worth, proved = Worth(), None
        if decision is not None:
            worth, proved, stopped = _worth(scenario, plan, offer.id, options, deadline - time.perf_counter())
            capped = capped or stopped
        rows.append(OfferWorth(
            offer=offer.id, kind=offer.kind, modelled=offer.kind in MODELLED_KINDS, taken=decision is not None,
            month=decision.month if decision else None,
            amount=float(decision.amount) if decision and decision.amount is not None else None,
            proved=proved, worth=worth, annual_cost=_annual_cost(scenario, offer, decision),
        ))
    plan = plan.model_copy(update={"solver": plan.solver.model_copy(update={"offers": rows})})
    return stopped_by_time_limit(plan, "what each offer is worth") if capped else plan


def _worth(scenario: Scenario, plan: Plan, offer_id: str, options: SolveOptions, seconds: float
           ) -> tuple[Worth, bool | None, bool]:
    """What the offer taken saves: the optimum without it, re-solved within the work limit (and
    `seconds`, the cap left), less this plan; whether the re-solve proved its optimum (None: it
    found no plan); and whether the cap stopped it (then the worth is not computed)."""
    if seconds < MIN_WORTH_SECONDS:
        return NOT_COMPUTED, False, True
    without = scenario.model_copy(update={"offers": [o for o in scenario.offers if o.id != offer_id]})
    others = [Take(offer=d.offer, month=d.month, amount=None if d.amount is None else to_cents(d.amount))
              for d in plan.decisions if d.offer != offer_id]
    again = options.model_copy(update={"time_limit_seconds": seconds, "offer_worth": False})
    try:
        other = optimize(without, again, starts=_plans_taking(without, others))
    except (SolverError, InfeasibleLimitError):
        return NOT_COMPUTED, None, False
    if other.solver is not None and other.solver.timed_out:
        return NOT_COMPUTED, False, True
    a, b = plan.totals, other.totals
    worth = Worth(escalations=b.escalations - a.escalations, overdue_months=b.overdue_months - a.overdue_months,
                  remaining_balance=float(b.remaining_balance - a.remaining_balance),
                  net_cost=float(b.net_cost - a.net_cost))
    return worth, other.solver is not None and other.solver.proved, False


def _plans_taking(scenario: Scenario, takes: list[Take]) -> list[Plan]:
    """Each heuristic's plan when it takes `takes` (the plan's other offers): the re-solve
    without one offer starts from these, far closer to its optimum than heuristics that take none."""
    if not takes:
        return []
    ledger = Ledger(scenario)
    plans = []
    for name, decide in HEURISTICS.items():
        try:
            plans.append(replay(ledger, propose_schedule(ledger, decide, takes), strategy=name))
        except (ScheduleError, OptionError):  # the takes do not fit this heuristic's plan
            continue
    return plans


def _annual_cost(scenario: Scenario, offer: object, decision: Decision | None) -> AnnualCost | None:
    """A borrowing offer's all-in annual cost, at the amount taken (the most it lends when declined),
    and the regulatory line it crosses."""
    if not isinstance(offer, BorrowOffer):
        return None
    cost = offer_cost(scenario, offer.id, None if decision is None or decision.amount is None
                      else to_cents(decision.amount))
    return AnnualCost(
        amount=float(from_cents(cost.amount)),
        annual_rate=None if cost.annual_rate is None else round(cost.annual_rate, 6),
        effective_annual_rate=None if cost.effective_annual_rate is None else round(cost.effective_annual_rate, 6),
        crosses=cost.crosses,
    )
