"""Why each payment: reason codes from the plan's own decisions, replayed through the ledger.

The plan's payments and offer decisions are stepped through a fresh ledger
run. Each month's statement (what each account owes and is due, its arrears
and run of overdue months), the settled month (payments, what was kept, each
decision's effect) and the rates of the coming month give each month and
account its codes (`ReasonCode`) and their values. Rules that keep them true:

- a decision of the plan is a reason and is said: a hardship plan accepted, a
  loan taken, an asset sold, a consolidation paying named loans;
- an account short-paid is short for the reason that holds in this plan: it
  escalates in the plan anyway, another account stops short of escalating this
  month, cash is kept for a later month, its due is more than all the cash,
  the others are kept current; never a rate the plan does not act on;
- "the dearest" is said only of a rate above every other open account's;
  a tie says so;
- an account whose hardship plan is accepted is not called overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..domain.choices import OfferKind
from ..domain.money import from_cents
from ..domain.plan import LoanMonth, Plan
from ..domain.scenario import Scenario
from ..ledger import Ledger, LedgerRun, Statement
from ..ledger.book import MonthResult
from ..ledger.offers import Effect
from .document import AccountMonth, MonthExplanation, Reason, ReasonCode, Value

# A promotional rate "about to end": within this many months after the payment.
PROMO_WINDOW = 3
# Less than this is rounding to whole cents, not a decision: no reason is given for it.
NOISE_CENTS = 100


@dataclass(frozen=True)
class _Month:
    """One month of the replay: the statement before paying, what was paid, and the rates of the next month."""

    st: Statement
    result: MonthResult
    pays: list[int]
    next_rate: list[Fraction | None]  # what a unit left on each account costs next month (None: closed)
    rate_now: list[Fraction | None]  # this month's rate on each open account (penalty rate on arrears)
    promo_end: list[tuple[int, Fraction] | None]  # (plan month a promotional rate ends, the rate after), when soon


def _money(cents: int) -> Decimal:
    return from_cents(cents)


def _annual(monthly: Fraction) -> Decimal:
    return (Decimal(monthly.numerator) * 12 / Decimal(monthly.denominator)).quantize(Decimal("0.000001"))


def _replay(scenario: Scenario, plan: Plan) -> tuple[Ledger, list[_Month]]:
    ledger = Ledger(scenario)
    schedule = plan.to_schedule(ledger.account_ids)
    takes: dict[int, list] = {}
    for take in schedule.decisions:
        takes.setdefault(take.month, []).append(take)
    run = ledger.start()
    months = []
    while not run.finished:
        st = run.open_month(takes.get(run.month + 1, ()))
        pays = list(schedule.payments[st.month - 1]) if st.month <= len(schedule.payments) else [0] * len(ledger.account_ids)
        now = [_rate_of(run, i, st.month) if is_open else None for i, is_open in enumerate(st.is_open)]
        result = run.settle(pays)
        t_next = st.month + 1
        rates: list[Fraction | None] = []
        promo: list[tuple[int, Fraction] | None] = []
        for i, account in enumerate(run.accounts):
            terms = account.terms
            if terms is None or account.balance == 0 or t_next > ledger.horizon_months:
                rates.append(None)
                promo.append(None)
                continue
            rates.append(_rate_of(run, i, t_next))
            end = account.opened_at + terms.promo_months - 1 if terms.promo_rate is not None else None
            ending = end is not None and st.month <= end < st.month + PROMO_WINDOW and terms.rate > terms.promo_rate
            promo.append((end, terms.rate) if ending and end is not None else None)
        months.append(_Month(st, result, pays, rates, now, promo))
    return ledger, months


def _rate_of(run: LedgerRun, i: int, t: int) -> Fraction:
    """What a unit owed on account i costs in month t: its penalty rate while in arrears, else its rate."""
    account = run.accounts[i]
    if account.arrears:
        n, d = account.penalty_rates[t - account.penalty_from]
    else:
        n, d = account.rates[t - account.opened_at]
    return Fraction(n, d)


def explain(scenario: Scenario, plan: Plan) -> list[MonthExplanation]:
    """Each month's reasons and each open account's, from the plan's payments and decisions."""
    ledger, months = _replay(scenario, plan)
    escalates = {e.id: e.month for e in plan.escalated}
    out = []
    for k, m in enumerate(months):
        row = plan.months[k]
        after = {lm.id: lm for lm in row.loans}
        view = _View(ledger, m, after, escalates, plan, k)
        month_reasons = view.month_reasons()
        accounts = [AccountMonth(id=ledger.account_ids[i], payment=after[ledger.account_ids[i]].payment,
                                 due=after[ledger.account_ids[i]].due, reasons=view.account_reasons(i))
                    for i in view.open_]
        routine = not month_reasons and all({r.code for r in a.reasons} <= ROUTINE for a in accounts)
        paid = sum((lm.payment for lm in row.loans), Decimal(0))
        out.append(MonthExplanation(month=row.month, date=row.date, routine=routine, paid=paid,
                                    reasons=month_reasons, accounts=accounts))
    return out


ROUTINE = frozenset({ReasonCode.DUE_PAID, ReasonCode.NOTHING_DUE})


class _View:
    """One month seen from the plan: who was paid what, what each decision did."""

    def __init__(self, ledger: Ledger, m: _Month, after: dict[str, LoanMonth], escalates: dict[str, int],
                 plan: Plan, k: int) -> None:
        self.ledger, self.m, self.after, self.escalates, self.plan, self.k = ledger, m, after, escalates, plan, k
        self.ids = ledger.account_ids
        self.st = m.st
        self.open_ = [i for i, is_open in enumerate(m.st.is_open) if is_open]
        self.effects: list[Effect] = list(m.result.effects)
        self.hardship = {e.hardship_account: e for e in self.effects if e.hardship_account is not None}
        self.settled = {e.settles_account: e for e in self.effects if e.settles_account is not None}
        self.collected = {e.id for e in plan.escalated if e.in_collection or e.month < m.st.month}
        self.stopped = [i for i in self.open_ if self.st.arrears[i] and m.pays[i] >= self.st.due[i]]

    # ------------------------------------------------------------ month level
    def month_reasons(self) -> list[Reason]:
        st, m = self.st, self.m
        reasons = []
        for e in self.effects:
            if e.kind == OfferKind.ASSET_SALE:
                reasons.append(Reason(code=ReasonCode.ASSET_SOLD, values={"offer": e.offer, "amount": _money(e.received)}))
            elif e.kind == OfferKind.CASH_LOAN:
                reasons.append(Reason(code=ReasonCode.LOAN_TAKEN, values={
                    "offer": e.offer, "amount": _money(e.amount or 0), "received": _money(e.received)}))
        dues = sum(st.due[i] for i in self.open_)
        cash = st.cash_available + sum(received for received, _ in st.restricted)
        if cash < dues:
            reasons.append(Reason(code=ReasonCode.SHORT_CASH_MONTH, values={
                "cash": _money(cash), "dues": _money(dues), "gap": _money(dues - cash)}))
        saved = m.result.saved
        if saved > 0:
            if all(self.after[self.ids[i]].closed for i in self.open_):
                reasons.append(Reason(code=ReasonCode.ALL_CLOSED, values={"saved": _money(saved)}))
            elif (later := self.drawn_in()) is not None:
                reasons.append(Reason(code=ReasonCode.KEEP_FOR_DUE, values={
                    "saved": _money(saved), "month": later[0], "dues": later[1], "income": later[2]}))
            elif saved >= NOISE_CENTS:
                reasons.append(Reason(code=ReasonCode.KEEP_REST, values={"saved": _money(saved)}))
        return reasons

    def drawn_in(self) -> tuple[int, Decimal, Decimal] | None:
        """The first later month that spends the cash kept, its dues and its own income (budget and inflows)."""
        months = self.plan.months
        for j in range(self.k + 1, len(months)):
            if months[j].saved < months[j - 1].saved:
                t = months[j].month
                income = self.ledger.budget_by_month[t - 1] + self.ledger.inflow_by_month[t - 1]
                dues = sum((lm.due for lm in months[j].loans), Decimal(0))
                return t, dues, _money(income)
        return None

    # ------------------------------------------------------------ account level
    def account_reasons(self, i: int) -> list[Reason]:
        st, p = self.st, self.m.pays[i]
        due = st.due[i]
        lid = self.ids[i]
        lm = self.after[lid]
        out: list[Reason] = []

        def add(code: ReasonCode, **values: Value) -> None:
            out.append(Reason(code=code, account=lid, values=values))

        if i in self.hardship:
            e = self.hardship[i]
            first, installment = self.first_due_after(lid)
            add(ReasonCode.HARDSHIP_ACCEPTED, offer=e.offer, waived=_money(e.waived), arrears=_money(st.arrears[i]),
                balance=_money(e.amount or 0), first_month=first, installment=installment)
        if i in self.settled:
            e = self.settled[i]
            add(ReasonCode.SETTLED, offer=e.offer, price=_money(e.amount or 0), waived=_money(e.waived),
                owed=_money(st.owed[i] + e.waived))
        used = [e for e in self.effects if e.restricted_to is not None and i in e.restricted_to and e.used > 0]
        if used and p > 0:
            add(ReasonCode.CONSOLIDATED, offer=used[0].offer, used=_money(used[0].used))
        # paying the arrears stops an escalation only for an account not escalated already
        if p >= due and st.arrears[i] and i not in self.hardship and i not in self.settled and lid not in self.collected:
            run = st.overdue_run[i]
            escalation = self.ledger_terms(i).escalation_months
            add(ReasonCode.STOP_ESCALATION, months_overdue=run, arrears=_money(st.arrears[i]),
                escalation_month=st.month + max(escalation - run - 1, 0))
        if p >= due and due > 0:
            add(ReasonCode.DUE_PAID, due=_money(due))
        if due == 0 and p == 0 and i not in self.hardship:
            add(ReasonCode.NOTHING_DUE)
        if p - due >= NOISE_CENTS and not used:
            out.append(self.extra_reason(i, p - due))
        if p < due and i not in self.hardship:
            out.append(self.short_reason(i, due - p))
            if lm.overdue:
                add(ReasonCode.STILL_OVERDUE, shortfall=_money(due - p), run=lm.months_overdue)
        if lm.closed:
            add(ReasonCode.CLOSE)
        if lm.escalated:
            add(ReasonCode.ESCALATED, escalation_months=self.ledger_terms(i).escalation_months)
        return out

    def ledger_terms(self, i: int):  # noqa: ANN201 (LoanTerms; offers' loans have theirs once open)
        if i < len(self.ledger.terms):
            return self.ledger.terms[i]
        scenario = self.ledger.scenario
        offer = scenario.offers[scenario.offer_index(self.ids[i])]
        return offer.loan  # type: ignore[union-attr]

    def first_due_after(self, lid: str) -> tuple[int, Decimal]:
        """The first later month with a due on this account, and that due (a converted loan's installment)."""
        for row in self.plan.months[self.k + 1:]:
            lm = next((x for x in row.loans if x.id == lid), None)
            if lm is not None and lm.due > 0:
                return row.month, lm.due
        return self.st.month + 1, Decimal(0)

    def extra_reason(self, i: int, extra: int) -> Reason:
        lid = self.ids[i]
        own = self.m.next_rate[i] if self.m.next_rate[i] is not None else self.m.rate_now[i]
        values: dict[str, Value] = {"extra": _money(extra)}
        promo = self.m.promo_end[i]
        if promo is not None:
            return Reason(code=ReasonCode.EXTRA_PROMO, account=lid,
                          values={**values, "promo_end_month": promo[0], "rate": _annual(promo[1])})
        others = {j: r for j, r in enumerate(self.m.next_rate) if j != i and r is not None}
        if own is None or not others:
            if own:  # the only debt left, and it costs something
                return Reason(code=ReasonCode.EXTRA_DEAREST, account=lid, values={**values, "rate": _annual(own)})
            return Reason(code=ReasonCode.EXTRA_PLAN, account=lid, values=values)
        top = max(others.values())
        if own > top:
            j = min(j for j, r in others.items() if r == top)
            return Reason(code=ReasonCode.EXTRA_DEAREST, account=lid, values={
                **values, "rate": _annual(own), "other": self.ids[j], "other_rate": _annual(top)})
        if own == top:
            tied = [self.ids[j] for j, r in others.items() if r == top]
            return Reason(code=ReasonCode.EXTRA_TIED, account=lid, values={**values, "rate": _annual(own), "others": tied})
        return Reason(code=ReasonCode.EXTRA_PLAN, account=lid, values=values)

    def short_reason(self, i: int, shortfall: int) -> Reason:
        st, lid = self.st, self.ids[i]
        values: dict[str, Value] = {"shortfall": _money(shortfall)}
        if st.due[i] > st.cash_available:
            return Reason(code=ReasonCode.SHORT_TOO_BIG, account=lid,
                          values={**values, "due": _money(st.due[i]), "cash": _money(st.cash_available)})
        if lid in self.escalates:  # the plan lets it escalate: paying it now would not keep it out
            return Reason(code=ReasonCode.SHORT_UNAVOIDABLE, account=lid,
                          values={**values, "escalation_month": self.escalates[lid]})
        stopped = [j for j in self.stopped if j != i]
        if stopped:
            j = min(stopped, key=lambda j: (-st.overdue_run[j], j))
            return Reason(code=ReasonCode.SHORT_FOR_ESCALATION, account=lid,
                          values={**values, "other": self.ids[j], "other_run": st.overdue_run[j]})
        if self.m.result.saved > 0 and (later := self.drawn_in()) is not None:
            return Reason(code=ReasonCode.SHORT_FOR_LATER, account=lid, values={**values, "month": later[0]})
        current = [self.ids[j] for j in self.open_ if j != i and self.m.pays[j] >= st.due[j] > 0]
        if current:
            return Reason(code=ReasonCode.SHORT_KEEP_CURRENT, account=lid, values={**values, "others": current})
        return Reason(code=ReasonCode.SHORT_NO_CASH, account=lid, values=values)


def codes(explanations: list[MonthExplanation], month: int, account: str) -> list[str]:
    """The reason codes of one account in one month (for tests and quick checks)."""
    for m in explanations:
        if m.month == month:
            for a in m.accounts:
                if a.id == account:
                    return [r.code.value for r in a.reasons]
    return []
