"""The details after the schedule: the offers, borrowing to pay debts (以贷养贷), the value of money, the what-ifs."""

from __future__ import annotations

from ..analysis.document import OfferRow, ReportData
from .blocks import Block, Bullets, Heading, Paragraph
from .words import Words


def _offer_terms(w: Words, o: OfferRow) -> str:
    window = w._("{first} to {last}", first=w.month_of(o.first), last=w.month_of(o.last))
    kind = w.offer_kind(o.kind)
    if o.kind == "hardship-plan":
        return w.n_("{name} ({kind} for {loan}, {window}): {term} monthly installments at {rate} a year, a fee of "
                    "{fee} of the balance, {n} month with nothing due, {waive} of the penalty interest and late "
                    "fees waived.",
                    "{name} ({kind} for {loan}, {window}): {term} monthly installments at {rate} a year, a fee of "
                    "{fee} of the balance, {n} months with nothing due, {waive} of the penalty interest and late "
                    "fees waived.", o.grace_months or 0, name=o.name, kind=kind, loan=w.name(o.loan or ""),
                    window=window, term=o.term_months, rate=w.rate(o.annual_rate or 0), fee=w.rate(o.fee_percent or 0),
                    waive=w.rate(o.waive_percent or 0))
    if o.kind == "settlement":
        price = w.rate(o.percent) if o.percent is not None else w.amount(o.amount)
        what = (w._("{price} of what it owes", price=price) if o.percent is not None else price)
        text = w.n_("{name} ({kind} for {loan}, {window}): the lender takes {what}, in {n} payment, and forgives the "
                    "rest.",
                    "{name} ({kind} for {loan}, {window}): the lender takes {what}, in {n} monthly parts, and "
                    "forgives the rest.", o.instalments or 1, name=o.name, kind=kind, loan=w.name(o.loan or ""),
                    window=window, what=what)
        if o.tax_rate:
            text += w._(" {rate} of the amount forgiven is owed as tax.", rate=w.rate(o.tax_rate))
        return text
    if o.kind == "asset-sale":
        return w._("{name} ({kind}, {window}): sells for {amount}; keeping it is worth {keep} to you.", name=o.name,
                   kind=kind, window=window, amount=w.amount(o.amount), keep=w.amount(o.keep_value))
    rate = "-" if o.annual_rate is None else w.rate(o.annual_rate)
    return w._("{name} ({kind}, up to {amount}, {window}): all-in cost {rate} a year, fees included.", name=o.name,
               kind=kind, amount=w.amount(o.max_amount), window=window, rate=rate)


def _offer_worth(w: Words, o: OfferRow) -> str:
    worth = o.worth
    if worth is None:
        return ""
    parts = []
    if worth.escalations:
        parts.append(w.n_("{n} more account in legal collection", "{n} more accounts in legal collection",
                          worth.escalations))
    if worth.overdue_months:
        parts.append(w.n_("{n} more account-month past due", "{n} more account-months past due", worth.overdue_months))
    if worth.remaining_balance and worth.remaining_balance > 0:
        parts.append(w._("{amount} more still owed", amount=w.amount(worth.remaining_balance)))
    if worth.net_cost and worth.net_cost > 0:
        parts.append(w._("{amount} more net cost", amount=w.amount(worth.net_cost)))
    if not parts:
        return w._("Without it the best plan would be as good.")
    if worth.proved:
        return w._("Without it the best plan would have {what}.", what=w.join(parts))
    return w._("Without it the best plan found (not proved the best) has {what}.", what=w.join(parts))


def offer_blocks(w: Words, doc: ReportData) -> list[Block]:
    if not doc.offers:
        return []
    items = []
    for o in doc.offers:
        parts = [_offer_terms(w, o)]
        if o.crosses is not None:
            parts.append(w.legal_line(o.crosses))
        if o.taken_month is None:
            parts.append(w._("This plan does not take it."))
        elif o.kind == "settlement" and o.taken_amount is not None:
            parts.append(w._("This plan takes it in {month}: {amount} for the account, {waived} forgiven.",
                             month=w.month_of(o.taken_month), amount=w.amount(o.taken_amount),
                             waived=w.amount(o.waived or 0)))
        elif o.taken_amount is not None and o.kind != "hardship-plan":
            parts.append(w._("This plan takes it in {month}: {amount}.", month=w.month_of(o.taken_month),
                             amount=w.amount(o.taken_amount)))
        else:
            parts.append(w._("This plan takes it in {month}.", month=w.month_of(o.taken_month)))
        if worth := _offer_worth(w, o):
            parts.append(worth)
        items.append(w.sentences(parts))
    return [Heading(2, w._("Offers"), "offers"), Bullets(items)]


def borrowing_blocks(w: Words, doc: ReportData) -> list[Block]:
    b = doc.borrowing
    if b is None:
        return []
    blocks: list[Block] = [Heading(2, w._("Borrowing from one lender to pay another"), "borrowing")]
    if not b.needed:
        return [*blocks, Paragraph(w._("This plan keeps every account out of legal collection without new "
                                       "borrowing; a new loan would only move the debt and add interest."))]
    if b.amount is None:
        return [*blocks, Paragraph(w._("No extra cash in {month}, up to all that is owed, keeps another account out "
                                       "of legal collection.", month=w.month_of(b.month)))]
    avoided = b.base_escalations - (b.escalations_with_cash if b.escalations_with_cash is not None else b.base_escalations)
    blocks.append(Paragraph(w.n_(
        "{amount} more in {month} would keep {n} more account out of legal collection.",
        "{amount} more in {month} would keep {n} more accounts out of legal collection.", avoided,
        amount=w.amount(b.amount), month=w.month_of(b.month))))
    items = []
    for row in b.rows:
        items.append(w._("Borrowed from a new lender at {rate} a year over {term} months: {interest} of interest; "
                         "accounts in legal collection {esc} (without it: {base_esc}); net cost {net} (without it: "
                         "{base_net}).", rate=w.rate(row.annual_rate), term=b.term_months,
                         interest=w.amount(row.interest), esc=row.escalations, base_esc=b.base_escalations,
                         net=w.amount(row.net_cost), base_net=w.amount(b.base_net_cost)))
    blocks.append(Bullets(items))
    blocks.append(Paragraph(w._("Money from family or friends at no interest does the same without the cost; a new "
                                "online loan must be repaid too, and most cost more than these rates.")))
    return blocks


def value_blocks(w: Words, doc: ReportData) -> list[Block]:
    v = doc.value_of_money
    if v is None:
        return []
    blocks: list[Block] = [Heading(2, w._("When extra cash helps most"), "value")]
    if v.method == "none":
        text = (w._("The optimizer gave no value of extra cash for this plan.") if doc.method == "optimal" else
                w._("Only the optimizer's plan says what extra cash is worth; this plan is not the optimizer's."))
        return [*blocks, Paragraph(text)]
    if not v.months:
        return [*blocks, Paragraph(w._("Extra cash in any month would save next to nothing."))]
    items = [w._("{unit} more in {month} saves {saves}.", unit=w.amount(v.unit), month=w.month_of(m.month),
                 saves=w.amount(m.saves)) for m in v.months]
    return [*blocks, Bullets(items), Paragraph(w._("With the same accounts kept current and the same offers taken, "
                                                   "from the optimizer's own solution of this plan."))]


def what_if_blocks(w: Words, doc: ReportData) -> list[Block]:
    if not doc.what_ifs:
        return []
    items = []
    for x in doc.what_ifs:
        t = x.totals
        pct = w.rate(abs(x.factor - 1))
        change = w._("{pct} higher", pct=pct) if x.change == "up" else w._("{pct} lower", pct=pct)
        end = (w._("paid off by {month}", month=w.month_of(t.payoff_month)) if t.payoff_month is not None
               else w._("{amount} still owed at the end", amount=w.amount(t.remaining_balance)))
        items.append(w._("Budget {change} ({budget} a month): accounts in legal collection {esc}, account-months "
                         "past due {overdue}, cost {cost}, {end}.", change=change, budget=w.amount(x.budget),
                         esc=t.escalations, overdue=t.overdue_months, cost=w.amount(t.cost), end=end))
    return [Heading(2, w._("If the budget changes"), "whatif"), Bullets(items)]
