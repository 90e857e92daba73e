"""A loan's contract compiled to integer cents and exact rate fractions: the one home of its rules.

Compiled once per scenario so the monthly step is integer arithmetic only.
Everything the contract says about a loan's terms is here: which rule sets its
regular due (`DueRule`, decided once from the loan's kind and method), the
installment and principal factors per unit of opening balance, the monthly
rate of an annual or daily rate, a percent of cents, and the regulatory lines
on a loan's annual cost. The ledger's month (`book.py`) and the optimizer's
float view (`optimize/data.py`) read these terms and interpret nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from ..domain.choices import LoanKind, MinRule, RepaymentMethod
from ..domain.loans import Loan, LoanContract
from ..domain.money import monthly_rate, mul_round, round_half_away, to_cents
from ..domain.offers import HardshipPlan

# The lines Chinese regulation draws on a loan's all-in annual cost (the report
# says what each means): 24 % and 36 % a year, lowest first.
ANNUAL_COST_LINES: tuple[Decimal, ...] = (Decimal("0.24"), Decimal("0.36"))


class DueRule(Enum):
    """How a loan's regular due R is set (money-model.md step 3, offers.md "Bullet")."""

    REVOLVING_PERCENT = "revolving-percent"  # max(min_floor, round(min_percent x D))
    REVOLVING_PERCENT_PLUS_INTEREST = "revolving-percent-plus-interest"  # max(min_floor, round(min_percent x B) + I + P)
    FIXED_INSTALLMENT = "fixed-installment"  # a level amount: given, or the annuity payment
    EQUAL_PRINCIPAL = "equal-principal"  # round(B0 / n) + I + P
    BULLET = "bullet"  # nothing until due_month, then all it owes


@dataclass(frozen=True, slots=True)
class LoanTerms:
    id: str
    due_rule: DueRule
    balance: int  # cents at the start
    arrears: int
    months_overdue: int
    escalation_months: int
    rate: Fraction  # r_t after any promotion
    promo_rate: Fraction | None
    promo_months: int
    penalty_rate: Fraction | None  # fixed rp, else multiplier * r_t
    penalty_multiplier: Fraction
    min_percent: Fraction
    min_floor: int
    installment: int | None  # FIXED_INSTALLMENT: the level due (given, or the annuity payment)
    principal_part: int | None  # EQUAL_PRINCIPAL: round(B0 / term)
    late_fee: int
    late_fee_percent: Fraction
    due_month: int | None = None  # bullet: nothing due in the loan's first due_month months
    grace_months: int = 0  # hardship plan (展期): nothing due in the first grace_months after conversion
    in_collection: bool = False  # escalated before the plan starts (money-model.md item 8)
    # A settlement in instalments part-way through at the start: the parts left, and what
    # the usual terms come back on if one is not paid (offers.md 1.1)
    settlement_parts: tuple[int, ...] = ()
    settlement_owed_if_broken: int = 0
    charges_accrued: int = 0  # penalty interest and fees before the start (a hardship plan's waiver counts them)
    # The installment or principal part per cent of opening balance (`installment_factor`,
    # `principal_factor`); 0 when the due does not scale with it (a given installment, a
    # revolving or bullet loan). What an offer's new loan owes, linear in what is borrowed.
    opening_factor: Fraction = Fraction(0)

    def rate_in_month(self, t: int) -> Fraction:
        if self.promo_rate is not None and t <= self.promo_months:
            return self.promo_rate
        return self.rate

    def penalty_rate_in_month(self, t: int) -> Fraction:
        if self.penalty_rate is not None:
            return self.penalty_rate
        return self.penalty_multiplier * self.rate_in_month(t)

    def regular_due(self, owed: int, interest: int, penalty: int, loan_month: int) -> int:
        """R of money-model.md step 3; `loan_month` is 1 in the loan's first month.

        A bullet loan (offers.md) owes nothing before its `due_month` has passed,
        then the whole of what it owes.
        """
        rule = self.due_rule
        if rule is DueRule.BULLET:
            assert self.due_month is not None
            return 0 if loan_month <= self.due_month else owed
        if loan_month <= self.grace_months:
            return 0
        if rule is DueRule.REVOLVING_PERCENT:
            return max(self.min_floor, round_half_away(self.min_percent * owed))
        if rule is DueRule.REVOLVING_PERCENT_PLUS_INTEREST:
            balance = owed - interest - penalty
            return max(self.min_floor, round_half_away(self.min_percent * balance) + interest + penalty)
        if rule is DueRule.EQUAL_PRINCIPAL:
            assert self.principal_part is not None
            return self.principal_part + interest + penalty
        assert self.installment is not None
        return self.installment


def percent_of(rate: Decimal | Fraction | str, cents: int) -> int:
    """round(rate x cents), half away from zero, exact (cents >= 0): every fee or share a
    percent of an amount sets (offers' fees, a hardship plan's waiver and fee)."""
    fraction = rate if isinstance(rate, Fraction) else Fraction(str(rate))
    return mul_round(fraction.numerator, fraction.denominator, cents)


def installment_factor(rate: Fraction, term_months: int) -> Fraction:
    """等额本息: the level payment per cent of principal, r (1 + r)^n / ((1 + r)^n - 1); 1/n at 0 %."""
    if rate == 0:
        return Fraction(1, term_months)
    growth = (1 + rate) ** term_months
    return rate * growth / (growth - 1)


def principal_factor(term_months: int) -> Fraction:
    """等额本金: the principal part per cent of principal, 1/n."""
    return Fraction(1, term_months)


def annuity_payment(principal_cents: int, rate: Fraction, term_months: int) -> int:
    """等额本息: the level payment of `principal` over `term` at `rate` a month, to the cent.

        A = P * r / (1 - (1 + r) ** -n), or P / n when r = 0.
    """
    return round_half_away(principal_cents * installment_factor(rate, term_months))


def compile_loan(loan: Loan) -> LoanTerms:
    """A scenario loan, with its balance and state at the start of the plan."""
    terms = compile_contract(loan, loan.id, to_cents(loan.balance), to_cents(loan.arrears), loan.months_overdue)
    schedule = loan.settlement
    return replace(
        terms,
        grace_months=loan.grace_months,
        in_collection=loan.is_in_collection,
        settlement_parts=tuple(to_cents(part) for part in schedule.parts) if schedule else (),
        settlement_owed_if_broken=to_cents(schedule.owed_if_broken) if schedule else 0,
        charges_accrued=to_cents(loan.charges_accrued),
    )


def compile_contract(
    loan: LoanContract, loan_id: str, balance: int, arrears: int = 0, months_overdue: int = 0
) -> LoanTerms:
    """Terms of a loan opening with `balance` cents (an offer's new loan opens with no arrears)."""
    not_yet_due = balance - arrears  # B0 of the spec
    installment: int | None = None
    principal_part: int | None = None
    factor = Fraction(0)
    if loan.kind == LoanKind.REVOLVING:
        plus_interest = loan.min_rule == MinRule.PERCENT_PLUS_INTEREST
        rule = DueRule.REVOLVING_PERCENT_PLUS_INTEREST if plus_interest else DueRule.REVOLVING_PERCENT
    elif loan.kind == LoanKind.BULLET:
        rule = DueRule.BULLET
    elif loan.installment is not None:
        rule, installment = DueRule.FIXED_INSTALLMENT, to_cents(loan.installment)
    elif loan.principal_part is not None:  # as the contract set it (what a check-in writes)
        rule, principal_part = DueRule.EQUAL_PRINCIPAL, to_cents(loan.principal_part)
    else:
        assert loan.term_months is not None
        if loan.method == RepaymentMethod.EQUAL_PRINCIPAL:
            rule, factor = DueRule.EQUAL_PRINCIPAL, principal_factor(loan.term_months)
            principal_part = round_half_away(not_yet_due * factor)
        else:
            rule, factor = DueRule.FIXED_INSTALLMENT, installment_factor(loan.monthly_rate, loan.term_months)
            installment = round_half_away(not_yet_due * factor)
    return LoanTerms(
        id=loan_id,
        due_rule=rule,
        balance=balance,
        arrears=arrears,
        months_overdue=months_overdue,
        escalation_months=loan.escalation_months,
        rate=loan.monthly_rate,
        promo_rate=loan.promo_monthly_rate,
        promo_months=loan.promo_months,
        penalty_rate=loan.penalty_monthly_rate,
        penalty_multiplier=Fraction(loan.penalty_multiplier) if loan.penalty_multiplier is not None else Fraction(1),
        min_percent=Fraction(loan.min_percent) if loan.min_percent is not None else Fraction(0),
        min_floor=to_cents(loan.min_floor) if loan.min_floor is not None else 0,
        installment=installment,
        principal_part=principal_part,
        late_fee=to_cents(loan.late_fee),
        late_fee_percent=Fraction(loan.late_fee_percent),
        due_month=loan.due_month,
        opening_factor=factor,
    )


def hardship_rate(plan: HardshipPlan) -> Fraction:
    """The converted loan's monthly rate: annual / 12 or daily x 30; 0 when none is given."""
    if plan.daily_rate is not None:
        return monthly_rate(plan.daily_rate, daily=True)
    if plan.annual_rate is not None:
        return monthly_rate(plan.annual_rate, daily=False)
    return Fraction(0)


def convert_for_hardship(original: LoanTerms, plan: HardshipPlan, balance: int, month: int = 1) -> LoanTerms:
    """The loan after a hardship plan converts `balance` cents (offers.md, "Hardship plan").

    An installment loan at the plan's rate over `term_months`, its regular due
    computed once on the converted balance; nothing due for `grace_months`
    (interest accrues meanwhile, which lengthens the tail rather than raising
    the due). Penalty rate, late fees and escalation stay the original's; the
    penalty *rates* are carried by the ledger run, not by these terms.
    """
    rate = hardship_rate(plan)
    installment: int | None = None
    principal_part: int | None = None
    if plan.method == RepaymentMethod.EQUAL_PRINCIPAL:
        rule, factor = DueRule.EQUAL_PRINCIPAL, principal_factor(plan.term_months)
        principal_part = round_half_away(balance * factor)
    else:
        rule, factor = DueRule.FIXED_INSTALLMENT, installment_factor(rate, plan.term_months)
        installment = round_half_away(balance * factor)
    return replace(
        original,
        # the original's penalty rate from the month after acceptance (the ledger run keeps its monthly rows)
        penalty_rate=original.penalty_rate_in_month(month + 1),
        due_rule=rule,
        balance=balance,
        arrears=0,
        months_overdue=0,
        rate=rate,
        promo_rate=None,
        promo_months=0,
        installment=installment,
        principal_part=principal_part,
        due_month=None,
        grace_months=plan.grace_months,
        opening_factor=factor,
    )


__all__ = [
    "ANNUAL_COST_LINES",
    "DueRule",
    "LoanTerms",
    "annuity_payment",
    "compile_contract",
    "compile_loan",
    "convert_for_hardship",
    "hardship_rate",
    "installment_factor",
    "monthly_rate",
    "percent_of",
    "principal_factor",
]
