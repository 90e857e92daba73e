"""`debtopt optimize` and `compare` with the optimum: options, formats, errors, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from debtopt.cli import main

SMALL: dict[str, Any] = {
    "currency": "CNY",
    "start": "2027-01",
    "horizon_months": 8,
    "budget": {"monthly": 900},
    "loans": [
        {"id": "card", "kind": "revolving", "balance": 3000, "daily_rate": 0.0005, "min_percent": 0.1,
         "late_fee_percent": 0.05},
        {"id": "weilidai", "kind": "installment", "balance": 2400, "daily_rate": 0.0005, "term_months": 6,
         "method": "equal-principal", "penalty_multiplier": 1.5, "arrears": 400, "months_overdue": 2},
    ],
}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL), encoding="utf-8")
    return path


def test_optimize_json_is_a_plan_with_a_solver_block(small: Path) -> None:
    result = run("optimize", str(small), "--format", "json", "--time-limit", "20")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.output)
    assert plan["strategy"] == "optimal"
    assert {"name", "status", "stages"} <= set(plan["solver"])
    assert all("seconds" not in stage for stage in plan["solver"]["stages"])
    again = run("optimize", str(small), "--format", "json", "--time-limit", "20")
    assert again.output == result.output, "same input, same bytes"


def test_optimize_timings_on_request(small: Path) -> None:
    result = run("optimize", str(small), "--format", "json", "--timings", "--time-limit", "20")
    assert "total_seconds" in json.loads(result.output)["solver"]


def test_optimize_text_says_how_the_solve_went(small: Path) -> None:
    result = run("optimize", str(small), "--time-limit", "20")
    assert result.exit_code == 0, result.stderr
    assert "Plan: optimal" in result.output and "Solver: highs." in result.output


def test_compare_includes_the_optimum_first(small: Path) -> None:
    result = run("compare", str(small), "--format", "json", "--time-limit", "20")
    data = json.loads(result.output)
    assert "optimal" in data["strategies"]
    saves = data["optimal_saves"]
    against = data["strategies"][saves["against"]]
    assert saves["overdue_months"] == against["overdue_months"] - data["strategies"]["optimal"]["overdue_months"]
    text = run("compare", str(small), "--time-limit", "20").output
    assert f"Against the best heuristic ({saves['against']}), the optimal plan has" in text
    best = data["strategies"][data["best"]]
    optimal = data["strategies"]["optimal"]
    assert (optimal["escalations"], optimal["overdue_months"]) <= (best["escalations"], best["overdue_months"])


@pytest.mark.parametrize(("args", "words"), [
    (["--objective", "weighted"], "--overdue-price: --objective weighted needs a price"),
    (["--overdue-price", "10"], "--overdue-price: only used with --objective weighted"),
    (["--objective", "weighted", "--overdue-price", "-1"], "--overdue-price: must be 0 or more"),
    (["--max-consecutive-overdue", "1"], "already 2 months overdue"),
])
def test_optimize_bad_options_exit_2(small: Path, args: list[str], words: str) -> None:
    result = run("optimize", str(small), *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_objectives_run(small: Path) -> None:
    for args in (["--objective", "cost"], ["--objective", "weighted", "--overdue-price", "50"]):
        result = run("optimize", str(small), "--format", "json", "--time-limit", "20", *args)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.output)["solver"]["objective"] == args[1]


def test_stdout_carries_only_the_json(small: Path) -> None:
    """The solver's own banner (highspy prints one from C++) must not reach stdout."""
    done = subprocess.run([sys.executable, "-m", "debtopt", "optimize", str(small), "--format", "json",
                           "--time-limit", "20"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["strategy"] == "optimal"
    assert "HiGHS" not in done.stdout + done.stderr


def test_optimize_says_which_offers_to_take_and_what_each_is_worth() -> None:
    examples = Path(__file__).resolve().parents[1] / "examples"
    result = run("optimize", str(examples / "us-consolidation.toml"), "--time-limit", "30")
    assert result.exit_code == 0, result.stderr
    assert "offer transfer (balance-transfer): taken in month 1" in result.output
    assert "Offers taken" in result.output
