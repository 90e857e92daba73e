"""Golden reports of the optimizer's plan for the bundled examples, in both languages; the `report` command.

Regenerate with `DEBTOPT_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py` and read the diff before
committing it. Each example is solved once per module (no offer worth, no what-ifs: the re-solves are
bounded by time, and a golden file must not move with the machine's load).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from debtopt.analysis.document import ReportData
from debtopt.analysis.report_data import build_report_data
from debtopt.domain import load_scenario
from debtopt.api import optimize
from debtopt.report.render import render
from debtopt.cli.report import report

from report_checks import check_reasons_agree, check_rows_add_up
from caps import NO_CAP_SECONDS

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("DEBTOPT_UPDATE_GOLDEN") == "1"
EXTENSIONS = {"text": "txt", "markdown": "md"}
EXAMPLES = ["zhang-san", "us-consolidation"]
SECTIONS = frozenset({"comparison", "borrowing", "value", "letters"})


@cache
def example(name: str) -> tuple[Any, ReportData]:
    scenario = load_scenario(ROOT / "examples" / f"{name}.toml")
    plan = optimize(scenario, time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
    assert plan.solver is not None and plan.solver.proved, "the golden files need the proved optimum"
    return scenario, build_report_data(scenario, plan, sections=SECTIONS)


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_golden(name: str, lang: str, fmt: str) -> None:
    _, doc = example(name)
    text = render(doc, fmt, lang)
    path = GOLDEN / f"{name}.{lang}.{EXTENSIONS[fmt]}"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with DEBTOPT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; regenerate with DEBTOPT_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_optimizers_report_agrees_with_itself(name: str) -> None:
    _, doc = example(name)
    check_rows_add_up(doc)
    check_reasons_agree(doc)


def test_zhang_san_is_told_whom_to_call_first() -> None:
    _, doc = example("zhang-san")
    first = doc.actions.this_month[0]
    assert first.kind == "ask_hardship" and first.offer == "weilidai-fenqi" and first.lender == "WeBank 微众银行"
    zh = render(doc, "markdown", "zh")
    head = zh.split("## 结果")[0]
    assert "联系WeBank 微众银行，申请“微粒贷 个性化分期”" in head and "不要借某网贷" in head
    assert "2020 年修订的民间借贷司法解释" in head and "一年期 LPR 四倍" in head
    assert "mum" not in zh and "cmb-consolidation" not in zh and "升级催收" not in zh and "最贵的钱" not in zh
    assert {x.purpose for x in doc.letters} == {"hardship", "application"}  # no letter to lenders asked nothing


def test_json_is_the_document_with_sentences() -> None:
    _, doc = example("zhang-san")
    out = json.loads(render(doc, "json", "zh"))
    assert ReportData.model_validate({**out, "explanations": [
        {**m, "reasons": [{k: v for k, v in r.items() if k != "text"} for r in m["reasons"]],
         "accounts": [{**a, "reasons": [{k: v for k, v in r.items() if k != "text"} for r in a["reasons"]]}
                      for a in m["accounts"]]} for m in out["explanations"]]}) is not None
    first = out["explanations"][0]["accounts"][0]["reasons"][0]
    assert first["code"] == "hardship_accepted" and "微粒贷 个性化分期" in first["text"]
    assert out["language"] == "zh" and out["plan"]["strategy"] == "optimal"


def test_report_command(tmp_path: Path) -> None:
    from test_report_safety import HOSTILE

    source = tmp_path / "s.json"
    source.write_text(json.dumps(HOSTILE), encoding="utf-8")
    runner = CliRunner()
    for fmt in ("text", "markdown", "json", "csv"):
        result = runner.invoke(report, [str(source), "--heuristics-only", "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    out = tmp_path / "r.html"
    result = runner.invoke(report, [str(source), "--heuristics-only", "-o", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote {out}" in result.stderr
    md = tmp_path / "r.md"
    result = runner.invoke(report, [str(source), "--heuristics-only", "--lang", "en", "-o", str(md),
                                    "--charts", str(tmp_path / "charts"), "--chart-format", "png"])
    assert result.exit_code == 0, result.output
    assert "](charts/balances.png)" in md.read_text(encoding="utf-8")
    assert (tmp_path / "charts" / "payments.png").read_bytes()[:4] == b"\x89PNG"
    result = runner.invoke(report, [str(source), "--heuristics-only", "--format", "json", "-o",
                                    str(tmp_path / "r.json"), "--letters", str(tmp_path / "letters")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == ["letter-late.en.md", "letter-late.zh.md"]
    bad = runner.invoke(report, [str(source), "--heuristics-only", "--order", ","])
    assert bad.exit_code == 2 and "--order" in bad.output
