"""The report as a sequence of blocks in one language, shared by every human-readable renderer.

Blocks hold plain text (already formatted: amounts, months, sentences from the
catalogue); the text, Markdown and HTML renderers only lay them out and escape
them for their format.

    Heading(level, text)        Paragraph(text)       Bullets(items)
    Table(headers, rows, right) Chart(key, caption)   Letter(subject, paragraphs, table, closing)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..domain.scenario import Scenario
from .i18n import Formatter, reason_sentence


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    right: list[bool] = field(default_factory=list)  # right-aligned columns (numbers)
    marks: list[list[str]] = field(default_factory=list)  # per cell: "" | "overdue" | "closed" | "best"


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str


@dataclass(frozen=True)
class Letter:
    lender: str
    subject: str
    paragraphs: list[str]
    table: Table | None
    closing: str


Block = Heading | Paragraph | Bullets | Table | Chart | Letter

CHART_KEYS = ("balances", "payments", "cost", "overdue")


def formatter_for(scenario: Scenario, lang: str) -> Formatter:
    names = {loan.id: loan.display_name for loan in scenario.loans}
    return Formatter(lang, scenario.currency, scenario.start, names)


def _money(fmt: Formatter, value: Any) -> str:
    return fmt.money(Decimal(str(value)))


def verdict(fmt: Formatter, data: dict[str, Any]) -> list[str]:
    t = data["totals"]
    out = []
    if t["payoff_month"] is not None:
        out.append(fmt.text("verdict_paid_off", payoff=fmt.month(t["payoff_month"])))
    else:
        out.append(fmt.text("verdict_remaining", remaining=_money(fmt, t["remaining_balance"]),
                            end=fmt.month(len(data["months"]))))
        extra = data.get("report", {}).get("extra_monthly_to_clear")
        if extra:
            out.append(fmt.text("verdict_extra", extra=_money(fmt, extra), end=fmt.month(len(data["months"]))))
    if t["escalations"] == 0:
        out.append(fmt.text("verdict_no_escalation"))
    else:
        items = [fmt.text("verdict_escalation_item", loan=fmt.loan(e["id"]), month=fmt.month(e["month"]))
                 for e in data["escalated"]]
        out.append(fmt.text("verdict_escalations", escalated=fmt.join(items)))
    out.append(fmt.text("verdict_overdue", overdue=t["overdue_months"]))
    out.append(fmt.text("verdict_cost", cost=_money(fmt, t["cost"]), interest=_money(fmt, t["interest"]),
                        penalty=_money(fmt, t["penalty_interest"]), fees=_money(fmt, t["fees"])))
    return out


def plan_table(fmt: Formatter, data: dict[str, Any]) -> Table:
    ids = [loan["id"] for loan in data["loans"]]
    headers = [fmt.text("col_month"), fmt.text("col_cash"), *[fmt.loan(i) for i in ids], fmt.text("col_saved")]
    rows, marks = [], []
    for month in data["months"]:
        by_id = {lm["id"]: lm for lm in month["loans"]}
        cells, cell_marks = [fmt.month(month["month"]), _money(fmt, month["cash_available"])], ["", ""]
        for i in ids:
            lm = by_id.get(i)
            if lm is None:
                cells.append("")
                cell_marks.append("")
                continue
            cells.append(_money(fmt, lm["payment"]))
            cell_marks.append("overdue" if lm["overdue"] else ("closed" if lm["closed"] else ""))
        cells.append(_money(fmt, month["saved"]))
        cell_marks.append("")
        rows.append(cells)
        marks.append(cell_marks)
    return Table(headers, rows, [False, True, *[True] * len(ids), True], marks)


def _loans_table(fmt: Formatter, data: dict[str, Any]) -> Table:
    headers = [fmt.text(k) for k in ("col_loan", "col_lender", "col_paid", "col_interest", "col_penalty",
                                     "col_fees", "col_overdue", "col_closed")]
    rows = []
    for loan in data["loans"]:
        lms = [lm for m in data["months"] for lm in m["loans"] if lm["id"] == loan["id"]]
        closed = next((m["month"] for m in data["months"] for lm in m["loans"]
                       if lm["id"] == loan["id"] and lm["closed"]), None)

        def total(key: str) -> str:
            return _money(fmt, sum((Decimal(str(lm[key])) for lm in lms), Decimal(0)))

        rows.append([fmt.loan(loan["id"]), loan["lender"], total("payment"), total("interest"),
                     total("penalty_interest"), total("fees"), str(sum(lm["overdue"] for lm in lms)),
                     fmt.month(closed) if closed is not None else fmt.text("never")])
    return Table(headers, rows, [False, False, True, True, True, True, True, False])


def _comparison_sentence(fmt: Formatter, row: dict[str, Any], main: dict[str, Any], values: dict[str, str]) -> str:
    """One plan against the main plan, from the savings (that plan minus the main one)."""
    s, t = row["savings"], row["totals"]
    values = {**values, "other_esc": t["escalations"], "main_esc": main["escalations"],
              "other_overdue": t["overdue_months"], "main_overdue": main["overdue_months"]}
    if s["escalations"] == 0 and s["overdue_months"] == 0 and s["cost"] == 0 and s["remaining_balance"] == 0:
        return fmt.text("cmp_same", strategy=values["strategy"])
    if s["escalations"] < 0 or (s["escalations"] == 0 and s["overdue_months"] < 0):
        return fmt.text("cmp_other_fewer", **values)
    if s["cost"] < 0:
        if s["escalations"] > 0 or s["overdue_months"] > 0:
            return fmt.text("cmp_worse_cost", cost_saved=_money(fmt, -s["cost"]), **values)
        return fmt.text("cmp_other_cheaper", cost_saved=_money(fmt, -s["cost"]), strategy=values["strategy"])
    return fmt.text("cmp_better", cost_saved=_money(fmt, s["cost"]), penalty_saved=_money(fmt, s["penalty_interest"]),
                    fees_saved=_money(fmt, s["fees"]), **values)


def _comparison(fmt: Formatter, data: dict[str, Any]) -> list[Block]:
    cmp_ = data["comparison"]
    headers = [fmt.text(k) for k in ("col_strategy", "col_escalations", "col_overdue", "col_cost", "col_penalty",
                                     "col_fees", "col_payoff", "col_remaining", "col_saving")]
    rows, marks, sentences = [], [], []
    main = cmp_["main"]
    main_totals = data["totals"]
    for row in cmp_["rows"]:
        t, s = row["totals"], row["savings"]
        payoff = fmt.month(t["payoff_month"]) if t["payoff_month"] is not None else fmt.text("never")
        rows.append([fmt.strategy(row["strategy"]), str(t["escalations"]), str(t["overdue_months"]),
                     _money(fmt, t["cost"]), _money(fmt, t["penalty_interest"]), _money(fmt, t["fees"]), payoff,
                     _money(fmt, t["remaining_balance"]), _money(fmt, s["cost"])])
        marks.append(["best" if row["strategy"] == main else ""] * len(headers))
        if row["strategy"] == main:
            continue
        values = {"strategy": fmt.strategy(row["strategy"])}
        sentences.append(_comparison_sentence(fmt, row, main_totals, values))
    right = [False] + [True] * (len(headers) - 1)
    return [Heading(2, fmt.text("section_comparison")), Paragraph(fmt.text("cmp_intro")),
            Table(headers, rows, right, marks), Bullets(sentences)]


def _borrowing(fmt: Formatter, data: dict[str, Any]) -> list[Block]:
    b = data["borrowing"]
    blocks: list[Block] = [Heading(2, fmt.text("section_borrowing"))]
    if not b["needed"]:
        return [*blocks, Paragraph(fmt.text("borrow_none"))]
    blocks.append(Paragraph(fmt.text("borrow_intro", amount=_money(fmt, b["amount"]), month=fmt.month(b["month"]),
                                     term=b["term"], strategy=fmt.strategy(b["strategy"]))))
    items = [fmt.text("borrow_row", rate=fmt.rate(r["rate"]), new_interest=_money(fmt, r["new_interest"]),
                      cost=_money(fmt, r["cost"]), base_cost=_money(fmt, b["base"]["cost"]),
                      escalations=r["escalations"], base_escalations=b["base"]["escalations"],
                      overdue=r["overdue_months"], base_overdue=b["base"]["overdue_months"]) for r in b["rows"]]
    blocks.append(Bullets(items))
    blocks.append(Paragraph(fmt.text(f"borrow_verdict_{b['verdict']}")))
    return blocks


def _offers(fmt: Formatter, data: dict[str, Any]) -> list[Block]:
    items = []
    for o in data["offers"]:
        window = fmt.text("offer_window", first=fmt.month(o["first"]), last=fmt.month(o["last"]))
        kind = fmt.text(f"offer_kind_{o['kind']}")
        if "max_amount" in o:
            rate = "-" if o["annual_rate"] is None else fmt.rate(round(o["annual_rate"], 6))
            effective = "-" if o["effective_annual_rate"] is None else fmt.rate(round(o["effective_annual_rate"], 6))
            text = fmt.text("offer_borrow", name=o["name"], kind=kind, amount=_money(fmt, o["max_amount"]),
                            window=window, rate=rate, effective=effective)
        elif "keep_value" in o:
            text = fmt.text("offer_sale", name=o["name"], kind=kind, window=window, amount=_money(fmt, o["amount"]),
                            keep=_money(fmt, o["keep_value"]))
        else:
            text = fmt.text("offer_hardship", name=o["name"], kind=kind, loan=fmt.loan(o["loan"]), window=window,
                            term=o["term_months"], rate=fmt.rate(round(o["annual_rate"], 6)),
                            fee=fmt.rate(o["fee_percent"]), grace=o["grace_months"], waive=fmt.rate(o["waive_percent"]))
        parts = [text]
        if o.get("crosses") is not None:
            parts.append(fmt.text(f"offer_line_{o['crosses']}"))
        taken = o["taken"]
        if taken is None:
            parts.append(fmt.text("offer_not_taken"))
        elif taken["amount"] is None:
            parts.append(fmt.text("offer_taken_plain", month=fmt.month(taken["month"])))
        else:
            parts.append(fmt.text("offer_taken", month=fmt.month(taken["month"]), amount=_money(fmt, taken["amount"])))
        if o.get("worth"):
            parts.extend(_offer_worth(fmt, o["worth"]))
        items.append(fmt.sentences(parts))
    return [Heading(2, fmt.text("section_offers")), Paragraph(fmt.text("offers_intro")), Bullets(items)]


def _offer_worth(fmt: Formatter, worth: dict[str, Any]) -> list[str]:
    """What the plan would lose without the offer: the optimizer's re-solve without it."""
    if any(worth.get(key) is None for key in ("escalations", "overdue_months", "remaining_balance", "net_cost")):
        return []
    what = []
    if worth["escalations"] > 0:
        what.append(fmt.text("offer_worth_escalations", n=worth["escalations"]))
    if worth["overdue_months"] > 0:
        what.append(fmt.text("offer_worth_overdue", n=worth["overdue_months"]))
    if worth["remaining_balance"] > 0:
        what.append(fmt.text("offer_worth_remaining", amount=_money(fmt, worth["remaining_balance"])))
    if worth["net_cost"] > 0:
        what.append(fmt.text("offer_worth_cost", amount=_money(fmt, worth["net_cost"])))
    if not what:
        return [fmt.text("offer_worth_none")]
    if worth["net_cost"] < 0:  # fewer counts for some money: the contract's order
        what.append(fmt.text("offer_worth_less_cost", amount=_money(fmt, -worth["net_cost"])))
    key = "offer_worth" if worth.get("proved", True) else "offer_worth_bound"
    return [fmt.text(key, what=fmt.join(what))]


def _value(fmt: Formatter, data: dict[str, Any]) -> list[Block]:
    v = data["value_of_money"]
    unit = _money(fmt, v["unit"])
    method = fmt.text("value_method_dual") if v["method"] == "dual" else fmt.text("value_method_replay", unit=unit,
                                                                                 strategy=fmt.strategy(v["strategy"]))
    items = []
    for row in v["months"]:
        values = {"unit": unit, "month": fmt.month(row["month"]), "saves": _money(fmt, row["saves"])}
        if row["escalations_fewer"] > 0:
            items.append(fmt.text("value_row_escalation", escalations_fewer=row["escalations_fewer"], **values))
        elif row["overdue_fewer"] > 0:
            items.append(fmt.text("value_row_overdue", overdue_fewer=row["overdue_fewer"], **values))
        elif row["saves"] >= 0.01:
            items.append(fmt.text("value_row", **values))
    blocks: list[Block] = [Heading(2, fmt.text("section_value")), Paragraph(method)]
    blocks.append(Bullets(items) if items else Paragraph(fmt.text("value_none", unit=unit)))
    return blocks


def _what_ifs(fmt: Formatter, data: dict[str, Any]) -> list[Block]:
    items = []
    for w in data["what_ifs"]:
        t = w["totals"]
        payoff = (fmt.text("whatif_payoff", payoff=fmt.month(t["payoff_month"])) if t["payoff_month"] is not None
                  else fmt.text("whatif_remaining", remaining=_money(fmt, t["remaining_balance"])))
        items.append(fmt.text("whatif_row", change=fmt.text(f"whatif_{w['change']}"), budget=_money(fmt, w["budget"]),
                              cost=_money(fmt, t["cost"]), escalations=t["escalations"],
                              overdue=t["overdue_months"], payoff_text=payoff))
    return [Heading(2, fmt.text("section_whatif")), Bullets(items)]


def letters(fmt: Formatter, data: dict[str, Any]) -> list[Letter]:
    out = []
    for p in data.get("proposals", []):
        loan_names = fmt.join([fmt.loan(i) for i in p["loans"]])
        subject = fmt.text("letter_subject", loans=loan_names)
        if p["arrears"] > 0:
            paragraphs = [fmt.text("letter_body", owed=_money(fmt, p["owed"]), loans=loan_names,
                                   arrears=_money(fmt, p["arrears"]))]
        else:
            paragraphs = [fmt.text("letter_body_current", owed=_money(fmt, p["owed"]), loans=loan_names)]
        table = None
        if p["payments"]:
            first, last = p["payments"][0], p["payments"][-1]
            values = {"first_amount": _money(fmt, first["amount"]), "first_month": fmt.month(first["month"]),
                      "last_month": fmt.month(last["month"])}
            if p["remaining"] > 0:
                paragraphs.append(fmt.text("letter_offer_unpaid", remaining=_money(fmt, p["remaining"]), **values))
            else:
                paragraphs.append(fmt.text("letter_offer", total=_money(fmt, p["total"]), **values))
            table = Table([fmt.text("col_month"), fmt.text("col_payment")],
                          [[fmt.month(r["month"]), _money(fmt, r["amount"])] for r in p["payments"]], [False, True])
            paragraphs.append(fmt.text("letter_evidence"))
            paragraphs.append(fmt.text("letter_ask"))
        else:
            paragraphs.append(fmt.text("letter_none"))
        out.append(Letter(fmt.text("letter_to", lender=p["lender"]), subject, paragraphs, table,
                          fmt.text("letter_close")))
    return out


def reason_lines(fmt: Formatter, data: dict[str, Any]) -> dict[int, list[str]]:
    """Sentences per plan month: the month's reasons, then each loan's."""
    out: dict[int, list[str]] = {}
    for month in data["explanations"]:
        lines = [reason_sentence(fmt, r) for r in month["reasons"]]
        for loan in month["loans"]:
            lines.extend(reason_sentence(fmt, r) for r in loan["reasons"])
        out[month["month"]] = lines
    return out


def build_document(scenario: Scenario, data: dict[str, Any], lang: str, charts: bool = True) -> list[Block]:
    fmt = formatter_for(scenario, lang)
    owed = sum((Decimal(str(loan["balance"])) for loan in data["loans"]), Decimal(0))
    blocks: list[Block] = [
        Heading(1, fmt.text("title")),
        Paragraph(fmt.text("subtitle", n_loans=len(data["loans"]), owed=fmt.money(owed), start=fmt.month(1))),
    ]
    report = data["report"]
    if report["method"] == "optimal":
        status = (data.get("solver") or {}).get("status", "")
        blocks.append(Paragraph(fmt.text("method_optimal", status=status)))
    else:
        blocks.append(Paragraph(fmt.text("method_heuristic", strategy=fmt.strategy(data["strategy"]))))
    blocks += [Heading(2, fmt.text("section_summary")), Bullets(verdict(fmt, data))]
    blocks += [Heading(2, fmt.text("section_plan")), plan_table(fmt, data),
               Heading(2, fmt.text("section_loans")), _loans_table(fmt, data)]
    blocks.append(Heading(2, fmt.text("section_reasons")))
    lines = reason_lines(fmt, data)
    for month in data["months"]:
        blocks += [Heading(3, fmt.month(month["month"])), Bullets(lines.get(month["month"], []))]
    if data.get("offers"):
        blocks += _offers(fmt, data)
    if "comparison" in data:
        blocks += _comparison(fmt, data)
    if "borrowing" in data:
        blocks += _borrowing(fmt, data)
    if "value_of_money" in data:
        blocks += _value(fmt, data)
    if "what_ifs" in data:
        blocks += _what_ifs(fmt, data)
    if charts:
        blocks.append(Heading(2, fmt.text("section_charts")))
        blocks += [Chart(key, fmt.text(f"chart_{key}")) for key in CHART_KEYS]
    if data.get("proposals"):
        blocks.append(Heading(2, fmt.text("section_proposals")))
        blocks += letters(fmt, data)
    return blocks
