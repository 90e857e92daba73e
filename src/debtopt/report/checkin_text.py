"""A check-in in the borrower's words (`debtopt checkin`): what the statements corrected, what happened
differently from the plan, what the next scenario holds, and with a re-plan what changed and why."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..analysis.checkin import Cause, Changes, LoanChange
from ..domain.scenario import Scenario
from ..i18n import Formatter


class _Words(Formatter):
    def __init__(self, lang: str, currency: str, names: Mapping[str, str]) -> None:
        super().__init__(lang, currency)
        self.names = names

    def name(self, loan_id: str | None) -> str:
        return self.names.get(loan_id or "", loan_id or "")

    def date(self, text: str) -> str:
        year, month = (int(part) for part in text.split("-"))
        return self.month(year, month)

    def dates(self, texts: list[str]) -> str:
        return self.join([self.date(t) for t in texts])


def _names(*scenarios: Scenario | None) -> dict[str, str]:
    names: dict[str, str] = {}
    for scenario in scenarios:
        if scenario is None:
            continue
        names.update({offer.id: offer.name or offer.id for offer in scenario.offers})
        names.update({loan.id: loan.display_name for loan in scenario.loans})
    return names


def checkin_to_text(result: Any, old_scenario: Scenario, lang: str, output: str | None = None) -> str:
    """The check-in's summary (an `api.CheckinResult`), then with a re-plan what changed and why."""
    w = _Words(lang, old_scenario.currency, _names(old_scenario, result.scenario))
    months = result.passed.months
    lines = [w._("Checked in {first} to {last}.", first=w.date(months[0].date), last=w.date(months[-1].date))
             if len(months) > 1 else w._("Checked in {first}.", first=w.date(months[0].date))]
    if result.corrections:
        lines.append(w._("The lenders' statements corrected the ledger:"))
        lines += ["  " + _correction(w, c) for c in result.corrections]
    causes = [_cause(w, c) for c in result.against_plan if c.kind != "correction"]
    if causes:
        lines.append(w._("Against the plan:"))
        lines += ["  " + line for line in causes]
    lines += [w._("Note: {note}", note=note) for note in result.notes]
    nxt = result.scenario
    lines.append(w.n_("The next scenario starts in {month} with {n} loan, for {months} months.",
                      "The next scenario starts in {month} with {n} loans, for {months} months.", len(nxt.loans),
                      month=w.date(nxt.start), months=nxt.horizon_months))
    if result.plan is None and output:
        lines.append(w._("Plan it with: debtopt optimize {file}", file=output))
    if result.changes is not None:
        lines += ["", *changes_lines(w, result.changes)]
    return "\n".join(lines) + "\n"


def _correction(w: _Words, c: Any) -> str:
    field = w._("balance") if c.field == "balance" else w._("past due")
    if c.amount > 0:
        change = w._("added {amount}", amount=w.money(c.amount))
    else:
        change = w._("took off {amount}", amount=w.money(-c.amount))
    return w._("{loan}, {month}: the statement's {field} is {statement}, the ledger's {ledger}: it {change}.",
               loan=w.name(c.loan), month=w.date(c.month), field=field, statement=w.money(c.statement),
               ledger=w.money(c.ledger), change=change)


def _cause(w: _Words, c: Cause) -> str:
    month = w.date(c.month)
    if c.kind == "cash":
        assert c.planned is not None and c.actual is not None
        if c.actual < c.planned:
            return w._("{month}: income fell; the cash for debts was {actual} instead of {planned}.", month=month,
                       actual=w.money(c.actual), planned=w.money(c.planned))
        return w._("{month}: the cash for debts was {actual} instead of {planned}.", month=month,
                   actual=w.money(c.actual), planned=w.money(c.planned))
    if c.kind == "paid":
        assert c.planned is not None and c.actual is not None
        if c.actual == 0:
            return w._("{month}: {loan} was not paid (the plan said {planned}).", month=month, loan=w.name(c.loan),
                       planned=w.money(c.planned))
        return w._("{month}: {loan} was paid {actual} (the plan said {planned}).", month=month, loan=w.name(c.loan),
                   actual=w.money(c.actual), planned=w.money(c.planned))
    if c.kind == "taken":
        return w._("{month}: {offer} was taken; the plan did not take it.", month=month, offer=w.name(c.offer))
    if c.kind == "not_taken":
        return w._("{month}: the plan took {offer}; it was not taken.", month=month, offer=w.name(c.offer))
    assert c.kind == "new_loan" and c.amount is not None
    return w._("{month}: a new loan, {loan}, owing {amount}.", month=month, loan=w.name(c.loan),
               amount=w.money(c.amount))


def changes_lines(w: _Words, changes: Changes) -> list[str]:
    """What the re-plan changed in the months left, against the plan followed."""
    lines = [w._("What changed against the plan:")]
    if changes.same_plan:
        lines.append("  " + w._("Nothing: the rest of the plan you followed is still the best, and it is kept."))
        return lines
    lines += ["  " + line for change in changes.loans for line in _loan_lines(w, change)]
    lines.append("  " + w._("From now on: {overdue_after} account-months past due (the plan said {overdue_before}); "
                            "interest, penalty interest and fees {cost_after} (the plan said {cost_before}).",
                            overdue_after=changes.overdue_after, overdue_before=changes.overdue_before,
                            cost_after=w.money(changes.cost_after), cost_before=w.money(changes.cost_before)))
    if changes.remaining_after != changes.remaining_before:
        lines.append("  " + w._("Still owed at the end: {after} (the plan said {before}).",
                                after=w.money(changes.remaining_after), before=w.money(changes.remaining_before)))
    corrections = [c for c in changes.causes if c.kind == "correction" and c.field == "balance"]
    for c in corrections:
        assert c.amount is not None
        verb = w._("added {amount}", amount=w.money(c.amount)) if c.amount > Decimal(0) else \
            w._("took off {amount}", amount=w.money(-c.amount))
        lines.append("  " + w._("Why, too: the correction on {loan}'s statement {change}.", loan=w.name(c.loan),
                                change=verb))
    return lines


def _loan_lines(w: _Words, change: LoanChange) -> list[str]:
    out = []
    loan = w.name(change.loan)
    if change.short_now:
        out.append(w._("{loan} now goes short in {months}.", loan=loan, months=w.dates(change.short_now)))
    if change.short_no_more:
        out.append(w._("{loan} no longer goes short in {months}.", loan=loan, months=w.dates(change.short_no_more)))
    if change.closed_after != change.closed_before:
        if change.closed_after is None:
            out.append(w._("{loan} is no longer paid off within the plan (the plan said {before}).", loan=loan,
                           before=w.date(change.closed_before or "")))
        elif change.closed_before is None:
            out.append(w._("{loan} is now paid off in {after}.", loan=loan, after=w.date(change.closed_after)))
        else:
            out.append(w._("{loan} is now paid off in {after} (the plan said {before}).", loan=loan,
                           after=w.date(change.closed_after), before=w.date(change.closed_before)))
    return out


__all__ = ["changes_lines", "checkin_to_text"]
