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
    current_max: list[float] = field(default_factory=list)  # B - A (the part not yet due) at the start of month t, t = 0..T
    gap_max: list[float] = field(default_factory=list)  # D - due in month t
    due_month: int = 0  # bullet: nothing due in months 1..due_month, then all it owes
    # Bounds from the cash: whatever the plan, at most `ModelData.cash_max` has been paid in all.
    balance_min: list[float] = field(default_factory=list)  # B at the start of month t, t = 0..T
    paid_to_be_current: list[float] = field(default_factory=list)  # paid to it in months 1..t+1 if current in month t+1


@dataclass(slots=True)
class ModelData:
    horizon: int
    loans: list[LoanData]
    budget: list[float]  # budget_t + inflows_t, cents
    starting_cash: float
    savings_growth: float  # 1 + savings_rate / 12
    cash_max: list[float] = field(default_factory=list)  # the most paid to all loans in months 1..t+1

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
    data = ModelData(
        horizon=T,
        loans=loans,
        budget=budget,
        starting_cash=float(ledger.starting_cash),
        savings_growth=1.0 + sn / sd,
    )
    data.cash_max = _cash_max(data)
    for loan in loans:
        _cash_bounds(loan, data.cash_max)
    return data


def _cash_max(data: ModelData) -> list[float]:
    """The most any plan pays in months 1..t+1, all loans together: every cash row is
    S_t = g S_{t-1} + b_t - sum_i p_{i,t} with S >= 0 and g >= 1, so keeping the cash
    until month t+1 and paying it all then is the most: S_0 g^(t+1) + sum_s b_s g^(t+1-s)."""
    out, cash = [], data.starting_cash
    for t in range(data.horizon):
        cash = cash * data.savings_growth + data.budget[t]
        out.append(cash + 1.0)
    return out


def _cash_bounds(loan: LoanData, cash_max: list[float]) -> None:
    """B_min and the cash a loan needs to be current, from the cash alone.

    A loan's balance is its start plus its charges less what it was paid:
    B_{t+1} = B_0 + sum_{s<=t} (I + P + F)_s - sum_{s<=t} p_s. The charges are at
    least min(r, rp) B (I + P = r (B - A) + rp A with 0 <= A <= B), and the
    payments at most cash_max_t, so
        B_min,t+1 = max(0, B_0 + sum_{s<=t} min(r_s, rp_s) B_min,s - cash_max_t).
    Current in month t (A_{t+1} = 0) means B_{t+1} = X_{t+1} <= X_max,t+1, so it has
    been paid at least
        need_t = B_0 + sum_{s<=t} min(r_s, rp_s) B_min,s - X_max,t+1.
    A cent a month of slack keeps both on the safe side of float noise.
    """
    charged = 0.0
    bmin = [loan.balance]
    need = []
    for t in range(len(cash_max)):
        charged += min(loan.rate[t], loan.penalty_rate[t]) * bmin[t]
        slack = 1.0 * (t + 1)
        need.append(max(0.0, loan.balance + charged - loan.current_max[t + 1] - slack))
        bmin.append(max(0.0, loan.balance + charged - cash_max[t] - slack))
    loan.balance_min, loan.paid_to_be_current = bmin, need


def _bounds(loan: LoanData, T: int) -> None:
    """Per loan and month: B_max, D_max, R_max, A_max, due_max, X_max and G_max, valid for every plan.

    With no payment every due goes unpaid, so B' = D + F with F <= late_fee +
    late_fee_percent * D, and D <= (1 + max(r_t, rp_t)) * B: payments only lower
    B, D and R, so these bound them. Arrears grow by at most the regular due and
    the fee: A' = U + F with U <= due <= A + R, so A'_max = (A_max + R_max)(1 +
    late_fee_percent) + late_fee (and never above B_max).

    The part not yet due, X = B - A, falls by the regular due every month whether
    it is paid or not: X' = B' - A' = D - p - U <= D - due = G, and with
    N = D - A = (1 + r) X + rp A (owed beyond the arrears), G = max(0, N - R):
    installment: N - installment; equal-principal: X - principal_part (R = part + I + P);
    revolving: R >= max(min_floor, min_percent * (N + A)), so G <= min(N - floor, (1 - min_percent) N);
    bullet: N until its due_month, then 0. So X'_max = G_max, and B_max <= X_max + A_max.
    G_max is the big-M of the due's `min` (D - due when the due is A + R) and of
    the unpaid part's exactness (p - due <= D - due). A cent of slack a month
    covers rounding. These are the big-Ms of the model, per loan and month.
    """
    b, a, x = loan.balance, loan.arrears, loan.balance - loan.arrears
    bmax, dmax, rmax, amax, duemax = [b + 1.0], [], [], [a + 1.0], []
    xmax, gmax = [x + 1.0], []
    x = x + 1.0
    a = a + 1.0
    for t in range(T):
        r, rp = loan.rate[t], loan.penalty_rate[t]
        top = max(r, rp)
        d = (1.0 + top) * b + 1.0
        n = (1.0 + r) * x + rp * a + 1.0
        if loan.kind == "revolving":
            reg = max(loan.min_floor, loan.min_percent * d) + 1.0
            g = max(0.0, min(n - loan.min_floor, (1.0 - loan.min_percent) * n))
        elif loan.kind == "principal":
            reg = loan.principal_part + top * b + 1.0
            g = max(0.0, x - loan.principal_part + 1.0)
        elif loan.kind == "bullet":
            reg = 0.0 if t + 1 <= loan.due_month else d
            g = n if t + 1 <= loan.due_month else 0.0
        else:
            reg = loan.installment
            g = max(0.0, n - loan.installment)
        g = min(g, d)
        due = min(d, a + reg)
        x = g + 1.0
        a = min(d + loan.late_fee + loan.late_fee_percent * d + 1.0, due * (1.0 + loan.late_fee_percent) + loan.late_fee + 1.0)
        b = min(d + loan.late_fee + loan.late_fee_percent * d + 1.0, x + a)
        a = min(a, b)
        x = min(x, b)
        dmax.append(d)
        rmax.append(reg)
        duemax.append(due)
        gmax.append(g + 1.0)
        bmax.append(b)
        amax.append(a)
        xmax.append(x)
    loan.balance_max, loan.owed_max, loan.regular_max = bmax, dmax, rmax
    loan.arrears_max, loan.due_max = amax, duemax
    loan.current_max, loan.gap_max = xmax, gmax
