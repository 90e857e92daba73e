"""What each offer is worth: the optimum without it against the plan with every offer.

An offer the plan does not take is worth nothing (the plan stands without it); one
it takes is re-solved without it (`debtopt.optimize.optimize` with the caller's
options: the same objective and work limits, so the worth is the same on any
machine), starting from the plan's own payments without that offer wherever they
fit, each heuristic filling in, and from the heuristics taking the plan's other
offers. Deltas are without - with: positive means the offer saves that many
escalations, overdue months or money. `proved` says the re-solve proved its
optimum; when it did not, the worth is an upper bound. The re-solves are
independent: they run through the caller's `Run` (analysis/runner.py: one after
the other, or side by side in worker processes), and each row is assembled in the
scenario's order, so the result never depends on which finished first. The
caller's deadline (its time limit) is a safety cap: a re-solve it stops is not
computed (None), and the plan's status says the time limit stopped it. Borrowing
offers also get their all-in annual cost (offers.md, "Costs and reports"), at
the amount taken, or the most they lend.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..domain.choices import OfferKind
from ..domain.money import from_cents, to_cents
from ..domain.offers import BorrowOffer
from ..domain.options import SolveOptions
from ..domain.plan import Decision, Plan, Take
from ..domain.scenario import Scenario
from ..domain.solver import NOT_COMPUTED, AnnualCost, OfferWorth, Worth
from ..errors import InfeasibleLimitError, OptionError, ScheduleError, SolverError
from ..ledger import Ledger, LedgerRun, Statement, replay
from ..ledger.offer_cost import offer_cost
from ..optimize import optimize
from ..strategies.heuristics import HEURISTICS, Decide
from ..strategies.run import heuristics_taking, propose_schedule
from ._capped import stopped_by_time_limit
from .runner import Run, serial

# Below this much of the cap left, a re-solve is not started (HiGHS cannot even start a stage).
MIN_WORTH_SECONDS = 0.5
# The kinds the optimizer decides on (every kind, since offers.md's five are all in the model).
MODELLED_KINDS = frozenset(OfferKind)


def with_offer_worth(scenario: Scenario, plan: Plan, options: SolveOptions, deadline: float,
                     run: Run = serial) -> Plan:
    """`plan` (the optimizer's, of `scenario` with `options`) with `plan.solver.offers` filled:
    each offer's decision, worth and annual cost. The re-solves (one per offer taken) go
    through `run` and end by `deadline` (a `time.perf_counter()` value: the safety cap)."""
    if not scenario.offers or plan.solver is None:
        return plan
    taken = {d.offer: d for d in plan.decisions}
    ids = [offer.id for offer in scenario.offers if offer.id in taken]
    found = dict(zip(ids, run(_worth, [(scenario, plan, offer_id, options, deadline) for offer_id in ids]), strict=True))
    rows = []
    capped = False
    for offer in scenario.offers:
        decision = taken.get(offer.id)
        worth, proved, stopped = found.get(offer.id, (Worth(), None, False))
        capped = capped or stopped
        rows.append(OfferWorth(
            offer=offer.id, kind=offer.kind, modelled=offer.kind in MODELLED_KINDS, taken=decision is not None,
            month=decision.month if decision else None,
            amount=float(decision.amount) if decision and decision.amount is not None else None,
            proved=proved, worth=worth, annual_cost=_annual_cost(scenario, offer, decision),
        ))
    plan = plan.model_copy(update={"solver": plan.solver.model_copy(update={"offers": rows})})
    return stopped_by_time_limit(plan, "what each offer is worth") if capped else plan


def _worth(scenario: Scenario, plan: Plan, offer_id: str, options: SolveOptions, deadline: float
           ) -> tuple[Worth, bool | None, bool]:
    """What the offer taken saves: the optimum without it, re-solved within the work limit (and
    by `deadline`, the cap), less this plan; whether the re-solve proved its optimum (None: it
    found no plan); and whether the cap stopped it (then the worth is not computed)."""
    seconds = deadline - time.perf_counter()
    if seconds < MIN_WORTH_SECONDS:
        return NOT_COMPUTED, False, True
    without = scenario.model_copy(update={"offers": [o for o in scenario.offers if o.id != offer_id]})
    others = [Take(offer=d.offer, month=d.month, amount=None if d.amount is None else to_cents(d.amount))
              for d in plan.decisions if d.offer != offer_id]
    again = options.model_copy(update={"time_limit_seconds": seconds, "offer_worth": False})
    starts = [*_plans_following(without, plan, others), *heuristics_taking(without, others)]
    try:
        other = optimize(without, again, starts=starts)
    except (SolverError, InfeasibleLimitError):
        return NOT_COMPUTED, None, False
    if other.solver is not None and other.solver.timed_out:
        return NOT_COMPUTED, False, True
    a, b = plan.totals, other.totals
    worth = Worth(escalations=b.escalations - a.escalations, overdue_months=b.overdue_months - a.overdue_months,
                  remaining_balance=float(b.remaining_balance - a.remaining_balance),
                  net_cost=float(b.net_cost - a.net_cost))
    return worth, other.solver is not None and other.solver.proved, False


def _plans_following(scenario: Scenario, plan: Plan, takes: list[Take]) -> list[Plan]:
    """The plan's own payments on the scenario without one offer, each heuristic filling in: in
    every month they fit (capped at what each loan owes, within the cash), or until the first month
    they do not; the plan's other offers taken as it takes them. Until the offer's month the plan
    is unchanged, and its payments are most of the way to the optimum without the offer: measured
    on zhang-san without the consolidation loan, this start cut the re-solve from 15 to 3 CPU
    seconds (the heuristics alone start 2 escalations and ¥180 of net cost away)."""
    ledger = Ledger(scenario)
    paid = [{lm.id: to_cents(lm.payment) for lm in month.loans} for month in plan.months]
    rows = [[month.get(account, 0) for account in ledger.account_ids] for month in paid]
    plans = []
    for name, decide in HEURISTICS.items():
        for always in (True, False):
            try:
                schedule = propose_schedule(ledger, _Following(rows, decide, always), takes)
                plans.append(replay(ledger, schedule, strategy=name))
            except (ScheduleError, OptionError):  # the takes do not fit this plan's months
                continue
    return plans


@dataclass(slots=True)
class _Following:
    """A `Decide`: the plan's payments of the month when they fit, else the heuristic's (from then on,
    unless `always`)."""

    rows: list[list[int]]
    decide: Decide
    always: bool
    left: bool = False

    def __call__(self, run: LedgerRun, st: Statement) -> list[int]:
        if not self.left and st.month <= len(self.rows):
            payments = [min(p, owed) if is_open else 0
                        for p, owed, is_open in zip(self.rows[st.month - 1], st.owed, st.is_open, strict=True)]
            if sum(payments) <= st.cash_available:
                return payments
            self.left = not self.always
        return self.decide(run, st)


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
