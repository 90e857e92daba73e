"""A loan's contract compiled to integer cents and exact rate fractions.

Compiled once per scenario so the monthly step is integer arithmetic only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from ..domain.loans import Loan, LoanContract
from ..domain.money import round_half_away, to_cents
from ..domain.offers import HardshipPlan


@dataclass(frozen=True, slots=True)
class LoanTerms:
    id: str
    kind: str  # "revolving" | "installment" | "bullet"
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
    installment: int | None  # fixed regular due (given, or the annuity payment)
    principal_part: int | None  # equal-principal: round(B0 / term)
    late_fee: int
    late_fee_percent: Fraction
    due_month: int | None = None  # bullet: nothing due in the loan's first due_month months
    grace_months: int = 0  # hardship plan (展期): nothing due in the first grace_months after conversion

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
        if self.kind == "bullet":
            assert self.due_month is not None
            return 0 if loan_month <= self.due_month else owed
        if loan_month <= self.grace_months:
            return 0
        if self.kind == "revolving":
            share = round_half_away(self.min_percent * owed)
            return max(self.min_floor, share)
        if self.principal_part is not None:
            return self.principal_part + interest + penalty
        assert self.installment is not None
        return self.installment

    def late_fee_on(self, unpaid: int) -> int:
        """F of step 6: charged when at least a cent of the due is unpaid."""
        if unpaid <= 0:
            return 0
        return self.late_fee + round_half_away(self.late_fee_percent * unpaid)


def annuity_payment(principal_cents: int, monthly_rate: Fraction, term_months: int) -> int:
    """等额本息: the level payment of `principal` over `term` at `monthly_rate`, to the cent.

        A = P * r / (1 - (1 + r) ** -n), or P / n when r = 0.
    """
    if monthly_rate == 0:
        return round_half_away(Fraction(principal_cents, term_months))
    growth = (1 + monthly_rate) ** term_months
    return round_half_away(principal_cents * monthly_rate * growth / (growth - 1))


def compile_loan(loan: Loan) -> LoanTerms:
    """A scenario loan, with its balance and state at the start of the plan."""
    return compile_contract(loan, loan.id, to_cents(loan.balance), to_cents(loan.arrears), loan.months_overdue)


def compile_contract(
    loan: LoanContract, loan_id: str, balance: int, arrears: int = 0, months_overdue: int = 0
) -> LoanTerms:
    """Terms of a loan opening with `balance` cents (an offer's new loan opens with no arrears)."""
    not_yet_due = balance - arrears  # B0 of the spec
    installment: int | None = None
    principal_part: int | None = None
    if loan.kind == "installment":
        if loan.installment is not None:
            installment = to_cents(loan.installment)
        elif loan.method == "equal-principal":
            assert loan.term_months is not None
            principal_part = round_half_away(Fraction(not_yet_due, loan.term_months))
        else:
            assert loan.term_months is not None
            installment = annuity_payment(not_yet_due, loan.monthly_rate, loan.term_months)
    return LoanTerms(
        id=loan_id,
        kind=loan.kind,
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
    )


def hardship_rate(plan: HardshipPlan) -> Fraction:
    """The converted loan's monthly rate: annual / 12 or daily x 30; 0 when none is given."""
    if plan.daily_rate is not None:
        return Fraction(plan.daily_rate) * 30
    if plan.annual_rate is not None:
        return Fraction(plan.annual_rate) / 12
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
    if plan.method == "equal-principal":
        principal_part = round_half_away(Fraction(balance, plan.term_months))
    else:
        installment = annuity_payment(balance, rate, plan.term_months)
    return replace(
        original,
        # the original's penalty rate from the month after acceptance (the ledger run keeps its monthly rows)
        penalty_rate=original.penalty_rate_in_month(month + 1),
        kind="installment",
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
    )
