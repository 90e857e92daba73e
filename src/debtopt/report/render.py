"""The report in each format: text (rich), Markdown, HTML (Jinja2), JSON and CSV.

Every string that may come from the scenario reaches the output escaped for
its format: HTML by Jinja2's autoescape, Markdown by `md_escape` (no link,
image, HTML or table syntax survives), `rich.text.Text` (never markup) in the
terminal, CSV cells that a spreadsheet would run as a formula neutralised.
Output is byte-for-byte deterministic: no dates of today, no random ids.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..analysis.document import ReportData
from ..domain.choices import ReportFormat, values
from .blocks import Block, Bullets, Chart, Details, Heading, Legend, Letter, Paragraph, Table
from .compose import compose
from .reason_text import reason_sentence
from .words import Words

FORMATS = values(ReportFormat)
TEXT_WIDTH = 120
_MARK = {"overdue": " !", "closed": " ✓"}


# ---------------------------------------------------------------- text
def _style(mark: str) -> str:
    return {"overdue": "bold red", "closed": "green", "best": "bold"}.get(mark, "")


def _rich_table(table: Table) -> RichTable:
    out = RichTable(box=box.SIMPLE_HEAD, pad_edge=False, title=Text(table.caption) if table.caption else None,
                    title_justify="left")
    for k, header in enumerate(table.headers):
        right = table.right[k] if k < len(table.right) else False
        # amounts never wrap; names and headers fold within their column
        widest = max((len(row[k]) + 2 for row in table.rows if k < len(row)), default=0) if right else None
        out.add_column(Text(header), justify="right" if right else "left", overflow="fold", min_width=widest)
    for r, row in enumerate(table.rows):
        marks = table.marks[r] if r < len(table.marks) else []
        cells = []
        for k, cell in enumerate(row):
            mark = marks[k] if k < len(marks) else ""
            suffix = _MARK.get(mark, "").replace(" ", "\u00a0") if cell else ""  # the mark stays beside its amount
            cells.append(Text(cell + suffix, style=_style(mark)))
        out.add_row(*cells)
    return out


def _text_block(console: Console, block: Block) -> None:
    if isinstance(block, Heading):
        if block.level < 3:
            console.print()
        console.print(Text(block.text, style="bold underline" if block.level == 1 else "bold"))
    elif isinstance(block, Paragraph):
        console.print(Text(block.text, style="bold" if block.emphasis else ""))
    elif isinstance(block, Bullets):
        if block.title:
            console.print(Text(block.title, style="bold"))
        for item in block.items:
            console.print(Text(f"  • {item}"))
    elif isinstance(block, Details):
        console.print(Text(block.summary, style="bold"))
        for item in block.items:
            console.print(Text(f"  • {item}"))
    elif isinstance(block, Table):
        console.print(_rich_table(block))
    elif isinstance(block, Legend):
        console.print(Text("   ".join(f"{_MARK.get(mark, '').strip()} {words}" for mark, words in block.items)))
    elif isinstance(block, Letter):
        console.print()
        for line in _letter_lines(block):
            console.print(Text(line))
        if block.table is not None:
            console.print(_rich_table(block.table))
        for line in block.closing:
            console.print(Text(line))
        for label, value in block.signature:
            console.print(Text(f"{label}{block.colon}{value}"))


def _letter_lines(letter: Letter) -> list[str]:
    return [letter.title, letter.to, *[f"{label}{letter.colon}{value}" for label, value in letter.fields], "",
            *letter.paragraphs]


def to_text(blocks: list[Block], color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=TEXT_WIDTH, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, emoji=False, soft_wrap=False, markup=False)
    for block in blocks:
        _text_block(console, block)  # charts are not drawn in a terminal: --charts DIR saves them
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


# ---------------------------------------------------------------- markdown


def md_escape(text: str) -> str:
    """Plain text as Markdown that renders as the same text: no link, image, HTML, emphasis or table syntax."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]()#|~!{}])", r"\\\1", text)
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
            if mark == "overdue" and cell:
                text = f"**{text} !**"
            elif mark == "closed" and cell:
                text = f"{text} ✓"
            elif mark == "best" and k == 0:
                text = f"**{text}**"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    if table.caption:
        lines += ["", md_escape(table.caption)]
    return lines


def _md_block(block: Block, chart_files: Mapping[str, str] | None) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + md_escape(block.text), ""]
    if isinstance(block, Paragraph):
        return [f"**{md_escape(block.text)}**" if block.emphasis else md_escape(block.text), ""]
    if isinstance(block, Bullets):
        head = [f"**{md_escape(block.title)}**", ""] if block.title else []
        return head + [f"- {md_escape(item)}" for item in block.items] + [""]
    if isinstance(block, Details):
        return [f"**{md_escape(block.summary)}**", "", *[f"- {md_escape(item)}" for item in block.items], ""]
    if isinstance(block, Table):
        return _md_table(block) + [""]
    if isinstance(block, Legend):
        return ["  ".join(f"{_MARK.get(mark, '').strip()} {md_escape(words)}" for mark, words in block.items), ""]
    if isinstance(block, Chart):
        if chart_files and block.key in chart_files:
            return [f"![{md_escape(block.caption)}]({chart_files[block.key]})", ""]
        return []
    if not isinstance(block, Letter):
        return []  # the HTML-drawn charts (cost bars, overdue grid): Markdown has the tables they draw
    out = [f"### {md_escape(block.title)}", "", md_escape(block.to), ""]
    out += [md_escape(f"{label}{block.colon}{value}") + "  " for label, value in block.fields] + [""]
    for para in block.paragraphs:
        out += [md_escape(para), ""]
    if block.table is not None:
        out += _md_table(block.table) + [""]
    out += [md_escape(line) + "  " for line in block.closing] + [""]
    out += [md_escape(f"{label}{block.colon}{value}") + "  " for label, value in block.signature] + [""]
    return out


def to_markdown(blocks: list[Block], chart_files: Mapping[str, str] | None = None) -> str:
    out: list[str] = []
    for block in blocks:
        out += _md_block(block, chart_files)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- json and csv
def dumps(data: Any) -> str:
    """Stable JSON: the same input gives the same bytes; never NaN or Infinity."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def to_json(doc: ReportData, lang: str | None = None) -> str:
    """The report document's JSON, each reason with its sentence in the report's language as `text`."""
    w = Words(doc, lang)
    proved = doc.method == "optimal" and doc.solver_status == "optimal"
    data = doc.model_dump(mode="json")
    data["language"] = w.lang
    for month, raw in zip(data["explanations"], doc.explanations, strict=True):
        for reason, r in zip(month["reasons"], raw.reasons, strict=True):
            reason["text"] = reason_sentence(w, r, proved)
        for account, a in zip(month["accounts"], raw.accounts, strict=True):
            for reason, r in zip(account["reasons"], a.reasons, strict=True):
                reason["text"] = reason_sentence(w, r, proved)
    return dumps(data)


CSV_COLUMNS = ["month", "date", "loan", "name", "payment", "interest", "penalty_interest", "fees", "due",
               "balance", "arrears", "overdue", "months_overdue", "closed", "escalated", "reason_codes", "reasons"]
# A cell a spreadsheet would read as a formula (OWASP CSV injection) starts with one of these.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def to_csv(doc: ReportData, lang: str | None = None) -> str:
    """One row per month and account, with its reason codes and sentences."""
    w = Words(doc, lang)
    proved = doc.method == "optimal" and doc.solver_status == "optimal"
    by_month = {m.month: {a.id: a.reasons for a in m.accounts} for m in doc.explanations}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for month in doc.plan.months:
        for lm in month.loans:
            reasons = by_month.get(month.month, {}).get(lm.id, [])
            writer.writerow([csv_cell(v) for v in (
                month.month, month.date, lm.id, w.name(lm.id), lm.payment, lm.interest, lm.penalty_interest,
                lm.fees, lm.due, lm.balance, lm.arrears, int(lm.overdue), lm.months_overdue, int(lm.closed),
                int(lm.escalated), " ".join(r.code.value for r in reasons),
                w.sentences([reason_sentence(w, r, proved) for r in reasons]))])
    return out.getvalue()


def render(doc: ReportData, fmt: str, lang: str | None = None, color: bool = False,
           svgs: Mapping[str, str] | None = None, chart_files: Mapping[str, str] | None = None) -> str:
    """The report in one format and language (default: the document's). HTML embeds `svgs`; Markdown links `chart_files`."""
    if fmt == ReportFormat.JSON:
        return to_json(doc, lang)
    if fmt == ReportFormat.CSV:
        return to_csv(doc, lang)
    charts = bool(svgs) if fmt == ReportFormat.HTML else bool(chart_files) if fmt == ReportFormat.MARKDOWN else False
    blocks = compose(doc, lang, charts=charts)
    if fmt == ReportFormat.MARKDOWN:
        return to_markdown(blocks, chart_files)
    if fmt == ReportFormat.HTML:
        from .html import to_html

        return to_html(blocks, lang or doc.language, svgs or {})
    if fmt == ReportFormat.TEXT:
        return to_text(blocks, color=color)
    raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")


def letter_files(doc: ReportData, langs: tuple[str, ...] = ("zh", "en")) -> dict[str, str]:
    """Each letter as Markdown in each language: {"letter-weilidai.zh.md": text, ...}."""
    from .letters_text import letter_block

    out: dict[str, str] = {}
    for lang in langs:
        w = Words(doc, lang)
        for letter in doc.letters:
            out[f"letter-{'-'.join(letter.accounts)}.{lang}.md"] = to_markdown([letter_block(w, doc, letter)])
    return out


__all__ = ["FORMATS", "csv_cell", "dumps", "letter_files", "md_escape", "render", "to_csv", "to_json",
           "to_markdown", "to_text"]
