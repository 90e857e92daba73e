"""Replaying a schedule into a plan: the only source of figures a user sees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from ..domain.months import month_label
from ..domain.plan import Escalation, LoanMonth, MonthRow, Plan, Schedule, Totals
from ..domain.scenario import Scenario
from ..errors import ScheduleError
from .book import Ledger, LedgerRun


def replay(scenario: Scenario | Ledger, schedule: Schedule, strategy: str = "custom") -> Plan:
    """Run `schedule` through the ledger month by month until every loan is closed or T.

    Raises ScheduleError for a payment above the cash at hand or above what is
    owed, and for a payment in a month after the plan has ended.
    """
    ledger = scenario if isinstance(scenario, Ledger) else Ledger(scenario)
    run = ledger.start()
    n = len(ledger.terms)
    while not run.finished:
        run.open_month()
        t = run.month + 1
        row = schedule.payments[t - 1] if t - 1 < len(schedule.payments) else [0] * n
        run.settle(list(row))
    for t in range(run.month + 1, len(schedule.payments) + 1):
        for i, p in enumerate(schedule.payments[t - 1]):
            if p:
                loan_id = ledger.loan_ids[i] if i < n else None
                raise ScheduleError(f"month {t}, loan {loan_id}: pays after the plan ended in month {run.month}", t, loan_id)
    return plan_from_run(run, strategy)


_M = TypeVar("_M", bound=BaseModel)


def _trusted(cls: type[_M], fields: dict[str, Any]) -> _M:
    """A model from values the ledger computed, every field given: what pydantic's
    `model_construct` does, without its per-field default lookups, which took half
    the replay's time (benchmarks/ledger_speed.py). The replay tests compare the
    result byte for byte with validated models."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class _Cents(dict[int, Decimal]):
    """Cents to Decimal, each value converted once per plan (amounts repeat a lot)."""

    def __missing__(self, cents: int) -> Decimal:
        value = self[cents] = Decimal(cents).scaleb(-2)
        return value


def plan_from_run(run: LedgerRun, strategy: str) -> Plan:
    """The plan (rows and totals) of a finished run. Built unvalidated: the ledger is the source."""
    ledger = run.ledger
    scenario = ledger.scenario
    ids = ledger.loan_ids
    c = _Cents().__getitem__
    months = []
    escalated = []
    paid = interest = penalty = fees = savings_interest = 0
    overdue_months = 0
    max_run = max((t.months_overdue for t in ledger.terms), default=0)
    for result in run.results:
        date = month_label(scenario.start, result.month)
        savings_interest += result.savings_interest
        loans = []
        for r in result.loans:
            paid += r.payment
            interest += r.interest
            penalty += r.penalty
            fees += r.fee
            overdue_months += r.overdue
            max_run = max(max_run, r.overdue_run)
            if r.escalated:
                escalated.append(Escalation.model_construct(id=ids[r.index], month=result.month, date=date))
            loans.append(
                _trusted(LoanMonth, {
                    "id": ids[r.index],
                    "payment": c(r.payment),
                    "interest": c(r.interest),
                    "penalty_interest": c(r.penalty),
                    "fees": c(r.fee),
                    "due": c(r.due),
                    "balance": c(r.balance),
                    "arrears": c(r.arrears),
                    "overdue": r.overdue,
                    "months_overdue": r.overdue_run,
                    "closed": r.closed,
                    "escalated": r.escalated,
                })
            )
        months.append(
            MonthRow.model_construct(
                month=result.month,
                date=date,
                cash_available=c(result.cash_available),
                saved=c(result.saved),
                savings_interest=c(result.savings_interest),
                loans=loans,
            )
        )
    remaining = sum(run.balance)
    cost = interest + penalty + fees
    totals = Totals.model_construct(
        paid=c(paid),
        interest=c(interest),
        penalty_interest=c(penalty),
        fees=c(fees),
        cost=c(cost),
        savings_interest=c(savings_interest),
        net_cost=c(cost - savings_interest),
        overdue_months=overdue_months,
        max_consecutive_overdue=max_run,
        escalations=len(escalated),
        payoff_month=run.month if remaining == 0 else None,
        remaining_balance=c(remaining),
        final_savings=c(run.savings),
    )
    return Plan.model_construct(
        strategy=strategy,
        currency=scenario.currency,
        months=months,
        totals=totals,
        escalated=escalated,
        solver=None,
        notes=[],
    )
