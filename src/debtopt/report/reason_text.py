"""Each reason code as a sentence in the report's language (the values formatted: amounts, rates, months, names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..analysis.document import MonthExplanation, Reason, ReasonCode
from .words import Words


def _values(w: Words, reason: Reason) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in reason.values.items():
        if key in ("month", "escalation_month", "promo_end_month", "first_month"):
            out[key] = w.month_of(int(value))  # type: ignore[arg-type]
        elif key in ("rate", "other_rate"):
            out[key] = w.rate(value)  # type: ignore[arg-type]
        elif key in ("other", "offer"):
            out[key] = w.name(str(value))
        elif key == "others":
            out[key] = w.names_of(list(value))  # type: ignore[arg-type]
        elif key in ("run", "months_overdue", "escalation_months", "other_run"):
            out[key] = value
        else:
            out[key] = w.amount(value)
    if reason.account is not None:
        out["loan"] = w.name(reason.account)
    return out


def _month_level(w: Words, code: ReasonCode, v: dict[str, Any], raw: Reason) -> str | None:
    if code == ReasonCode.SHORT_CASH_MONTH:
        return w._("This month's cash ({cash}) is less than the dues ({dues}): {gap} of them cannot be paid.", **v)
    if code == ReasonCode.KEEP_FOR_DUE:
        if raw.values["dues"] > raw.values["income"]:  # type: ignore[operator]
            return w._("{saved} is kept for {month}, when the dues ({dues}) are more than that month's income "
                       "({income}).", **v)
        return w._("{saved} is kept for the payments of {month}.", **v)
    if code == ReasonCode.KEEP_REST:
        return w._("{saved} stays in savings: no account left is worth paying early.", **v)
    if code == ReasonCode.ALL_CLOSED:
        return w._("Every account is closed; {saved} is left in savings.", **v)
    if code == ReasonCode.ASSET_SOLD:
        return w._("{offer} is sold for {amount}; the money goes to this month's payments.", **v)
    if code == ReasonCode.LOAN_TAKEN:
        if raw.values["amount"] != raw.values["received"]:
            return w._("{offer} lends {amount} this month ({received} after its fees); the money joins the cash.", **v)
        return w._("{offer} lends {amount} this month; the money joins the cash.", **v)
    return None


def _paid(w: Words, code: ReasonCode, v: dict[str, Any], proved: bool) -> str | None:
    table: dict[ReasonCode, Callable[[], str]] = {
        ReasonCode.DUE_PAID: lambda: w._("{loan}: the {due} due is paid.", **v),
        ReasonCode.NOTHING_DUE: lambda: w._("{loan}: nothing is due this month.", **v),
        ReasonCode.HARDSHIP_ACCEPTED: lambda: w._(
            "{loan}: {offer} is accepted this month: the {arrears} past due is rescheduled into a new balance of "
            "{balance}, the account is current again, and {waived} of penalty interest and fees is waived; the first "
            "installment, {installment}, is due in {first_month}.", **v),
        ReasonCode.SETTLED: lambda: w._(
            "{loan}: {offer} is accepted this month: the lender takes {price} for the {owed} owed and forgives "
            "{waived}; the account is current from now on, and closed once the price is paid.", **v),
        ReasonCode.CONSOLIDATED: lambda: w._("{loan}: paid with the money of {offer} ({used} of it goes to the "
                                             "accounts it pays).", **v),
        ReasonCode.STOP_ESCALATION: lambda: w._(
            "{loan}: the {arrears} past due is paid; left unpaid, the account would have gone to legal collection "
            "in {escalation_month}.", **v),
        ReasonCode.EXTRA_DEAREST: lambda: (w._(
            "{loan}: {extra} beyond the due: at {rate} a year it is the dearest debt left; next is {other} at "
            "{other_rate}.", **v) if "other" in v else w._(
            "{loan}: {extra} beyond the due: at {rate} a year it is the dearest debt left.", **v)),
        ReasonCode.EXTRA_TIED: lambda: w._(
            "{loan}: {extra} beyond the due; at {rate} a year it costs as much as {others}, the dearest debts left.",
            **v),
        ReasonCode.EXTRA_PROMO: lambda: w._(
            "{loan}: {extra} beyond the due, before its promotional rate ends after {promo_end_month} (then {rate} "
            "a year).", **v),
        ReasonCode.EXTRA_PLAN: lambda: (w._(
            "{loan}: {extra} beyond the due: over the whole plan this is the cheapest place for the cash.", **v)
            if proved else w._("{loan}: {extra} beyond the due, as this plan's rule puts spare cash.", **v)),
        ReasonCode.CLOSE: lambda: w._("{loan}: this payment closes the account.", **v),
    }
    return table[code]() if code in table else None


def _short(w: Words, code: ReasonCode, v: dict[str, Any], proved: bool) -> str | None:
    table: dict[ReasonCode, Callable[[], str]] = {
        ReasonCode.SHORT_UNAVOIDABLE: lambda: (w._(
            "{loan}: {shortfall} of the due is left unpaid: no plan with this cash keeps it out of legal collection "
            "({escalation_month}) without another account going there, so the cash goes where it still helps.", **v)
            if proved else w._("{loan}: {shortfall} of the due is left unpaid; in this plan the account goes to "
                               "legal collection in {escalation_month}.", **v)),
        ReasonCode.SHORT_FOR_ESCALATION: lambda: w.n_(
            "{loan}: {shortfall} of the due is left unpaid so that {other}, {n} month past due, is paid before it "
            "goes to legal collection.",
            "{loan}: {shortfall} of the due is left unpaid so that {other}, {n} months past due, is paid before it "
            "goes to legal collection.", int(v["other_run"]), **v),
        ReasonCode.SHORT_KEEP_CURRENT: lambda: w._(
            "{loan}: {shortfall} of the due is left unpaid; the cash keeps {others} current instead.", **v),
        ReasonCode.SHORT_FOR_LATER: lambda: w._(
            "{loan}: {shortfall} of the due is left unpaid while cash is kept for {month}.", **v),
        ReasonCode.SHORT_TOO_BIG: lambda: w._(
            "{loan}: its due ({due}) is more than all of this month's cash ({cash}); {shortfall} is left unpaid.",
            **v),
        ReasonCode.SHORT_NO_CASH: lambda: w._(
            "{loan}: {shortfall} of the due is left unpaid: no cash is left this month.", **v),
        ReasonCode.STILL_OVERDUE: lambda: w.n_(
            "{loan}: the account stays past due ({n} month in a row).",
            "{loan}: the account stays past due ({n} months in a row).", int(v["run"]), **v),
        ReasonCode.ESCALATED: lambda: w.n_(
            "{loan}: {n} month past due: the account goes to legal collection.",
            "{loan}: {n} months past due: the account goes to legal collection.", int(v["escalation_months"]), **v),
    }
    return table[code]() if code in table else None


def reason_sentence(w: Words, reason: Reason, proved: bool = True) -> str:
    """One reason as a sentence. `proved`: the plan is the optimizer's, proved optimal (it may say "no plan")."""
    v = _values(w, reason)
    for say in (_month_level(w, reason.code, v, reason), _paid(w, reason.code, v, proved),
                _short(w, reason.code, v, proved)):
        if say is not None:
            return say
    raise ValueError(f"no sentence for reason code {reason.code}")


def month_lines(w: Words, month: MonthExplanation, proved: bool) -> list[str]:
    """A month's reasons: one line when only the dues are paid; else the month's, then each account's,
    with the accounts that only pay their due named together."""
    if month.routine:
        paid = [a.id for a in month.accounts if a.payment > 0]
        return [w.n_("Only the dues are paid: {total} to {n} account.", "Only the dues are paid: {total} to {n} accounts.",
                     len(paid), total=w.amount(month.paid))]
    lines = [reason_sentence(w, r, proved) for r in month.reasons]
    routine = [a.id for a in month.accounts if {r.code for r in a.reasons} == {ReasonCode.DUE_PAID}]
    if routine:
        lines.append(w._("Dues paid in full: {loans}.", loans=w.names_of(routine)))
    for a in month.accounts:
        if a.id in routine:
            continue
        lines += [reason_sentence(w, r, proved) for r in a.reasons if r.code != ReasonCode.NOTHING_DUE]
    return lines
