"""Golden reports of the bundled examples, in both languages; the `report` command; escaping and determinism.

Regenerate the golden files with `DEBTOPT_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py`
and read the diff before committing it. The goldens explain the best heuristic
plan (`use_optimizer=False`) so they do not move while the optimizer evolves.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from debtopt.domain import load_scenario, scenario_from_dict
from debtopt.report.analysis import build_report
from debtopt.report.render import render
from debtopt.cli.report import report

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("DEBTOPT_UPDATE_GOLDEN") == "1"
EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json"}


@cache
def _example(name: str) -> tuple[Any, dict[str, Any]]:
    scenario = load_scenario(ROOT / "examples" / f"{name}.toml")
    return scenario, build_report(scenario, use_optimizer=False)


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["zhang-san", "us-cards"])
def test_golden(name: str, lang: str, fmt: str) -> None:
    scenario, data = _example(name)
    text = render(scenario, data, fmt, lang)
    path = GOLDEN / f"{name}.{lang}.{EXTENSIONS[fmt]}"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with DEBTOPT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; regenerate with DEBTOPT_UPDATE_GOLDEN=1"


def test_json_keeps_the_plan_shape_and_adds_explanations() -> None:
    scenario, data = _example("zhang-san")
    out = json.loads(render(scenario, data, "json", "zh"))
    assert {"strategy", "currency", "months", "totals", "explanations", "comparison", "borrowing",
            "value_of_money", "what_ifs", "proposals"} <= set(out)
    first = out["explanations"][0]["loans"][0]["reasons"][0]
    assert first["code"] and first["text"]
    assert out["value_of_money"]["method"] == "replay"


XSS = "<script>alert(1)</script>"
SMALL: dict[str, Any] = {
    "currency": "CNY", "language": "zh", "start": "2027-01", "horizon_months": 12,
    "budget": {"monthly": 1500},
    "loans": [
        {"id": "evil", "name": XSS, "lender": "[click](http://x) *bold* | pipe", "kind": "revolving",
         "balance": 3000, "annual_rate": 0.24, "min_percent": 0.1},
        {"id": "late", "name": "[bold]rich[/bold]", "lender": "B & <b>", "kind": "installment", "balance": 4000,
         "annual_rate": 0.12, "installment": 500, "arrears": 500, "months_overdue": 1},
    ],
}


@cache
def _small() -> tuple[Any, dict[str, Any]]:
    scenario = scenario_from_dict(SMALL)
    return scenario, build_report(scenario, use_optimizer=False)


def test_scenario_strings_are_escaped() -> None:
    scenario, data = _small()
    page = render(scenario, data, "html", "en")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "B &amp; &lt;b&gt;" in page
    md = render(scenario, data, "markdown", "en")
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "[click](http" not in md and "\\[click\\]" in md and "\\*bold\\*" in md and "\\| pipe" in md
    text = render(scenario, data, "text", "en", color=True)
    assert "[bold]rich[/bold]" in text


def test_reports_are_deterministic() -> None:
    scenario = scenario_from_dict(SMALL)
    a = build_report(scenario, use_optimizer=False)
    b = build_report(scenario, use_optimizer=False)
    for fmt in ("text", "markdown", "html", "json", "csv"):
        assert render(scenario, a, fmt, "zh") == render(scenario, b, fmt, "zh")


def test_report_command(tmp_path: Path) -> None:
    source = tmp_path / "s.json"
    source.write_text(json.dumps(SMALL), encoding="utf-8")
    runner = CliRunner()
    for fmt in ("text", "markdown", "json", "csv"):
        result = runner.invoke(report, [str(source), "--heuristics-only", "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    result = runner.invoke(report, [str(source), "--heuristics-only", "--format", "json"])
    assert json.loads(result.output)["report"]["language"] == "zh"
    out = tmp_path / "r.md"
    result = runner.invoke(report, [str(source), "--heuristics-only", "--lang", "en", "--format", "markdown",
                                    "-o", str(out), "--charts", str(tmp_path / "charts"), "--chart-format", "png"])
    assert result.exit_code == 0, result.output
    assert "](charts/balances.png)" in out.read_text(encoding="utf-8")
    assert (tmp_path / "charts" / "overdue.png").read_bytes()[:4] == b"\x89PNG"
    result = runner.invoke(report, [str(source), "--heuristics-only", "--format", "json", "-o", str(tmp_path / "r.json"),
                                    "--letters", str(tmp_path / "letters")])
    assert result.exit_code == 0, result.output
    letters = sorted(p.name for p in (tmp_path / "letters").iterdir())
    assert letters == ["letter-evil.en.md", "letter-evil.zh.md", "letter-late.en.md", "letter-late.zh.md"]
    assert "&lt;script&gt;" in (tmp_path / "letters" / "letter-evil.zh.md").read_text(encoding="utf-8")
    bad = runner.invoke(report, [str(source), "--heuristics-only", "--order", "nope"])
    assert bad.exit_code == 2 and "--order" in bad.output


def test_debt_left_at_the_end_says_how_much_more_a_month_clears_it() -> None:
    scenario = scenario_from_dict({"currency": "USD", "start": "2027-01", "horizon_months": 12,
                                   "budget": {"monthly": 300},
                                   "loans": [{"id": "card", "kind": "revolving", "balance": 5000,
                                              "annual_rate": 0.2, "min_percent": 0.03}]})
    data = build_report(scenario, use_optimizer=False, sections=frozenset())
    extra = data["report"]["extra_monthly_to_clear"]
    assert extra is not None and extra > 0
    text = render(scenario, data, "markdown", "en")
    assert "is still owed at the end of the plan (Dec 2027)" in text and "more a month would have closed" in text
