"""Output safety: scenario strings never become markup, links, formulas or scripts; JSON never has Infinity."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import pytest

from debtopt.analysis.report_data import build_report_data
from debtopt.domain import scenario_from_dict
from debtopt.report.charts import inline_svgs
from debtopt.report.render import csv_cell, dumps, md_escape, render
from debtopt.strategies import best_heuristic

XSS = "<script>alert(1)</script>"
HOSTILE: dict[str, Any] = {
    "currency": "CNY", "language": "zh", "start": "2027-01", "horizon_months": 12, "borrower": "=HYPERLINK(\"x\")",
    "budget": {"monthly": 1500},
    "loans": [
        {"id": "evil", "name": XSS, "lender": "[x](javascript:alert(1)) *bold* | pipe", "kind": "revolving",
         "balance": 3000, "annual_rate": 0.24, "min_percent": 0.1, "account_number": "+1 (555) 0100"},
        {"id": "late", "name": "@SUM(1+1)", "lender": "B & <b>", "kind": "installment", "balance": 4000,
         "annual_rate": 0.12, "installment": 500, "arrears": 500, "months_overdue": 1},
    ],
}


@pytest.fixture(scope="module")
def doc() -> Any:
    scenario = scenario_from_dict(HOSTILE)
    return build_report_data(scenario, best_heuristic(scenario), sections=frozenset({"comparison", "letters"}))


def test_html_escapes_everything_and_forbids_scripts(doc: Any) -> None:
    page = render(doc, "html", "en", svgs=inline_svgs(doc))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "B &amp; &lt;b&gt;" in page
    assert "Content-Security-Policy" in page and "script-src 'none'" in page and "default-src 'none'" in page


def test_markdown_has_no_link_html_or_table_syntax_from_the_scenario(doc: Any) -> None:
    md = render(doc, "markdown", "en")
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "[x](javascript" not in md and "\\[x\\]\\(javascript:alert\\(1\\)\\)" in md
    assert "\\*bold\\*" in md and "\\| pipe" in md
    assert md_escape("[x](javascript:alert(1))") == "\\[x\\]\\(javascript:alert\\(1\\)\\)"


def test_csv_neutralises_formulas_and_keeps_money_numeric(doc: Any) -> None:
    rows = list(csv.reader(io.StringIO(render(doc, "csv", "en"))))
    header, body = rows[0], rows[1:]
    names = {row[header.index("name")] for row in body}
    assert "'@SUM(1+1)" in names and "@SUM(1+1)" not in names
    for row in body:
        float(row[header.index("payment")])  # money columns stay numbers
    assert [csv_cell(v) for v in ("=1", "+1", "-1", "@x", "\tx", "\rx", "ok", 5)] == \
        ["'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "ok", 5]


def test_json_is_never_nan_or_infinity(doc: Any) -> None:
    with pytest.raises(ValueError):
        dumps({"x": math.inf})
    assert json.loads(render(doc, "json", "zh"))["borrower"] == HOSTILE["borrower"]


def test_the_terminal_shows_markup_as_written(doc: Any) -> None:
    text = render(doc, "text", "en", color=True)
    assert XSS in text and "[x](javascript:alert(1))" in text


def test_reports_are_deterministic(doc: Any) -> None:
    for fmt in ("text", "markdown", "html", "json", "csv"):
        svgs = inline_svgs(doc) if fmt == "html" else None
        assert render(doc, fmt, "zh", svgs=svgs) == render(doc, fmt, "zh", svgs=svgs)
