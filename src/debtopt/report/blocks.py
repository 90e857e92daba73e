"""The report as a sequence of blocks in one language, laid out by every human-readable renderer.

Blocks hold plain text, already formatted (amounts, months, sentences from
the catalogues); the text, Markdown and HTML renderers only lay them out and
escape them for their format.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class Bullets:
    items: list[str]
    title: str = ""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    right: list[bool] = field(default_factory=list)  # right-aligned columns (numbers)
    marks: list[list[str]] = field(default_factory=list)  # per cell: "" | "overdue" | "closed" | "best"
    caption: str = ""


@dataclass(frozen=True)
class Legend:
    """What each mark or colour means: (mark, words); marks are "overdue", "closed", "best"."""

    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Details:
    """A collapsed part (HTML `<details>`): a summary line and what it opens to."""

    summary: str
    items: list[str]


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css colour, words), drawn beside the chart


@dataclass(frozen=True)
class BarChart:
    """Horizontal stacked bars drawn in HTML (words stay text): per row a label, segments and the total."""

    key: str
    caption: str
    rows: list[tuple[str, list[tuple[str, float]], str]]  # (label, [(css colour, percent of the widest)], total)
    legend: list[tuple[str, str]]


@dataclass(frozen=True)
class Grid:
    """A month-by-account grid of states drawn in HTML: "" (not open), "current", "overdue"."""

    key: str
    caption: str
    columns: list[str]  # month labels
    rows: list[tuple[str, list[str]]]
    legend: list[tuple[str, str]]  # (state, words)


@dataclass(frozen=True)
class Letter:
    title: str
    to: str
    fields: list[tuple[str, str]]  # (label, value or blank to fill)
    paragraphs: list[str]
    table: Table | None
    closing: list[str]
    signature: list[tuple[str, str]]
    colon: str = ": "  # between a label and its value: "：" in Chinese


Block = Heading | Paragraph | Bullets | Table | Legend | Details | Chart | BarChart | Grid | Letter

CHART_KEYS = ("balances", "payments", "cost", "overdue")
BLANK = "________"
