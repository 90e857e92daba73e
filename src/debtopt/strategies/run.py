"""Running a strategy: it proposes a schedule, the ledger decides its figures."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.plan import Plan, Schedule
from ..domain.scenario import Scenario
from ..errors import FieldIssue, ScenarioError
from ..ledger import Ledger, replay
from .heuristics import HEURISTICS, Custom, Decide

STRATEGIES = (*HEURISTICS, "custom")


def propose_schedule(scenario: Scenario | Ledger, decide: Decide) -> Schedule:
    """Step the ledger month by month, letting `decide` choose each month's payments."""
    ledger = scenario if isinstance(scenario, Ledger) else Ledger(scenario)
    run = ledger.start()
    rows = []
    while not run.finished:
        statement = run.open_month()
        payments = decide(run, statement)
        run.settle(payments)
        rows.append(payments)
    return Schedule(payments=rows)


def resolve_order(scenario: Scenario, order: Sequence[str]) -> list[int]:
    """Loan ids of a custom order as indices; unknown or repeated ids are an error."""
    indices: list[int] = []
    for loan_id in order:
        try:
            i = scenario.loan_index(loan_id)
        except KeyError:
            known = ", ".join(loan.id for loan in scenario.loans)
            raise ScenarioError([FieldIssue("--order", f"no loan '{loan_id}'; the loans are {known}")]) from None
        if i in indices:
            raise ScenarioError([FieldIssue("--order", f"'{loan_id}' is named twice; name each loan once")])
        indices.append(i)
    return indices


def run_strategy(scenario: Scenario, name: str, order: Sequence[str] | None = None) -> Plan:
    """The plan of one heuristic (or `custom` with `order`), replayed by the ledger."""
    ledger = Ledger(scenario)
    if name == "custom":
        if not order:
            raise ScenarioError([FieldIssue("--order", "the custom strategy needs an order: loan ids, dearest first")])
        decide: Decide = Custom(resolve_order(scenario, order))
    elif name in HEURISTICS:
        decide = HEURISTICS[name]
    else:
        raise ScenarioError([FieldIssue("--strategy", f"unknown strategy '{name}'; choose one of {', '.join(STRATEGIES)}")])
    return replay(ledger, propose_schedule(ledger, decide), strategy=name)


def run_heuristics(scenario: Scenario) -> dict[str, Plan]:
    """Every built-in heuristic, in a fixed order."""
    return {name: run_strategy(scenario, name) for name in HEURISTICS}


def best_heuristic(scenario: Scenario) -> Plan:
    """The heuristic plan that is best in the contract's order (ties: the first listed)."""
    plans = run_heuristics(scenario)
    return min(plans.values(), key=lambda plan: plan.rank_key())
