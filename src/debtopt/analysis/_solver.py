"""The one place the analysis calls the optimizer (its signature changes with the pipeline: change it here only)."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.options import SolveOptions
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..errors import ScenarioError, ScheduleError
from ..ledger import Ledger, replay


def _optimize(scenario: Scenario, *, time_limit_seconds: float, starts: Sequence[Plan] = (),
              options: SolveOptions | None = None, decided: Plan | None = None) -> Plan:
    """The optimizer's plan of a what-if scenario with the plan's `options` (objective, work limits;
    the default's without), `time_limit_seconds` its safety cap, no offer worth, started from `starts`,
    and its money stages also from the best point taking the offers `decided` takes, when they took them."""
    from ..optimize import optimize

    again = (options or SolveOptions()).model_copy(update={"time_limit_seconds": time_limit_seconds,
                                                           "offer_worth": False})
    decisions = None if decided is None else {d.offer: d.month for d in decided.decisions}
    return optimize(scenario, again, starts=starts, decisions=decisions)


def replayed_on(scenario: Scenario, plan: Plan) -> list[Plan]:
    """The plan's own payments and choices on a changed scenario, as a start for its re-solve (none if they do not fit)."""
    ledger = Ledger(scenario)
    try:
        return [replay(ledger, plan.to_schedule(ledger.account_ids), strategy="start")]
    except (ScheduleError, ScenarioError, KeyError):  # more than the new cash, or an account the scenario lacks
        return []
