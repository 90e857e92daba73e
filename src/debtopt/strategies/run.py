"""Running a strategy: it proposes a schedule, the ledger decides its figures."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from fractions import Fraction

from ..domain.months import month_index
from ..domain.money import to_cents
from ..domain.plan import Plan, Schedule, Take
from ..domain.scenario import Scenario
from ..errors import FieldIssue, OptionError, ScheduleError
from ..ledger import Ledger, LedgerRun, Statement, replay
from .allocate import fill_in_order
from .heuristics import HEURISTICS, Custom, Decide

STRATEGIES = (*HEURISTICS, "custom")


def _bad(path: str, message: str) -> OptionError:
    """An option of the call at fault (`strategy`, `order`, `takes`), named as the API spells it;
    each edge translates the name to its own (`--order`, `query.order`)."""
    return OptionError([FieldIssue(path, message)])


def propose_schedule(scenario: Scenario | Ledger, decide: Decide, takes: Sequence[Take] = ()) -> Schedule:
    """Step the ledger month by month, letting `decide` choose each month's payments.

    `takes` are decisions on offers the borrower has made (heuristics take no
    offers by themselves). Proceeds restricted to some loans (consolidation,
    balance transfer) are paid to those loans first, in the strategy's order
    for `custom`, else dearest first; `decide` then splits the month's cash
    over what is still owed.
    """
    ledger = scenario if isinstance(scenario, Ledger) else Ledger(scenario)
    run = ledger.start()
    by_month: dict[int, list[Take]] = {}
    for take in takes:
        by_month.setdefault(take.month, []).append(take)
    rows = []
    while not run.finished:
        statement = run.open_month(by_month.pop(run.month + 1, ()))
        pre = _spend_restricted(run, statement, decide)
        if any(pre):
            rest = decide(run, _less(statement, pre))
            payments = [a + b for a, b in zip(pre, rest, strict=True)]
        else:
            payments = decide(run, statement)
        run.settle(payments)
        rows.append(payments)
    if by_month:
        t = min(by_month)
        raise _bad("takes", f"{by_month[t][0].offer} in month {t}: the plan ended in month {run.month}, "
                          "every loan already paid off")
    return Schedule(payments=rows, decisions=list(takes))


def _spend_restricted(run: LedgerRun, st: Statement, decide: Decide) -> list[int]:
    pays = [0] * len(st.owed)
    for amount, accounts in st.restricted:
        if isinstance(decide, Custom):
            listed = [*decide.order, *(i for i in range(len(pays)) if i not in decide.order)]
        else:
            horizon = run.ledger.horizon_months
            listed = sorted(range(len(pays)), key=lambda i: (-_rate(run, i, min(st.month + 1, horizon)), i))
        fill_in_order(amount, [i for i in listed if i in accounts and st.is_open[i]], st.owed, pays)
    return pays


def _rate(run: LedgerRun, i: int, t: int) -> Fraction:
    terms = run.accounts[i].terms
    return Fraction(0) if terms is None else terms.rate_in_month(t)


def _less(st: Statement, paid: list[int]) -> Statement:
    """The statement as it stands once `paid` has gone to the loans."""
    owed = [d - p for d, p in zip(st.owed, paid, strict=True)]
    due = [max(0, d - p) for d, p in zip(st.due, paid, strict=True)]
    return dataclasses.replace(st, owed=owed, due=due)


def parse_takes(scenario: Scenario, texts: Sequence[str]) -> list[Take]:
    """`OFFER:MONTH[:AMOUNT]` (MONTH as YYYY-MM or a plan month number) as decisions."""
    takes = []
    for text in texts:
        parts = text.split(":")
        if len(parts) not in (2, 3) or not parts[0]:
            raise _bad("takes", f"'{text}' is not OFFER:MONTH[:AMOUNT], e.g. mum:2027-02:15000")
        offer_id, month_text = parts[0], parts[1]
        try:
            scenario.offer_index(offer_id)
        except KeyError:
            known = ", ".join(o.id for o in scenario.offers) or "none"
            raise _bad("takes", f"no offer '{offer_id}'; the offers are {known}") from None
        try:
            month = int(month_text) if month_text.isdigit() else month_index(scenario.start, month_text)
        except ValueError as exc:
            raise _bad("takes", f"{offer_id}: {exc}") from None
        if not 1 <= month <= scenario.horizon_months:
            raise _bad("takes", f"{offer_id}: month {month_text} is outside the plan")
        amount = None
        if len(parts) == 3 and parts[2]:
            try:
                amount = to_cents(parts[2])
            except (ArithmeticError, ValueError, TypeError):
                raise _bad("takes", f"{offer_id}: '{parts[2]}' is not an amount") from None
        takes.append(Take(offer=offer_id, month=month, amount=amount))
    return takes


def resolve_order(scenario: Scenario, order: Sequence[str]) -> list[int]:
    """Loan ids of a custom order as indices (an offer's new loan may be named by the
    offer's id); unknown or repeated ids are an error."""
    accounts = Ledger(scenario).account_ids
    indices: list[int] = []
    for loan_id in order:
        if loan_id in accounts:
            i = accounts.index(loan_id)
        else:
            known = ", ".join(loan.id for loan in scenario.loans)
            raise _bad("order", f"no loan '{loan_id}'; the loans are {known}")
        if i in indices:
            raise _bad("order", f"'{loan_id}' is named twice; name each loan once")
        indices.append(i)
    return indices


def run_strategy(
    scenario: Scenario, name: str, order: Sequence[str] | None = None, takes: Sequence[Take] = ()
) -> Plan:
    """The plan of one heuristic (or `custom` with `order`, and the offers it `takes`), replayed by the ledger."""
    ledger = Ledger(scenario)
    if takes and name != "custom":
        raise _bad("takes", "heuristics take no offers; use the custom strategy with an order")
    if name == "custom":
        if not order:
            raise _bad("order", "the custom strategy needs an order: loan ids, dearest first")
        decide: Decide = Custom(resolve_order(scenario, order))
    elif name in HEURISTICS:
        decide = HEURISTICS[name]
    else:
        raise _bad("strategy", f"unknown strategy '{name}'; choose one of {', '.join(STRATEGIES)}")
    return replay(ledger, propose_schedule(ledger, decide, takes), strategy=name)


def run_heuristics(scenario: Scenario) -> dict[str, Plan]:
    """Every built-in heuristic, in a fixed order."""
    return {name: run_strategy(scenario, name) for name in HEURISTICS}


def heuristics_taking(scenario: Scenario | Ledger, takes: Sequence[Take]) -> list[Plan]:
    """Each built-in heuristic's plan taking exactly `takes` (a related plan's offers, or a
    relaxation's), replayed by the ledger, in a fixed order; [] without takes. A heuristic whose
    plan cannot take them (its plan ends before an offer's month, say) is left out."""
    if not takes:
        return []
    ledger = scenario if isinstance(scenario, Ledger) else Ledger(scenario)
    plans = []
    for name, decide in HEURISTICS.items():
        try:
            plans.append(replay(ledger, propose_schedule(ledger, decide, takes), strategy=name))
        except (ScheduleError, OptionError):
            continue
    return plans


def best_heuristic(scenario: Scenario) -> Plan:
    """The heuristic plan that is best in the contract's order (ties: the first listed)."""
    plans = run_heuristics(scenario)
    return min(plans.values(), key=lambda plan: plan.rank_key())
