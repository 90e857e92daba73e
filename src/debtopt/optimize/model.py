"""The money contract (money-model.md) as a mixed-integer linear model, in cents.

Built as plain sparse rows (column indices and coefficients), one function per
constraint group; each docstring states the equation it implements. `solve.py`
hands the rows to PuLP (or, for the benchmark's baseline, straight to highspy).

Indices: loan i, month t = 0..T-1 (plan month t + 1). State variables B[i][t],
A[i][t] are the balance and arrears at the start of month t (t = 0..T; t = 0 is
fixed by the scenario, t = T is the end). Per loan-month expressions:

    I = r_t (B - A)            normal interest
    P = rp_t A                 penalty interest
    D = B + I + P = (1 + r_t) B + (rp_t - r_t) A      owed
    F = late_fee * o + late_fee_percent * U           late fee

Exact except the cent rounding, which the model leaves out (floats inside the
solver); `schedule.py` rounds the payments and the ledger replays them.

Binaries: o (overdue this month) and z (the due is the whole owed amount, the
`min` of step 4) per open loan-month. Escalation and the hard limit are rows
over windows of o. Every big-M is per loan and month, from `data._bounds`.

Besides the contract's equations the model carries rows that no plan can break
(each docstring says why): they cut off fractional points only, so the LP
relaxation sees more of the problem (`not_yet_due_bound`, `unpaid_beyond_arrears`,
`current_needs_cash`, and the bounds B >= B_min and o = 1 where no plan can be current).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.choices import OfferKind, Stage
from ..ledger.terms import DueRule
from .cuts import add_cuts
from .data import LoanData, ModelData, OfferData

INF = float("inf")
# Revolving loans carry R as a variable bounded below by their rule (`regular_due`).
REVOLVING_RULES = frozenset({DueRule.REVOLVING_PERCENT, DueRule.REVOLVING_PERCENT_PLUS_INTEREST})
# The counting rows of cuts.py: off, they cost nodes more often than they saved them
# (benchmarks/results/scale_notes.md); a switch for the benchmarks that measure them.
CUTS = False


@dataclass(slots=True)
class Rows:
    """Columns and rows as plain lists: the model in array form."""

    col_names: list[str] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    row_start: list[int] = field(default_factory=list)
    row_index: list[int] = field(default_factory=list)
    row_value: list[float] = field(default_factory=list)

    def var(self, name: str, lower: float = 0.0, upper: float = INF, integer: bool = False) -> int:
        self.col_names.append(name)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_integer.append(integer)
        return len(self.col_names) - 1

    def row(self, name: str, terms: list[tuple[int, float]], lower: float = -INF, upper: float = INF) -> int:
        self.row_names.append(name)
        self.row_start.append(len(self.row_index))
        merged: dict[int, float] = {}
        for col, coef in terms:
            merged[col] = merged.get(col, 0.0) + coef
        for col, coef in merged.items():
            if coef != 0.0:
                self.row_index.append(col)
                self.row_value.append(coef)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return len(self.row_names) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_names)

    @property
    def n_rows(self) -> int:
        return len(self.row_names)


@dataclass(slots=True)
class LoanVars:
    """Column indices of one loan's variables (None where a month has no such variable)."""

    B: list[int]  # t = 0..T
    A: list[int]  # t = 0..T
    p: list[int]  # payment
    U: list[int]  # unpaid part of the due
    due: list[int]
    R: list[int | None]  # regular due (revolving only; an expression otherwise)
    o: list[int]  # overdue this month (binary)
    z: list[int]  # the due is the whole owed amount (binary)
    esc: int  # escalated within the plan (continuous in [0, 1], integral at any integral o)


@dataclass(slots=True)
class OfferVars:
    """Column indices of one offer's decision, per month index t it may be taken in."""

    y: dict[int, int]  # taken in month t (binary)
    X: dict[int, int]  # borrowed (cents; borrowing offers)
    used: dict[int, int]  # restricted proceeds that pay its loans (consolidation, transfer)
    # hardship plan: the balance and arrears moved out of the original loan, the waiver,
    # and w (month t's overdue forgiven: the converted arrears are not overdue)
    moveB: dict[int, int] = field(default_factory=dict)
    moveA: dict[int, int] = field(default_factory=dict)
    waiver: dict[int, int] = field(default_factory=dict)
    w: dict[int, int] = field(default_factory=dict)
    # settlement: what the loan owes that month, moved out of it when accepted (D), and the price
    moveD: dict[int, int] = field(default_factory=dict)
    price: dict[int, int] = field(default_factory=dict)
    early: dict[int, int] = field(default_factory=dict)  # parts due after T paid in month T instead


@dataclass(slots=True)
class Model:
    data: ModelData
    rows: Rows
    loans: list[LoanVars]
    S: list[int]  # savings after month t, t = -1..T-1 stored at index t + 1
    max_consecutive_overdue: int | None = None
    offers: list[OfferVars] = field(default_factory=list)
    zero: int = -1  # a column fixed at 0: an offer's new loan before it opens
    converting: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (loan, t) -> hardship offers
    settling: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (loan, t) -> settlement offers

    def counted(self, i: int, t: int) -> list[tuple[int, float]]:
        """The overdue month counted for loan i in month t: o, less w where a hardship plan converts it."""
        terms = [(self.loans[i].o[t], 1.0)]
        for j in self.converting.get((i, t), ()):
            terms.append((self.offers[j].w[t], -1.0))
        return terms

    # -- the expressions of the contract, as (column, coefficient) terms ----------------

    def owed(self, i: int, t: int) -> list[tuple[int, float]]:
        """D = (1 + r_t) B + (rp_t - r_t) A, less moveD where a settlement may take it (settlement_rows):
        a loan settled in month t owes nothing more itself; its price is paid from the cash row."""
        loan, v = self.data.loans[i], self.loans[i]
        r, rp = loan.rate[t], loan.penalty_rate[t]
        moved = [(self.offers[j].moveD[t], -1.0) for j in self.settling.get((i, t), ())]
        return [(v.B[t], 1.0 + r), (v.A[t], rp - r), *moved]

    def charges(self, i: int, t: int) -> list[tuple[int, float]]:
        """I + P + F = r_t B + (rp_t - r_t) A + late_fee o + late_fee_percent U."""
        loan, v = self.data.loans[i], self.loans[i]
        r, rp = loan.rate[t], loan.penalty_rate[t]
        return [(v.B[t], r), (v.A[t], rp - r), (v.o[t], loan.late_fee), (v.U[t], loan.late_fee_percent)]

    def parts_after_horizon(self) -> list[tuple[int, float]]:
        """What settlements accepted late in the plan still owe at T: their parts after it, less
        what is paid of them early, in the last month."""
        out = []
        for offer, ov in zip(self.data.offers, self.offers):
            for t in ov.price:
                beyond = _parts_beyond(offer, t, self.data.horizon)
                if beyond:
                    out += [(ov.price[t], beyond / offer.instalments), (ov.early[t], -1.0)]
        return out

    # -- stage objectives ---------------------------------------------------------------

    def objective(self, name: str, overdue_price: float = 0.0) -> dict[int, float]:
        """The stage objectives, in their own units (counts, or cents).

        escalations  sum_i esc_i
        overdue      sum_{i,t} o_{i,t}
        remaining    sum_i B_{i,T}
        net_cost     sum_{i,t} (I + P + F) - (g - 1) sum_{t<T} S_t   (savings interest to the horizon)
        weighted     net_cost + overdue_price * overdue (overdue_price in cents)
        """
        out: dict[int, float] = {}
        T = self.data.horizon
        if name == Stage.ESCALATIONS:
            _add(out, [(v.esc, 1.0) for v in self.loans])
        elif name == Stage.OVERDUE:
            self._add_overdue(out)
        elif name == Stage.REMAINING:
            _add(out, [(v.B[T], 1.0) for v in self.loans])
            _add(out, self.parts_after_horizon())
        elif name in (Stage.NET_COST, Stage.WEIGHTED):
            self._add_net_cost(out)
            if name == Stage.WEIGHTED:
                self._add_overdue(out, overdue_price)
        else:
            raise ValueError(f"unknown stage objective {name!r}")
        return out

    def _add_overdue(self, out: dict[int, float], scale: float = 1.0) -> None:
        for i, loan in enumerate(self.data.loans):
            for t in range(loan.start, self.data.horizon):
                _add(out, self.counted(i, t), scale)

    def _add_net_cost(self, out: dict[int, float]) -> None:
        T = self.data.horizon
        loans = self.data.loans
        for i in range(self.data.n):
            for t in range(loans[i].start, T):
                _add(out, self.charges(i, t))
        # offers.md, "Costs": fees of offers taken and the value of assets sold
        for offer, ov in zip(self.data.offers, self.offers):
            for t in offer.months:
                if offer.kind == OfferKind.ASSET_SALE:
                    _add(out, [(ov.y[t], offer.keep_value)])
                elif offer.kind == OfferKind.HARDSHIP_PLAN:
                    # the fee on what is converted, less the waiver: fee_percent (moveB - waiver) - waiver
                    _add(out, [(ov.moveB[t], offer.fee_percent), (ov.waiver[t], -(1.0 + offer.fee_percent))])
                elif offer.kind == OfferKind.SETTLEMENT:
                    # the forgiven part D - price is waived, its tax is a cost: -(1 - tax) (moveD - price)
                    _add(out, [(ov.moveD[t], -(1.0 - offer.tax_rate)), (ov.price[t], 1.0 - offer.tax_rate)])
                else:
                    _add(out, [(ov.X[t], offer.fee_added + offer.fee_deducted), (ov.y[t], offer.fee)])
        # Savings interest over the whole horizon, the months after the payoff
        # included (docs/model.md, "Best"): counting it only while a loan is
        # open would reward keeping a cent owed to let the savings earn.
        g = self.data.savings_growth
        if g != 1.0:
            _add(out, [(self.S[t], -(g - 1.0)) for t in range(T)])


def _add(out: dict[int, float], terms: list[tuple[int, float]], scale: float = 1.0) -> None:
    for col, coef in terms:
        out[col] = out.get(col, 0.0) + coef * scale


def build(data: ModelData, max_consecutive_overdue: int | None = None) -> Model:
    """Variables, then every constraint group, in the contract's order."""
    rows = Rows()
    T = data.horizon
    zero = rows.var("zero", 0.0, 0.0) if data.offers else -1
    loans = [_loan_variables(rows, i, loan, T, data.cash_max, zero) for i, loan in enumerate(data.loans)]
    S = [rows.var("S_start", data.starting_cash, data.starting_cash)] + [rows.var(f"S_{t + 1}") for t in range(T)]
    offers = [_offer_variables(rows, j, offer, data) for j, offer in enumerate(data.offers)]
    model = Model(data, rows, loans, S, max_consecutive_overdue, offers, zero)
    for j, offer in enumerate(data.offers):
        if offer.kind in (OfferKind.HARDSHIP_PLAN, OfferKind.SETTLEMENT):
            changing = model.converting if offer.kind == OfferKind.HARDSHIP_PLAN else model.settling
            for t in offer.months:
                changing.setdefault((offer.loan, t), []).append(j)
    for j in range(len(offers)):
        offer_rows(model, j)
    restricted_overlap(model)
    one_hardship_plan_per_loan(model)
    for i in range(data.n):
        for t in range(data.loans[i].start, T):
            payment_at_most_owed(model, i, t)
            regular_due(model, i, t)
            due_is_min(model, i, t)
            unpaid_part(model, i, t)
            arrears_at_most_balance(model, i, t)
            next_state(model, i, t)
            not_yet_due_bound(model, i, t)
            unpaid_beyond_arrears(model, i, t)
        escalation(model, i)
        if max_consecutive_overdue is not None:
            consecutive_limit(model, i, max_consecutive_overdue)
    for t in range(T):
        cash(model, t)
        current_needs_cash(model, t)
    if CUTS:
        add_cuts(model)
    return model


def _loan_variables(rows: Rows, i: int, loan: LoanData, T: int, cash_max: list[float], zero: int = -1) -> LoanVars:
    """Bounds: B_min,t <= B_t <= B_max,t; 0 <= A_t <= A_max,t; p <= D_max,t; U, due <= due_max,t;
    R in [floor, R_max,t]; o = 1 where being current needs more than any plan can have
    paid (data._cash_bounds: paid_to_be_current_t > cash_max_t).

    An offer's new loan (loan.start > 0 or loan.offer >= 0) has the column `zero` before
    it opens; B_start is its opening balance (offer_rows), A_start = 0."""
    name = f"l{i}"
    s0 = loan.start
    if loan.offer >= 0:
        B = [zero] * s0 + [rows.var(f"B_{name}_{s0}", 0.0, loan.balance_max[s0])]
        A = [zero] * (s0 + 1)
    else:
        B = [rows.var(f"B_{name}_0", loan.balance, loan.balance)]
        A = [rows.var(f"A_{name}_0", loan.arrears, loan.arrears)]
    for t in range(s0 + 1, T + 1):
        B.append(rows.var(f"B_{name}_{t}", min(loan.balance_min[t], loan.balance_max[t]), loan.balance_max[t]))
        A.append(rows.var(f"A_{name}_{t}", 0.0, loan.arrears_max[t]))
    p, U, due, R, o, z = [zero] * s0, [zero] * s0, [zero] * s0, [None] * s0, [zero] * s0, [zero] * s0
    for t in range(s0, T):
        dmax = loan.owed_max[t]
        p.append(rows.var(f"p_{name}_{t + 1}", 0.0, dmax))
        U.append(rows.var(f"U_{name}_{t + 1}", 0.0, loan.due_max[t]))
        due.append(rows.var(f"due_{name}_{t + 1}", 0.0, loan.due_max[t]))
        if loan.due_rule in REVOLVING_RULES:
            R.append(rows.var(f"R_{name}_{t + 1}", loan.min_floor, max(loan.min_floor, loan.regular_max[t])))
        else:
            R.append(None)
        forced = 1.0 if loan.paid_to_be_current[t] > cash_max[t] else 0.0
        kept = 0.0 if t < len(loan.parts) else 1.0  # a settlement under way is kept: its parts paid in full
        o.append(rows.var(f"o_{name}_{t + 1}", min(forced, kept), kept, integer=True))
        if loan.due_rule is DueRule.BULLET:
            fixed = 0.0 if t + 1 <= loan.due_month else 1.0
            z.append(rows.var(f"z_{name}_{t + 1}", fixed, fixed, integer=True))
        else:
            z.append(rows.var(f"z_{name}_{t + 1}", 0.0, 1.0, integer=True))
    esc = rows.var(f"esc_{name}", 1.0 if loan.in_collection else 0.0, 1.0)  # in collection: counted (item 8)
    return LoanVars(B, A, p, U, due, R, o, z, esc)


def _offer_variables(rows: Rows, j: int, offer: OfferData, data: ModelData) -> OfferVars:
    """y in {0, 1} per month it may be taken in; X in [0, max_amount]; used >= 0;
    a hardship plan's moveB <= B_max,t+1, moveA <= A_max,t+1, waiver, w in [0, 1]."""
    y, X, used = {}, {}, {}
    if offer.kind == OfferKind.SETTLEMENT:
        loan = data.loans[offer.loan]
        out = OfferVars(y, X, used)
        for t in offer.months:
            y[t] = rows.var(f"y_o{j}_{t + 1}", 0.0, 1.0, integer=True)
            out.moveD[t] = rows.var(f"moveD_o{j}_{t + 1}", 0.0, loan.owed_max[t])
            out.price[t] = rows.var(f"price_o{j}_{t + 1}", 0.0, loan.owed_max[t])
            if _parts_beyond(offer, t, data.horizon):
                out.early[t] = rows.var(f"early_o{j}_{t + 1}", 0.0, loan.owed_max[t])
        return out
    if offer.kind == OfferKind.HARDSHIP_PLAN:
        loan = data.loans[offer.loan]
        out = OfferVars(y, X, used)
        for t in offer.months:
            y[t] = rows.var(f"y_o{j}_{t + 1}", 0.0, 1.0, integer=True)
            out.moveB[t] = rows.var(f"moveB_o{j}_{t + 1}", 0.0, loan.balance_max[t + 1])
            out.moveA[t] = rows.var(f"moveA_o{j}_{t + 1}", 0.0, loan.arrears_max[t + 1])
            out.waiver[t] = rows.var(f"waiver_o{j}_{t + 1}", 0.0, loan.balance_max[t + 1])
            out.w[t] = rows.var(f"w_o{j}_{t + 1}", 0.0, 1.0)
        return out
    for t in offer.months:
        y[t] = rows.var(f"y_o{j}_{t + 1}", 0.0, 1.0, integer=True)
        if offer.kind != OfferKind.ASSET_SALE:
            X[t] = rows.var(f"X_o{j}_{t + 1}", 0.0, offer.max_amount)
            if offer.pays is not None:
                used[t] = rows.var(f"used_o{j}_{t + 1}", 0.0, offer.max_amount)
    return OfferVars(y, X, used)


def offer_rows(m: Model, j: int) -> None:
    """offers.md: taken once; X in [min y, max y] (and X >= 1 cent when taken); the new loan
    taken in month t opens at t + 1 with B = (1 + fee_added) X; what is received,
    X (1 - fee_deducted) - fee y, is never negative; restricted proceeds pay only `pays`:

        sum_t y_t <= 1
        min y_t <= X_t <= max y_t
        B_copy(t),t+1 = (1 + fee_added) X_t
        used_t <= (1 - fee_deducted) X_t - fee y_t          (>= 0 for a cash loan too)
        used_t <= sum_{i in pays} p_{i,t}

    The cash row adds the received cash (cash loan), the used proceeds (consolidation,
    transfer: what is not used is lost) or the sale's amount (asset sale).
    """
    offer, ov, rows = m.data.offers[j], m.offers[j], m.rows
    rows.row(f"offer_once_{j}", [(ov.y[t], 1.0) for t in offer.months], upper=1.0)
    if offer.kind == OfferKind.ASSET_SALE:
        return
    if offer.kind == OfferKind.HARDSHIP_PLAN:
        hardship_rows(m, j)
        return
    if offer.kind == OfferKind.SETTLEMENT:
        settlement_rows(m, j)
        return
    for t in offer.months:
        y, X = ov.y[t], ov.X[t]
        rows.row(f"offer_max_{j}_{t}", [(X, 1.0), (y, -offer.max_amount)], upper=0.0)
        rows.row(f"offer_min_{j}_{t}", [(X, 1.0), (y, -max(offer.min_amount, 1.0))], lower=0.0)
        copy = m.loans[offer.copies[t]]
        rows.row(f"offer_opens_{j}_{t}", [(copy.B[t + 1], 1.0), (X, -(1.0 + offer.fee_added))], lower=0.0, upper=0.0)
        # The copy of a month the offer is not taken in stays at zero: B_copy,s <= B_max,s y_t
        # (true of every plan the ledger replays: an account it never opens owes nothing). It
        # tells the LP relaxation too (zhang-san-offers: 26 s to 7.5 s, us-consolidation: 11 s to 8 s).
        cd = m.data.loans[offer.copies[t]]
        for s in range(t + 2, m.data.horizon + 1):
            rows.row(f"offer_copy_{j}_{t}_{s}", [(copy.B[s], 1.0), (y, -cd.balance_max[s])], upper=0.0)
        received = [(X, 1.0 - offer.fee_deducted), (y, -offer.fee)]
        rows.row(f"offer_received_{j}_{t}", received, lower=0.0)
        if offer.pays is not None:
            u = ov.used[t]
            rows.row(f"offer_used_le_received_{j}_{t}", [(u, 1.0)] + [(c, -a) for c, a in received], upper=0.0)
            rows.row(f"offer_used_le_paid_{j}_{t}", [(u, 1.0)] + [(m.loans[i].p[t], -1.0) for i in offer.pays], upper=0.0)


def hardship_rows(m: Model, j: int) -> None:
    """A hardship plan on loan i accepted in month t (offers.md; ledger LedgerRun._convert):
    after month t's payment the loan's B' and A' move out (next_state subtracts moveB, moveA)
    into the converted loan, which opens at t + 1 with (1 + fee_percent)(B' - waiver):

        moveB_t <= B_max,t+1 y_t      B_i,t+1 <= B_max,t+1 (1 - y_t)
        moveA_t <= A_max,t+1 y_t      A_i,t+1 <= A_max,t+1 (1 - y_t)
        waiver_t <= waive_percent sum_{s<=t} (P + F)_i,s      waiver_t <= moveB_t
        B_conv,t+1 = (1 + fee_percent) (moveB_t - waiver_t)
        w_t <= o_i,t, w_t <= y_t, w_t >= o_i,t + y_t - 1      (w = o AND y: month t is not
                                      overdue, its arrears were converted)

    The waiver is only bounded above: a larger one lowers both the balance and the cost, so
    every stage that cares takes the most (the ledger always does). The late fee of month t
    is still charged (o keeps marking U > 0); only the overdue count drops by w.
    """
    offer, ov, rows = m.data.offers[j], m.offers[j], m.rows
    i = offer.loan
    loan, v = m.data.loans[i], m.loans[i]
    for t in offer.months:
        y = ov.y[t]
        bmax, amax = loan.balance_max[t + 1], loan.arrears_max[t + 1]
        rows.row(f"hs_moveB_{j}_{t}", [(ov.moveB[t], 1.0), (y, -bmax)], upper=0.0)
        rows.row(f"hs_moveA_{j}_{t}", [(ov.moveA[t], 1.0), (y, -amax)], upper=0.0)
        rows.row(f"hs_closedB_{j}_{t}", [(v.B[t + 1], 1.0), (y, bmax)], upper=bmax)
        rows.row(f"hs_closedA_{j}_{t}", [(v.A[t + 1], 1.0), (y, amax)], upper=amax)
        charges = []
        for s in range(t + 1):
            rp = loan.penalty_rate[s]
            charges += [(v.A[s], rp), (v.o[s], loan.late_fee), (v.U[s], loan.late_fee_percent)]
        rows.row(f"hs_waiver_{j}_{t}", [(ov.waiver[t], 1.0)] + [(c, -offer.waive_percent * a) for c, a in charges],
                 upper=0.0)
        rows.row(f"hs_waiver_le_{j}_{t}", [(ov.waiver[t], 1.0), (ov.moveB[t], -1.0)], upper=0.0)
        copy = m.loans[offer.copies[t]]
        f = 1.0 + offer.fee_percent
        rows.row(f"hs_opens_{j}_{t}", [(copy.B[t + 1], 1.0), (ov.moveB[t], -f), (ov.waiver[t], f)], lower=0.0, upper=0.0)
        rows.row(f"hs_w_o_{j}_{t}", [(ov.w[t], 1.0), (v.o[t], -1.0)], upper=0.0)
        rows.row(f"hs_w_y_{j}_{t}", [(ov.w[t], 1.0), (y, -1.0)], upper=0.0)
        # w = o AND y: without it w may sit at 0.5 under a count's fixing row (level + 0.5),
        # and half a forgiven month is no month the ledger knows
        rows.row(f"hs_w_and_{j}_{t}", [(ov.w[t], 1.0), (v.o[t], -1.0), (y, -1.0)], lower=-1.0)


def settlement_rows(m: Model, j: int) -> None:
    """A settlement of loan i accepted in month t (offers.md 1.1; ledger/settlement.py): what the loan
    owes that month, D, moves out of it (Model.owed subtracts moveD, so the loan owes, pays and is
    due nothing more, and closes current), and its price is paid from the cash in `instalments`
    equal parts from month t (`cash`):

        moveD_t <= D_max,t y_t        moveD_t >= D_t - D_max,t (1 - y_t)      (moveD = D when taken)
        moveD_t >= y_t                (at least a cent owed: the loan is open)
        price_t = percent moveD_t     or, for a fixed amount: price_t = amount y_t, moveD_t >= amount y_t

    A fixed amount above what is owed is never taken (paying what is owed closes the loan as well).
    The waiver moveD - price comes off the net cost and its tax is added (Model.objective); parts
    due after the horizon count in what is still owed (Model.parts_after_horizon), less `early`,
    what of them is paid in the last month (the ledger takes a payment above a part off the last
    parts; nothing is charged on them, so paying them at the end loses nothing):

        early_t <= price_t (t + n - T) / n
    """
    offer, ov, rows = m.data.offers[j], m.offers[j], m.rows
    loan = m.data.loans[offer.loan]
    i = offer.loan
    for t in offer.months:
        y, moved, price = ov.y[t], ov.moveD[t], ov.price[t]
        dmax = loan.owed_max[t]
        v = m.loans[i]
        r, rp = loan.rate[t], loan.penalty_rate[t]
        owed = [(v.B[t], 1.0 + r), (v.A[t], rp - r)]
        rows.row(f"st_move_le_{j}_{t}", [(moved, 1.0), (y, -dmax)], upper=0.0)
        rows.row(f"st_move_ge_{j}_{t}", [(moved, 1.0), (y, -dmax)] + [(c, -a) for c, a in owed], lower=-dmax)
        rows.row(f"st_open_{j}_{t}", [(moved, 1.0), (y, -1.0)], lower=0.0)
        if t in ov.early:
            beyond = _parts_beyond(offer, t, m.data.horizon) / offer.instalments
            rows.row(f"st_early_{j}_{t}", [(ov.early[t], 1.0), (price, -beyond)], upper=0.0)
        if offer.percent is not None:
            rows.row(f"st_price_{j}_{t}", [(price, 1.0), (moved, -offer.percent)], lower=0.0, upper=0.0)
        else:
            rows.row(f"st_price_{j}_{t}", [(price, 1.0), (y, -offer.amount)], lower=0.0, upper=0.0)
            rows.row(f"st_amount_{j}_{t}", [(moved, 1.0), (y, -offer.amount)], lower=0.0)


def one_hardship_plan_per_loan(m: Model) -> None:
    """docs/model.md: one hardship plan or settlement per loan (only needed when a loan has two offers)."""
    by_loan: dict[int, list[int]] = {}
    for j, offer in enumerate(m.data.offers):
        if offer.kind in (OfferKind.HARDSHIP_PLAN, OfferKind.SETTLEMENT):
            by_loan.setdefault(offer.loan, []).append(j)
    for i, js in by_loan.items():
        if len(js) > 1:
            m.rows.row(f"hs_one_{i}", [(m.offers[j].y[t], 1.0) for j in js for t in m.data.offers[j].months], upper=1.0)


def restricted_overlap(m: Model) -> None:
    """Two restricted offers whose `pays` share a loan are not taken in the same month.

    The ledger attributes payments to their proceeds greedily in offer order, which a
    flow in the model could beat; one restricted offer per loan and month keeps the
    model's `used` exactly what the ledger attributes."""
    offers = [(j, o) for j, o in enumerate(m.data.offers) if o.pays is not None]
    for a in range(len(offers)):
        for b in range(a + 1, len(offers)):
            (ja, oa), (jb, ob) = offers[a], offers[b]
            if not set(oa.pays or ()) & set(ob.pays or ()):
                continue
            for t in set(oa.months) & set(ob.months):
                m.rows.row(f"offer_overlap_{ja}_{jb}_{t}", [(m.offers[ja].y[t], 1.0), (m.offers[jb].y[t], 1.0)], upper=1.0)


# -- constraint groups --------------------------------------------------------------------


def payment_at_most_owed(m: Model, i: int, t: int) -> None:
    """Step 5: p <= D."""
    v = m.loans[i]
    m.rows.row(f"pay_le_owed_{i}_{t}", [(v.p[t], 1.0)] + [(c, -a) for c, a in m.owed(i, t)], upper=0.0)


def _regular_terms(m: Model, i: int, t: int) -> tuple[list[tuple[int, float]], float]:
    """R as terms + constant: the variable R (revolving), the fixed installment,
    principal_part + I + P (equal-principal), or for a bullet loan 0 until its
    due_month and then D. An offer's new loan computes its annuity or equal-principal
    part once on its opening balance: factor * B_start, linear in what is borrowed."""
    loan, v = m.data.loans[i], m.loans[i]
    if t < loan.grace_until:  # a hardship plan's grace months: nothing regular is due
        return [], 0.0
    if t < len(loan.parts):  # a settlement under way at the start: this month's part
        return [], loan.parts[t]
    if loan.due_rule in REVOLVING_RULES:
        col = v.R[t]
        assert col is not None
        return [(col, 1.0)], 0.0
    if loan.due_rule is DueRule.FIXED_INSTALLMENT:
        if loan.installment_factor:
            return [(v.B[loan.start], loan.installment_factor)], loan.installment
        return [], loan.installment
    if loan.due_rule is DueRule.BULLET:
        if t + 1 <= loan.due_month:
            return [], 0.0
        return m.owed(i, t), 0.0  # R = D: the whole amount is due
    r, rp = loan.rate[t], loan.penalty_rate[t]
    part = [(v.B[loan.start], loan.principal_factor)] if loan.principal_factor else []
    return part + [(v.B[t], r), (v.A[t], rp - r)], loan.principal_part  # I + P = r B + (rp - r) A


def regular_due(m: Model, i: int, t: int) -> None:
    """Step 3, revolving: R >= min_percent * D, or with min_rule percent-plus-interest
    R >= min_percent * B + I + P = (min_percent + r_t) B + (rp_t - r_t) A; and R >= min_floor,
    its lower bound.

    Only the lower side of the max is needed: a larger R only raises the due, which
    no objective wants (at equal cost the replay decides).
    """
    loan, v = m.data.loans[i], m.loans[i]
    if loan.due_rule not in REVOLVING_RULES:
        return
    col = v.R[t]
    assert col is not None
    if loan.due_rule is DueRule.REVOLVING_PERCENT:
        share = [(c, loan.min_percent * a) for c, a in m.owed(i, t)]
    else:
        r, rp = loan.rate[t], loan.penalty_rate[t]
        share = [(v.B[t], loan.min_percent + r), (v.A[t], rp - r)]
    m.rows.row(f"reg_pct_{i}_{t}", [(col, 1.0)] + [(c, -a) for c, a in share], lower=0.0)


def due_is_min(m: Model, i: int, t: int) -> None:
    """Step 4: due = min(D, A + R), with binary z (z = 1: the due is all of D).

        due <= D                      due <= A + R
        due >= D - Mo (1 - z)         due >= A + R - Mr z

    Mo = G_max,t: when the min is A + R, D - due = N - R <= G_max (data._bounds).
    Mr = R_max,t: when the min is D, A + R - D = R - (B - A) - I - P <= R, using
    A <= B (the row `arrears_at_most_balance`).
    A bullet loan's min is one-sided, so its z is fixed by bounds: z = 0 (due = A)
    until its due_month, z = 1 (due = D) after.
    """
    loan, v = m.data.loans[i], m.loans[i]
    owed = m.owed(i, t)
    reg, reg_const = _regular_terms(m, i, t)
    mo = loan.gap_max[t]
    mr = loan.regular_max[t]
    due = (v.due[t], 1.0)
    m.rows.row(f"due_le_owed_{i}_{t}", [due] + [(c, -a) for c, a in owed], upper=0.0)
    m.rows.row(f"due_le_reg_{i}_{t}", [due, (v.A[t], -1.0)] + [(c, -a) for c, a in reg], upper=reg_const)
    m.rows.row(f"due_ge_owed_{i}_{t}", [due, (v.z[t], -mo)] + [(c, -a) for c, a in owed], lower=-mo)
    # a settlement's moveD: with all of D moved out the due is 0, and A + R - D <= R_max as above
    moved = [(m.offers[j].moveD[t], 1.0) for j in m.settling.get((i, t), ())]
    m.rows.row(f"due_ge_reg_{i}_{t}", [due, (v.A[t], -1.0), (v.z[t], mr)] + [(c, -a) for c, a in reg] + moved,
               lower=reg_const)


def unpaid_part(m: Model, i: int, t: int) -> None:
    """Step 6: U = max(0, due - p), with o = 1 exactly when U > 0 (or a fixed fee is charged).

        U >= due - p                  (U >= 0 is its bound)
        U <= due_max,t * o            nothing unpaid unless overdue (due_max = min(D_max, A_max + R_max))
        U <= due - p + G_max,t (1 - o)  overdue: U is exactly due - p
                                      (current: p - due <= D - due <= G_max, data._bounds)

    With U = 0 and late_fee = 0, o = 1 changes nothing but the count, so every
    objective that counts or prices o sets it to 0.
    """
    loan, v = m.data.loans[i], m.loans[i]
    big = loan.gap_max[t]
    m.rows.row(f"unpaid_ge_{i}_{t}", [(v.U[t], 1.0), (v.due[t], -1.0), (v.p[t], 1.0)], lower=0.0)
    m.rows.row(f"unpaid_le_o_{i}_{t}", [(v.U[t], 1.0), (v.o[t], -loan.due_max[t])], upper=0.0)
    m.rows.row(f"unpaid_exact_{i}_{t}", [(v.U[t], 1.0), (v.due[t], -1.0), (v.p[t], 1.0), (v.o[t], big)], upper=big)


def arrears_at_most_balance(m: Model, i: int, t: int) -> None:
    """A' <= B', i.e. U + F <= D - p + F, i.e. U + p <= D (implied; it lets Mr be R_max)."""
    v = m.loans[i]
    m.rows.row(f"arrears_le_balance_{i}_{t}", [(v.U[t], 1.0), (v.p[t], 1.0)] + [(c, -a) for c, a in m.owed(i, t)], upper=0.0)


def _regular_cap(loan: LoanData, t: int) -> float:
    """The most R can be in month t: its column's upper bound (revolving) or R_max,t."""
    if loan.due_rule in REVOLVING_RULES:
        return max(loan.min_floor, loan.regular_max[t])
    return loan.regular_max[t]


def not_yet_due_bound(m: Model, i: int, t: int) -> None:
    """B' - A' <= X_max,t+1: the part not yet due falls by the regular due every month,
    paid or not (X' = D - p - U <= D - due; data._bounds). Valid for every plan."""
    v = m.loans[i]
    m.rows.row(f"not_yet_due_{i}_{t}", [(v.B[t + 1], 1.0), (v.A[t + 1], -1.0)], upper=m.data.loans[i].current_max[t + 1])


def unpaid_beyond_arrears(m: Model, i: int, t: int) -> None:
    """U <= A + R_cap,t o: left unpaid beyond the arrears carried in, only when overdue.

    Valid for every plan: o = 0 gives U = 0 <= A; o = 1 gives U <= due <= A + R
    <= A + R_cap. It charges a month of overdue to every month a new regular due
    goes unpaid, which U <= due_max o alone (due_max holds all possible arrears)
    charges only in proportion to the arrears' most.
    """
    loan, v = m.data.loans[i], m.loans[i]
    m.rows.row(f"unpaid_beyond_arrears_{i}_{t}", [(v.U[t], 1.0), (v.A[t], -1.0), (v.o[t], -_regular_cap(loan, t))], upper=0.0)


def current_needs_cash(m: Model, t: int) -> None:
    """The loans current in month t must have been paid their need_t, all out of the cash:

        sum_i need_i,t (1 - o_i,t) <= cash_max_t

    need_i,t is what loan i must have been paid in months 1..t+1 to owe no arrears
    after it (data._cash_bounds); the payments to different loans add up to at most
    cash_max_t. A knapsack row over the month's o, left out when every loan fits.
    """
    d = m.data
    terms = [(m.loans[i].o[t], loan.paid_to_be_current[t]) for i, loan in enumerate(d.loans) if loan.paid_to_be_current[t] > 0]
    total = sum(a for _, a in terms)
    if len(terms) < 2 or total <= d.cash_max[t]:
        return
    m.rows.row(f"current_needs_cash_{t}", [(c, -a) for c, a in terms], upper=d.cash_max[t] - total)


def next_state(m: Model, i: int, t: int) -> None:
    """Step 7: B' = D - p + F and A' = U + F, with F = late_fee o + late_fee_percent U."""
    loan, v = m.data.loans[i], m.loans[i]
    fee = [(v.o[t], -loan.late_fee), (v.U[t], -loan.late_fee_percent)]
    moves = m.converting.get((i, t), ())  # a hardship plan moves B' and A' into the converted loan
    m.rows.row(
        f"next_balance_{i}_{t}",
        [(v.B[t + 1], 1.0), (v.p[t], 1.0)] + [(c, -a) for c, a in m.owed(i, t)] + fee
        + [(m.offers[j].moveB[t], 1.0) for j in moves],
        lower=0.0,
        upper=0.0,
    )
    m.rows.row(f"next_arrears_{i}_{t}", [(v.A[t + 1], 1.0), (v.U[t], -1.0)] + fee
               + [(m.offers[j].moveA[t], 1.0) for j in moves], lower=0.0, upper=0.0)


def escalation(m: Model, i: int) -> None:
    """Step 7's escalation: the run k reaches E = escalation_months within the plan.

    A loan in collection (k0 >= E, money-model.md item 8) has esc fixed at 1 (its bound) and
    no start row. Otherwise k0 < E, and the run reaches E at month
    E - k0 if every month 1..E - k0 is overdue; later, a run that starts in month
    s >= 2 (month s - 1 current) reaches E at s + E - 1:

        esc >= sum_{s=1}^{E-k0} o_s - (E - k0 - 1)
        esc >= sum_{s=t}^{t+E-1} o_s - o_{t-1} - (E - 1)      t = 2 .. T - E + 1
    """
    loan, v = m.data.loans[i], m.loans[i]
    T, E, k0 = m.data.horizon, loan.escalation_months, loan.months_overdue
    first = E - k0
    def o(s: int, sign: float) -> list[tuple[int, float]]:  # the month's counted overdue (model.counted)
        return [(c, sign * a) for c, a in m.counted(i, s)]

    if loan.start == 0 and 1 <= first <= T:
        m.rows.row(f"esc_start_{i}", [(v.esc, 1.0)] + [x for s in range(first) for x in o(s, -1.0)], lower=-(first - 1))
    for t in range(max(1, loan.start), T - E + 1):  # an offer's loan: o before its start is the zero column
        terms = [(v.esc, 1.0)] + o(t - 1, 1.0) + [x for s in range(t, t + E) for x in o(s, -1.0)]
        m.rows.row(f"esc_{i}_{t}", terms, lower=-(E - 1))


def consecutive_limit(m: Model, i: int, limit: int) -> None:
    """Hard limit N on consecutive overdue months (counting the k0 at the start):

        sum_{s=1}^{N+1-k0} o_s <= N - k0
        sum_{s=t}^{t+N} o_s <= N          every window of N + 1 months
    (o less a hardship plan's forgiven month: model.counted)
    """
    loan = m.data.loans[i]
    T, k0 = m.data.horizon, loan.months_overdue
    if k0 > limit:
        return  # the caller refuses the scenario before building
    first = limit + 1 - k0
    if first <= T:
        m.rows.row(f"limit_start_{i}", [x for s in range(first) for x in m.counted(i, s)], upper=limit - k0)
    for t in range(max(1, loan.start - limit), T - limit):
        m.rows.row(f"limit_{i}_{t}", [x for s in range(t, t + limit + 1) for x in m.counted(i, s)], upper=limit)


def cash(m: Model, t: int) -> None:
    """Cash: S_t = budget_t + inflows_t + g S_{t-1} + offers_t - sum_i p_{i,t} >= 0, g = 1 + savings_rate / 12.

    offers_t: a cash loan's X (1 - fee_deducted) - fee y, a restricted offer's used
    proceeds, an asset sale's amount y (offer_rows), less a settlement's parts and its tax
    (`_settlement_cash`)."""
    g = m.data.savings_growth
    terms = [(m.S[t + 1], 1.0), (m.S[t], -g)] + [(v.p[t], 1.0) for v, loan in zip(m.loans, m.data.loans) if loan.start <= t]
    for offer, ov in zip(m.data.offers, m.offers):
        if offer.kind == OfferKind.SETTLEMENT:
            terms += _settlement_cash(offer, ov, t, m.data.horizon)
            continue
        if t not in ov.y or offer.kind == OfferKind.HARDSHIP_PLAN:
            continue
        if offer.kind == OfferKind.ASSET_SALE:
            terms.append((ov.y[t], -offer.amount))
        elif offer.pays is None:
            terms += [(ov.X[t], -(1.0 - offer.fee_deducted)), (ov.y[t], offer.fee)]
        else:
            terms.append((ov.used[t], -1.0))
    b = m.data.budget[t]
    m.rows.row(f"cash_{t}", terms, lower=b, upper=b)


def _parts_beyond(offer: OfferData, t: int, horizon: int) -> int:
    """How many of the parts of a settlement accepted in month index t fall after the horizon."""
    return max(0, t + offer.instalments - horizon)


def _settlement_cash(offer: OfferData, ov: OfferVars, t: int, horizon: int) -> list[tuple[int, float]]:
    """What a settlement takes from month t's cash: a part, price_s / n, of each acceptance s in
    t - n + 1 .. t, in its own month the tax on the forgiven part, tax (moveD_t - price_t), and in
    the last month the parts paid early."""
    n = offer.instalments
    out = [(ov.price[s], 1.0 / n) for s in ov.price if s <= t < s + n]
    if t == horizon - 1:
        out += [(column, 1.0) for column in ov.early.values()]
    if t in ov.moveD and offer.tax_rate:
        out += [(ov.moveD[t], offer.tax_rate), (ov.price[t], -offer.tax_rate)]
    return out
