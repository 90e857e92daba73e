"""The full report in each format: text (rich), Markdown, HTML, JSON and CSV.

Every string that may come from the scenario reaches the output escaped for
its format: HTML entities in HTML, entities and backslashes in Markdown, and
`rich.text.Text` objects (never markup) in the terminal. Output is
byte-for-byte deterministic: no dates of today, no random ids.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..domain.scenario import Scenario
from .document import Block, Bullets, Chart, Heading, Letter, Paragraph, Table, build_document, formatter_for
from .document import reason_lines
from .tabular import dumps

FORMATS = ("text", "markdown", "html", "json", "csv")
TEXT_WIDTH = 120


# ---------------------------------------------------------------- text
def _style(mark: str) -> str:
    return {"overdue": "bold red", "closed": "green", "best": "bold"}.get(mark, "")


def _rich_table(table: Table) -> RichTable:
    out = RichTable(box=box.SIMPLE_HEAD, pad_edge=False)
    for k, header in enumerate(table.headers):
        right = table.right[k] if k < len(table.right) else False
        out.add_column(Text(header), justify="right" if right else "left")
    for r, row in enumerate(table.rows):
        marks = table.marks[r] if r < len(table.marks) else []
        cells = []
        for k, cell in enumerate(row):
            mark = marks[k] if k < len(marks) else ""
            suffix = " !" if mark == "overdue" else (" ✓" if mark == "closed" else "")
            cells.append(Text(cell + suffix, style=_style(mark)))
        out.add_row(*cells)
    return out


def to_text(blocks: list[Block], color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=TEXT_WIDTH, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, emoji=False, soft_wrap=False, markup=False)
    for block in blocks:
        if isinstance(block, Heading):
            if block.level < 3:
                console.print()
            console.print(Text(block.text, style="bold underline" if block.level == 1 else "bold"))
        elif isinstance(block, Paragraph):
            console.print(Text(block.text))
        elif isinstance(block, Bullets):
            for item in block.items:
                console.print(Text(f"  • {item}"))
        elif isinstance(block, Table):
            console.print(_rich_table(block))
        elif isinstance(block, Letter):
            console.print()
            console.print(Text(block.subject, style="bold"))
            console.print(Text(block.lender))
            for para in block.paragraphs:
                console.print(Text(para))
            if block.table is not None:
                console.print(_rich_table(block.table))
            console.print(Text(block.closing))
        # charts are not drawn in a terminal: --charts DIR saves them
    return buffer.getvalue()


# ---------------------------------------------------------------- markdown
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md_escape(text: str) -> str:
    """Plain text as Markdown that renders as the same text (no links, HTML or emphasis)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", " ")


def _md_table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(md_escape(h) for h in table.headers) + " |"]
    lines.append("|" + "|".join("---:" if (table.right[k] if k < len(table.right) else False) else "---"
                                for k in range(len(table.headers))) + "|")
    for r, row in enumerate(table.rows):
        marks = table.marks[r] if r < len(table.marks) else []
        cells = []
        for k, cell in enumerate(row):
            mark = marks[k] if k < len(marks) else ""
            text = md_escape(cell)
            if mark == "overdue":
                text = f"**{text} !**"
            elif mark == "closed":
                text = f"{text} ✓"
            elif mark == "best" and k == 0:
                text = f"**{text}**"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(blocks: list[Block], chart_files: Mapping[str, str] | None = None) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + md_escape(block.text), ""]
        elif isinstance(block, Paragraph):
            out += [md_escape(block.text), ""]
        elif isinstance(block, Bullets):
            out += [f"- {md_escape(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            out += _md_table(block) + [""]
        elif isinstance(block, Chart):
            if chart_files and block.key in chart_files:
                out += [f"![{md_escape(block.caption)}]({chart_files[block.key]})", ""]
        elif isinstance(block, Letter):
            out += [f"### {md_escape(block.subject)}", "", md_escape(block.lender), ""]
            for para in block.paragraphs:
                out += [md_escape(para), ""]
            if block.table is not None:
                out += _md_table(block.table) + [""]
            out += [md_escape(line) + "  " for line in block.closing.split("\n")] + [""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- html
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.7rem;border-bottom:2px solid #333}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #bbb}
h3{font-size:1.05rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}th{background:#f0f0f0}
td.r,th.r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.overdue{background:#fde2e2;color:#8b0000;font-weight:600}td.closed{background:#e3f5e1}
tr.best td{font-weight:700}
figure{margin:1rem 0;page-break-inside:avoid;break-inside:avoid}figure svg{max-width:100%;height:auto}
figcaption{font-size:.9rem;color:#444}
.letter{border:1px solid #999;padding:1rem 1.5rem;margin:1.5rem 0;page-break-inside:avoid;break-inside:avoid;white-space:normal}
.closing{white-space:pre-line}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid;break-after:avoid}
.letter{page-break-before:always;break-before:page}}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_table(table: Table) -> str:
    parts = ["<table>", "<thead><tr>"]
    for k, header in enumerate(table.headers):
        cls = ' class="r"' if (table.right[k] if k < len(table.right) else False) else ""
        parts.append(f"<th{cls}>{_h(header)}</th>")
    parts.append("</tr></thead><tbody>")
    for r, row in enumerate(table.rows):
        marks = table.marks[r] if r < len(table.marks) else []
        best = bool(marks) and marks[0] == "best"
        parts.append('<tr class="best">' if best else "<tr>")
        for k, cell in enumerate(row):
            classes = []
            if k < len(table.right) and table.right[k]:
                classes.append("r")
            mark = marks[k] if k < len(marks) else ""
            if mark in ("overdue", "closed"):
                classes.append(mark)
            cls = f' class="{" ".join(classes)}"' if classes else ""
            parts.append(f"<td{cls}>{_h(cell)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def to_html(blocks: list[Block], lang: str, svgs: Mapping[str, str] | None = None) -> str:
    title = next((b.text for b in blocks if isinstance(b, Heading)), "debtopt")
    out = ["<!DOCTYPE html>", f'<html lang="{_h(lang)}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_h(title)}</title>", f"<style>{_CSS.strip()}</style>", "</head>", "<body>"]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{_h(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_h(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{_h(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            out.append(_html_table(block))
        elif isinstance(block, Chart):
            if svgs and block.key in svgs:
                out.append(f'<figure class="chart" id="chart-{block.key}">{svgs[block.key]}'
                           f"<figcaption>{_h(block.caption)}</figcaption></figure>")
        elif isinstance(block, Letter):
            out.append('<section class="letter">')
            out.append(f"<h3>{_h(block.subject)}</h3><p>{_h(block.lender)}</p>")
            out += [f"<p>{_h(p)}</p>" for p in block.paragraphs]
            if block.table is not None:
                out.append(_html_table(block.table))
            out.append(f'<p class="closing">{_h(block.closing)}</p></section>')
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- json and csv
def to_json(data: dict[str, Any], scenario: Scenario, lang: str) -> str:
    """The spec's plan shape plus `explanations` (codes, numbers, and each sentence as `text`) and the sections."""
    fmt = formatter_for(scenario, lang)
    from .i18n import reason_sentence

    out = dict(data)
    out["explanations"] = [
        {**m, "reasons": [{**r, "text": reason_sentence(fmt, r)} for r in m["reasons"]],
         "loans": [{**lm, "reasons": [{**r, "text": reason_sentence(fmt, r)} for r in lm["reasons"]]}
                   for lm in m["loans"]]}
        for m in data["explanations"]
    ]
    return dumps(out)


CSV_COLUMNS = ["month", "date", "loan", "payment", "interest", "penalty_interest", "fees", "due", "balance",
               "arrears", "overdue", "months_overdue", "closed", "escalated", "reason_codes", "reasons"]


def to_csv(data: dict[str, Any], scenario: Scenario, lang: str) -> str:
    """One row per month and loan, with its reason codes and sentences."""
    fmt = formatter_for(scenario, lang)
    from .i18n import reason_sentence

    by_month = {m["month"]: m for m in data["explanations"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for month in data["months"]:
        explained = {lm["id"]: lm["reasons"] for lm in by_month.get(month["month"], {}).get("loans", [])}
        for lm in month["loans"]:
            reasons = explained.get(lm["id"], [])
            writer.writerow([month["month"], month["date"], lm["id"], lm["payment"], lm["interest"],
                             lm["penalty_interest"], lm["fees"], lm["due"], lm["balance"], lm["arrears"],
                             int(lm["overdue"]), lm["months_overdue"], int(lm["closed"]), int(lm["escalated"]),
                             " ".join(r["code"] for r in reasons),
                             fmt.sentences([reason_sentence(fmt, r) for r in reasons])])
    return out.getvalue()


def render(scenario: Scenario, data: dict[str, Any], fmt: str, lang: str, color: bool = False,
           svgs: Mapping[str, str] | None = None, chart_files: Mapping[str, str] | None = None) -> str:
    """The report in one format. HTML embeds `svgs` inline; Markdown links `chart_files`."""
    if fmt == "json":
        return to_json(data, scenario, lang)
    if fmt == "csv":
        return to_csv(data, scenario, lang)
    charts = bool(svgs) if fmt == "html" else bool(chart_files) if fmt == "markdown" else False
    blocks = build_document(scenario, data, lang, charts=charts)
    if fmt == "markdown":
        return to_markdown(blocks, chart_files)
    if fmt == "html":
        return to_html(blocks, lang, svgs)
    if fmt == "text":
        return to_text(blocks, color=color)
    raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")


def letter_files(scenario: Scenario, data: dict[str, Any], langs: tuple[str, ...] = ("zh", "en")) -> dict[str, str]:
    """Each lender's letter as Markdown in each language: {"letter-weilidai.zh.md": text, ...}."""
    from .document import letters, plan_table

    out: dict[str, str] = {}
    for lang in langs:
        fmt = formatter_for(scenario, lang)
        for proposal, letter in zip(data.get("proposals", []), letters(fmt, data), strict=True):
            appendix = [Heading(4, fmt.text("letter_appendix")), plan_table(fmt, data)]
            out[f"letter-{'-'.join(proposal['loans'])}.{lang}.md"] = to_markdown([letter, *appendix])
    return out


__all__ = ["letter_files", "FORMATS", "md_escape", "reason_lines", "render", "to_csv", "to_html", "to_json", "to_markdown", "to_text"]
