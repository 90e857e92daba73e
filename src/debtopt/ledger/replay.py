"""Replaying a schedule into a plan: the only source of figures a user sees."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from ..domain.choices import OfferKind
from ..domain.money import mul_round
from ..domain.months import month_label
from ..domain.plan import Decision, Escalation, LoanMonth, MonthRow, Plan, Schedule, Take, Totals
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
    width = len(ledger.account_ids)
    takes: dict[int, list[Take]] = {}
    for take in schedule.decisions:
        takes.setdefault(take.month, []).append(take)
    while not run.finished:
        t = run.month + 1
        run.open_month(takes.pop(t, ()))
        row = schedule.payments[t - 1] if t - 1 < len(schedule.payments) else [0] * width
        run.settle(list(row))
    for t in range(run.month + 1, len(schedule.payments) + 1):
        paying = [i for i, p in enumerate(schedule.payments[t - 1]) if p]
        if paying:
            loan_id = ledger.account_ids[paying[0]] if paying[0] < width else None
            raise ScheduleError(f"month {t}: pays after the plan ended in month {run.month}", month=t, loan_id=loan_id)
    if takes:
        t = min(takes)
        raise ScheduleError(f"month {t}: takes offer {takes[t][0].offer} after the plan ended in month {run.month}",
                            month=t)
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


def plan_from_run(run: LedgerRun, strategy: str, with_months: bool = True) -> Plan:
    """The plan (rows and totals) of a finished run. Built unvalidated: the ledger is the source.

    `with_months=False` leaves `months` empty and builds only the totals, escalations and
    decisions: what a batch over thousands of portfolios records (the rows were half its time).
    """
    c = _Cents().__getitem__
    months, escalated, sums = _month_rows(run, c, with_months)
    return Plan.model_construct(
        strategy=strategy,
        currency=run.ledger.scenario.currency,
        months=months,
        totals=_totals(run, sums, len(escalated), c),
        escalated=escalated,
        decisions=_decision_rows(run, c),
        solver=None,
        notes=[],
    )


@dataclass(slots=True)
class _Sums:
    """What the month rows add up to (cents, counts)."""

    paid: int = 0
    interest: int = 0
    penalty: int = 0
    fees: int = 0
    savings_interest: int = 0
    overdue_months: int = 0
    max_run: int = 0


def _month_rows(run: LedgerRun, c: Any, with_months: bool) -> tuple[list[MonthRow], list[Escalation], _Sums]:
    """The month rows (none without `with_months`), the escalations and the sums of a finished run."""
    ledger = run.ledger
    start = ledger.scenario.start
    ids = ledger.account_ids
    months = []
    escalated = [Escalation.model_construct(id=ids[i], month=t, date=month_label(start, t), in_collection=True)
                 for i, t in run.in_collection]
    paid = interest = penalty = fees = savings_interest = 0
    overdue_months = 0
    max_run = max((t.months_overdue for t in ledger.terms), default=0)
    for result in run.results:
        date = month_label(start, result.month)
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
                escalated.append(Escalation.model_construct(id=ids[r.index], month=result.month, date=date,
                                                            in_collection=False))
            if with_months:
                loans.append(_trusted(LoanMonth, {
                    "id": ids[r.index], "payment": c(r.payment), "interest": c(r.interest),
                    "penalty_interest": c(r.penalty), "fees": c(r.fee), "due": c(r.due), "balance": c(r.balance),
                    "arrears": c(r.arrears), "overdue": r.overdue, "months_overdue": r.overdue_run,
                    "closed": r.closed, "escalated": r.escalated,
                }))
        if with_months:
            months.append(MonthRow.model_construct(
                month=result.month, date=date, cash_available=c(result.cash_available), saved=c(result.saved),
                savings_interest=c(result.savings_interest), loans=loans))
    escalated.sort(key=lambda e: e.month)  # a new loan in collection counts from its own month
    return months, escalated, _Sums(paid, interest, penalty, fees, savings_interest, overdue_months, max_run)


def _totals(run: LedgerRun, sums: _Sums, escalations: int, c: Any) -> Totals:
    remaining = run.remaining
    effects = [e for result in run.results for e in result.effects]
    borrowed = sum(e.amount or 0 for e in effects if e.opens_account is not None)
    asset_sales = sum(e.received for e in effects if e.kind == OfferKind.ASSET_SALE)
    offer_fees = sum(e.fees for e in effects)
    keep_value = sum(e.keep_value for e in effects)
    waived = sum(e.waived for e in effects) - run.reversed_waivers
    tax = sum(e.tax for e in effects)
    unused = sum(e.unused for e in effects)
    cost = sums.interest + sums.penalty + sums.fees + offer_fees + keep_value + tax - waived
    after_payoff = _savings_interest_after(run)
    return Totals.model_construct(
        paid=c(sums.paid),
        interest=c(sums.interest),
        penalty_interest=c(sums.penalty),
        fees=c(sums.fees),
        cost=c(cost),
        savings_interest=c(sums.savings_interest),
        net_cost=c(cost - sums.savings_interest - after_payoff),
        overdue_months=sums.overdue_months,
        max_consecutive_overdue=sums.max_run,
        escalations=escalations,
        payoff_month=run.month if remaining == 0 else None,
        remaining_balance=c(remaining),
        final_savings=c(run.savings),
        borrowed=c(borrowed),
        asset_sales=c(asset_sales),
        offer_fees=c(offer_fees),
        keep_value=c(keep_value),
        waived=c(waived),
        forgiven_tax=c(tax),
        unused_proceeds=c(unused),
    )


def _savings_interest_after(run: LedgerRun) -> int:
    """What the cash kept after the plan's last month earns up to the horizon.

    The plan ends at its payoff month, but the borrower's budget and savings go
    on earning until T. Net cost counts that interest too, so that no plan gains
    by keeping a cent owed to make its savings count (docs/model.md, "Best").
    """
    ledger = run.ledger
    sn, sd = ledger.savings_monthly_rate
    if sn == 0:
        return 0
    savings, earned = run.savings, 0
    for t in range(run.month + 1, ledger.horizon_months + 1):
        interest = mul_round(sn, sd, savings) if savings > 0 else 0
        earned += interest
        savings += interest + ledger.budget_by_month[t - 1] + ledger.inflow_by_month[t - 1]
    return earned


def _decision_rows(run: LedgerRun, c: Any) -> list[Decision]:
    start = run.ledger.scenario.start
    return [
        Decision.model_construct(
            offer=e.offer, kind=e.kind, month=e.month, date=month_label(start, e.month),
            amount=None if e.amount is None else c(e.amount), received=c(e.received), unused=c(e.unused),
            fees=c(e.fees), waived=c(e.waived), keep_value=c(e.keep_value), tax=c(e.tax),
        )
        for result in run.results
        for e in result.effects
    ]
