"""Plans and comparisons as tables a borrower can read in a terminal (`simulate`, `optimize`, `compare`).

In the language asked (`lang`, "en" or "zh"; the edges pass the scenario's
language by default). Given the plan's report document (`doc`, from
`analysis.report_data.build_report_data(..., sections=())`), the text opens
with what to do this month and the next, before the tables.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.document import ReportData
from ..domain.choices import Objective
from ..domain.plan import Plan
from ..domain.ranking import rank_by
from ..domain.scenario import Scenario
from ..i18n import N_, Formatter, Nn_
from .tabular import optimum_against_heuristics

WIDTH = 120


def _console(buffer: io.StringIO, color: bool) -> Console:
    # A fixed width and no colour unless asked: the same input gives the same bytes.
    # markup off: loan names come from the scenario and must show as written.
    return Console(file=buffer, width=WIDTH, color_system="standard" if color else None,
                   force_terminal=color, highlight=False, emoji=False, soft_wrap=False, markup=False)


def _tidy(text: str) -> str:
    """No trailing blanks: tables pad their cells, files should not carry it."""
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _strategy(f: Formatter, name: str) -> str:
    return {"optimal": f._("optimal"), "custom": f._("custom")}.get(name, name)


def _verdict(f: Formatter, plan: Plan, names: Mapping[str, str]) -> str:
    t = plan.totals
    if t.payoff_month is not None:
        end = f._("every loan is paid off in month {month} ({date})", month=t.payoff_month, date=plan.months[-1].date)
    else:
        end = f._("{amount} is still owed at the end of the plan", amount=f.money(t.remaining_balance))
    if t.escalations == 0:
        esc = f._("no account escalates")
    else:
        where = f.join([f._("{loan} in {date}", loan=names.get(e.id, e.id), date=e.date) for e in plan.escalated])
        esc = f.n_("{n} account escalates ({where})", "{n} accounts escalate ({where})", t.escalations, where=where)
    overdue = f.n_("{n} loan-month overdue", "{n} loan-months overdue", t.overdue_months)
    return f._("{end}; {esc}; {overdue}; interest, penalty interest and fees cost {cost}.", end=end, esc=esc,
               overdue=overdue, cost=f.money(t.cost))


def _actions(console: Console, doc: ReportData, lang: str) -> None:
    from .compose import action_line
    from .words import Words

    w = Words(doc, lang)
    console.print(Text(w._("What to do now"), style="bold"))
    for title, actions in ((w._("This month ({month})", month=w.month_of(1)), doc.actions.this_month),
                           (w._("Next month ({month})", month=w.month_of(2)), doc.actions.next_month),
                           (w._("Say no to"), doc.actions.refuse)):
        if actions:
            console.print(Text(title))
            for a in actions:
                console.print(Text(f"  • {action_line(w, doc, a)}"))
    console.print()


def _names(scenario: Scenario) -> dict[str, str]:
    names = {loan.id: loan.display_name for loan in scenario.loans}
    names.update({offer.id: offer.name or offer.id for offer in scenario.offers})
    return names


def _payments_table(f: Formatter, plan: Plan, names: Mapping[str, str], accounts: list[str]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=f._("Payments by month (! = overdue after the month's payment)"),
                  title_justify="left", pad_edge=False)
    table.add_column(f._("month"))
    table.add_column(f._("cash"), justify="right")
    for account in accounts:
        table.add_column(names.get(account, account), justify="right")
    table.add_column(f._("saved"), justify="right")
    for month in plan.months:
        by_id = {row.id: row for row in month.loans}
        cells = []
        for account in accounts:
            row = by_id.get(account)
            if row is None:
                cells.append("")
            else:
                mark = "!" if row.overdue else (" ✓" if row.closed else "")
                cells.append(f"{f.money(row.payment)}{mark}")
        table.add_row(month.date, f.money(month.cash_available), *cells, f.money(month.saved))
    return table


def _loans_table(f: Formatter, plan: Plan, names: Mapping[str, str], accounts: list[str]) -> Table:
    legend = Table(box=box.SIMPLE_HEAD, title=f._("Loans"), title_justify="left", pad_edge=False)
    for col in (f._("id"), f._("name"), f._("paid"), f._("interest"), f._("penalty"), f._("fees"),
                f._("overdue months"), f._("closed in")):
        legend.add_column(col, justify="left" if col in (f._("id"), f._("name")) else "right")
    for account in accounts:
        rows = [r for m in plan.months for r in m.loans if r.id == account]
        closed = next((m.date for m in plan.months for r in m.loans if r.id == account and r.closed), "-")
        legend.add_row(
            account, names[account],
            f.money(sum((r.payment for r in rows), Decimal(0))),
            f.money(sum((r.interest for r in rows), Decimal(0))),
            f.money(sum((r.penalty_interest for r in rows), Decimal(0))),
            f.money(sum((r.fees for r in rows), Decimal(0))),
            str(sum(r.overdue for r in rows)), closed,
        )
    return legend


def _taken_table(f: Formatter, plan: Plan, names: Mapping[str, str]) -> Table:
    taken = Table(box=box.SIMPLE_HEAD, title=f._("Offers taken"), title_justify="left", pad_edge=False)
    for col, left in ((f._("offer"), True), (f._("kind"), True), (f._("month"), False), (f._("amount"), False),
                      (f._("received"), False), (f._("fees"), False), (f._("waived"), False), (f._("lost"), False)):
        taken.add_column(col, justify="left" if left else "right")
    for d in plan.decisions:
        taken.add_row(names.get(d.offer, d.offer), d.kind, d.date, "" if d.amount is None else f.money(d.amount),
                      f.money(d.received), f.money(d.fees), f.money(d.waived), f.money(d.unused))
    return taken


def _totals(f: Formatter, plan: Plan) -> str:
    t = plan.totals
    parts = [f._("paid {amount}", amount=f.money(t.paid)), f._("interest {amount}", amount=f.money(t.interest)),
             f._("penalty interest {amount}", amount=f.money(t.penalty_interest)),
             f._("fees {amount}", amount=f.money(t.fees))]
    if t.offer_fees:
        parts.append(f._("offer fees {amount}", amount=f.money(t.offer_fees)))
    if t.waived:
        parts.append(f._("waived {amount}", amount=f.money(t.waived)))
    if t.keep_value:
        parts.append(f._("value of assets sold {amount}", amount=f.money(t.keep_value)))
    parts += [f._("cost {amount}", amount=f.money(t.cost)),
              f._("savings interest {amount}", amount=f.money(t.savings_interest)),
              f._("left in savings {amount}", amount=f.money(t.final_savings))]
    return f._("Totals: {parts}.", parts=("，" if f.lang == "zh" else ", ").join(parts))


def plan_to_text(plan: Plan, scenario: Scenario, color: bool = False, lang: str = "en",
                 doc: ReportData | None = None) -> str:
    f = Formatter(lang, plan.currency)
    buffer = io.StringIO()
    console = _console(buffer, color)
    if doc is not None:
        _actions(console, doc, lang)
    console.print(Text(f._("Plan: {strategy}", strategy=_strategy(f, plan.strategy)), style="bold"))
    names = _names(scenario)
    console.print(_verdict(f, plan, names))
    for note in plan.notes:
        console.print(f._("Note: {note}", note=note))
    console.print()
    seen = {row.id for month in plan.months for row in month.loans}
    accounts = [loan.id for loan in scenario.loans] + [o.id for o in scenario.offers if o.id in seen]
    console.print(_payments_table(f, plan, names, accounts))
    console.print(_loans_table(f, plan, names, accounts))
    if plan.decisions:
        console.print(_taken_table(f, plan, names))
    console.print(_totals(f, plan))
    return _tidy(buffer.getvalue())


def comparison_to_text(scenario: Scenario, plans: Mapping[str, Plan], best: str, color: bool = False,
                       lang: str = "en", objective: Objective | str = Objective.LEXICOGRAPHIC,
                       overdue_price: Decimal | None = None) -> str:
    """The plans side by side, best first in the order of `objective` (domain/ranking.py)."""
    f = Formatter(lang, scenario.currency)
    buffer = io.StringIO()
    console = _console(buffer, color)
    rank = rank_by(objective, overdue_price)
    table = Table(box=box.SIMPLE_HEAD, title=_comparison_title(f, Objective(objective), overdue_price),
                  title_justify="left", pad_edge=False)
    for col in (f._("strategy"), f._("escalations"), f._("overdue months"), f._("cost"), f._("penalty"), f._("fees"),
                f._("payoff"), f._("still owed")):
        table.add_column(col, justify="left" if col == f._("strategy") else "right", no_wrap=True)
    ranked = sorted(plans.items(), key=lambda kv: rank(kv[1]))
    for name, plan in ranked:
        t = plan.totals
        payoff = plan.months[-1].date if t.payoff_month is not None else f._("not paid off")
        label = f"{name} *" if name == best else name
        table.add_row(label, str(t.escalations), str(t.overdue_months), f.money(t.cost),
                      f.money(t.penalty_interest), f.money(t.fees), payoff, f.money(t.remaining_balance))
    console.print(table)
    console.print(f._("* best: {best}. {verdict}", best=best, verdict=_verdict(f, plans[best], _names(scenario))))
    saves = optimum_against_heuristics(plans, rank=rank)
    if saves:
        console.print(_saves_sentence(f, saves))
    custom = optimum_against_heuristics(plans, "custom")
    if custom and saves and saves["against"] != "custom":
        console.print(_saves_sentence(f, custom))
    return _tidy(buffer.getvalue())


def _comparison_title(f: Formatter, objective: Objective, overdue_price: Decimal | None) -> str:
    if objective == Objective.COST:
        return f._("Strategies compared, best first by money (what is still owed, then net cost)")
    if objective == Objective.WEIGHTED:
        return f._("Strategies compared, best first by money (what is still owed, then net cost with {price} per "
                   "overdue loan-month)", price=f.money(overdue_price or Decimal(0)))
    return f._("Strategies compared, best first (escalations, then overdue months, then what is still owed, then "
               "net cost)")


def _saves_sentence(f: Formatter, saves: dict[str, object]) -> str:
    def count(key: str, fewer: tuple[str, str], more: tuple[str, str]) -> str:
        n = int(saves[key])  # type: ignore[call-overload]
        singular, plural = fewer if n >= 0 else more
        return f.n_(singular, plural, abs(n))

    def money(key: str, less: str, more: str) -> str:
        amount = Decimal(str(saves[key]))
        return f._(less if amount >= 0 else more, amount=f.money(abs(amount)))

    against = (f._("your plan (custom)") if saves["against"] == "custom" else
               f._("the best heuristic ({name})", name=saves["against"]))
    escalations = count("escalations", Nn_("{n} fewer escalation", "{n} fewer escalations"),
                        Nn_("{n} more escalation", "{n} more escalations"))
    overdue = count("overdue_months", Nn_("{n} fewer overdue loan-month", "{n} fewer overdue loan-months"),
                    Nn_("{n} more overdue loan-month", "{n} more overdue loan-months"))
    owed = money("remaining_balance", N_("{amount} less still owed at the end"),
                 N_("{amount} more still owed at the end"))
    cost = money("cost", N_("{amount} less in cost"), N_("{amount} more in cost"))
    penalty = money("penalty_interest", N_("{amount} less penalty interest"), N_("{amount} more penalty interest"))
    fees = money("fees", N_("{amount} less late fees"), N_("{amount} more late fees"))
    return f._("Against {against}, the optimal plan has {escalations}, {overdue}, {owed}, {cost} ({penalty}, {fees}).",
               against=against, escalations=escalations, overdue=overdue, owed=owed, cost=cost, penalty=penalty,
               fees=fees)
