"""The scenario as the solver sees it: a float view of the ledger's terms, and the big-M bounds.

Everything here comes from `debtopt.ledger.Ledger` and `ledger.terms` (the compiled
contract: each loan's `DueRule`, its rates by month, its installment or principal
factor), so the model and the ledger read the same terms; this module adds no rule
of its own. Money is in cents throughout the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.choices import OfferKind
from ..domain.months import month_index
from ..domain.offers import AssetSale, BorrowOffer, HardshipPlan, Settlement
from ..ledger import Ledger
from ..ledger.terms import DueRule, LoanTerms, compile_contract, convert_for_hardship


@dataclass(slots=True)
class LoanData:
    """One loan's terms, per month t = 0..T-1 (plan month t + 1)."""

    id: str
    due_rule: DueRule
    balance: float  # B at the start (cents)
    arrears: float  # A at the start
    months_overdue: int  # k at the start
    escalation_months: int
    rate: list[float]  # r_t
    penalty_rate: list[float]  # rp_t
    min_percent: float
    min_floor: float
    installment: float  # the level due (FIXED_INSTALLMENT)
    principal_part: float  # round(B0 / term) (EQUAL_PRINCIPAL)
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
    # An offer's new loan (one copy per month the offer may be taken): it exists from month
    # index `start` (the month after the decision) with B_start = (1 + fee_added) X, A_start = 0.
    start: int = 0
    offer: int = -1  # index into ModelData.offers, -1 for a scenario loan
    # An offer's new loan or a converted loan: its due computed once on the opening balance,
    # R = installment + installment_factor * B_start, part = principal_part + principal_factor * B_start
    installment_factor: float = 0.0
    principal_factor: float = 0.0
    opening_min: float = 0.0  # B_start when taken (min_amount (1 + fee_added))
    opening_max: float = 0.0
    grace_until: int = 0  # nothing regular due in month indices start..grace_until-1 (a hardship plan's grace)
    in_collection: bool = False  # escalated before the plan: its escalation is counted whatever the plan
    # A settlement schedule in force at the start: month t's part for t < len(parts); nothing is charged
    # meanwhile, and the plan keeps it (a part missed would end the settlement, which no plan should do)
    parts: list[float] = field(default_factory=list)
    converted_from: int = -1  # hardship plan's loan: the scenario loan it converts


@dataclass(slots=True)
class OfferData:
    """One offer as the model sees it (offers.md), amounts in cents.

    `months` are the 0-based month indices t (plan month t + 1) it may be taken in,
    within the model's horizon; `copies[t]` the index in ModelData.loans of the new
    loan taking it in month t opens (borrowing offers).
    """

    id: str
    kind: str
    months: list[int]
    min_amount: float = 0.0
    max_amount: float = 0.0
    fee: float = 0.0
    fee_added: float = 0.0
    fee_deducted: float = 0.0
    pays: list[int] | None = None  # scenario loan indices its proceeds may pay; None: free cash
    amount: float = 0.0  # asset sale
    keep_value: float = 0.0
    account: int = -1  # the ledger account of its new loan (borrowing offers), or of the loan it converts
    copies: dict[int, int] = field(default_factory=dict)
    loan: int = -1  # hardship plan, settlement: the scenario loan it converts or settles
    waive_percent: float = 0.0
    fee_percent: float = 0.0
    # settlement: the price (a share of D, else `amount`), paid in `instalments` monthly parts, and
    # the tax on the forgiven part
    percent: float | None = None
    instalments: int = 1
    tax_rate: float = 0.0


@dataclass(slots=True)
class ModelData:
    horizon: int
    loans: list[LoanData]
    budget: list[float]  # budget_t + inflows_t, cents
    starting_cash: float
    savings_growth: float  # 1 + savings_rate / 12
    cash_max: list[float] = field(default_factory=list)  # the most paid to all loans in months 1..t+1
    offers: list[OfferData] = field(default_factory=list)
    n_loans: int = -1  # the scenario's loans: loans[:n_loans]; the rest are offers' new loans

    @property
    def n(self) -> int:
        return len(self.loans)



def model_data(ledger: Ledger, horizon: int | None = None) -> ModelData:
    """Floats for the solver; `horizon` may cut the plan short (for relaxations)."""
    T = ledger.horizon_months if horizon is None else min(horizon, ledger.horizon_months)
    loans = []
    for i, terms in enumerate(ledger.terms):
        held = len(terms.settlement_parts)  # months of a settlement schedule: no interest
        loan = LoanData(
            id=terms.id,
            due_rule=terms.due_rule,
            balance=float(terms.balance),
            arrears=float(terms.arrears),
            months_overdue=terms.months_overdue,
            escalation_months=terms.escalation_months,
            rate=[0.0 if t < held else n / d for t, (n, d) in enumerate(ledger.rate_pairs[i][:T])],
            penalty_rate=[0.0 if t < held else n / d for t, (n, d) in enumerate(ledger.penalty_pairs[i][:T])],
            min_percent=float(terms.min_percent),
            min_floor=float(terms.min_floor),
            installment=float(terms.installment or 0),
            principal_part=float(terms.principal_part or 0),
            late_fee=float(terms.late_fee),
            late_fee_percent=float(terms.late_fee_percent),
            due_month=terms.due_month or 0,
            grace_until=terms.grace_months,
            in_collection=terms.in_collection,
            parts=[float(part) for part in terms.settlement_parts],
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
        n_loans=len(loans),
    )
    _offers(ledger, data, T)
    data.cash_max = _cash_max(data)
    for loan in loans:
        if loan.offer >= 0:
            loan.balance_min = [0.0] * (T + 1)
            loan.paid_to_be_current = [0.0] * T
        else:
            _cash_bounds(loan, data.cash_max)
    for offer in data.offers:
        if offer.kind in (OfferKind.HARDSHIP_PLAN, OfferKind.SETTLEMENT) and offer.months:
            # converted or settled from the first month it may be accepted: B_min and the cash to be current
            # no longer hold
            loan, first = loans[offer.loan], offer.months[0]
            for t in range(first, T):
                loan.paid_to_be_current[t] = 0.0
                loan.balance_min[t + 1] = 0.0
    return data


def _offers(ledger: Ledger, data: ModelData, T: int) -> None:
    """Borrowing offers and asset sales (offers.md); each borrowing offer gets one new loan
    per month it may be taken in, opening the month after (`LoanData.start`)."""
    scenario = ledger.scenario
    account = len(ledger.loan_ids)
    for offer in scenario.offers:
        first = max(1, month_index(scenario.start, offer.available_from))
        last = min(T, month_index(scenario.start, offer.available_until))
        months = list(range(first - 1, last))
        if isinstance(offer, AssetSale):
            data.offers.append(OfferData(offer.id, offer.kind, months, amount=float(offer.amount * 100),
                                         keep_value=float(offer.keep_value * 100)))
            continue
        if isinstance(offer, Settlement):
            i = scenario.loan_index(offer.loan)
            data.offers.append(OfferData(
                offer.id, offer.kind, months, account=i, loan=i,
                percent=None if offer.percent is None else float(offer.percent),
                amount=0.0 if offer.amount is None else float(offer.amount * 100),
                instalments=offer.instalments, tax_rate=float(offer.forgiven_tax_rate)))
            continue
        if isinstance(offer, HardshipPlan):
            i = scenario.loan_index(offer.loan)
            od = OfferData(offer.id, offer.kind, months, account=i, loan=i,
                           waive_percent=float(offer.waive_percent), fee_percent=float(offer.fee_percent))
            data.offers.append(od)
            for t in months:
                od.copies[t] = len(data.loans)
                data.loans.append(_converted_loan(ledger.terms[i], data.loans[i], i, offer, len(data.offers) - 1,
                                                  t + 1, T))
            continue
        if not isinstance(offer, BorrowOffer):
            continue
        pays = None
        if offer.kind != OfferKind.CASH_LOAN:
            ids = offer.pays if offer.pays is not None else ledger.loan_ids
            pays = sorted(scenario.loan_index(loan_id) for loan_id in ids)
        od = OfferData(offer.id, offer.kind, months, min_amount=float(offer.min_amount * 100),
                       max_amount=float(offer.max_amount * 100), fee=float(offer.fee * 100),
                       fee_added=float(offer.fee_added_percent), fee_deducted=float(offer.fee_deducted_percent),
                       pays=pays, account=account)
        account += 1
        data.offers.append(od)
        for t in months:
            od.copies[t] = len(data.loans)
            data.loans.append(_new_loan(offer, od, len(data.offers) - 1, t + 1, T))


def _converted_loan(terms: LoanTerms, original: LoanData, i: int, plan: HardshipPlan, j: int, start: int,
                    T: int) -> LoanData:
    """The loan a hardship plan accepted in month index start - 1 makes of `original`
    (ledger.terms.convert_for_hardship): from `start` an installment loan at the plan's rate,
    its part computed once on the converted balance, nothing due for grace_months; the
    original's penalty rates (by plan month), late fees and escalation months."""
    converted = convert_for_hardship(terms, plan, 0, start)
    rate = [0.0] * start + [float(converted.rate)] * (T - start)
    factor = float(converted.opening_factor)
    high = original.balance_max[start] * (1.0 + float(plan.fee_percent)) + 1.0
    loan = LoanData(
        id=f"{original.id}~{plan.id}@{start}",
        due_rule=converted.due_rule,
        balance=0.0,
        arrears=0.0,
        months_overdue=0,
        escalation_months=original.escalation_months,
        rate=rate[:T],
        penalty_rate=[0.0] * start + original.penalty_rate[start:T],
        min_percent=0.0,
        min_floor=0.0,
        installment=0.0,
        principal_part=0.0,
        late_fee=original.late_fee,
        late_fee_percent=original.late_fee_percent,
        start=start,
        offer=j,
        installment_factor=factor if converted.due_rule is DueRule.FIXED_INSTALLMENT else 0.0,
        principal_factor=factor if converted.due_rule is DueRule.EQUAL_PRINCIPAL else 0.0,
        opening_min=0.0,
        opening_max=high,
        grace_until=start + converted.grace_months,
        converted_from=i,
    )
    _bounds(loan, T)
    return loan


def _new_loan(offer: BorrowOffer, od: OfferData, j: int, start: int, T: int) -> LoanData:
    """The loan an offer taken in month index start - 1 opens: its months counted from `start`,
    its terms the ledger's for an opening balance B_start (`LoanTerms.opening_factor`)."""
    terms = compile_contract(offer.loan, offer.id, 0)
    rate = [0.0] * T
    penalty = [0.0] * T
    for t in range(start, T):
        rate[t] = float(terms.rate_in_month(t - start + 1))
        penalty[t] = float(terms.penalty_rate_in_month(t - start + 1))
    factor = float(terms.opening_factor)
    low = max(od.min_amount, 1.0) * (1.0 + od.fee_added)
    high = od.max_amount * (1.0 + od.fee_added) + 1.0
    loan = LoanData(
        id=f"{offer.id}@{start}",
        due_rule=terms.due_rule,
        balance=0.0,
        arrears=0.0,
        months_overdue=0,
        escalation_months=terms.escalation_months,
        rate=rate,
        penalty_rate=penalty,
        min_percent=float(terms.min_percent),
        min_floor=float(terms.min_floor),
        installment=float(terms.installment or 0),
        principal_part=float(terms.principal_part or 0),  # a part the contract gives; else factor x B_start
        late_fee=float(terms.late_fee),
        late_fee_percent=float(terms.late_fee_percent),
        due_month=((terms.due_month or 0) + start) if terms.due_rule is DueRule.BULLET else 0,
        start=start,
        offer=j,
        installment_factor=factor if terms.due_rule is DueRule.FIXED_INSTALLMENT else 0.0,
        principal_factor=factor if terms.due_rule is DueRule.EQUAL_PRINCIPAL else 0.0,
        opening_min=low,
        opening_max=high,
    )
    _bounds(loan, T)
    return loan


def _cash_max(data: ModelData) -> list[float]:
    """The most any plan pays in months 1..t+1, all loans together: every cash row is
    S_t = g S_{t-1} + b_t - sum_i p_{i,t} with S >= 0 and g >= 1, so keeping the cash
    until month t+1 and paying it all then is the most: S_0 g^(t+1) + sum_s b_s g^(t+1-s).
    An offer adds at most what it can bring in (the most borrowed, or the sale), counted
    from the first month it may be taken (restricted proceeds pay loans as cash does).
    """
    extra = [0.0] * data.horizon
    for offer in data.offers:
        if offer.months:
            extra[offer.months[0]] += offer.max_amount if offer.kind != OfferKind.ASSET_SALE else offer.amount
    out, cash = [], data.starting_cash
    for t in range(data.horizon):
        cash = cash * data.savings_growth + data.budget[t] + extra[t]
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
    percent-plus-interest: R >= min_percent B + I + P, so G <= min(N - floor, (1 - min_percent) X);
    bullet: N until its due_month, then 0. So X'_max = G_max, and B_max <= X_max + A_max.
    G_max is the big-M of the due's `min` (D - due when the due is A + R) and of
    the unpaid part's exactness (p - due <= D - due). A cent of slack a month
    covers rounding. These are the big-Ms of the model, per loan and month.
    An offer's new loan starts at month index `start` with at most opening_max; its
    annuity or equal-principal part is at least the one of opening_min (when taken;
    when not, every amount is 0).
    """
    s0 = loan.start
    b, a, x = loan.balance, loan.arrears, loan.balance - loan.arrears
    if s0 or loan.offer >= 0:
        b = x = loan.opening_max
    installment_lo = loan.installment + loan.installment_factor * loan.opening_min
    installment_hi = loan.installment + loan.installment_factor * loan.opening_max + (1.0 if loan.installment_factor else 0.0)
    part_lo = loan.principal_part + loan.principal_factor * loan.opening_min
    part_hi = loan.principal_part + loan.principal_factor * loan.opening_max + (1.0 if loan.principal_factor else 0.0)
    bmax, dmax, rmax, amax, duemax = [0.0] * s0 + [b + 1.0], [0.0] * s0, [0.0] * s0, [0.0] * s0 + [a + 1.0], [0.0] * s0
    xmax, gmax = [0.0] * s0 + [x + 1.0], [0.0] * s0
    x = x + 1.0
    a = a + 1.0
    for t in range(s0, T):
        r, rp = loan.rate[t], loan.penalty_rate[t]
        top = max(r, rp)
        d = (1.0 + top) * b + 1.0
        n = (1.0 + r) * x + rp * a + 1.0
        if t < loan.grace_until:
            reg, g = 0.0, n
        elif t < len(loan.parts):  # a settlement's part: R = part, X' <= N - part
            reg, g = loan.parts[t] + 1.0, max(0.0, n - loan.parts[t] + 1.0)
        elif loan.due_rule is DueRule.REVOLVING_PERCENT:
            reg = max(loan.min_floor, loan.min_percent * d) + 1.0
            g = max(0.0, min(n - loan.min_floor, (1.0 - loan.min_percent) * n))
        elif loan.due_rule is DueRule.REVOLVING_PERCENT_PLUS_INTEREST:
            # R >= mp B + I + P, so N - R <= (1 + r) X + rp A - mp (X + A) - r X - rp A <= (1 - mp) X
            reg = max(loan.min_floor, (loan.min_percent + top) * b) + 1.0
            g = max(0.0, min(n - loan.min_floor, (1.0 - loan.min_percent) * x))
        elif loan.due_rule is DueRule.EQUAL_PRINCIPAL:
            reg = part_hi + top * b + 1.0
            g = max(0.0, x - part_lo + 1.0)
        elif loan.due_rule is DueRule.BULLET:
            reg = 0.0 if t + 1 <= loan.due_month else d
            g = n if t + 1 <= loan.due_month else 0.0
        else:
            reg = installment_hi
            g = max(0.0, n - installment_lo)
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
