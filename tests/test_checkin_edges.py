"""The check-in at the edges: `debtopt checkin`, `debtopt.checkin`, and `POST /v1/checkin`."""

from __future__ import annotations

import json
from decimal import Decimal
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from checkin_helpers import actual_following, month_rows
from click.testing import CliRunner

import debtopt
from debtopt.cli import main as cli
from debtopt.domain import load_scenario
from debtopt.errors import InputError
from debtopt.server.launch import RunningServer, running_server
from caps import NO_CAP_SECONDS

ROOT = Path(__file__).resolve().parents[1]
ZHANG_SAN = ROOT / "examples" / "zhang-san.toml"
ACTUAL = ROOT / "tests" / "data" / "zhang-san-actual.toml"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def avalanche_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("checkin") / "plan.json"
    result = run("simulate", ZHANG_SAN, "--format", "json", "-o", path)
    assert result.exit_code == 0, result.output
    return path


def test_the_command_writes_the_next_scenario_and_says_what_the_statement_corrected(tmp_path: Path) -> None:
    out = tmp_path / "next.toml"
    result = run("checkin", ZHANG_SAN, "--actual", ACTUAL, "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "took off ¥185.73" in result.output and "Jan 2027 with 6 loans, for 35 months" in result.output
    assert f"debtopt optimize {out}" in result.output
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["start"] == "2027-01" and load_scenario(out).horizon_months == 35
    assert run("validate", out).exit_code == 0


def test_against_the_plan_names_the_payments_that_differed(tmp_path: Path, avalanche_plan: Path) -> None:
    scenario = load_scenario(ZHANG_SAN)
    plan = debtopt.simulate(scenario, "avalanche")
    actual = actual_following(plan, scenario, 2)
    actual["months"][1]["payments"].pop("card")  # January's card payment was missed
    actual["months"][0]["cash"] = 3000  # December brought 200 less, and the card was paid 200 less
    actual["months"][0]["payments"]["card"] = "1312.35"
    actual_path = tmp_path / "actual.json"
    actual_path.write_text(json.dumps(actual), encoding="utf-8")
    result = run("checkin", ZHANG_SAN, "--actual", actual_path, "--plan", avalanche_plan, "-o", tmp_path / "n.toml",
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Dec 2026: income fell; the cash for debts was ¥3,000.00 instead of ¥3,200.00." in result.output
    assert "Dec 2026: 招商银行信用卡 was paid ¥1,312.35 (the plan said ¥1,512.35)." in result.output
    assert "Jan 2027: 招商银行信用卡 was not paid (the plan said ¥1,381.53)." in result.output


def test_bad_input_exits_2_naming_the_field_and_writes_nothing(tmp_path: Path) -> None:
    actual = tomllib.loads(ACTUAL.read_text(encoding="utf-8"))
    actual["months"][0]["payments"]["huabei"] = 90000  # more than it owes
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(actual), encoding="utf-8")
    out = tmp_path / "next.toml"
    result = CliRunner().invoke(cli, ["checkin", str(ZHANG_SAN), "--actual", str(bad), "-o", str(out)])
    assert result.exit_code == 2 and "months[0].payments.huabei" in result.output and "2026-12" in result.output
    assert "Traceback" not in result.output and not out.exists()
    result = CliRunner().invoke(cli, ["checkin", str(ZHANG_SAN), "--actual", str(ACTUAL), "-o", str(out),
                                      "--new-plan", str(tmp_path / "p.json")])
    assert result.exit_code == 2 and "--new-plan" in result.output and not out.exists()


def test_following_the_plan_and_replanning_keeps_the_plan(tmp_path: Path) -> None:
    """A borrower who did what the plan said is told the same remaining months."""
    scenario = load_scenario(ZHANG_SAN)
    plan = debtopt.optimize(scenario, time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
    result = debtopt.checkin(scenario, actual_following(plan, scenario, 3), plan=plan, replan=True,
                             time_limit_seconds=NO_CAP_SECONDS)
    assert result.plan is not None and result.changes is not None
    assert month_rows(result.plan) == month_rows(plan, 3)
    assert result.changes.same_plan and result.against_plan == []


def test_the_api_takes_paths_mappings_and_models_and_names_the_file_at_fault() -> None:
    scenario = load_scenario(ZHANG_SAN)
    by_path = debtopt.checkin(scenario, ACTUAL)
    by_data = debtopt.checkin(scenario, tomllib.loads(ACTUAL.read_text(encoding="utf-8")))
    assert by_path.scenario_text == by_data.scenario_text and by_path.plan is None
    assert [c.amount for c in by_path.corrections] == [Decimal("-185.73")]
    with pytest.raises(InputError) as info:
        debtopt.checkin(scenario, {"scenario_start": "2027-05", "months": [{"month": "2027-05"}]})
    assert info.value.issues[0].path == "scenario_start"
    with pytest.raises(InputError) as info:
        debtopt.checkin(scenario, ACTUAL, plan={"strategy": "x"})
    assert info.value.what == "plan"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--workers", "1", "--time-limit", "20", "--max-time-limit", "60") as running:
        yield running


def test_the_server_checks_in(server: RunningServer) -> None:
    body = {"scenario": tomllib.loads(ZHANG_SAN.read_text(encoding="utf-8")),
            "actual": tomllib.loads(ACTUAL.read_text(encoding="utf-8"))}
    with httpx.Client(base_url=server.url, timeout=60) as http:
        answer = http.post("/v1/checkin", json=body)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["scenario"]["start"] == "2027-01" and data["plan"] is None
        same = debtopt.checkin(load_scenario(json.loads(json.dumps(body["scenario"]))), json.loads(json.dumps(body["actual"])))
        assert data["scenario_toml"] == same.scenario_text
        assert data["corrections"][0]["amount"] == -185.73
        body["actual"]["months"][0]["payments"]["huabei"] = 90000
        refused = http.post("/v1/checkin", json=body)
        assert refused.status_code == 422
        assert refused.json()["issues"][0]["path"] == "actual.months[0].payments.huabei"
        assert refused.json()["error"] == "invalid actual file"
        missing = http.post("/v1/checkin", json={"scenario": body["scenario"]})
        assert missing.status_code == 422 and missing.json()["issues"][0]["path"] == "actual"
