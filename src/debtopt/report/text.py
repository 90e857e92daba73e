"""Plans and comparisons as tables a borrower can read in a terminal."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..domain.money import to_cents, format_money
from ..domain.plan import Plan
from .tabular import optimum_against_heuristics
from ..domain.scenario import Scenario

WIDTH = 120


def _console(buffer: io.StringIO, color: bool) -> Console:
    # A fixed width and no colour unless asked: the same input gives the same bytes.
    # markup off: loan names come from the scenario and must show as written.
    return Console(file=buffer, width=WIDTH, color_system="standard" if color else None,
                   force_terminal=color, highlight=False, emoji=False, soft_wrap=False, markup=False)


def _tidy(text: str) -> str:
    """No trailing blanks: tables pad their cells, files should not carry it."""
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _money(amount: Decimal, currency: str) -> str:
    return format_money(to_cents(amount), currency)


def _verdict(plan: Plan, currency: str) -> str:
    t = plan.totals
    if t.payoff_month is not None:
        end = f"every loan is paid off in month {t.payoff_month} ({plan.months[-1].date})"
    else:
        end = f"{_money(t.remaining_balance, currency)} is still owed at the end of the plan"
    esc = "no account escalates" if t.escalations == 0 else (
        f"{t.escalations} account{' escalates' if t.escalations == 1 else 's escalate'} "
        f"({', '.join(f'{e.id} in {e.date}' for e in plan.escalated)})"
    )
    return (f"{end}; {esc}; {t.overdue_months} loan-month{'s' if t.overdue_months != 1 else ''} overdue; "
            f"interest, penalty interest and fees cost {_money(t.cost, currency)}.")


def plan_to_text(plan: Plan, scenario: Scenario, color: bool = False) -> str:
    buffer = io.StringIO()
    console = _console(buffer, color)
    cur = plan.currency
    console.print(Text(f"Plan: {plan.strategy}", style="bold"))
    console.print(_verdict(plan, cur))
    for note in plan.notes:
        console.print(f"Note: {note}")
    console.print()
    names = {loan.id: loan.display_name for loan in scenario.loans}
    names.update({offer.id: offer.name or offer.id for offer in scenario.offers})
    seen = {row.id for month in plan.months for row in month.loans}
    accounts = [loan.id for loan in scenario.loans] + [o.id for o in scenario.offers if o.id in seen]
    table = Table(box=box.SIMPLE_HEAD, title="Payments by month (! = overdue after the month's payment)",
                  title_justify="left", pad_edge=False)
    table.add_column("month")
    table.add_column("cash", justify="right")
    for account in accounts:
        table.add_column(account, justify="right")
    table.add_column("saved", justify="right")
    for month in plan.months:
        by_id = {row.id: row for row in month.loans}
        cells = []
        for account in accounts:
            row = by_id.get(account)
            if row is None:
                cells.append("")
            else:
                mark = "!" if row.overdue else (" ✓" if row.closed else "")
                cells.append(f"{_money(row.payment, cur)}{mark}")
        table.add_row(month.date, _money(month.cash_available, cur), *cells, _money(month.saved, cur))
    console.print(table)
    legend = Table(box=box.SIMPLE_HEAD, title="Loans", title_justify="left", pad_edge=False)
    for col in ("id", "name", "paid", "interest", "penalty", "fees", "overdue months", "closed in"):
        legend.add_column(col, justify="left" if col in ("id", "name") else "right")
    for account in accounts:
        rows = [r for m in plan.months for r in m.loans if r.id == account]
        closed = next((m.date for m in plan.months for r in m.loans if r.id == account and r.closed), "-")
        legend.add_row(
            account, names[account],
            _money(sum((r.payment for r in rows), Decimal(0)), cur),
            _money(sum((r.interest for r in rows), Decimal(0)), cur),
            _money(sum((r.penalty_interest for r in rows), Decimal(0)), cur),
            _money(sum((r.fees for r in rows), Decimal(0)), cur),
            str(sum(r.overdue for r in rows)), closed,
        )
    console.print(legend)
    if plan.decisions:
        taken = Table(box=box.SIMPLE_HEAD, title="Offers taken", title_justify="left", pad_edge=False)
        for col in ("offer", "kind", "month", "amount", "received", "fees", "waived", "lost"):
            taken.add_column(col, justify="left" if col in ("offer", "kind") else "right")
        for d in plan.decisions:
            taken.add_row(d.offer, d.kind, d.date, "" if d.amount is None else _money(d.amount, cur),
                          _money(d.received, cur), _money(d.fees, cur), _money(d.waived, cur), _money(d.unused, cur))
        console.print(taken)
    t = plan.totals
    console.print(
        f"Totals: paid {_money(t.paid, cur)}, interest {_money(t.interest, cur)}, "
        f"penalty interest {_money(t.penalty_interest, cur)}, fees {_money(t.fees, cur)}, "
        + (f"offer fees {_money(t.offer_fees, cur)}, " if t.offer_fees else "")
        + (f"waived {_money(t.waived, cur)}, " if t.waived else "")
        + (f"value of assets sold {_money(t.keep_value, cur)}, " if t.keep_value else "")
        + f"cost {_money(t.cost, cur)}, savings interest {_money(t.savings_interest, cur)}, "
        f"left in savings {_money(t.final_savings, cur)}."
    )
    return _tidy(buffer.getvalue())


def comparison_to_text(scenario: Scenario, plans: Mapping[str, Plan], best: str, color: bool = False) -> str:
    buffer = io.StringIO()
    console = _console(buffer, color)
    cur = scenario.currency
    table = Table(box=box.SIMPLE_HEAD, title="Strategies compared, best first (escalations, then overdue months, "
                  "then what is still owed, then net cost)", title_justify="left", pad_edge=False)
    for col in ("strategy", "escalations", "overdue months", "cost", "penalty", "fees",
                "payoff", "still owed"):
        table.add_column(col, justify="left" if col == "strategy" else "right", no_wrap=True)
    ranked = sorted(plans.items(), key=lambda kv: kv[1].rank_key())
    for name, plan in ranked:
        t = plan.totals
        payoff = plan.months[-1].date if t.payoff_month is not None else "not paid off"
        label = f"{name} *" if name == best else name
        table.add_row(label, str(t.escalations), str(t.overdue_months), _money(t.cost, cur),
                      _money(t.penalty_interest, cur), _money(t.fees, cur), payoff,
                      _money(t.remaining_balance, cur))
    console.print(table)
    console.print(f"* best: {best}. {_verdict(plans[best], cur)}")
    saves = optimum_against_heuristics(plans)
    if saves:
        console.print(_saves_sentence(saves, cur))
    custom = optimum_against_heuristics(plans, "custom")
    if custom and saves and saves["against"] != "custom":
        console.print(_saves_sentence(custom, cur))
    return _tidy(buffer.getvalue())


def _saves_sentence(saves: dict[str, object], currency: str) -> str:
    def count(key: str, noun: str) -> str:
        n = int(saves[key])  # type: ignore[call-overload]
        word = "fewer" if n >= 0 else "more"
        return f"{abs(n)} {word} {noun}{'' if abs(n) == 1 else 's'}"

    def money(key: str, noun: str) -> str:
        cents = to_cents(Decimal(str(saves[key])))
        return f"{format_money(abs(cents), currency)} {'less' if cents >= 0 else 'more'} {noun}"

    against = "your plan (custom)" if saves["against"] == "custom" else f"the best heuristic ({saves['against']})"
    return (f"Against {against}, the optimal plan has "
            f"{count('escalations', 'escalation')}, {count('overdue_months', 'overdue loan-month')}, "
            f"{money('remaining_balance', 'still owed at the end')}, {money('cost', 'in cost')} "
            f"({money('penalty_interest', 'penalty interest')}, {money('fees', 'late fees')}).")
