"""Offers: the choices beyond paying (offers.md). The optimizer decides whether,
when and how much; a plan records each decision and the ledger replays it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from .fields import MAX_HORIZON_MONTHS, Count, Id, Money, Month, Rate, Strict, Text
from .loans import LoanContract

BORROW_KINDS = ("consolidation", "balance-transfer", "cash-loan")


class OfferBase(Strict):
    id: Id = Field(description="unique among loans and offers; a loan an offer creates takes this id")
    name: Text = ""
    available_from: Month
    available_until: Month


class BorrowOffer(OfferBase):
    """A new loan: its proceeds pay named loans (consolidation, balance transfer) or join the cash (cash loan).

    Taking X in month m opens the new loan at the start of m + 1 with balance
    X + round(fee_added_percent * X); the money received in m is
    X - round(fee_deducted_percent * X) - fee.
    """

    kind: Literal["consolidation", "balance-transfer", "cash-loan"]
    min_amount: Money = Decimal(0)
    max_amount: Money
    fee: Money = Decimal(0)
    fee_added_percent: Rate = Decimal(0)
    fee_deducted_percent: Rate = Decimal(0)
    pays: list[Id] | None = Field(default=None, description="loan ids the proceeds may pay; all loans when absent")
    loan: LoanContract


class AssetSale(OfferBase):
    """Sell an asset once in the window for `amount`; keeping it is worth `keep_value`."""

    kind: Literal["asset-sale"]
    amount: Money
    keep_value: Money = Decimal(0)


class HardshipPlan(OfferBase):
    """A lender converts one loan into a new installment schedule (个性化分期, 展期).

    Accepted in month m after that month's payment: B becomes B - waiver + fee,
    arrears and the overdue run return to zero, and from m + 1 the loan follows
    these terms; its penalty rate and late fees stay the original loan's.
    """

    kind: Literal["hardship-plan"]
    loan: Id = Field(description="id of the loan it converts")
    term_months: Count = Field(ge=1, le=MAX_HORIZON_MONTHS)
    method: Literal["annuity", "equal-principal"] = "annuity"
    annual_rate: Rate | None = None
    daily_rate: Rate | None = None
    fee_percent: Rate = Decimal(0)
    grace_months: Count = Field(default=0, ge=0, le=MAX_HORIZON_MONTHS)
    waive_percent: Rate = Decimal(0)


class Settlement(OfferBase):
    """A lender closes one loan for less than it owes (一次性结清减免, 协商还款; offers.md 1.1).

    Accepted in month m, the loan is owed the price instead of that month's due:
    `percent` of what it owes that month (D, after interest) or a fixed `amount`,
    in `instalments` equal monthly parts from m (the last takes the remainder),
    with no interest while each part is paid. The forgiven part is waived;
    `forgiven_tax_rate` of it is owed as tax, paid from month m's cash.
    """

    kind: Literal["settlement"]
    loan: Id = Field(description="id of the loan it settles")
    percent: Rate | None = Field(default=None, description="the price as a share of what the loan owes that month")
    amount: Money | None = Field(default=None, description="the price as a fixed sum")
    instalments: Count = Field(default=1, ge=1, le=MAX_HORIZON_MONTHS)
    forgiven_tax_rate: Rate = Field(default=Decimal(0), description="share of the forgiven amount owed as tax")


Offer = Annotated[BorrowOffer | AssetSale | HardshipPlan | Settlement, Field(discriminator="kind")]
