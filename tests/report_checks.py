"""Checks every report document must pass: reasons that do not contradict each other or the plan, rows that add up."""

from __future__ import annotations

from decimal import Decimal

from debtopt.analysis.document import EXTRA_CODES, SHORT_CODES, ReasonCode, ReportData


def check_rows_add_up(doc: ReportData) -> None:
    """Every account has its column, and each month's cash plus proceeds equals its payments plus what is kept."""
    ids = [a.id for a in doc.accounts]
    opened = {lm.id for m in doc.plan.months for lm in m.loans}
    assert opened <= set(ids), f"accounts without a column: {opened - set(ids)}"
    for row in doc.table:
        assert list(row.payments) == ids
        paid = sum((p for p in row.payments.values() if p is not None), Decimal(0))
        assert row.cash + row.proceeds == paid + row.saved, f"{row.date}: {row.cash} + {row.proceeds} != {paid} + {row.saved}"


def check_reasons_agree(doc: ReportData) -> None:
    """No reason contradicts another or the plan's row for that account and month."""
    taken_hardship = {(o.taken_month, o.loan) for o in doc.offers if o.kind == "hardship-plan" and o.taken_month}
    rows = {(m.month, lm.id): lm for m in doc.plan.months for lm in m.loans}
    for month in doc.explanations:
        for a in month.accounts:
            lm = rows[(month.month, a.id)]
            codes = [r.code for r in a.reasons]
            shorts = [c for c in codes if c in SHORT_CODES]
            where = f"{month.date} {a.id}: {codes}"
            assert len(shorts) <= 1 and len([c for c in codes if c in EXTRA_CODES]) <= 1, where
            if shorts or ReasonCode.STILL_OVERDUE in codes:
                assert lm.payment < lm.due and ReasonCode.DUE_PAID not in codes, where
            if ReasonCode.DUE_PAID in codes:
                assert lm.payment >= lm.due, where
            if ReasonCode.STILL_OVERDUE in codes:
                assert lm.overdue and lm.months_overdue >= 1, where
            if (month.month, a.id) in taken_hardship:
                assert ReasonCode.HARDSHIP_ACCEPTED in codes and not shorts and ReasonCode.STILL_OVERDUE not in codes, where
            if lm.payment < lm.due and (month.month, a.id) not in taken_hardship:
                assert shorts, f"{where}: short-paid without a reason"
            for r in a.reasons:
                if r.code == ReasonCode.EXTRA_DEAREST and "other" in r.values:
                    assert r.values["rate"] > r.values["other_rate"], where  # type: ignore[operator]
            if lm.closed:
                assert ReasonCode.CLOSE in codes, where
        if month.routine:
            assert not month.reasons and all({r.code for r in a.reasons} <= {ReasonCode.DUE_PAID, ReasonCode.NOTHING_DUE}
                                             for a in month.accounts)
