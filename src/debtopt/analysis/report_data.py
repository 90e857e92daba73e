"""The report document of one plan: `build_report_data(scenario, plan)`.

The caller chooses the plan (the optimizer's, or a heuristic's) and passes
it in; this module explains it (reasons), lists what to do now (actions), and
adds what re-solving around it shows: the budget what-ifs, borrowing to pay
debts, the value of money on this plan, each offer's worth and cost, the
comparison with the usual habits, and the letters that ask lenders for
something. Every figure is a ledger replay's.
"""

from __future__ import annotations

import time

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

from ..domain.choices import BORROW_KINDS, OPTIMAL, Language, Objective
from ..domain.options import SolveOptions
from ..domain.plan import Plan
from ..domain.ranking import rank_by
from ..domain.scenario import Scenario
from ..strategies import run_heuristics, run_strategy
from .actions import actions, cash_sources
from .borrowing import borrowing
from .document import Account, ComparisonRow, ReportData, TableRow
from .letters import letters
from .offers import offer_rows
from .reasons import explain
from .runner import Run, serial
from .value import value_of_money
from .whatif import WHATIF_SECONDS, StartedWhatIfs, what_ifs

SECTIONS = frozenset({"comparison", "borrowing", "value", "whatif", "letters"})


def _totals(plan: Plan, account_id: str) -> dict[str, object]:
    rows = [(m.month, lm) for m in plan.months for lm in m.loans if lm.id == account_id]
    return {
        "paid": sum((lm.payment for _, lm in rows), Decimal(0)),
        "interest": sum((lm.interest for _, lm in rows), Decimal(0)),
        "penalty_interest": sum((lm.penalty_interest for _, lm in rows), Decimal(0)),
        "fees": sum((lm.fees for _, lm in rows), Decimal(0)),
        "overdue_months": sum(lm.overdue for _, lm in rows),
        "closed_month": next((t for t, lm in rows if lm.closed), None),
    }


def accounts_of(scenario: Scenario, plan: Plan) -> list[Account]:
    """The scenario's loans, then each borrowing offer's new loan that the plan opens, with their totals."""
    out = [Account(**_totals(plan, loan.id),  # type: ignore[arg-type]
                   id=loan.id, name=loan.display_name, lender=loan.lender or loan.display_name, kind=loan.kind,
                   account_number=loan.account_number, balance=loan.balance, arrears=loan.arrears,
                   months_overdue=loan.months_overdue, escalation_months=loan.escalation_months,
                   in_collection=loan.is_in_collection)
           for loan in scenario.loans]
    seen = {lm.id for m in plan.months for lm in m.loans}
    for offer in scenario.offers:
        if offer.kind in BORROW_KINDS and offer.id in seen:
            out.append(Account(**_totals(plan, offer.id), id=offer.id,  # type: ignore[arg-type]
                                name=offer.name or offer.id, lender=offer.name or offer.id,
                               kind=offer.loan.kind, offer_kind=offer.kind, balance=Decimal(0),  # type: ignore[union-attr]
                               arrears=Decimal(0), months_overdue=0,
                               escalation_months=offer.loan.escalation_months))  # type: ignore[union-attr]
    return out


def month_table(plan: Plan, ids: list[str]) -> list[TableRow]:
    sources = cash_sources(plan)
    rows = []
    for m in plan.months:
        by_id = {lm.id: lm for lm in m.loans}
        used, unused = sources.get(m.month, (Decimal(0), Decimal(0)))
        rows.append(TableRow(month=m.month, date=m.date, cash=m.cash_available, proceeds=used, unused=unused,
                             payments={i: by_id[i].payment if i in by_id else None for i in ids},
                             overdue=[lm.id for lm in m.loans if lm.overdue],
                             closed=[lm.id for lm in m.loans if lm.closed], saved=m.saved))
    return rows


def comparison(main: Plan, plans: Mapping[str, Plan]) -> list[ComparisonRow]:
    """`main` first, then the others best first in the order of the objective `main` was optimized
    for (a heuristic's plan: the contract's order)."""
    everything = {main.strategy: main, **{k: v for k, v in plans.items() if k != main.strategy}}
    mt = main.totals
    rows = []
    solver = main.solver
    rank = rank_by(Objective.LEXICOGRAPHIC) if solver is None else rank_by(solver.objective, solver.overdue_price)
    for name, plan in sorted(everything.items(), key=lambda kv: (kv[0] != main.strategy, rank(kv[1]))):
        t = plan.totals
        rows.append(ComparisonRow(
            strategy=name, totals=t, escalations=t.escalations - mt.escalations,
            overdue_months=t.overdue_months - mt.overdue_months, cost=t.cost - mt.cost,
            net_cost=t.net_cost - mt.net_cost, penalty_interest=t.penalty_interest - mt.penalty_interest,
            fees=t.fees - mt.fees, remaining_balance=t.remaining_balance - mt.remaining_balance))
    return rows


# The what-ifs and the borrowing search re-solve under the report's safety cap: when it passes, some are left out.
CAPPED_NOTE = ("Stopped by the time limit (the budget what-ifs and the borrowing search): this report may differ on "
               "another machine.")


def build_report_data(scenario: Scenario, plan: Plan, *, lang: Language | str | None = None,
                      order: Sequence[str] | None = None, heuristics: Mapping[str, Plan] | None = None,
                      sections: Collection[str] = SECTIONS,
                      time_limit_seconds: float = WHATIF_SECONDS, options: SolveOptions | None = None,
                      run: Run = serial, started: StartedWhatIfs | None = None) -> ReportData:
    """The report document of `plan` (a ledger replay of `scenario`: the optimizer's or a heuristic's).

    heuristics: the usual habits to compare with (computed when not given; with
    `order`, the borrower's own order too). sections: which of comparison,
    borrowing, value, whatif and letters to include. time_limit_seconds: the
    safety cap of the borrowing search's and the what-ifs' re-solves together
    (each bounded by the solve's work limit); options: the plan's solve options
    (objective, work limits) the what-ifs re-solve with; run: how the what-ifs'
    re-solves run (analysis/runner.py); started: the what-ifs already started on it
    (whatif.start_what_ifs: the caller started them beside other re-solves).
    """
    began = time.perf_counter()
    accounts = accounts_of(scenario, plan)
    offers = offer_rows(scenario, plan)
    lenders = {a.id: a.lender for a in accounts}
    borrow = borrowing(scenario, plan, time_limit_seconds) if "borrowing" in sections else None
    value = value_of_money(plan) if "value" in sections else None
    habits: Mapping[str, Plan] = {}
    if "comparison" in sections:
        habits = heuristics if heuristics is not None else run_heuristics(scenario)
        if order and "custom" not in habits:
            habits = {**habits, "custom": run_strategy(scenario, "custom", list(order))}
    changes = [] if "whatif" not in sections else started.finish() if started is not None \
        else what_ifs(scenario, plan, list(order or []), time_limit_seconds - (time.perf_counter() - began),
                      options=options, run=run)
    notes = list(plan.notes)
    if plan.strategy == OPTIMAL and time.perf_counter() - began >= time_limit_seconds \
            and ("whatif" in sections or "borrowing" in sections):
        notes.append(CAPPED_NOTE)
    solver = plan.solver
    extra = solver.extra_cash.amount if solver is not None and solver.extra_cash is not None else None
    return ReportData(
        language=str(lang or scenario.language), currency=scenario.currency, start=scenario.start,
        horizon_months=scenario.horizon_months, borrower=scenario.borrower,
        owed=sum((loan.balance for loan in scenario.loans), Decimal(0)),
        savings_to_horizon=plan.totals.cost - plan.totals.net_cost,
        method="optimal" if plan.strategy == OPTIMAL else "heuristic",
        solver_status=None if solver is None else solver.status.value, notes=notes,
        accounts=accounts, plan=plan if solver is None else plan.model_copy(update={"solver": solver.without_timings()}),
        table=month_table(plan, [a.id for a in accounts]),
        actions=actions(plan, offers, lenders, borrow, value),
        explanations=explain(scenario, plan), offers=offers,
        comparison=comparison(plan, habits) if habits else [],
        borrowing=borrow, value_of_money=value,
        what_ifs=changes,
        letters=letters(scenario, plan) if "letters" in sections else [],
        extra_monthly_to_clear=None if extra is None else Decimal(repr(extra)),
    )
