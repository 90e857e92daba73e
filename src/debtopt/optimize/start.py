"""A heuristic plan as a point of the model: the solver's warm start.

The ledger rounds every amount to the cent; the model does not. So the plan's
payments are re-run through the model's own (unrounded) equations, keeping what
the plan meant: a loan it kept current is paid the model's due (a cent more or
less than the ledger's), a loan it closed is paid the model's whole owed amount.
The result satisfies every row of the model to float precision.
"""

from __future__ import annotations

from ..domain.plan import Plan
from ..ledger.terms import DueRule
from .model import Model

EPS = 1e-6


def plan_intent(plan: Plan, loan_ids: list[str], horizon: int) -> list[list[tuple[int, bool, bool]]]:
    """Per month and account: (payment in cents, kept current, closed) of a replayed plan.

    `loan_ids`: the ledger's account ids (or only its loans: other accounts are then left out)."""
    column = {loan_id: i for i, loan_id in enumerate(loan_ids)}
    out = [[(0, True, False)] * len(loan_ids) for _ in range(horizon)]
    for t, month in enumerate(plan.months[:horizon]):
        for loan in month.loans:
            if loan.id in column:
                out[t][column[loan.id]] = (int(loan.payment * 100), not loan.overdue, loan.closed)
    return out


def plan_takes(plan: Plan) -> dict[str, tuple[int, float]]:
    """The plan's decisions: offer id -> (month index t, amount in cents or 0)."""
    return {d.offer: (d.month - 1, float(d.amount or 0) * 100) for d in plan.decisions}


def simulate(model: Model, intent: list[list[tuple[int, bool, bool]]],
             takes: dict[str, tuple[int, float]] | None = None) -> list[float]:
    """Every column's value when the model follows `intent` month by month (and `takes`,
    the plan's decisions on offers: the model's modelled offers follow them)."""
    data, rows = model.data, model.rows
    values = list(rows.col_lower)  # fixed columns (t = 0) already at their value
    T, n = data.horizon, data.n
    B = [loan.balance for loan in data.loans]
    A = [loan.arrears for loan in data.loans]
    overdue: list[list[int]] = [[0] * T for _ in range(n)]
    savings = data.starting_cash
    # the column in `intent` of each model loan (an offer's new loan: its account, if that copy is taken)
    column: list[int] = list(range(data.n_loans)) + [-1] * (n - data.n_loans)
    opening: dict[int, float] = {}
    in_month: dict[int, list[tuple[int, float]]] = {}  # t -> [(offer index, X)]
    converts: dict[tuple[int, int], int] = {}  # (loan, t) -> hardship offer accepted
    charges = [0.0] * n  # penalty interest and late fees so far (for a waiver)
    for j, offer in enumerate(data.offers):
        if takes is None or offer.id not in takes:
            continue
        t, amount = takes[offer.id]
        if t not in offer.months:
            continue
        in_month.setdefault(t, []).append((j, amount))
        values[model.offers[j].y[t]] = 1.0
        if offer.kind == "hardship-plan":
            converts[(offer.loan, t)] = j
            column[offer.copies[t]] = offer.account
        elif offer.kind != "asset-sale":
            values[model.offers[j].X[t]] = amount
            column[offer.copies[t]] = offer.account
            opening[offer.copies[t]] = (1.0 + offer.fee_added) * amount
    for t in range(T):
        cash = data.budget[t] + data.savings_growth * savings
        restricted: list[tuple[int, float]] = []
        for j, amount in in_month.get(t, []):
            offer = data.offers[j]
            if offer.kind == "asset-sale":
                cash += offer.amount
            elif offer.kind == "hardship-plan":
                continue
            elif offer.pays is None:
                cash += (1.0 - offer.fee_deducted) * amount - offer.fee
            else:
                restricted.append((j, (1.0 - offer.fee_deducted) * amount - offer.fee))
        month: list[dict[str, float]] = []
        for i, loan in enumerate(data.loans):
            if loan.start > t:
                month.append({"D": 0.0, "R": 0.0, "due": 0.0, "p": 0.0, "current": 1.0, "skip": 1.0})
                continue
            if loan.offer >= 0 and loan.start == t:
                B[i] = opening.get(i, 0.0)
                values[model.loans[i].B[t]] = B[i]
            r, rp = loan.rate[t], loan.penalty_rate[t]
            D = (1 + r) * B[i] + (rp - r) * A[i]
            if loan.due_rule is DueRule.REVOLVING_PERCENT:
                R = max(loan.min_floor, loan.min_percent * D)
            elif t < loan.grace_until:
                R = 0.0
            elif loan.due_rule is DueRule.FIXED_INSTALLMENT:
                R = loan.installment + loan.installment_factor * opening.get(i, 0.0)
            elif loan.due_rule is DueRule.BULLET:
                R = 0.0 if t + 1 <= loan.due_month else D
            else:
                R = loan.principal_part + loan.principal_factor * opening.get(i, 0.0) + r * B[i] + (rp - r) * A[i]
            due = min(D, A[i] + R)
            c = column[i]
            pay, current, closed = intent[t][c] if 0 <= c < len(intent[t]) else (0, True, False)
            p = min(float(pay), D)
            if closed or D - p < 0.5:
                p = D
            elif current:
                p = max(p, due)
            month.append({"D": D, "R": R, "due": due, "p": p, "current": float(current), "A": A[i]})

        spent = sum(x["p"] for x in month) - _used_proceeds(model, values, restricted, month, t)
        if spent > cash:
            # Short by rounding: take it from loans overdue anyway, then from payments above the due.
            short = spent - cash
            for floor_is_due in (False, True):
                for i in sorted(range(n), key=lambda i: (month[i]["current"], -month[i]["p"])):
                    if month[i]["current"] and not floor_is_due:
                        continue
                    floor = min(month[i]["due"], month[i]["p"]) if floor_is_due else 0.0
                    cut = min(short, max(0.0, month[i]["p"] - floor))
                    month[i]["p"] -= cut
                    short -= cut
            if short > 0:
                for i in sorted(range(n), key=lambda i: -month[i]["p"]):
                    cut = min(short, month[i]["p"])
                    month[i]["p"] -= cut
                    short -= cut
            spent = sum(x["p"] for x in month) - _used_proceeds(model, values, restricted, month, t)
        for i, loan in enumerate(data.loans):
            v, x = model.loans[i], month[i]
            if "skip" in x:
                continue
            D, due, p = x["D"], x["due"], x["p"]
            U = max(0.0, due - p)
            if U < EPS:
                U = 0.0
            o = 1 if U > 0 else 0
            fee = loan.late_fee * o + loan.late_fee_percent * U
            values[v.p[t]] = p
            values[v.due[t]] = due
            values[v.U[t]] = U
            values[v.o[t]] = float(o)
            if loan.due_rule is DueRule.BULLET:
                values[v.z[t]] = 0.0 if t + 1 <= loan.due_month else 1.0
            else:
                values[v.z[t]] = 1.0 if D <= A[i] + x["R"] else 0.0
            if v.R[t] is not None:
                values[v.R[t]] = x["R"]
            B[i] = max(0.0, D - p + fee)
            A[i] = U + fee
            charges[i] += loan.penalty_rate[t] * x["A"] + fee
            overdue[i][t] = o
            j = converts.get((i, t))
            if j is not None:  # a hardship plan converts B' and A' (model.hardship_rows)
                offer, ov = data.offers[j], model.offers[j]
                waiver = min(B[i], offer.waive_percent * charges[i])
                values[ov.moveB[t]], values[ov.moveA[t]], values[ov.waiver[t]] = B[i], A[i], waiver
                values[ov.w[t]] = float(o)
                opening[offer.copies[t]] = (1.0 + offer.fee_percent) * (B[i] - waiver)
                B[i] = A[i] = 0.0
                overdue[i][t] = 0
            values[v.B[t + 1]] = B[i]
            values[v.A[t + 1]] = A[i]
        savings = cash - spent
        values[model.S[t + 1]] = max(0.0, savings)
    for i, loan in enumerate(data.loans):
        values[model.loans[i].esc] = float(_escalated(overdue[i], loan.months_overdue, loan.escalation_months))
    return values


def _used_proceeds(model: Model, values: list[float], restricted: list[tuple[int, float]],
                   month: list[dict[str, float]], t: int) -> float:
    """Restricted proceeds the month's payments to their loans use (set on `values`); their total."""
    total = 0.0
    for j, received in restricted:
        offer = model.data.offers[j]
        use = max(0.0, min(received, sum(month[i]["p"] for i in offer.pays or ())))
        values[model.offers[j].used[t]] = use
        total += use
    return total


def _escalated(overdue: list[int], k0: int, E: int) -> bool:
    run = k0
    for o in overdue:
        run = run + 1 if o else 0
        if o and run == E:
            return True
    return False
