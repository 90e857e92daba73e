"""What a check-in carries forward (checkin.md item 3): the next scenario's fields from a ledger run.

The next scenario starts the month after the last one replayed and runs to the
old horizon. Every open account becomes a loan with the replay's balance,
arrears, months overdue and escalation (a loan that escalated is in
collection), what is left of its term, promotion, bullet due month, grace or
settlement schedule, and its regular due as the contract set it (an annuity's
`installment`, an equal-principal loan's `principal_part`). Offers taken have
become loans or schedules; offers whose window has passed are dropped and the
others keep theirs; the budget keeps its changes and inflows from the new
start, and the savings become `starting_cash`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..domain.actual import Actual
from ..domain.choices import OfferKind
from ..domain.loans import Loan, LoanContract
from ..domain.money import from_cents
from ..domain.months import month_index, month_label
from ..domain.offers import BorrowOffer, HardshipPlan, Settlement
from ..domain.scenario import Scenario
from .book import Account, Ledger, LedgerRun
from .terms import DueRule

if TYPE_CHECKING:
    from .checkin import Waiting

# What a loan's own file fields say about its state and its due; the check-in writes them anew.
_STATE_FIELDS = ("balance", "arrears", "months_overdue", "in_collection", "settlement", "grace_months",
                 "charges_accrued", "installment", "term_months", "method", "principal_part", "promo_rate",
                 "promo_months", "due_month")
_IDENTITY_FIELDS = ("id", "name", "lender", "due_day", "account_number")


def next_scenario_fields(run: LedgerRun, actual: Actual, waiting: Sequence[Waiting]) -> tuple[dict[str, Any], list[str]]:
    """The fields of the scenario that starts after the last month of `run` (a check-in's replay),
    and notes on what no scenario field can carry exactly (said to the user, never silent)."""
    ledger = run.ledger
    scenario = ledger.scenario
    passed = run.month
    fields = scenario.model_dump(exclude_unset=True, by_alias=True,
                                 exclude={"start", "horizon_months", "budget", "loans", "offers"})
    fields["start"] = month_label(scenario.start, passed + 1)
    fields["horizon_months"] = scenario.horizon_months - passed
    fields["budget"] = _budget(scenario, run)
    notes: list[str] = []
    loans = _loans(run, waiting, notes)
    offers = _offers(run, {loan["id"] for loan in loans}, notes)
    waivable = {offer["loan"] for offer in offers if offer["kind"] == "hardship-plan"}
    for loan in loans:
        if loan["id"] not in waivable:  # only a hardship plan still to come counts what was charged before
            loan.pop("charges_accrued", None)
    fields["loans"] = loans
    if offers:
        fields["offers"] = offers
    return fields, notes


def _budget(scenario: Scenario, run: LedgerRun) -> dict[str, Any]:
    """The budget from the next month: its amount then, the changes and inflows still to come, the savings as cash."""
    budget = scenario.budget
    first = run.month + 1
    fields = budget.model_dump(exclude_unset=True, by_alias=True, exclude={"changes", "inflows"})
    fields["monthly"] = from_cents(Ledger._budgets(scenario)[first - 1])
    fields["starting_cash"] = from_cents(run.savings)
    changes = [c.model_dump(by_alias=True) for c in budget.changes if month_index(scenario.start, c.from_) > first]
    inflows = [i.model_dump(exclude_defaults=True) for i in budget.inflows
               if month_index(scenario.start, i.month) >= first]
    if changes:
        fields["changes"] = changes
    if inflows:
        fields["inflows"] = inflows
    return fields


def _loans(run: LedgerRun, waiting: Sequence[Waiting], notes: list[str]) -> list[dict[str, Any]]:
    """Every account still open (and every new loan not yet counted) as a loan of the next scenario, in account order."""
    scenario = run.ledger.scenario
    conversions = _conversions(run)
    later = {w.index: w for w in waiting if w.month > run.month}
    out = []
    for i, account in enumerate(run.accounts):
        if i in later:
            out.append(_ordered(scenario.loans[i].model_dump(exclude_unset=True, by_alias=True)))
            continue
        if account.balance == 0 or account.terms is None:
            continue
        months_open = run.month - account.opened_at + 1
        if i < len(scenario.loans):
            loan = scenario.loans[i]
            if i in conversions:
                out.append(_converted_loan(loan, conversions[i], account, months_open))
                notes += _penalty_note(run, account, loan.id)
            else:
                out.append(_carried_loan(loan, loan, account, months_open))
        else:
            offer = scenario.offers[scenario.offer_index(run.ledger.account_ids[i])]
            assert isinstance(offer, BorrowOffer)
            identity = {"id": offer.id, **({"name": offer.name} if offer.name else {})}
            out.append(_carried_loan(offer.loan, None, account, months_open, identity))
    return out


def _conversions(run: LedgerRun) -> dict[int, HardshipPlan]:
    """The loans a hardship plan converted in the months replayed, and the plan."""
    scenario = run.ledger.scenario
    out = {}
    for result in run.results:
        for effect in result.effects:
            if effect.hardship_account is not None:
                plan = scenario.offers[scenario.offer_index(effect.offer)]
                assert isinstance(plan, HardshipPlan)
                out[effect.hardship_account] = plan
    return out


def _state(account: Account) -> dict[str, Any]:
    """Balance, arrears, months overdue, collection, settlement schedule and the charges a waiver counts."""
    fields: dict[str, Any] = {"balance": from_cents(account.balance)}
    if account.arrears:
        fields["arrears"] = from_cents(account.arrears)
    if account.overdue_run:
        fields["months_overdue"] = account.overdue_run
    if account.escalated:
        fields["in_collection"] = True
    if account.settlement is not None:
        fields["settlement"] = {"parts": [from_cents(part) for part in account.settlement.parts],
                                "owed_if_broken": from_cents(account.settlement.owed_if_broken)}
    if account.charges:
        fields["charges_accrued"] = from_cents(account.charges)
    return fields


def _carried_loan(contract: LoanContract, loan: Loan | None, account: Account, months_open: int,
                  identity: dict[str, Any] | None = None) -> dict[str, Any]:
    """A loan on its own terms, `months_open` months on: the state, and what is left of its counters."""
    fields = contract.model_dump(exclude_unset=True, by_alias=True)
    for key in _STATE_FIELDS:
        fields.pop(key, None)
    fields.update(identity or {})
    fields.update(_state(account))
    terms = account.terms
    assert terms is not None
    fields.update(_regular_due(terms.due_rule, terms.installment, terms.principal_part))
    left = (contract.term_months or 0) - months_open
    if terms.due_rule in (DueRule.FIXED_INSTALLMENT, DueRule.EQUAL_PRINCIPAL) and left >= 1:
        fields["term_months"] = left
    if terms.grace_months > months_open:
        fields["grace_months"] = terms.grace_months - months_open
    if terms.due_rule is DueRule.BULLET:
        fields["due_month"] = max(0, (terms.due_month or 0) - months_open)
    if contract.promo_rate is not None and contract.promo_months > months_open:
        fields["promo_rate"] = contract.promo_rate
        fields["promo_months"] = contract.promo_months - months_open
    return _ordered(fields)


def _regular_due(rule: DueRule, installment: int | None, principal_part: int | None) -> dict[str, Any]:
    """The regular due as the contract set it: a level installment, or an equal-principal part."""
    if rule is DueRule.FIXED_INSTALLMENT:
        assert installment is not None
        return {"installment": from_cents(installment)}
    if rule is DueRule.EQUAL_PRINCIPAL:
        assert principal_part is not None
        return {"method": "equal-principal", "principal_part": from_cents(principal_part)}
    return {}


def _converted_loan(loan: Loan, plan: HardshipPlan, account: Account, months_open: int) -> dict[str, Any]:
    """A loan a hardship plan converted: an installment loan at the plan's rate, with the original's
    penalty rate (the one it charges next month), late fees and escalation months."""
    terms = account.terms
    assert terms is not None
    n, d = account.penalty_rate_in_month(account.opened_at + months_open)
    fields: dict[str, Any] = loan.model_dump(exclude_unset=True, by_alias=True, include=set(_IDENTITY_FIELDS))
    fields["kind"] = "installment"
    fields.update(_rates(terms.rate, Fraction(n, d), daily=plan.daily_rate is not None))
    fields.update(_regular_due(terms.due_rule, terms.installment, terms.principal_part))
    if plan.term_months > months_open:
        fields["term_months"] = plan.term_months - months_open
    if plan.grace_months > months_open:
        fields["grace_months"] = plan.grace_months - months_open
    if terms.late_fee:
        fields["late_fee"] = from_cents(terms.late_fee)
    if terms.late_fee_percent:
        fields["late_fee_percent"] = _exact(terms.late_fee_percent)
    fields["escalation_months"] = terms.escalation_months
    fields.update(_state(account))
    return _ordered(fields)


def _penalty_note(run: LedgerRun, account: Account, loan_id: str) -> list[str]:
    """A converted loan keeps the original's penalty rate month by month; when that still changes
    after the check-in (a promotion it follows ends), a scenario's one penalty_rate cannot say so."""
    horizon = run.ledger.horizon_months
    rates = {account.penalty_rate_in_month(t) for t in range(run.month + 1, horizon + 1)}
    if len(rates) <= 1:
        return []
    return [f"{loan_id}: its hardship plan keeps the original loan's penalty rate, which changes when the "
            "original's promotion ends; the next scenario keeps next month's penalty rate throughout"]


def _rates(rate: Fraction, penalty: Fraction, daily: bool) -> dict[str, Any]:
    """Monthly rates as a loan's fields: daily (x 30) when both are exact decimals so, else annual (/ 12)."""
    if daily and _terminates(rate / 30) and _terminates(penalty / 30):
        return {"daily_rate": _exact(rate / 30), "penalty_rate": _exact(penalty / 30)}
    return {"annual_rate": _exact(rate * 12), "penalty_rate": _exact(penalty * 12)}


def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _exact(value: Fraction) -> Decimal:
    """A rate the contract's decimals produced, as the exact decimal it is."""
    if not _terminates(value):
        raise ValueError(f"{value} has no exact decimal form")
    return Decimal(value.numerator) / Decimal(value.denominator)


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    """Identity first, then kind and terms, then the state: a loan reads as a scenario file writes it."""
    head = [key for key in (*_IDENTITY_FIELDS, "kind") if key in fields]
    return {key: fields[key] for key in [*head, *(k for k in fields if k not in head)]}


def _offers(run: LedgerRun, open_loans: set[str], notes: list[str]) -> list[dict[str, Any]]:
    """Offers not taken whose window has not passed, from the next month on; those on a loan that
    closed, was converted or is being settled are dropped, and `pays` keeps the loans still open
    (a restricted offer that named none pays the scenario's own loans, not those offers opened)."""
    scenario = run.ledger.scenario
    first = run.month + 1
    start = month_label(scenario.start, first)
    effects = [e for result in run.results for e in result.effects]
    taken = {e.offer for e in effects}
    ids = run.ledger.account_ids
    changed = {ids[i] for e in effects for i in (e.hardship_account, e.settles_account) if i is not None}
    changed |= {ids[i] for i, account in enumerate(run.accounts) if account.settlement is not None}
    out = []
    for offer in scenario.offers:
        if offer.id in taken or month_index(scenario.start, offer.available_until) < first:
            continue
        fields = offer.model_dump(exclude_unset=True, by_alias=True)
        if month_index(scenario.start, offer.available_from) < first:
            fields["available_from"] = start
        if isinstance(offer, HardshipPlan | Settlement):
            if offer.loan not in open_loans or offer.loan in changed:
                continue
        elif isinstance(offer, BorrowOffer) and offer.kind != OfferKind.CASH_LOAN:
            pays = _pays(scenario, offer, open_loans, notes)
            if pays == []:  # every loan it could pay is closed: nothing to take it for
                continue
            if pays is not None:
                fields["pays"] = pays
        out.append(fields)
    return out


def _pays(scenario: Scenario, offer: BorrowOffer, open_loans: set[str], notes: list[str]) -> list[str] | None:
    """The loans a restricted offer may still pay: those it names still open; when it names none
    (the scenario's own loans), None while that still means the same, else the list."""
    own = [loan.id for loan in scenario.loans if loan.id in open_loans]
    if offer.pays is not None:
        return [loan_id for loan_id in offer.pays if loan_id in open_loans]
    if len(own) == len(open_loans):
        return None if own else []
    if offer.kind == OfferKind.BALANCE_TRANSFER:  # a list names revolving loans only (validate.py)
        revolving = [loan_id for loan_id in own if scenario.loans[scenario.loan_index(loan_id)].kind == "revolving"]
        if not revolving:
            notes.append(f"{offer.id}: left out; a balance transfer pays revolving loans, and none is open")
        elif len(revolving) < len(own):
            notes.append(f"{offer.id}: the next scenario lists the loans it may pay, the revolving ones "
                         f"({', '.join(revolving)}); a balance transfer pays no installment loan")
        return revolving
    return own


__all__ = ["next_scenario_fields"]
