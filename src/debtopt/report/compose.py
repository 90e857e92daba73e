"""The report document as blocks in one language, in the order a borrower reads it.

1. what to do this month and the next (whom to pay, which offer to ask for or
   refuse, the one most useful extra); 2. the outcome against the usual habits;
3. the schedule (every account's column; the rows add up); 4. the details
(reasons per month, collapsed in HTML; offers; borrowing; value of money;
what-ifs; charts); 5. the letters.
"""

from __future__ import annotations

from decimal import Decimal

from ..analysis.document import Action, ComparisonRow, ReportData
from ..domain.choices import Objective
from .blocks import BarChart, Block, Bullets, Chart, Details, Grid, Heading, Legend, Paragraph, Table
from .charts import chart_legend
from .letters_text import letter_blocks
from .reason_text import month_lines
from .words import Words
from .details_text import borrowing_blocks, offer_blocks, value_blocks, what_if_blocks


def _proved(doc: ReportData) -> bool:
    return doc.method == "optimal" and doc.solver_status == "optimal"


def action_line(w: Words, doc: ReportData, a: Action) -> str:
    month = w.month_of(a.month)
    v = a.values
    if a.kind == "pay":
        values = {"lender": a.lender, "loan": w.name(a.account or ""), "amount": w.amount(a.amount), "month": month}
        if a.lender == values["loan"]:  # an offer's new loan: its name is its lender's
            if a.amount is not None and a.amount > v["due"]:  # type: ignore[operator]
                return w._("Pay {amount} to {loan} by its due date in {month} ({due} is due; the rest pays it down "
                           "sooner).", due=w.amount(v["due"]), **values)
            return w._("Pay {amount} to {loan} by its due date in {month}.", **values)
        if a.amount is not None and a.amount > v["due"]:  # type: ignore[operator]
            return w._("Pay {lender} {amount} for {loan} by its due date in {month} ({due} is due; the rest pays "
                       "it down sooner).", due=w.amount(v["due"]), **values)
        return w._("Pay {lender} {amount} for {loan} by its due date in {month}.", **values)
    if a.kind == "ask_hardship":
        return _ask_hardship(w, doc, a, month)
    if a.kind == "settle":
        return _settle(w, doc, a, month)
    offer = doc.offer(a.offer or "")
    if a.kind == "take_loan":
        first = ""
        if "first_month" in v:
            first = w._(" Repay {installment} from {first_month}.", installment=w.amount(v["installment"]),
                        first_month=w.month_of(int(v["first_month"])))  # type: ignore[arg-type]
        return w._("Borrow {amount} from {offer} in {month}.", amount=w.amount(a.amount), offer=offer.name,
                   month=month) + first
    if a.kind == "consolidate":
        return w._("In {month}, take {amount} from {offer} (all-in {rate} a year); its money pays {loans}.",
                   month=month, amount=w.amount(a.amount), offer=offer.name,
                   rate=w.rate(offer.annual_rate or 0), loans=w.names_of(list(v.get("pays", []))))  # type: ignore[arg-type]
    if a.kind == "sell":
        return w._("Sell {offer} in {month} for {amount}.", offer=offer.name, month=month, amount=w.amount(a.amount))
    if a.kind == "keep":
        return w._("Keep {offer}: selling it does not help this plan.", offer=offer.name)
    line = w.legal_line(offer.crosses)  # refuse
    if offer.annual_rate is not None:
        return w.sentences([w._("Refuse {offer}: it costs {rate} a year all in, and the plan does better without it.",
                                offer=offer.name, rate=w.rate(offer.annual_rate)), line])
    return w._("Refuse {offer}: the plan does better without it.", offer=offer.name)


def _ask_hardship(w: Words, doc: ReportData, a: Action, month: str) -> str:
    offer = doc.offer(a.offer or "")
    account = doc.account(a.account or "")
    values = {"lender": a.lender, "offer": offer.name, "loan": account.name, "month": month}
    if account.arrears > 0:
        text = w._("Call {lender} in {month} and ask for {offer}: the {arrears} past due on {loan} is rescheduled "
                   "and the account is current again, so it does not go to legal collection.",
                   arrears=w.amount(account.arrears), **values)
    else:
        text = w._("Call {lender} in {month} and ask for {offer} on {loan}.", **values)
    if offer.waived:
        text += w._(" {waived} of penalty interest and fees is waived.", waived=w.amount(offer.waived))
    if "first_month" in a.values:
        text += w._(" Then pay {installment} a month from {first_month}.", installment=w.amount(a.values["installment"]),
                    first_month=w.month_of(int(a.values["first_month"])))  # type: ignore[arg-type]
    return text


def _settle(w: Words, doc: ReportData, a: Action, month: str) -> str:
    offer = doc.offer(a.offer or "")
    account = doc.account(a.account or "")
    values = {"lender": a.lender, "offer": offer.name, "loan": account.name, "month": month,
              "amount": w.amount(a.amount), "waived": w.amount(a.values.get("waived", 0))}
    parts = int(a.values.get("parts", 1))  # type: ignore[arg-type]
    if parts > 1:
        text = w._("Call {lender} in {month} and accept {offer}: {loan} is closed for {amount}, paid in {parts} monthly "
                   "parts of about {part}, and {waived} is forgiven. Pay every part in full and on time: a part "
                   "missed ends the settlement.", parts=parts, part=w.amount(a.values.get("part", 0)), **values)
    else:
        text = w._("Call {lender} in {month} and accept {offer}: pay {amount} that month, {loan} is closed, and "
                   "{waived} is forgiven.", **values)
    tax = a.values.get("tax", 0)
    if tax:
        text += w._(" Keep {tax} for the tax on the amount forgiven, due that month.", tax=w.amount(tax))
    return text + w._(" Ask for the settlement and the account's closing in writing.")


def collection_lines(w: Words, doc: ReportData) -> list[str]:
    """What being in collection means for the accounts already there, and what to ask their lenders for."""
    collected = [a for a in doc.accounts if a.in_collection]
    if not collected:
        return []
    names = w.join([a.name for a in collected])
    return [w.n_(
        "{loans} is already in collection: the lender may hand it to a collection agency or to court, and the "
        "late payment stays on your credit report. The plan still pays it in order, since every month past due "
        "adds penalty interest and fees.",
        "{loans} are already in collection: the lenders may hand them to a collection agency or to court, and the "
        "late payments stay on your credit report. The plan still pays them in order, since every month past due "
        "adds penalty interest and fees.", len(collected), loans=names),
        w._("Ask the lender's collections or hardship desk for a settlement for less than is owed, or a repayment "
            "plan with the penalty interest stopped, and get any agreement in writing before you pay.")]


def _extra_line(w: Words, doc: ReportData) -> str:
    e = doc.actions.extra
    if e.kind == "avoid_escalation" and e.amount is not None and e.month is not None:
        text = w.n_("The one extra that helps most: {amount} more in {month} (from family or friends, say) keeps "
                    "{n} more account out of legal collection.",
                    "The one extra that helps most: {amount} more in {month} (from family or friends, say) keeps "
                    "{n} more accounts out of legal collection.", e.escalations_avoided,
                    amount=w.amount(e.amount), month=w.month_of(e.month))
        if "0.24" in e.borrow_cost:
            text += w._(" Borrowed at 24 % a year over 12 months it would cost {cost} in interest.",
                        cost=w.amount(e.borrow_cost["0.24"]))
        return text
    if e.kind == "value" and e.month is not None:
        return w._("The one extra that helps most: {amount} more in {month} would save {saves}.",
                   amount=w.amount(e.amount), month=w.month_of(e.month), saves=w.amount(e.saves))
    return ""


def actions_blocks(w: Words, doc: ReportData) -> list[Block]:
    acts = doc.actions
    blocks: list[Block] = [Heading(2, w._("What to do now"), "actions")]
    blocks.append(Bullets([action_line(w, doc, a) for a in acts.this_month],
                          w._("This month ({month})", month=w.month_of(1))))
    if acts.next_month:
        blocks.append(Bullets([action_line(w, doc, a) for a in acts.next_month],
                              w._("Next month ({month})", month=w.month_of(2))))
    if acts.later:
        blocks.append(Bullets([action_line(w, doc, a) for a in acts.later], w._("Later")))
    if acts.refuse:
        blocks.append(Bullets([action_line(w, doc, a) for a in acts.refuse], w._("Say no to")))
    if extra := _extra_line(w, doc):
        blocks.append(Paragraph(extra, emphasis=True))
    if collection := collection_lines(w, doc):
        blocks.append(Paragraph(w.sentences(collection)))
    return blocks


def outcome_lines(w: Words, doc: ReportData) -> list[str]:
    t = doc.plan.totals
    end = w.month_of(len(doc.plan.months)) if doc.plan.months else ""
    out = []
    if t.payoff_month is not None:
        out.append(w._("Every debt is paid off by {month}.", month=w.month_of(t.payoff_month)))
    else:
        out.append(w._("{remaining} is still owed at the end of the plan ({month}).",
                       remaining=w.amount(t.remaining_balance), month=end))
        if doc.extra_monthly_to_clear:
            out.append(w._("{extra} more a month would clear it within the plan.",
                           extra=w.amount(doc.extra_monthly_to_clear)))
    if t.escalations == 0:
        out.append(w._("No account goes to legal collection."))
    else:
        items = [w._("{loan} (already in collection)", loan=w.name(e.id)) if e.in_collection else
                 w._("{loan} in {month}", loan=w.name(e.id), month=w.month_of(e.month)) for e in doc.plan.escalated]
        out.append(w._("Accounts that go to legal collection: {items}.", items=w.join(items)))
    out.append(w.n_("{n} account-month past due.", "{n} account-months past due.", t.overdue_months))
    out.append(w._("Interest, penalty interest and fees: {cost} (interest {interest}, penalty interest {penalty}, "
                   "late fees {fees}).", cost=w.amount(t.cost), interest=w.amount(t.interest),
                   penalty=w.amount(t.penalty_interest), fees=w.amount(t.fees)))
    if t.offer_fees:
        out.append(w._("The cost includes {fees} of fees of the loans taken.", fees=w.amount(t.offer_fees)))
    if t.keep_value:
        out.append(w._("The cost includes {keep}, what the belongings sold were worth to you.",
                       keep=w.amount(t.keep_value)))
    if doc.savings_to_horizon:
        out.append(w._("Net cost {net}: the cost less {savings} of interest your savings earn to {month}.",
                       net=w.amount(t.net_cost), savings=w.amount(doc.savings_to_horizon),
                       month=w.month_of(doc.horizon_months)))
    settled = sum((d.waived for d in doc.plan.decisions if d.kind == "settlement"), Decimal(0))
    if t.waived - settled:
        out.append(w._("{waived} of penalty interest and fees is waived by the hardship plan.",
                       waived=w.amount(t.waived - settled)))
    if settled:
        out.append(w._("{waived} is forgiven by the settlement.", waived=w.amount(settled)))
    if t.forgiven_tax:
        out.append(w._("The cost includes {tax} of tax on the amount forgiven.", tax=w.amount(t.forgiven_tax)))
    return out


def outcome_blocks(w: Words, doc: ReportData) -> list[Block]:
    blocks: list[Block] = [Heading(2, w._("The outcome"), "outcome"), Bullets(outcome_lines(w, doc))]
    habits = [r for r in doc.comparison if r.strategy not in ("optimal", doc.plan.strategy)]
    if not doc.comparison:
        return blocks
    if habits:
        blocks.append(Paragraph(_against(w, habits[0])))
    headers = [w._("plan"), w._("legal collection"), w._("months past due"), w._("cost"), w._("penalty interest"),
               w._("paid off"), w._("still owed")]
    rows, marks = [], []
    for r in doc.comparison:
        t = r.totals
        rows.append([w.strategy(r.strategy), str(t.escalations), str(t.overdue_months), w.amount(t.cost),
                     w.amount(t.penalty_interest), w.month_of(t.payoff_month) if t.payoff_month else w._("not paid off"),
                     w.amount(t.remaining_balance)])
        marks.append(["best" if r.strategy == doc.plan.strategy else ""] * len(headers))
    blocks.append(Table(headers, rows, [False] + [True] * 6, marks, _comparison_caption(w, doc)))
    return blocks


def _comparison_caption(w: Words, doc: ReportData) -> str:
    """The order the rows are in: the objective the plan was optimized for (analysis/report_data.comparison)."""
    solver = doc.plan.solver
    objective = solver.objective if solver is not None else Objective.LEXICOGRAPHIC
    if objective == Objective.WEIGHTED and solver is not None:
        return w._("Each row is a whole plan replayed by the ledger, best first by money, as this plan was "
                   "optimized: least still owed, then net cost with {price} for each account-month past due.",
                   price=w.money(solver.overdue_price or Decimal(0)))
    if objective in (Objective.COST, Objective.WEIGHTED):
        return w._("Each row is a whole plan replayed by the ledger, best first by money, as this plan was "
                   "optimized: least still owed, then net cost.")
    return w._("Each row is a whole plan replayed by the ledger, best first: fewest accounts in legal "
               "collection, then fewest months past due, then least still owed, then net cost.")


def _against(w: Words, best: ComparisonRow) -> str:
    """This plan against the best of the usual habits, saying only what differs."""
    parts = []
    if best.escalations > 0:
        parts.append(w.n_("{n} account fewer in legal collection", "{n} accounts fewer in legal collection",
                          best.escalations))
    if best.overdue_months > 0:
        parts.append(w.n_("{n} account-month fewer past due", "{n} account-months fewer past due",
                          best.overdue_months))
    if best.cost > 0:
        parts.append(w._("{cost} less in interest, penalty interest and fees", cost=w.amount(best.cost)))
    elif best.cost < 0:
        parts.append(w._("{cost} more in interest and fees, the price of the above", cost=w.amount(-best.cost)))
    strategy = w.strategy(best.strategy)
    if not parts:
        return w._("The best of the usual habits, {strategy}, does as well as this plan.", strategy=strategy)
    return w._("Against the best of the usual habits, {strategy}, this plan has {what}.", strategy=strategy,
               what=w.clauses(parts))


def schedule_blocks(w: Words, doc: ReportData) -> list[Block]:
    ids = [a.id for a in doc.accounts]
    proceeds = any(r.proceeds for r in doc.table)
    headers = [w._("month"), w._("cash")] + ([w._("from new loans")] if proceeds else [])
    headers += [w.name(i) for i in ids] + [w._("kept")]
    rows, marks = [], []
    for r in doc.table:
        cells = [w.month_of(r.month), w.amount(r.cash)] + ([w.amount(r.proceeds)] if proceeds else [])
        cell_marks = [""] * len(cells)
        for i in ids:
            p = r.payments.get(i)
            cells.append("" if p is None else w.amount(p))
            cell_marks.append("overdue" if i in r.overdue else "closed" if i in r.closed else "")
        rows.append([*cells, w.amount(r.saved)])
        marks.append([*cell_marks, ""])
    legend = [("overdue", w._("past due after the month's payment")), ("closed", w._("account closed this month"))]
    blocks: list[Block] = [Heading(2, w._("The plan, month by month"), "schedule"),
                           Paragraph(w._("Each row adds up: cash (budget, savings, loans and sales) plus money a new "
                                         "loan pays straight to the accounts equals the payments plus what is kept.")),
                           Table(headers, rows, [False] + [True] * (len(headers) - 1), marks), Legend(legend)]
    headers = [w._("account"), w._("lender"), w._("account number"), w._("paid"), w._("interest"),
               w._("penalty interest"), w._("late fees"), w._("months past due"), w._("closed")]
    rows = [[a.name, a.lender, a.account_number or "", w.amount(a.paid), w.amount(a.interest),
             w.amount(a.penalty_interest), w.amount(a.fees), str(a.overdue_months),
             w.month_of(a.closed_month) if a.closed_month else w._("not paid off")] for a in doc.accounts]
    blocks += [Heading(3, w._("Accounts")), Table(headers, rows, [False, False, False] + [True] * 6)]
    return blocks


def reasons_blocks(w: Words, doc: ReportData) -> list[Block]:
    proved = _proved(doc)
    blocks: list[Block] = [Heading(2, w._("Why each payment"), "reasons")]
    for month in doc.explanations:
        blocks.append(Details(w.month_of(month.month), month_lines(w, month, proved)))
    return blocks


def method_blocks(w: Words, doc: ReportData) -> list[Block]:
    if doc.method == "optimal":
        text = (w._("This plan is the optimizer's, proved the best with this cash: fewest accounts in legal "
                    "collection, then fewest months past due, then the least still owed and net cost.")
                if _proved(doc) else
                w._("Stopped by the time limit: this plan may differ on another machine; it is not proved the best.")
                if doc.solver_status == "time_limit" else
                w._("This plan is the best the optimizer found within its work limit; it is not proved the best."))
    else:
        text = w._("This plan follows one rule, {strategy}; the optimizer was not used.",
                   strategy=w.strategy(doc.plan.strategy))
    return [Paragraph(text)] + [Paragraph(note) for note in doc.notes]


COST_COLOURS = ("#4c72b0", "#dd8452", "#c44e52")


def _cost_chart(w: Words, doc: ReportData) -> BarChart:
    widest = max((float(r.totals.cost) for r in doc.comparison), default=0.0) or 1.0
    rows = []
    for r in doc.comparison:
        t = r.totals
        parts = (t.interest, t.penalty_interest, t.fees)
        rows.append((w.strategy(r.strategy), [(c, round(100 * float(v) / widest, 2)) for c, v in
                                              zip(COST_COLOURS, parts, strict=True)], w.amount(t.cost)))
    legend = list(zip(COST_COLOURS, [w._("interest"), w._("penalty interest"), w._("late fees")], strict=True))
    # the bars show interest, penalty interest and late fees; the total beside each is the whole cost
    return BarChart("cost", w._("Cost of each plan: interest, penalty interest and late fees"), rows, legend)


def _overdue_grid(w: Words, doc: ReportData) -> Grid:
    rows = []
    for a in doc.accounts:
        states = []
        for r in doc.table:
            states.append("" if r.payments.get(a.id) is None else "overdue" if a.id in r.overdue else "current")
        rows.append((a.name, states))
    columns = [w.month_of(r.month) for r in doc.table]
    legend = [("current", w._("current")), ("overdue", w._("past due after the month's payment")),
              ("", w._("not open"))]
    return Grid("overdue", w._("Months past due, account by month"), columns, rows, legend)


def chart_blocks(w: Words, doc: ReportData) -> list[Block]:
    legend = chart_legend(doc, w.names)
    blocks: list[Block] = [Heading(2, w._("Charts"), "charts"),
                           Chart("balances", w._("What each account owes at the end of each month"), legend),
                           Chart("payments", w._("What is paid to each account each month"), legend)]
    if doc.comparison:
        blocks.append(_cost_chart(w, doc))
    blocks.append(_overdue_grid(w, doc))
    return blocks


def compose(doc: ReportData, lang: str | None = None, charts: bool = True) -> list[Block]:
    w = Words(doc, lang)
    title = w._("Your debt plan") if not doc.borrower else w._("Debt plan for {name}", name=doc.borrower)
    subtitle = w.n_("{n} account, {owed} owed; plan from {month}.", "{n} accounts, {owed} owed; plan from {month}.",
                    len([a for a in doc.accounts if a.offer_kind is None]), owed=w.amount(doc.owed),
                    month=w.month_of(1))
    blocks: list[Block] = [Heading(1, title), Paragraph(subtitle)]
    blocks += actions_blocks(w, doc)
    blocks += outcome_blocks(w, doc)
    blocks += schedule_blocks(w, doc)
    blocks += reasons_blocks(w, doc)
    blocks += offer_blocks(w, doc) + borrowing_blocks(w, doc) + value_blocks(w, doc) + what_if_blocks(w, doc)
    blocks += [Heading(2, w._("How this plan was found"), "method"), *method_blocks(w, doc)]
    if charts:
        blocks += chart_blocks(w, doc)
    blocks += letter_blocks(w, doc)
    return blocks
