"""Reason codes for every payment, computed from the ledger, never guessed.

The plan's payments are stepped through a fresh `Ledger` run: each month's
`Statement` gives what each loan owed, what was due, its arrears and its run of
overdue months, and the rates of the coming month. From those and the payment
the plan made, each month and each loan gets codes with their numbers:

month level
    short_cash_month  the cash is less than the month's dues (cash, dues, gap)
    save_next         cash kept because next month's dues exceed next month's cash
    save_rest         cash kept otherwise
    all_closed        every loan closed, cash left over
loan level
    min_due           the due is paid (due)
    dearest           paid beyond the due: the dearest money (extra, rate, other, other_rate)
    dearest_alone     the same, no other loan left to compare
    dearest_penalty   arrears paid at a penalty rate that is the dearest money
    extra_not_dearest paid beyond the due although another loan costs more
    stop_escalation   arrears cleared (months_overdue, escalation_months, escalation_month)
    still_overdue     part of the due unpaid on a loan already overdue (shortfall, due, run)
    escalated         the loan reaches its escalation_months this month
    close             this payment closes the loan
    promo_ending      paid beyond the due while a promotional rate is about to end
    short_for_urgent  goes short so a loan closer to escalation is paid (other, other_run)
    short_too_big     goes short: its due is more than all the month's cash (due, cash)
    short_for_dearer  goes short because another costs more unpaid (other_month_cost, month_cost, cost_more)
    short_keep_current goes short so that other loans' dues are paid in full (others)
    short_save        goes short while cash is kept for next month
    short_cash        goes short: no cash left
    short_plan        goes short: the strategy spreads cash pro rata

Money is in currency units (floats of whole cents), rates are annual decimals
(the monthly rate x 12), months are plan months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..domain.money import round_half_away
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..ledger import Ledger, Statement

# A promotional rate "about to end": within this many months after the payment.
PROMO_WINDOW = 3


def _m(cents: int) -> float:
    return cents / 100


def _annual(monthly: Fraction) -> float:
    return round(float(monthly * 12), 6)


def _monthly(monthly: Fraction) -> float:
    return round(float(monthly), 6)


@dataclass(frozen=True)
class MonthContext:
    statement: Statement
    payments: list[int]
    saved: int
    next_statement: Statement | None
    next_cash_base: int  # next month's budget + inflows (without what is kept)
    terms: list[Any] = field(default_factory=list)  # each account's terms that month (offers open or convert loans)
    opened_at: list[int] = field(default_factory=list)  # plan month of each account's first month


def statements_of(scenario: Scenario, plan: Plan) -> list[MonthContext]:
    """Replay the plan month by month, keeping each month's statement."""
    ledger = Ledger(scenario)
    ids = ledger.account_ids
    schedule = plan.to_schedule(ids)
    takes: dict[int, list[Any]] = {}
    for take in schedule.decisions:
        takes.setdefault(take.month, []).append(take)
    run = ledger.start()
    out: list[tuple[Statement, list[int], int, tuple[list[Any], list[int]]]] = []
    while not run.finished:
        st = run.open_month(takes.get(run.month + 1, ()))
        row = list(schedule.payments[st.month - 1]) if st.month - 1 < len(schedule.payments) else [0] * len(ids)
        terms = (list(run.terms), list(run.opened_at))
        result = run.settle(row)
        out.append((st, row, result.saved, terms))
    contexts = []
    for k, (st, row, saved, terms) in enumerate(out):
        nxt = out[k + 1][0] if k + 1 < len(out) else None
        t_next = st.month + 1
        base = 0
        if t_next <= ledger.horizon_months:
            base = ledger.budget_by_month[t_next - 1] + ledger.inflow_by_month[t_next - 1]
        contexts.append(MonthContext(st, row, saved, nxt, base, terms[0], terms[1]))
    return contexts


def explain(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    """Reason codes per month: [{"month", "date", "reasons": [...], "loans": [{"id", "reasons": [...]}]}]."""
    ledger = Ledger(scenario)
    ids = ledger.account_ids
    horizon = ledger.horizon_months
    by_month = {row.month: row for row in plan.months}
    months: list[dict[str, Any]] = []
    for ctx in statements_of(scenario, plan):
        st, pays, terms, opened = ctx.statement, ctx.payments, ctx.terms, ctx.opened_at
        t = st.month

        def loan_month(i: int, month: int) -> int:
            """An offer's new loan counts its rate months from its opening; a scenario loan from month 1."""
            return month - opened[i] + 1
        row = by_month[t]
        after = {lm.id: lm for lm in row.loans}
        open_ = [i for i, is_open in enumerate(st.is_open) if is_open]
        t_next = min(t + 1, horizon)

        def rate_now(i: int) -> Fraction:
            """What a unit left on loan i costs next month: its penalty rate while in arrears."""
            if after[ids[i]].arrears > 0 or (st.arrears[i] > 0 and pays[i] < st.arrears[i]):
                return terms[i].penalty_rate_in_month(loan_month(i, t_next))
            return terms[i].rate_in_month(loan_month(i, t_next))

        def shortfall_cost(i: int) -> Fraction:
            return terms[i].penalty_rate_in_month(loan_month(i, t_next)) + terms[i].late_fee_percent

        def months_left(i: int) -> int:
            return terms[i].escalation_months - st.overdue_run[i] if st.arrears[i] else terms[i].escalation_months

        remaining_after = {i: st.owed[i] - pays[i] for i in open_}
        month_reasons: list[dict[str, Any]] = []
        total_due = sum(st.due[i] for i in open_)
        if st.cash_available < total_due:
            month_reasons.append({"code": "short_cash_month", "cash": _m(st.cash_available), "dues": _m(total_due),
                                  "gap": _m(total_due - st.cash_available)})
        if ctx.saved > 0:
            if all(after[ids[i]].closed for i in open_):
                month_reasons.append({"code": "all_closed", "saved": _m(ctx.saved)})
            elif ctx.next_statement is not None and sum(ctx.next_statement.due) > ctx.next_cash_base:
                month_reasons.append({"code": "save_next", "saved": _m(ctx.saved),
                                      "next_due": _m(sum(ctx.next_statement.due)), "next_cash": _m(ctx.next_cash_base)})
            else:
                month_reasons.append({"code": "save_rest", "saved": _m(ctx.saved)})

        loans: list[dict[str, Any]] = []
        for i in open_:
            lid = ids[i]
            lm = after[lid]
            p, due = pays[i], st.due[i]
            reasons: list[dict[str, Any]] = []
            in_arrears = st.arrears[i] > 0
            if p >= due and in_arrears:
                k = st.overdue_run[i]
                esc = terms[i].escalation_months
                reasons.append({"code": "stop_escalation", "loan": lid, "months_overdue": k, "escalation_months": esc,
                                "escalation_month": t + max(esc - k - 1, 0)})
            if p >= due:
                reasons.append({"code": "min_due", "loan": lid, "due": _m(due)})
                if in_arrears:
                    others = [j for j in open_ if j != i and remaining_after[j] > 0]
                    own = terms[i].penalty_rate_in_month(loan_month(i, t))
                    if others:
                        j = max(others, key=lambda j: (rate_now(j), -j))
                        if own >= rate_now(j) and own > terms[i].rate_in_month(loan_month(i, t)):
                            reasons.append({"code": "dearest_penalty", "loan": lid, "rate": _annual(own),
                                            "other": ids[j], "other_rate": _annual(rate_now(j))})
            if p > due:
                extra = p - due
                own = rate_now(i)
                others = [j for j in open_ if j != i and remaining_after[j] > 0]
                if not others:
                    reasons.append({"code": "dearest_alone", "loan": lid, "extra": _m(extra), "rate": _annual(own)})
                else:
                    j = max(others, key=lambda j: (rate_now(j), -j))
                    if own >= rate_now(j):
                        reasons.append({"code": "dearest", "loan": lid, "extra": _m(extra), "rate": _annual(own),
                                        "other": ids[j], "other_rate": _annual(rate_now(j))})
                    else:
                        reasons.append({"code": "extra_not_dearest", "loan": lid, "extra": _m(extra),
                                        "rate": _annual(own), "other": ids[j], "other_rate": _annual(rate_now(j))})
                promo = terms[i].promo_rate
                pm = terms[i].promo_months
                if promo is not None and loan_month(i, t) <= pm < loan_month(i, t) + PROMO_WINDOW and terms[i].rate > promo:
                    reasons.append({"code": "promo_ending", "loan": lid, "promo_end_month": opened[i] + pm - 1,
                                    "rate": _annual(terms[i].rate)})
            if p < due:
                shortfall = due - p
                if in_arrears:
                    reasons.append({"code": "still_overdue", "loan": lid, "shortfall": _m(shortfall), "due": _m(due),
                                    "run": lm.months_overdue})
                paid_in_full = [j for j in open_ if j != i and pays[j] >= st.due[j] > 0]
                urgent = [j for j in paid_in_full if st.arrears[j] and months_left(j) < months_left(i)]
                dearer = [j for j in paid_in_full if shortfall_cost(j) > shortfall_cost(i)]
                if due > st.cash_available:
                    reasons.append({"code": "short_too_big", "loan": lid, "shortfall": _m(shortfall), "due": _m(due),
                                    "cash": _m(st.cash_available)})
                elif urgent:
                    j = min(urgent, key=lambda j: (months_left(j), j))
                    reasons.append({"code": "short_for_urgent", "loan": lid, "shortfall": _m(shortfall),
                                    "other": ids[j], "other_run": st.overdue_run[j]})
                elif dearer:
                    j = max(dearer, key=lambda j: (shortfall_cost(j), -j))
                    diff = shortfall_cost(j) - shortfall_cost(i)
                    cost_more = round_half_away(diff * shortfall)
                    reasons.append({"code": "short_for_dearer", "loan": lid, "shortfall": _m(shortfall),
                                    "other": ids[j], "other_month_cost": _monthly(shortfall_cost(j)),
                                    "month_cost": _monthly(shortfall_cost(i)), "cost_more": _m(cost_more)})
                elif paid_in_full:
                    reasons.append({"code": "short_keep_current", "loan": lid, "shortfall": _m(shortfall),
                                    "others": [ids[j] for j in paid_in_full]})
                elif ctx.saved > 0:
                    reasons.append({"code": "short_save", "loan": lid, "shortfall": _m(shortfall),
                                    "saved": _m(ctx.saved)})
                elif p > 0 and any(0 < pays[j] < st.due[j] for j in open_ if j != i):
                    reasons.append({"code": "short_plan", "loan": lid, "shortfall": _m(shortfall)})
                else:
                    reasons.append({"code": "short_cash", "loan": lid, "shortfall": _m(shortfall)})
            if lm.closed:
                reasons.append({"code": "close", "loan": lid})
            if lm.escalated:
                reasons.append({"code": "escalated", "loan": lid, "escalation_months": terms[i].escalation_months})
            loans.append({"id": lid, "payment": _m(p), "reasons": reasons})
        months.append({"month": t, "date": row.date, "reasons": month_reasons, "loans": loans})
    return months


def codes(explanations: list[dict[str, Any]], month: int, loan_id: str) -> list[str]:
    """The reason codes of one loan in one month (for tests and quick checks)."""
    for m in explanations:
        if m["month"] == month:
            for loan in m["loans"]:
                if loan["id"] == loan_id:
                    return [r["code"] for r in loan["reasons"]]
    return []
