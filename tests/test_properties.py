"""Properties of every plan the ledger makes, over random scenarios and random valid schedules.

Schedules are built by stepping `Ledger(s).start()` with open_month/settle and
paying random amounts up to what is due or owed, within the cash at hand
(tests/scenarios.py). Every plan is also recomputed by an independent,
deliberately plain model of money-model.md (Fractions, no shared code with the
ledger beyond the validated scenario's raw fields).
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from debtopt.domain import Plan, Scenario, Schedule
from debtopt.domain.months import month_index
from debtopt.ledger import Ledger, replay
from scenarios import random_scenario, step_plan

SETTINGS = settings(max_examples=120, deadline=None, derandomize=False)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def cents(amount: Decimal) -> int:
    return int(amount * 100)


# --- an independent model of the contract ------------------------------------------------


def rnd(x: Fraction) -> int:
    """Round half away from zero (x >= 0 here)."""
    assert x >= 0
    whole = x.numerator // x.denominator
    return whole + (1 if x - whole >= Fraction(1, 2) else 0)


def monthly(loan, value: Decimal | None) -> Fraction | None:
    if value is None:
        return None
    return Fraction(value) * 30 if loan.daily_rate is not None else Fraction(value) / 12


def reference(s: Scenario, payments: list[list[int]]) -> list[dict]:
    """Rows of the plan as plain dicts, month by month, from the contract's text."""
    n = len(s.loans)
    horizon = s.horizon_months
    budget = [cents(s.budget.monthly)] * (horizon + 1)
    for change in sorted(s.budget.changes, key=lambda c: month_index(s.start, c.from_)):
        for t in range(month_index(s.start, change.from_), horizon + 1):
            budget[t] = cents(change.monthly)
    inflow = [0] * (horizon + 1)
    for item in s.budget.inflows:
        inflow[month_index(s.start, item.month)] += cents(item.amount)
    B = [cents(loan.balance) for loan in s.loans]
    A = [cents(loan.arrears) for loan in s.loans]
    K = [loan.months_overdue for loan in s.loans]
    fixed_R: list[int | None] = [None] * n
    principal: list[int | None] = [None] * n
    for i, loan in enumerate(s.loans):
        b0 = B[i] - A[i]
        r = monthly(loan, loan.daily_rate if loan.daily_rate is not None else loan.annual_rate)
        if loan.kind == "installment":
            if loan.installment is not None:
                fixed_R[i] = cents(loan.installment)
            elif loan.method == "equal-principal":
                principal[i] = rnd(Fraction(b0, loan.term_months))
            elif r == 0:
                fixed_R[i] = rnd(Fraction(b0, loan.term_months))
            else:
                g = (1 + r) ** loan.term_months
                fixed_R[i] = rnd(b0 * r * g / (g - 1))
    escalated = [False] * n
    S = cents(s.budget.starting_cash)
    out = []
    for t in range(1, horizon + 1):
        if not any(B):
            break
        si = rnd(S * Fraction(s.budget.savings_rate) / 12)
        C = budget[t] + inflow[t] + S + si
        row = {"cash_available": C, "savings_interest": si, "loans": []}
        total = 0
        for i, loan in enumerate(s.loans):
            if B[i] == 0:
                continue
            base = monthly(loan, loan.daily_rate if loan.daily_rate is not None else loan.annual_rate)
            promo = monthly(loan, loan.promo_rate)
            r = promo if promo is not None and t <= loan.promo_months else base
            if loan.penalty_rate is not None:
                rp = monthly(loan, loan.penalty_rate)
            else:
                rp = Fraction(loan.penalty_multiplier if loan.penalty_multiplier is not None else 1) * r
            I = rnd(r * (B[i] - A[i]))
            P = rnd(rp * A[i])
            Dw = B[i] + I + P
            if loan.kind == "revolving":
                R = max(cents(loan.min_floor or Decimal(0)), rnd(Fraction(loan.min_percent) * Dw))
            elif principal[i] is not None:
                R = principal[i] + I + P
            else:
                R = fixed_R[i]
            due = min(Dw, A[i] + R)
            p = payments[t - 1][i] if t - 1 < len(payments) else 0
            total += p
            U = max(0, due - p)
            F = cents(loan.late_fee) + rnd(Fraction(loan.late_fee_percent) * U) if U >= 1 else 0
            B[i], A[i] = Dw - p + F, U + F
            overdue = A[i] >= 1
            K[i] = K[i] + 1 if overdue else 0
            esc = overdue and K[i] >= loan.escalation_months and not escalated[i]
            escalated[i] = escalated[i] or esc
            row["loans"].append(
                {"id": loan.id, "payment": p, "interest": I, "penalty_interest": P, "fees": F, "due": due,
                 "balance": B[i], "arrears": A[i], "overdue": overdue, "months_overdue": K[i],
                 "closed": B[i] == 0, "escalated": esc}
            )
        S = C - total
        row["saved"] = S
        out.append(row)
    return out


def as_cents(plan: Plan) -> list[dict]:
    money = ("payment", "interest", "penalty_interest", "fees", "due", "balance", "arrears")
    return [
        {
            "cash_available": cents(m.cash_available),
            "savings_interest": cents(m.savings_interest),
            "saved": cents(m.saved),
            "loans": [
                {k: (cents(v) if k in money else v) for k, v in loan.model_dump().items()} for loan in m.loans
            ],
        }
        for m in plan.months
    ]


# --- the properties ------------------------------------------------------------------------


def check_plan(s: Scenario, plan: Plan) -> None:
    T = plan.totals
    n_months = len(plan.months)
    assert 1 <= n_months <= s.horizon_months
    assert [m.month for m in plan.months] == list(range(1, n_months + 1))

    # the identities of "Totals of a plan", to the cent
    start_balances = sum(loan.balance for loan in s.loans)
    assert T.cost == T.interest + T.penalty_interest + T.fees
    # net cost also counts what the kept cash earns after the payoff month, to the horizon
    # (docs/model.md, "Best"): continue the savings by hand, rounding as the ledger does.
    after, savings = Decimal(0), T.final_savings
    rate = Decimal(s.budget.savings_rate) / 12
    ledger_ = Ledger(s)
    for t in range(n_months + 1, s.horizon_months + 1):
        earned = (savings * rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP") if savings > 0 else Decimal(0)
        after += earned
        savings += earned + Decimal(ledger_.budget_by_month[t - 1] + ledger_.inflow_by_month[t - 1]) / 100
    assert T.net_cost == T.cost - T.savings_interest - after
    assert T.paid == start_balances + T.cost - T.remaining_balance
    ledger = Ledger(s)
    money_in = sum(ledger.budget_by_month[:n_months]) + sum(ledger.inflow_by_month[:n_months])
    assert T.final_savings == s.budget.starting_cash + Decimal(money_in) / 100 + T.savings_interest - T.paid
    assert T.paid == sum(loan.payment for m in plan.months for loan in m.loans)
    assert T.savings_interest == sum(m.savings_interest for m in plan.months)
    assert T.final_savings == plan.months[-1].saved

    # the end: every loan closed (payoff month), or the horizon
    ended = T.payoff_month == n_months if T.remaining_balance == 0 else (
        T.payoff_month is None and n_months == s.horizon_months)
    assert ended, (T.remaining_balance, T.payoff_month, n_months)

    # per loan: no negative balances, 0 <= A <= B, closed loans stay closed, the overdue counter
    ids = [loan.id for loan in s.loans]
    rows = {loan_id: [] for loan_id in ids}
    for m in plan.months:
        assert m.cash_available >= 0 and m.saved >= 0
        assert m.saved == m.cash_available - sum(x.payment for x in m.loans)
        assert [x.id for x in m.loans] == [i for i in ids if i in {x.id for x in m.loans}]  # scenario order
        for x in m.loans:
            rows[x.id].append((m.month, x))
    escalations = []
    overdue_months = 0
    max_run = max(loan.months_overdue for loan in s.loans)
    for loan in s.loans:
        history = rows[loan.id]
        assert [t for t, _ in history] == list(range(1, len(history) + 1)), "a loan has rows until it closes"
        k = loan.months_overdue
        for j, (t, x) in enumerate(history):
            assert x.balance >= 0 and 0 <= x.arrears <= x.balance
            assert x.payment >= 0 and x.interest >= 0 and x.penalty_interest >= 0 and x.fees >= 0
            assert x.closed == (x.balance == 0)
            assert not x.closed or (j == len(history) - 1 and not x.overdue), "no rows after a loan closes"
            assert x.overdue == (x.arrears >= Decimal("0.01"))
            k = k + 1 if x.overdue else 0
            assert x.months_overdue == k, "the counter counts consecutive overdue months and resets when current"
            assert (x.fees > 0) <= (x.payment < x.due), "a fee only when some of the due is unpaid"
            overdue_months += x.overdue
            max_run = max(max_run, k)
        assert len(history) == n_months or (history and history[-1][1].closed), "a loan leaves the rows closed"
        reached = [t for t, x in history if x.months_overdue >= loan.escalation_months]
        flagged = [t for t, x in history if x.escalated]
        assert flagged == reached[:1], "a loan escalates once, the first month its counter reaches the limit"
        escalations += [(loan.id, t) for t in flagged]
    assert T.escalations == len(escalations) == len({i for i, _ in escalations})
    assert [(e.id, e.month) for e in plan.escalated] == sorted(escalations, key=lambda e: (e[1], ids.index(e[0])))
    assert T.overdue_months == overdue_months
    assert T.max_consecutive_overdue == max_run
    assert T.remaining_balance == sum(history[-1][1].balance for history in rows.values() if history)


@SETTINGS
@given(scenario_seed=seeds, pay_seed=seeds)
def test_random_plans_keep_the_contract(scenario_seed, pay_seed):
    s = random_scenario(scenario_seed)
    run, plan = step_plan(s, random.Random(pay_seed))
    check_plan(s, plan)

    # replaying the plan's own payments reproduces it byte for byte
    ids = [loan.id for loan in s.loans]
    schedule = plan.to_schedule(ids)
    again = replay(s, schedule, strategy="random")
    assert again.model_dump_json() == plan.model_dump_json()
    assert again == plan

    # and an independent model of the contract computes the same rows, to the cent
    assert reference(s, schedule.payments) == as_cents(plan)


@settings(max_examples=8, deadline=None)
@given(scenario_seed=seeds, pay_seed=seeds)
def test_large_random_plans_keep_the_contract(scenario_seed, pay_seed):
    s = random_scenario(scenario_seed, n_loans=12, horizon=60, tight=True)
    _, plan = step_plan(s, random.Random(pay_seed))
    check_plan(s, plan)
    schedule = plan.to_schedule([loan.id for loan in s.loans])
    assert replay(s, schedule, strategy="random").model_dump_json() == plan.model_dump_json()
    assert reference(s, schedule.payments) == as_cents(plan)


@settings(max_examples=40, deadline=None)
@given(scenario_seed=seeds)
def test_paying_nothing_and_paying_everything(scenario_seed):
    s = random_scenario(scenario_seed)
    ids = [loan.id for loan in s.loans]
    nothing = replay(s, Schedule(payments=[]))
    check_plan(s, nothing)
    assert nothing.totals.paid == 0 and len(nothing.months) == s.horizon_months
    assert reference(s, [[0] * len(ids)] * s.horizon_months) == as_cents(nothing)
    # every loan that is open overdue pays nothing: arrears only grow
    run = Ledger(s).start()
    while not run.finished:
        st = run.open_month()
        cash, pay = st.cash_available, []
        for i in range(len(ids)):
            p = min(st.owed[i], cash)
            pay.append(p)
            cash -= p
        run.settle(pay)
    from debtopt.ledger import plan_from_run

    everything = plan_from_run(run, "all")
    check_plan(s, everything)
    assert everything.totals.cost <= nothing.totals.cost
