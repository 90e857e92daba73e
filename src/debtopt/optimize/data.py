"""The scenario as the solver sees it: floats in cents, and the big-M bounds from the data.

Everything here comes from `debtopt.ledger.Ledger` (the compiled contract), so the
model and the ledger read the same terms. Money is in cents throughout the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ledger import Ledger


@dataclass(slots=True)
class LoanData:
    """One loan's terms, per month t = 0..T-1 (plan month t + 1)."""

    id: str
    kind: str  # "revolving" | "fixed" (installment amount) | "principal" (equal-principal)
    balance: float  # B at the start (cents)
    arrears: float  # A at the start
    months_overdue: int  # k at the start
    escalation_months: int
    rate: list[float]  # r_t
    penalty_rate: list[float]  # rp_t
    min_percent: float
    min_floor: float
    installment: float  # fixed regular due (kind "fixed")
    principal_part: float  # round(B0 / term) (kind "principal")
    late_fee: float
    late_fee_percent: float
    # Bounds from the data: the most the loan can be, month by month, with no payment at all.
    balance_max: list[float] = field(default_factory=list)  # B at the start of month t, t = 0..T
    owed_max: list[float] = field(default_factory=list)  # D in month t
    regular_max: list[float] = field(default_factory=list)  # R in month t
    arrears_max: list[float] = field(default_factory=list)  # A at the start of month t, t = 0..T
    due_max: list[float] = field(default_factory=list)  # min(D_max, A_max + R_max) in month t
    due_month: int = 0  # bullet: nothing due in months 1..due_month, then all it owes


@dataclass(slots=True)
class ModelData:
    horizon: int
    loans: list[LoanData]
    budget: list[float]  # budget_t + inflows_t, cents
    starting_cash: float
    savings_growth: float  # 1 + savings_rate / 12

    @property
    def n(self) -> int:
        return len(self.loans)


def model_data(ledger: Ledger, horizon: int | None = None) -> ModelData:
    """Floats for the solver; `horizon` may cut the plan short (for relaxations)."""
    T = ledger.horizon_months if horizon is None else min(horizon, ledger.horizon_months)
    loans = []
    for i, terms in enumerate(ledger.terms):
        rate = [n / d for n, d in ledger.rate_pairs[i][:T]]
        penalty = [n / d for n, d in ledger.penalty_pairs[i][:T]]
        if terms.kind == "revolving":
            kind = "revolving"
        elif terms.kind == "bullet":
            kind = "bullet"
        elif terms.principal_part is not None:
            kind = "principal"
        else:
            kind = "fixed"
        loan = LoanData(
            id=terms.id,
            kind=kind,
            balance=float(terms.balance),
            arrears=float(terms.arrears),
            months_overdue=terms.months_overdue,
            escalation_months=terms.escalation_months,
            rate=rate,
            penalty_rate=penalty,
            min_percent=float(terms.min_percent),
            min_floor=float(terms.min_floor),
            installment=float(terms.installment or 0),
            principal_part=float(terms.principal_part or 0),
            late_fee=float(terms.late_fee),
            late_fee_percent=float(terms.late_fee_percent),
            due_month=int(getattr(terms, "due_month", None) or 0),
        )
        _bounds(loan, T)
        loans.append(loan)
    budget = [float(ledger.budget_by_month[t] + ledger.inflow_by_month[t]) for t in range(T)]
    sn, sd = ledger.savings_monthly_rate
    return ModelData(
        horizon=T,
        loans=loans,
        budget=budget,
        starting_cash=float(ledger.starting_cash),
        savings_growth=1.0 + sn / sd,
    )


def _bounds(loan: LoanData, T: int) -> None:
    """Per loan and month: B_max, D_max, R_max, A_max and due_max, valid for every plan.

    With no payment every due goes unpaid, so B' = D + F with F <= late_fee +
    late_fee_percent * D, and D <= (1 + max(r_t, rp_t)) * B: payments only lower
    B, D and R, so these bound them. Arrears grow by at most the regular due and
    the fee: A' = U + F with U <= due <= A + R, so A'_max = (A_max + R_max)(1 +
    late_fee_percent) + late_fee (and never above B_max). A cent of slack covers
    rounding. These are the big-Ms of the model, per loan and month.
    """
    b, a = loan.balance, loan.arrears
    bmax, dmax, rmax, amax, duemax = [b + 1.0], [], [], [a + 1.0], []
    for t in range(T):
        top = max(loan.rate[t], loan.penalty_rate[t])
        d = (1.0 + top) * b + 1.0
        if loan.kind == "revolving":
            r = max(loan.min_floor, loan.min_percent * d) + 1.0
        elif loan.kind == "principal":
            r = loan.principal_part + top * b + 1.0
        elif loan.kind == "bullet":
            r = 0.0 if t + 1 <= loan.due_month else d
        else:
            r = loan.installment
        due = min(d, a + 1.0 + r)
        b = d + loan.late_fee + loan.late_fee_percent * d + 1.0
        a = min(b, due * (1.0 + loan.late_fee_percent) + loan.late_fee + 1.0)
        dmax.append(d)
        rmax.append(r)
        duemax.append(due)
        bmax.append(b)
        amax.append(a)
    loan.balance_max, loan.owed_max, loan.regular_max = bmax, dmax, rmax
    loan.arrears_max, loan.due_max = amax, duemax
