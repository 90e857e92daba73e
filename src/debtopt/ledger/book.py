"""The ledger: one month of every loan, exactly as money-model.md says.

`Ledger` compiles a scenario once; `LedgerRun` steps it a month at a time
(`open_month` shows what is owed and due, `settle` applies the payments) and
records the rows and totals. `replay` runs a whole schedule. Strategies step a
`LedgerRun` to decide; the plan a user sees always comes from a fresh `replay`.

Accounts are the scenario's loans, then one per borrowing offer (offers.md):
closed until the offer is taken, then the new loan it opens. A loan in
collection (money-model.md item 8) counts as escalated from its first month;
a settlement (offers.md 1.1, `settlement.py`) replaces a loan's due by its price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..domain.money import mul_round, to_cents
from ..domain.months import month_index
from ..domain.offers import BorrowOffer, HardshipPlan, Settlement
from ..domain.plan import Take
from ..domain.scenario import Scenario
from ..errors import ScheduleError
from .offers import Effect, OfferBook, attribute_restricted, restricted_used
from .settlement import SettlementState, forgiven_tax, pay_part, settlement_parts, settlement_price
from .terms import DueRule, LoanTerms, compile_contract, compile_loan, convert_for_hardship, monthly_rate, percent_of

Pair = tuple[int, int]


def _pair(rate: Fraction) -> Pair:
    return rate.numerator, rate.denominator


@dataclass(frozen=True, slots=True)
class Statement:
    """Month t before payment: steps 1-4 of the contract, per account (cents)."""

    month: int
    cash_available: int  # budget, inflows, savings and their interest, and free cash from offers taken
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
    restricted: tuple[tuple[int, frozenset[int]], ...] = ()  # (proceeds, accounts they may pay)
    settling: frozenset[int] = frozenset()  # accounts whose due is a settlement's part (its price, or a part of it)

    def cash_taken(self, payments: Sequence[int]) -> int:
        """What `payments` take from the month's cash: restricted proceeds pay their loans first."""
        return sum(payments) - sum(restricted_used(self.restricted, payments)) if self.restricted else sum(payments)


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
    effects: list[Effect] = field(default_factory=list)


class Ledger:
    """A scenario compiled for stepping: integer cents and exact rates."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.terms: list[LoanTerms] = [compile_loan(loan) for loan in scenario.loans]
        self.loan_ids = [t.id for t in self.terms]
        self.account_ids = self.loan_ids + [o.id for o in scenario.offers if isinstance(o, BorrowOffer)]
        self.horizon_months = scenario.horizon_months
        self.budget_by_month = self._budgets(scenario)
        self.inflow_by_month = self._inflows(scenario)
        self.starting_cash = to_cents(scenario.budget.starting_cash)
        self.savings_monthly_rate = _pair(monthly_rate(scenario.budget.savings_rate, daily=False))
        horizon = self.horizon_months
        # Per loan, per month: (num, den) of r_t and rp_t, so a month is integer arithmetic.
        self.rate_pairs = [self.rate_row(t, horizon) for t in self.terms]
        self.penalty_pairs = [self.penalty_row(t, horizon) for t in self.terms]

    @staticmethod
    def rate_row(terms: LoanTerms, months: int) -> list[Pair]:
        return [_pair(terms.rate_in_month(m)) for m in range(1, months + 1)]

    @staticmethod
    def penalty_row(terms: LoanTerms, months: int) -> list[Pair]:
        return [_pair(terms.penalty_rate_in_month(m)) for m in range(1, months + 1)]

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
class Account:
    """One account between months: its terms, its state, its rates by month, what it was charged.

    `terms` is None until an offer opens the account. `rates` are r_t by plan month
    from `opened_at` (its first month: 1, or the month after an offer opens it or a
    hardship plan converts it); `penalty_rates` rp_t from `penalty_from` (a converted
    loan keeps the original's). `charges`: penalty interest and late fees so far, for
    a hardship plan's waiver. `settlement`: the schedule in force, if the loan is
    being settled in instalments.
    """

    terms: LoanTerms | None
    balance: int = 0
    arrears: int = 0
    overdue_run: int = 0
    escalated: bool = False
    opened_at: int = 1
    rates: list[Pair] = field(default_factory=list)
    penalty_rates: list[Pair] = field(default_factory=list)
    penalty_from: int = 1
    min_percent: Pair = (0, 1)
    late_fee_percent: Pair = (0, 1)
    charges: int = 0
    settlement: SettlementState | None = None

    def rate_in_month(self, t: int) -> Pair:
        """r_t of plan month t (clamped to the rows it has: none before it opens, the last after)."""
        return _row_at(self.rates, t - self.opened_at)

    def penalty_rate_in_month(self, t: int) -> Pair:
        return _row_at(self.penalty_rates, t - self.penalty_from)


def _row_at(rows: list[Pair], k: int) -> Pair:
    if not rows:
        return (0, 1)
    return rows[min(max(k, 0), len(rows) - 1)]


def _scenario_account(ledger: Ledger, i: int) -> Account:
    terms = ledger.terms[i]
    schedule = None
    if terms.settlement_parts:
        schedule = SettlementState(list(terms.settlement_parts), terms.settlement_owed_if_broken)
    return Account(terms, terms.balance, terms.arrears, terms.months_overdue, escalated=terms.in_collection,
                   rates=ledger.rate_pairs[i], penalty_rates=ledger.penalty_pairs[i],
                   min_percent=_pair(terms.min_percent), late_fee_percent=_pair(terms.late_fee_percent),
                   charges=terms.charges_accrued, settlement=schedule)


@dataclass(slots=True)
class LedgerRun:
    """The state of every account between months, and what has happened so far."""

    ledger: Ledger
    month: int = 0
    accounts: list[Account] = field(default_factory=list)  # the scenario's loans, then one per borrowing offer
    savings: int = 0
    results: list[MonthResult] = field(default_factory=list)
    offers: OfferBook | None = None
    # (account, plan month) of each loan that was in collection when it first counted
    in_collection: list[tuple[int, int]] = field(default_factory=list)
    reversed_waivers: int = 0  # waivers of settlements in force at the start that broke: back into cost
    _statement: Statement | None = None
    _effects: list[Effect] = field(default_factory=list)

    def __post_init__(self) -> None:
        ledger = self.ledger
        n = len(ledger.terms)
        self.accounts = [_scenario_account(ledger, i) for i in range(n)]
        self.accounts += [Account(None) for _ in range(len(ledger.account_ids) - n)]
        self.savings = ledger.starting_cash
        self.in_collection = [(i, 1) for i in range(n) if ledger.terms[i].in_collection]
        if ledger.scenario.offers:
            self.offers = OfferBook(ledger.scenario, n)

    @property
    def remaining(self) -> int:
        """What every account owes now (cents)."""
        return sum(a.balance for a in self.accounts)

    @property
    def finished(self) -> bool:
        """All loans closed, or the horizon reached."""
        return self.month >= self.ledger.horizon_months or not any(a.balance for a in self.accounts)

    def open_month(self, takes: Sequence[Take] = ()) -> Statement:
        """Steps 1-4 of the next month, and the cash at hand (money-model.md, "Cash").

        `takes` are this month's decisions on offers; an asset sale's amount
        and a cash loan's proceeds join the cash, a consolidation's or a
        transfer's proceeds may pay only their loans (`Statement.restricted`).
        """
        if self.finished:
            raise ScheduleError("the plan has ended: every loan is closed or the horizon is reached")
        ledger = self.ledger
        t = self.month + 1
        sn, sd = ledger.savings_monthly_rate
        savings_interest = mul_round(sn, sd, self.savings) if self.savings > 0 else 0
        cash = ledger.budget_by_month[t - 1] + ledger.inflow_by_month[t - 1] + self.savings + savings_interest
        accounts = self.accounts
        n = len(accounts)
        is_open = [a.balance > 0 for a in accounts]
        effects: list[Effect] = []
        if takes:
            if self.offers is None:
                raise ScheduleError(f"month {t}: the scenario has no offers to take", month=t)
            effects = self.offers.effects(t, takes, is_open)
        cash += sum(e.received for e in effects if e.restricted_to is None)
        settling = self._settling(t, effects)
        interest = [0] * n
        penalty = [0] * n
        owed = [0] * n
        regular = [0] * n
        due = [0] * n
        for i, acc in enumerate(accounts):
            if not is_open[i]:
                continue
            if acc.settlement is not None:  # a settlement schedule: this month's part, nothing charged
                owed[i], regular[i], due[i] = acc.balance, acc.settlement.parts[0], acc.settlement.parts[0]
                continue
            terms = acc.terms
            assert terms is not None
            b, a = acc.balance, acc.arrears
            rn, rd = acc.rates[t - acc.opened_at]
            pn, pd = acc.penalty_rates[t - acc.penalty_from]
            interest[i] = mul_round(rn, rd, b - a)
            penalty[i] = mul_round(pn, pd, a)
            d = b + interest[i] + penalty[i]
            owed[i] = d
            if terms.due_rule is DueRule.REVOLVING_PERCENT:  # the common case, without a call
                mn, md = acc.min_percent
                r = max(terms.min_floor, mul_round(mn, md, d))
            else:
                r = terms.regular_due(d, interest[i], penalty[i], t - acc.opened_at + 1)
            regular[i] = r
            due[i] = min(d, a + r)
            if i in settling:  # instead of the month's due, the price (its first part)
                owed[i], regular[i], due[i] = self._price(settling[i], d)
                cash -= settling[i].tax
        if cash < 0:
            raise ScheduleError(f"month {t}: the tax on a settlement's forgiven part is more than the cash at hand",
                                month=t)
        statement = Statement(
            month=t,
            cash_available=cash,
            savings_interest=savings_interest,
            is_open=is_open,
            balance=[a.balance for a in accounts],
            arrears=[a.arrears for a in accounts],
            overdue_run=[a.overdue_run for a in accounts],
            interest=interest,
            penalty=penalty,
            owed=owed,
            regular_due=regular,
            due=due,
            restricted=tuple((e.received, e.restricted_to) for e in effects if e.restricted_to is not None),
            settling=frozenset(i for i, a in enumerate(accounts) if is_open[i] and (a.settlement or i in settling)),
        )
        self._statement = statement
        self._effects = effects
        return statement

    def _settling(self, t: int, effects: list[Effect]) -> dict[int, Effect]:
        """This month's settlements by account; a hardship plan on a loan being settled, or a settlement
        of one already under way, is refused."""
        ids = self.ledger.account_ids
        settling = {e.settles_account: e for e in effects if e.settles_account is not None}
        for i, e in settling.items():
            if self.accounts[i].settlement is not None:
                raise ScheduleError(f"month {t}, offer {e.offer}: loan {ids[i]} is already being settled", t, ids[i])
        for e in effects:
            i = e.hardship_account
            if i is not None and (i in settling or self.accounts[i].settlement is not None):
                raise ScheduleError(f"month {t}, offer {e.offer}: loan {ids[i]} is being settled; a hardship plan "
                                    "cannot convert it", month=t)
        return settling

    def _price(self, effect: Effect, owed: int) -> tuple[int, int, int]:
        """A settlement accepted this month on a loan owing `owed`: (the price, its first part twice);
        the price, the forgiven part and its tax are set on the decision."""
        scenario = self.ledger.scenario
        offer = scenario.offers[scenario.offer_index(effect.offer)]
        assert isinstance(offer, Settlement)
        price = settlement_price(offer, owed)
        try:
            first = settlement_parts(price, offer.instalments)[0]
        except ScheduleError as exc:
            raise ScheduleError(f"month {effect.month}, offer {offer.id}: {exc}", month=effect.month) from None
        effect.amount, effect.waived = price, owed - price
        effect.tax = forgiven_tax(offer, owed - price)
        return price, first, first

    def _check_payments(self, st: Statement, payments: Sequence[int]) -> int:
        """The cash the payments take from the month's free cash; ScheduleError if not allowed."""
        t = st.month
        ids = self.ledger.account_ids
        if len(payments) != len(ids):
            raise ScheduleError(f"month {t}: {len(payments)} payments for {len(ids)} loans", month=t)
        total = 0
        for i, p in enumerate(payments):
            if type(p) is not int:
                raise ScheduleError(f"month {t}, loan {ids[i]}: payment {p!r} is not whole cents", t, ids[i])
            if p < 0:
                raise ScheduleError(f"month {t}, loan {ids[i]}: negative payment {p / 100:.2f}", t, ids[i])
            if p > st.owed[i]:
                what = "it is not open" if not st.is_open[i] else f"more than the {st.owed[i] / 100:.2f} owed"
                raise ScheduleError(f"month {t}, loan {ids[i]}: pays {p / 100:.2f}, {what}", t, ids[i])
            total += p
        total -= attribute_restricted(self._effects, payments)
        if total > st.cash_available:
            raise ScheduleError(
                f"month {t}: pays {total / 100:.2f} in all, more than the {st.cash_available / 100:.2f} cash at hand",
                month=t,
            )
        return total

    def settle(self, payments: Sequence[int]) -> MonthResult:
        """Steps 5-7: apply whole-cent payments to the month `open_month` showed, then the decisions."""
        st = self._statement
        if st is None:
            raise ScheduleError("settle() needs open_month() first")
        t = st.month
        spent = self._check_payments(st, payments)
        converting = {e.hardship_account: e for e in self._effects if e.hardship_account is not None}
        settling = {e.settles_account: e for e in self._effects if e.settles_account is not None}
        rows = []
        for i, acc in enumerate(self.accounts):
            if not st.is_open[i]:
                continue
            terms = acc.terms
            assert terms is not None
            p = payments[i]
            if i in settling:
                acc.settlement = self._start_settlement(settling[i], st.owed[i])
            if acc.settlement is not None:
                row, refund = self._pay_settlement(i, acc, st, p)
                spent -= refund
                rows.append(row)
                continue
            unpaid = st.due[i] - p if p < st.due[i] else 0
            if unpaid:
                ln, ld = acc.late_fee_percent
                fee = terms.late_fee + mul_round(ln, ld, unpaid)
            else:
                fee = 0
            new_balance = st.owed[i] - p + fee
            new_arrears = unpaid + fee
            acc.charges += st.penalty[i] + fee
            if i in converting and new_balance > 0:
                new_balance = self._convert(acc, converting[i], new_balance, t)
                new_arrears = 0
            rows.append(self._advance(i, acc, st, p, fee, new_balance, new_arrears))
        for effect in self._effects:
            if effect.opens_account is not None:
                self._open(effect, t)
        saved = st.cash_available - spent
        self.savings = saved
        self.month = t
        self._statement = None
        result = MonthResult(t, st.cash_available, saved, st.savings_interest, rows, self._effects)
        self._effects = []
        self.results.append(result)
        return result

    @staticmethod
    def _advance(i: int, acc: Account, st: Statement, p: int, fee: int, balance: int, arrears: int) -> LoanMonthResult:
        """Step 7's new state: overdue when A' >= 0.01, the run k', escalation when k' reaches E (once)."""
        terms = acc.terms
        assert terms is not None
        overdue = arrears > 0
        run = acc.overdue_run + 1 if overdue else 0
        escalated = overdue and run >= terms.escalation_months and not acc.escalated
        if escalated:
            acc.escalated = True
        acc.balance, acc.arrears, acc.overdue_run = balance, arrears, run
        return LoanMonthResult(i, p, st.interest[i], st.penalty[i], fee, st.due[i], balance, arrears, overdue, run,
                               balance == 0, escalated)

    def _start_settlement(self, effect: Effect, price: int) -> SettlementState:
        scenario = self.ledger.scenario
        offer = scenario.offers[scenario.offer_index(effect.offer)]
        assert isinstance(offer, Settlement)
        owed = price + effect.waived  # D of the month
        return SettlementState(settlement_parts(price, offer.instalments), owed, effect)

    def _pay_settlement(self, i: int, acc: Account, st: Statement, p: int) -> tuple[LoanMonthResult, int]:
        """A month of the settlement schedule on account i: (its row, tax refunded to the month's cash)."""
        state = acc.settlement
        assert state is not None and acc.terms is not None
        outcome = pay_part(state, p, acc.terms.late_fee, acc.late_fee_percent)
        refund = 0
        if not outcome.broken:
            acc.settlement = state if state.parts else None
            return self._advance(i, acc, st, p, 0, outcome.balance, 0), 0
        acc.settlement = None
        acc.charges += outcome.fee
        effect = state.effect
        if effect is None:
            self.reversed_waivers += outcome.reversed_waiver
        else:
            effect.waived -= outcome.reversed_waiver
            if effect.month == st.month:  # the first part unpaid: nothing was forgiven, no tax is due
                refund, effect.tax = effect.tax, 0
        return self._advance(i, acc, st, p, outcome.fee, outcome.balance, outcome.arrears), refund

    def _convert(self, acc: Account, effect: Effect, balance: int, t: int) -> int:
        """A hardship plan accepted after month t's payment: B - waiver + fee, from t + 1 on its terms."""
        scenario = self.ledger.scenario
        plan = scenario.offers[scenario.offer_index(effect.offer)]
        assert isinstance(plan, HardshipPlan) and acc.terms is not None
        waived = min(balance, percent_of(plan.waive_percent, acc.charges))
        converted = balance - waived
        fee = percent_of(plan.fee_percent, converted)
        effect.waived, effect.fees, effect.amount = waived, fee, converted + fee
        terms = convert_for_hardship(acc.terms, plan, converted + fee, t)
        acc.terms = terms
        acc.opened_at = t + 1
        acc.rates = [_pair(terms.rate)] * max(0, self.ledger.horizon_months - t)
        return converted + fee

    def _open(self, effect: Effect, t: int) -> None:
        """The new loan of a borrowing offer taken in month t opens at the start of t + 1."""
        scenario = self.ledger.scenario
        offer = scenario.offers[scenario.offer_index(effect.offer)]
        assert isinstance(offer, BorrowOffer) and effect.opens_account is not None
        terms = compile_contract(offer.loan, offer.id, effect.opening_balance)
        months_left = max(0, self.ledger.horizon_months - t)
        acc = self.accounts[effect.opens_account]
        acc.terms = terms
        acc.balance = effect.opening_balance
        acc.opened_at = acc.penalty_from = t + 1
        acc.rates = Ledger.rate_row(terms, months_left)
        acc.penalty_rates = Ledger.penalty_row(terms, months_left)
        acc.min_percent = _pair(terms.min_percent)
        acc.late_fee_percent = _pair(terms.late_fee_percent)
