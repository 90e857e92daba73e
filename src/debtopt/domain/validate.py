"""Rules that tie fields together. Each problem names its field and the fix."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from ..errors import FieldIssue
from .growth import check_growth
from .loans import Loan, LoanContract
from .money import CENT
from .months import LAST_MONTH, month_index, months_since_year_zero
from .offers import AssetSale, BorrowOffer, HardshipPlan, Settlement
from .scenario import MAX_MONTHLY_RATE, Scenario


def check_scenario(scenario: Scenario, growth: bool = True) -> list[FieldIssue]:
    """Every cross-field problem of a scenario that parsed, in file order (and its growth bound)."""
    issues = [*_check_calendar(scenario), *_check_budget(scenario), *_check_loans(scenario),
              *_check_offers(scenario)]
    # The growth bound reads rates and months the checks above vouch for.
    return issues or (list(check_growth(scenario)) if growth else [])


def _listing(ids: list[str], most: int = 8) -> str:
    """'a, b, c', or the first few and how many more: a message stays short."""
    shown = ", ".join(ids[:most])
    return shown if len(ids) <= most else f"{shown} and {len(ids) - most} more"


def _check_calendar(scenario: Scenario) -> Iterator[FieldIssue]:
    """Every plan month must be a calendar month debtopt can write as YYYY-MM."""
    last = months_since_year_zero(LAST_MONTH)
    end = months_since_year_zero(scenario.start) + scenario.horizon_months - 1
    if end > last:
        latest = last - (scenario.horizon_months - 1)
        yield FieldIssue(
            "start",
            f"{scenario.start} plus {scenario.horizon_months} months runs past {LAST_MONTH}, the last month a plan "
            f"can have; start in {latest // 12:04d}-{latest % 12 + 1:02d} or earlier, or plan fewer horizon_months",
        )


def _within_horizon(scenario: Scenario, path: str, month: str) -> Iterator[FieldIssue]:
    t = month_index(scenario.start, month)
    last = scenario.horizon_months
    if not 1 <= t <= last:
        yield FieldIssue(
            path,
            f"{month} is outside the plan ({scenario.start} to month {last}); "
            f"use a month from {scenario.start} within horizon_months",
        )


def _check_budget(scenario: Scenario) -> Iterator[FieldIssue]:
    seen: dict[int, int] = {}
    for j, change in enumerate(scenario.budget.changes):
        path = f"budget.changes[{j}].from"
        yield from _within_horizon(scenario, path, change.from_)
        t = month_index(scenario.start, change.from_)
        if t in seen:
            yield FieldIssue(path, f"{change.from_} is already set by budget.changes[{seen[t]}]; keep one change a month")
        seen[t] = j
    for j, inflow in enumerate(scenario.budget.inflows):
        yield from _within_horizon(scenario, f"budget.inflows[{j}].month", inflow.month)
    if scenario.budget.savings_rate > 1:
        yield FieldIssue("budget.savings_rate", "above 100 % a year; write 2 % as 0.02")


def _check_loans(scenario: Scenario) -> Iterator[FieldIssue]:
    first: dict[str, int] = {}
    for i, loan in enumerate(scenario.loans):
        if loan.id in first:
            yield FieldIssue(f"loans[{i}].id", f"'{loan.id}' is already the id of loans[{first[loan.id]}]; ids must be unique")
        else:
            first[loan.id] = i
        yield from _check_loan(loan, f"loans[{i}]")


def _check_rate(loan: LoanContract, path: str, field: str, monthly: Fraction | None) -> Iterator[FieldIssue]:
    if monthly is not None and monthly > MAX_MONTHLY_RATE:
        unit = "daily" if loan.daily_rate is not None else "annual"
        yield FieldIssue(
            f"{path}.{field}",
            f"more than 100 % a month; rates are decimals in the loan's {unit} unit (18 % is 0.18)",
        )


def _check_loan(loan: Loan, path: str) -> Iterator[FieldIssue]:
    yield from _check_contract(loan, path)
    if loan.balance < CENT:
        yield FieldIssue(f"{path}.balance", "must be at least 0.01; leave a paid-off loan out")
    if loan.arrears > loan.balance:
        yield FieldIssue(f"{path}.arrears", f"{loan.arrears} is above the balance {loan.balance}; arrears are part of the balance")
    if loan.arrears > 0 and loan.months_overdue == 0:
        yield FieldIssue(f"{path}.months_overdue", "arrears are given, so the loan is overdue; say for how many months (1 or more)")
    if loan.months_overdue > 0 and loan.arrears == 0:
        yield FieldIssue(f"{path}.arrears", "months_overdue is given but no arrears; give the past-due amount")
    if loan.in_collection is False and loan.months_overdue >= loan.escalation_months:
        yield FieldIssue(
            f"{path}.in_collection",
            f"{loan.months_overdue} months overdue reaches escalation_months ({loan.escalation_months}), so the "
            "account is in collection; remove in_collection = false (or lower months_overdue)",
        )
    if loan.grace_months and loan.kind != "installment":
        yield FieldIssue(f"{path}.grace_months", "only for installment loans; remove it")
    if loan.settlement is not None:
        yield from _check_settlement_schedule(loan, path)


def _check_settlement_schedule(loan: Loan, path: str) -> Iterator[FieldIssue]:
    """A settlement part-way through: the balance is the parts left, the loan is current."""
    schedule = loan.settlement
    assert schedule is not None
    left = sum(schedule.parts, start=type(loan.balance)(0))
    if left != loan.balance:
        yield FieldIssue(f"{path}.settlement.parts", f"the parts add up to {left}, not the balance {loan.balance}; "
                         "the balance of a settled loan is what is left of the price")
    if any(part < CENT for part in schedule.parts):
        yield FieldIssue(f"{path}.settlement.parts", "every part is at least 0.01")
    if schedule.owed_if_broken < loan.balance:
        yield FieldIssue(f"{path}.settlement.owed_if_broken",
                         f"{schedule.owed_if_broken} is below the balance {loan.balance}; a settlement forgives, "
                         "so the loan owed at least the price")
    if loan.arrears > 0 or loan.months_overdue > 0:
        yield FieldIssue(f"{path}.arrears", "a loan in a settlement schedule is current: no arrears, "
                         "months_overdue 0 (in_collection = true keeps an escalation counted)")


def _check_contract(loan: LoanContract, path: str) -> Iterator[FieldIssue]:
    """Rules on a loan's terms, for scenario loans and offers' new loans alike."""
    if loan.annual_rate is not None and loan.daily_rate is not None:
        yield FieldIssue(f"{path}.daily_rate", "give annual_rate or daily_rate, not both")
    if loan.annual_rate is None and loan.daily_rate is None:
        yield FieldIssue(f"{path}.annual_rate", "missing; give annual_rate (e.g. 0.18) or daily_rate (e.g. 0.0005)")
    rate_field = "daily_rate" if loan.daily_rate is not None else "annual_rate"
    yield from _check_rate(loan, path, rate_field, loan.monthly_rate)
    yield from _check_rate(loan, path, "promo_rate", loan.promo_monthly_rate)
    yield from _check_rate(loan, path, "penalty_rate", loan.penalty_monthly_rate)
    if loan.penalty_multiplier is not None:
        if loan.penalty_rate is not None:
            yield FieldIssue(f"{path}.penalty_multiplier", "give penalty_rate or penalty_multiplier, not both")
        elif loan.penalty_multiplier > 10:
            yield FieldIssue(f"{path}.penalty_multiplier", "above 10; a penalty rate is usually 1.3 to 1.5 times the rate")
        else:
            yield from _check_rate(loan, path, "penalty_multiplier", loan.penalty_rate_in_month(10**6))
    if loan.promo_rate is not None and loan.promo_months == 0:
        yield FieldIssue(f"{path}.promo_months", "promo_rate is given but promo_months is 0; say how many months it lasts")
    if loan.promo_months > 0 and loan.promo_rate is None:
        yield FieldIssue(f"{path}.promo_rate", "promo_months is given without promo_rate; give the promotional rate")
    if loan.late_fee_percent > 1:
        yield FieldIssue(f"{path}.late_fee_percent", "above 100 %; write 5 % as 0.05")
    if loan.min_rule != "percent" and loan.kind != "revolving":
        yield FieldIssue(f"{path}.min_rule", "only for revolving loans; remove it or set kind = \"revolving\"")
    if loan.principal_part is not None:
        yield from _check_principal_part(loan, path)
    if loan.kind == "revolving":
        yield from _check_revolving(loan, path)
    elif loan.kind == "installment":
        yield from _check_installment(loan, path)
    else:
        yield from _check_bullet(loan, path)
    if loan.kind != "bullet" and loan.due_month is not None:
        yield FieldIssue(f"{path}.due_month", "only for bullet loans; remove it or set kind = \"bullet\"")


def _check_revolving(loan: LoanContract, path: str) -> Iterator[FieldIssue]:
    if loan.min_percent is None:
        yield FieldIssue(f"{path}.min_percent", "missing for a revolving loan; give the minimum payment share, e.g. 0.10")
    elif loan.min_percent > 1:
        yield FieldIssue(f"{path}.min_percent", "above 100 %; write 10 % as 0.10")
    for field in ("installment", "term_months", "method", "principal_part"):
        if getattr(loan, field) is not None:
            yield FieldIssue(f"{path}.{field}", "only for installment loans; remove it or set kind = \"installment\"")


def _check_installment(loan: LoanContract, path: str) -> Iterator[FieldIssue]:
    for field in ("min_percent", "min_floor"):
        if getattr(loan, field) is not None:
            yield FieldIssue(f"{path}.{field}", "only for revolving loans; remove it or set kind = \"revolving\"")
    if loan.installment is None and loan.term_months is None and loan.principal_part is None:
        yield FieldIssue(f"{path}.term_months", "an installment loan needs installment (the monthly amount) or term_months")
    if loan.installment is not None:
        if loan.method is not None:
            yield FieldIssue(f"{path}.method", "installment is given, so the amount is fixed; remove method")
        if loan.installment < CENT:
            yield FieldIssue(f"{path}.installment", "must be at least 0.01")


def _check_principal_part(loan: LoanContract, path: str) -> Iterator[FieldIssue]:
    if loan.kind != "installment" or loan.method != "equal-principal":
        yield FieldIssue(f"{path}.principal_part", "the principal part of an equal-principal loan; "
                         "set kind = \"installment\" and method = \"equal-principal\", or remove it")
    elif loan.principal_part is not None and loan.principal_part < CENT:
        yield FieldIssue(f"{path}.principal_part", "must be at least 0.01")


def _check_bullet(loan: LoanContract, path: str) -> Iterator[FieldIssue]:
    if loan.due_month is None:
        yield FieldIssue(f"{path}.due_month", "a bullet loan needs due_month: the months after opening before it is all due")
    for field in ("min_percent", "min_floor", "installment", "term_months", "method", "principal_part"):
        if getattr(loan, field) is not None:
            yield FieldIssue(f"{path}.{field}", "not for bullet loans, which fall due whole at due_month; remove it")


def _check_offers(scenario: Scenario) -> Iterator[FieldIssue]:
    loans = {loan.id: loan for loan in scenario.loans}
    seen: dict[str, int] = {}
    for j, offer in enumerate(scenario.offers):
        path = f"offers[{j}]"
        if offer.id in loans:
            yield FieldIssue(f"{path}.id", f"'{offer.id}' is already a loan's id; offers and loans need distinct ids")
        elif offer.id in seen:
            yield FieldIssue(f"{path}.id", f"'{offer.id}' is already the id of offers[{seen[offer.id]}]; ids must be unique")
        seen.setdefault(offer.id, j)
        yield from _within_horizon(scenario, f"{path}.available_from", offer.available_from)
        yield from _within_horizon(scenario, f"{path}.available_until", offer.available_until)
        if month_index(scenario.start, offer.available_until) < month_index(scenario.start, offer.available_from):
            yield FieldIssue(f"{path}.available_until", "is before available_from; the window must run forwards")
        if isinstance(offer, BorrowOffer):
            yield from _check_borrow(offer, path, loans)
        elif isinstance(offer, HardshipPlan):
            yield from _check_hardship(offer, path, loans)
        elif isinstance(offer, Settlement):
            yield from _check_settlement(offer, path, loans)
        elif isinstance(offer, AssetSale) and offer.amount < CENT:
            yield FieldIssue(f"{path}.amount", "must be at least 0.01")


def _check_borrow(offer: BorrowOffer, path: str, loans: dict[str, Loan]) -> Iterator[FieldIssue]:
    if offer.max_amount < CENT:
        yield FieldIssue(f"{path}.max_amount", "must be at least 0.01")
    if offer.min_amount > offer.max_amount:
        yield FieldIssue(f"{path}.min_amount", f"{offer.min_amount} is above max_amount {offer.max_amount}; swap them")
    for field in ("fee_added_percent", "fee_deducted_percent"):
        if getattr(offer, field) > 1:
            yield FieldIssue(f"{path}.{field}", "above 100 %; write 3 % as 0.03")
    if offer.kind == "cash-loan" and offer.pays is not None:
        yield FieldIssue(f"{path}.pays", "a cash loan's money joins the month's cash; remove pays")
    for k, loan_id in enumerate(offer.pays or []):
        if loan_id not in loans:
            yield FieldIssue(f"{path}.pays[{k}]", f"no loan '{loan_id}'; the loans are {_listing(list(loans))}")
        elif offer.kind == "balance-transfer" and loans[loan_id].kind != "revolving":
            yield FieldIssue(f"{path}.pays[{k}]", f"'{loan_id}' is not revolving; a balance transfer pays revolving loans only")
    yield from _check_contract(offer.loan, f"{path}.loan")


def _check_hardship(offer: HardshipPlan, path: str, loans: dict[str, Loan]) -> Iterator[FieldIssue]:
    if offer.loan not in loans:
        yield FieldIssue(f"{path}.loan", f"no loan '{offer.loan}'; the loans are {_listing(list(loans))}")
    if offer.annual_rate is not None and offer.daily_rate is not None:
        yield FieldIssue(f"{path}.daily_rate", "give annual_rate or daily_rate, not both")
    elif offer.daily_rate is not None and Fraction(offer.daily_rate) * 30 > MAX_MONTHLY_RATE:
        yield FieldIssue(f"{path}.daily_rate", "more than 100 % a month; rates are decimals (0.0005 is 0.05 % a day)")
    elif offer.annual_rate is not None and Fraction(offer.annual_rate) / 12 > MAX_MONTHLY_RATE:
        yield FieldIssue(f"{path}.annual_rate", "more than 100 % a month; rates are decimals (18 % is 0.18)")
    for field in ("fee_percent", "waive_percent"):
        if getattr(offer, field) > 1:
            yield FieldIssue(f"{path}.{field}", "above 100 %; write 50 % as 0.5")


def _check_settlement(offer: Settlement, path: str, loans: dict[str, Loan]) -> Iterator[FieldIssue]:
    if offer.loan not in loans:
        yield FieldIssue(f"{path}.loan", f"no loan '{offer.loan}'; the loans are {', '.join(loans)}")
    if (offer.percent is None) == (offer.amount is None):
        yield FieldIssue(f"{path}.percent", "give the price as percent (of what the loan owes, e.g. 0.4) "
                         "or as amount, one of the two")
    if offer.percent is not None and not 0 < offer.percent <= 1:
        yield FieldIssue(f"{path}.percent", "the share of what is owed, above 0 and at most 1 (40 % is 0.4)")
    if offer.amount is not None and offer.amount < CENT:
        yield FieldIssue(f"{path}.amount", "must be at least 0.01")
    if offer.forgiven_tax_rate > 1:
        yield FieldIssue(f"{path}.forgiven_tax_rate", "above 100 %; write 22 % as 0.22")
