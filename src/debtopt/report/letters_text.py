"""The letters: to each lender something is asked of, in the form its hardship desk expects (协商还款申请).

Each names the program asked for (or the schedule offered), the amounts and
dates, cites the plan as evidence, and carries the borrower's name, the
account number, a date and a signature line; what the scenario does not say
is left as a blank to fill in.
"""

from __future__ import annotations

from ..analysis.document import Letter as LetterData
from ..analysis.document import ReportData
from .blocks import BLANK, Block, Heading, Letter, Table
from .words import Words


def _fields(w: Words, doc: ReportData, letter: LetterData) -> list[tuple[str, str]]:
    numbers = ", ".join(n or BLANK for n in letter.account_numbers)
    fields = [(w._("Borrower"), doc.borrower or BLANK)]
    if letter.purpose != "application":
        fields.append((w._("Account or contract number"), numbers))
    fields += [(w._("ID number"), BLANK), (w._("Phone"), BLANK)]
    return fields


def _situation(w: Words, doc: ReportData, letter: LetterData) -> list[str]:
    loans = w.names_of(letter.accounts)
    if letter.arrears > 0:
        owed = w.n_("I owe you {owed} on {loans}, of which {arrears} is past due ({n} month).",
                    "I owe you {owed} on {loans}, of which {arrears} is past due ({n} months).",
                    letter.months_overdue, owed=w.amount(letter.owed), loans=loans, arrears=w.amount(letter.arrears))
    else:
        owed = w._("I owe you {owed} on {loans}.", owed=w.amount(letter.owed), loans=loans)
    return [owed, w._("My income has fallen and I owe several lenders at once, so for now I cannot keep to the "
                      "original terms. My situation in detail: {blank}", blank=BLANK)]


def _ask(w: Words, doc: ReportData, letter: LetterData) -> list[str]:
    payments = letter.payments
    first = next((p for p in payments if p.month > letter.month), payments[0] if payments else None)
    last = payments[-1] if payments else None
    if letter.purpose == "hardship" and letter.offer is not None:
        o = doc.offer(letter.offer)
        ask = w._("I ask for your {program}: {term} monthly installments", program=o.name, term=o.term_months)
        if o.grace_months:
            ask += w.n_(", with nothing due for the first {n} month", ", with nothing due for the first {n} months",
                        o.grace_months)
        if letter.waived:
            ask += w._(", and part of the penalty interest and late fees already charged waived (about {waived})",
                       waived=w.amount(letter.waived))
        out = [ask + w._(".")]
        if first is not None:
            out.append(w._("Under it I will pay {amount} in {month}, and then the amounts in the table below.",
                           amount=w.amount(first.amount), month=w.month_of(first.month)))
    elif letter.purpose == "settlement" and letter.offer is not None:
        o = doc.offer(letter.offer)
        out = [w.n_("I accept your offer {program}: {amount} in {n} payment from {month}, after which {loans} is "
                    "closed and the rest, {waived}, forgiven.",
                    "I accept your offer {program}: {amount} in {n} monthly parts from {month}, after which {loans} "
                    "is closed and the rest, {waived}, forgiven.", o.instalments or 1, program=o.name,
                    amount=w.amount(letter.amount), month=w.month_of(letter.month), loans=w.names_of(letter.accounts),
                    waived=w.amount(letter.waived or 0)),
               w._("Please confirm it in writing before the first payment, stop penalty interest and collection "
                   "while it is paid, and report the account as settled to the credit bureau once it is.")]
    elif letter.purpose == "application":
        o = doc.offer(letter.offer or "")
        out = [w._("I apply for {program}: {amount} in {month}, paid straight to {loans}.", program=o.name,
                   amount=w.amount(letter.amount), month=w.month_of(letter.month), loans=w.names_of(o.pays))]
        if first is not None:
            out.append(w._("I will repay it as in the table below, from {month}.", month=w.month_of(first.month)))
    else:
        out = [w._("I ask to agree a repayment plan with you: the past-due amount and the coming dues paid as in the "
                   "table below, and part of the penalty interest and late fees waived.")]
        if first is not None and last is not None:
            end = (w._("until it is repaid in {month}", month=w.month_of(last.month)) if letter.remaining == 0 else
                   w._("with {remaining} still owed in {month}", remaining=w.amount(letter.remaining),
                       month=w.month_of(last.month)))
            out.append(w._("I will pay {amount} in {month}, then the amounts below each month, {end}.",
                           amount=w.amount(payments[0].amount), month=w.month_of(payments[0].month), end=end))
    out.append(w._("This schedule comes from one plan for all my debts, which pays every lender from the same "
                   "monthly budget; I can keep to it."))
    if letter.purpose not in ("application", "settlement"):
        out.append(w._("Please approve it, and pause collection and penalty interest while it is being considered."))
    return out


def _title(w: Words, letter: LetterData) -> str:
    if letter.purpose == "hardship":
        return w._("Request for a hardship repayment plan")
    if letter.purpose == "application":
        return w._("Loan application")
    if letter.purpose == "settlement":
        return w._("Acceptance of a settlement")
    return w._("Request for a negotiated repayment plan")


def letter_block(w: Words, doc: ReportData, letter: LetterData) -> Letter:
    table = Table([w._("month"), w._("payment")],
                  [[w.month_of(p.month), w.amount(p.amount)] for p in letter.payments], [False, True])
    return Letter(
        title=_title(w, letter), to=w._("To: {lender}", lender=letter.lender), fields=_fields(w, doc, letter),
        paragraphs=[*_situation(w, doc, letter), *_ask(w, doc, letter)] if letter.purpose != "application"
        else _ask(w, doc, letter),
        table=table if letter.payments else None,
        closing=w._("Yours faithfully,").split("\n"),
        signature=[(w._("Signature"), BLANK), (w._("Name"), doc.borrower or BLANK),
                   (w._("Date"), w._("____ (day, month, year)"))],
        colon="：" if w.lang == "zh" else ": ",
    )


def letter_blocks(w: Words, doc: ReportData) -> list[Block]:
    if not doc.letters:
        return []
    return [Heading(2, w._("Letters to lenders"), "letters"), *[letter_block(w, doc, x) for x in doc.letters]]
