"""The ledger: one month of every loan, exactly as money-model.md says.

`Ledger` compiles a scenario once; `LedgerRun` steps it a month at a time
(`open_month` shows what is owed and due, `settle` applies the payments) and
records the rows and totals. `replay` runs a whole schedule. Strategies step a
`LedgerRun` to decide; the plan a user sees always comes from a fresh `replay`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..domain.money import mul_round, to_cents
from ..domain.months import month_index
from ..domain.scenario import Scenario
from ..errors import ScheduleError
from .terms import LoanTerms, compile_loan


def _pair(rate: Fraction) -> tuple[int, int]:
    return rate.numerator, rate.denominator


@dataclass(frozen=True, slots=True)
class Statement:
    """Month t before payment: steps 1-4 of the contract, per loan (cents)."""

    month: int
    cash_available: int
    savings_interest: int
    is_open: list[bool]
    balance: list[int]  # B at the start of the month
    arrears: list[int]  # A at the start
    overdue_run: list[int]  # k at the start
    interest: list[int]  # I
    penalty: list[int]  # P
    owed: list[int]  # D = B + I + P
    regular_due: list[int]  # R
    due: list[int]  # min(D, A + R)


@dataclass(slots=True)
class LoanMonthResult:
    index: int
    payment: int
    interest: int
    penalty: int
    fee: int
    due: int
    balance: int
    arrears: int
    overdue: bool
    overdue_run: int
    closed: bool
    escalated: bool


@dataclass(slots=True)
class MonthResult:
    month: int
    cash_available: int
    saved: int
    savings_interest: int
    loans: list[LoanMonthResult]


class Ledger:
    """A scenario compiled for stepping: integer cents and exact rates."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.terms: list[LoanTerms] = [compile_loan(loan) for loan in scenario.loans]
        self.loan_ids = [t.id for t in self.terms]
        self.horizon_months = scenario.horizon_months
        self.budget_by_month = self._budgets(scenario)
        self.inflow_by_month = self._inflows(scenario)
        self.starting_cash = to_cents(scenario.budget.starting_cash)
        self.savings_monthly_rate = _pair(Fraction(scenario.budget.savings_rate) / 12)
        horizon = self.horizon_months
        # Per loan, per month: (num, den) of r_t and rp_t, so a month is integer arithmetic.
        self.rate_pairs = [[_pair(t.rate_in_month(m)) for m in range(1, horizon + 1)] for t in self.terms]
        self.penalty_pairs = [[_pair(t.penalty_rate_in_month(m)) for m in range(1, horizon + 1)] for t in self.terms]
        self.min_percent_pairs = [_pair(t.min_percent) for t in self.terms]
        self.late_pct_pairs = [_pair(t.late_fee_percent) for t in self.terms]

    @staticmethod
    def _budgets(scenario: Scenario) -> list[int]:
        horizon = scenario.horizon_months
        budgets = [to_cents(scenario.budget.monthly)] * horizon
        changes = sorted((month_index(scenario.start, c.from_), to_cents(c.monthly)) for c in scenario.budget.changes)
        for t_from, amount in changes:
            for t in range(t_from, horizon + 1):
                budgets[t - 1] = amount
        return budgets

    @staticmethod
    def _inflows(scenario: Scenario) -> list[int]:
        inflows = [0] * scenario.horizon_months
        for inflow in scenario.budget.inflows:
            inflows[month_index(scenario.start, inflow.month) - 1] += to_cents(inflow.amount)
        return inflows

    def start(self) -> LedgerRun:
        return LedgerRun(self)


@dataclass(slots=True)
class LedgerRun:
    """The state of every loan between months, and what has happened so far."""

    ledger: Ledger
    month: int = 0
    balance: list[int] = field(default_factory=list)
    arrears: list[int] = field(default_factory=list)
    overdue_run: list[int] = field(default_factory=list)
    escalated: list[bool] = field(default_factory=list)
    savings: int = 0
    results: list[MonthResult] = field(default_factory=list)
    _statement: Statement | None = None

    def __post_init__(self) -> None:
        terms = self.ledger.terms
        self.balance = [t.balance for t in terms]
        self.arrears = [t.arrears for t in terms]
        self.overdue_run = [t.months_overdue for t in terms]
        self.escalated = [False] * len(terms)
        self.savings = self.ledger.starting_cash

    @property
    def finished(self) -> bool:
        """All loans closed, or the horizon reached."""
        return self.month >= self.ledger.horizon_months or not any(self.balance)

    def open_month(self) -> Statement:
        """Steps 1-4 of the next month, and the cash at hand (money-model.md, "Cash")."""
        if self.finished:
            raise ScheduleError("the plan has ended: every loan is closed or the horizon is reached")
        ledger = self.ledger
        t = self.month + 1
        sn, sd = ledger.savings_monthly_rate
        savings_interest = mul_round(sn, sd, self.savings) if self.savings > 0 else 0
        cash = ledger.budget_by_month[t - 1] + ledger.inflow_by_month[t - 1] + self.savings + savings_interest
        n = len(ledger.terms)
        is_open = [b > 0 for b in self.balance]
        interest = [0] * n
        penalty = [0] * n
        owed = [0] * n
        regular = [0] * n
        due = [0] * n
        for i, terms in enumerate(ledger.terms):
            if not is_open[i]:
                continue
            b, a = self.balance[i], self.arrears[i]
            rn, rd = ledger.rate_pairs[i][t - 1]
            pn, pd = ledger.penalty_pairs[i][t - 1]
            interest[i] = mul_round(rn, rd, b - a)
            penalty[i] = mul_round(pn, pd, a)
            d = b + interest[i] + penalty[i]
            owed[i] = d
            if terms.kind == "revolving":
                mn, md = ledger.min_percent_pairs[i]
                r = max(terms.min_floor, mul_round(mn, md, d))
            else:
                r = terms.regular_due(d, interest[i], penalty[i], t)
            regular[i] = r
            due[i] = min(d, a + r)
        statement = Statement(
            month=t,
            cash_available=cash,
            savings_interest=savings_interest,
            is_open=is_open,
            balance=list(self.balance),
            arrears=list(self.arrears),
            overdue_run=list(self.overdue_run),
            interest=interest,
            penalty=penalty,
            owed=owed,
            regular_due=regular,
            due=due,
        )
        self._statement = statement
        return statement

    def settle(self, payments: list[int]) -> MonthResult:
        """Steps 5-7: apply whole-cent payments to the month `open_month` showed."""
        st = self._statement
        if st is None:
            raise ScheduleError("settle() needs open_month() first")
        ledger = self.ledger
        t = st.month
        n = len(ledger.terms)
        if len(payments) != n:
            raise ScheduleError(f"month {t}: {len(payments)} payments for {n} loans", month=t)
        total = 0
        for i, terms in enumerate(ledger.terms):
            p = payments[i]
            if type(p) is not int:
                raise ScheduleError(f"month {t}, loan {terms.id}: payment {p!r} is not whole cents", t, terms.id)
            if p < 0:
                raise ScheduleError(f"month {t}, loan {terms.id}: negative payment {p / 100:.2f}", t, terms.id)
            if p > st.owed[i]:
                raise ScheduleError(
                    f"month {t}, loan {terms.id}: pays {p / 100:.2f}, more than the {st.owed[i] / 100:.2f} owed",
                    t,
                    terms.id,
                )
            total += p
        if total > st.cash_available:
            raise ScheduleError(
                f"month {t}: pays {total / 100:.2f} in all, more than the {st.cash_available / 100:.2f} cash at hand",
                month=t,
            )
        rows = []
        for i, terms in enumerate(ledger.terms):
            if not st.is_open[i]:
                continue
            p = payments[i]
            unpaid = st.due[i] - p if p < st.due[i] else 0
            if unpaid:
                ln, ld = ledger.late_pct_pairs[i]
                fee = terms.late_fee + mul_round(ln, ld, unpaid)
            else:
                fee = 0
            new_balance = st.owed[i] - p + fee
            new_arrears = unpaid + fee
            overdue = new_arrears > 0
            run = self.overdue_run[i] + 1 if overdue else 0
            escalated = overdue and run == terms.escalation_months and not self.escalated[i]
            if escalated:
                self.escalated[i] = True
            self.balance[i] = new_balance
            self.arrears[i] = new_arrears
            self.overdue_run[i] = run
            rows.append(
                LoanMonthResult(
                    index=i,
                    payment=p,
                    interest=st.interest[i],
                    penalty=st.penalty[i],
                    fee=fee,
                    due=st.due[i],
                    balance=new_balance,
                    arrears=new_arrears,
                    overdue=overdue,
                    overdue_run=run,
                    closed=new_balance == 0,
                    escalated=escalated,
                )
            )
        saved = st.cash_available - total
        self.savings = saved
        self.month = t
        self._statement = None
        result = MonthResult(t, st.cash_available, saved, st.savings_interest, rows)
        self.results.append(result)
        return result
