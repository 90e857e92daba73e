"""The public Python API: what it returns, what it refuses, and that it agrees with the CLI."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scenarios import SMALL_TWO_LOANS

import debtopt
from debtopt.domain.plan import Take
from debtopt.cli import main as cli
from caps import NO_CAP, NO_CAP_SECONDS

ROOT = Path(__file__).resolve().parents[1]
ZHANG_SAN = ROOT / "examples" / "zhang-san.toml"

SMALL: dict[str, Any] = copy.deepcopy(SMALL_TWO_LOANS)  # a copy of its own per module


@pytest.fixture(scope="module")
def small() -> debtopt.Scenario:
    return debtopt.load_scenario(SMALL)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "small.json"
    path.write_text(json.dumps(SMALL, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def optimal(small: debtopt.Scenario) -> debtopt.Plan:
    return debtopt.optimize(small, time_limit_seconds=NO_CAP_SECONDS)


def cli_out(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def issue_of(excinfo: pytest.ExceptionInfo[debtopt.OptionError]) -> tuple[str, str]:
    issue = excinfo.value.issues[0]
    return issue.path, issue.message


# ---------------------------------------------------------------- load_scenario
def test_load_scenario_from_str_path_pathlike_and_dict(small_file: Path) -> None:
    from_path = debtopt.load_scenario(small_file)
    assert debtopt.load_scenario(str(small_file)) == from_path
    assert debtopt.load_scenario(SMALL) == from_path
    assert isinstance(from_path, debtopt.Scenario)
    toml = debtopt.load_scenario(ZHANG_SAN)
    assert toml.currency == "CNY" and len(toml.loans) == 4


def test_load_scenario_names_every_field(tmp_path: Path) -> None:
    bad = {**SMALL, "horizon_months": 0, "bogus": 1,
           "loans": [{**SMALL["loans"][0], "balance": "12.345"}, SMALL["loans"][1]]}
    with pytest.raises(debtopt.ScenarioError) as excinfo:
        debtopt.load_scenario(bad)
    paths = {issue.path for issue in excinfo.value.issues}
    assert paths == {"horizon_months", "bogus", "loans[0].balance"}
    assert all(isinstance(issue, debtopt.FieldIssue) and issue.message for issue in excinfo.value.issues)
    assert isinstance(excinfo.value, debtopt.DebtoptError)
    with pytest.raises(debtopt.ScenarioError, match="no such file"):
        debtopt.load_scenario(tmp_path / "missing.toml")
    with pytest.raises(debtopt.ScenarioError, match="JSON object"):
        debtopt.load_scenario([1, 2])  # type: ignore[arg-type]


def test_scenario_schema_is_the_cli_schema() -> None:
    assert debtopt.scenario_schema() == json.loads(cli_out("schema"))
    assert "from" in json.dumps(debtopt.scenario_schema())  # by alias, as in the file format


# ---------------------------------------------------------------- simulate
@pytest.mark.parametrize("strategy", [s for s in debtopt.STRATEGIES if s != "custom"])
def test_simulate_is_the_cli_json(strategy: str, small: debtopt.Scenario, small_file: Path) -> None:
    plan = debtopt.simulate(small, strategy)  # type: ignore[arg-type]
    assert plan.strategy == strategy
    assert plan.model_dump(mode="json") == json.loads(cli_out("simulate", str(small_file), "-s", strategy,
                                                             "--format", "json"))
    assert json.loads(plan.model_dump_json()) == plan.model_dump(mode="json")


def test_simulate_custom_order(small: debtopt.Scenario, small_file: Path) -> None:
    plan = debtopt.simulate(small, "custom", ("weilidai", "card"))
    assert plan.totals.escalations == 0
    expected = cli_out("simulate", str(small_file), "-s", "custom", "--order", "weilidai,card", "--format", "json")
    assert plan.model_dump(mode="json") == json.loads(expected)


@pytest.mark.parametrize(("kwargs", "path", "words"), [
    ({"strategy": "fastest"}, "strategy", "unknown strategy"),
    ({"strategy": "avalanche", "order": ["card"]}, "order", "only used with the custom strategy"),
    ({"strategy": "avalanche", "takes": [Take(offer="x", month=1)]}, "takes", "heuristics take no offers"),
    ({"strategy": "custom"}, "order", "needs an order"),
    ({"strategy": "custom", "order": []}, "order", "needs an order"),
    ({"strategy": "custom", "order": "card,weilidai"}, "order", "not one string"),
    ({"strategy": "custom", "order": ["card", "nope"]}, "order", "no loan 'nope'"),
    ({"strategy": "custom", "order": ["card", "card"]}, "order", "named twice"),
])
def test_simulate_refuses(kwargs: dict[str, Any], path: str, words: str, small: debtopt.Scenario) -> None:
    with pytest.raises(debtopt.OptionError) as excinfo:
        debtopt.simulate(small, **kwargs)
    got_path, message = issue_of(excinfo)
    assert got_path == path and words in message


def test_simulate_wants_a_scenario() -> None:
    with pytest.raises(TypeError, match="debtopt.Scenario"):
        debtopt.simulate(SMALL)  # type: ignore[arg-type]


# ---------------------------------------------------------------- optimize
def test_optimize_is_the_cli_json(optimal: debtopt.Plan, small_file: Path) -> None:
    assert optimal.strategy == "optimal"
    assert optimal.solver is not None and optimal.solver.status == "optimal"
    assert not any(key.endswith("seconds") for key in optimal.solver.model_dump(mode="json"))
    assert optimal.model_dump(mode="json") == json.loads(cli_out("optimize", str(small_file), "--format", "json",
                                                                "--time-limit", NO_CAP))


def test_optimize_never_worse_than_a_heuristic(optimal: debtopt.Plan, small: debtopt.Scenario) -> None:
    for strategy in ("minimum", "avalanche", "snowball", "balance-matching", "urgency"):
        assert optimal.rank_key() <= debtopt.simulate(small, strategy).rank_key()  # type: ignore[arg-type]


def test_optimize_options(small: debtopt.Scenario) -> None:
    timed = debtopt.optimize(small, time_limit_seconds=NO_CAP_SECONDS, timings=True)
    assert timed.solver is not None and "total_seconds" in timed.solver.model_dump(mode="json")
    cost = debtopt.optimize(small, objective="cost", time_limit_seconds=NO_CAP_SECONDS)
    assert cost.solver is not None and cost.solver.objective == "cost"
    weighted = debtopt.optimize(small, objective="weighted", overdue_price=Decimal("50"), time_limit_seconds=NO_CAP_SECONDS)
    assert weighted.solver is not None and weighted.solver.objective == "weighted"
    limited = debtopt.optimize(small, max_consecutive_overdue=3, time_limit_seconds=NO_CAP_SECONDS)
    assert limited.totals.max_consecutive_overdue <= 3


@pytest.mark.parametrize(("kwargs", "path"), [
    ({"objective": "fastest"}, "objective"),
    ({"objective": "weighted"}, "overdue_price"),
    ({"overdue_price": 10}, "overdue_price"),
    ({"objective": "weighted", "overdue_price": -1}, "overdue_price"),
    ({"objective": "weighted", "overdue_price": float("nan")}, "overdue_price"),
    ({"objective": "weighted", "overdue_price": "ten"}, "overdue_price"),
    ({"solver": "no-such-solver"}, "solver"),
    ({"max_consecutive_overdue": -1}, "max_consecutive_overdue"),
    ({"max_consecutive_overdue": 1.5}, "max_consecutive_overdue"),
    ({"time_limit_seconds": 0.1}, "time_limit_seconds"),
    ({"time_limit_seconds": float("inf")}, "time_limit_seconds"),
])
def test_optimize_refuses_bad_options(kwargs: dict[str, Any], path: str, small: debtopt.Scenario) -> None:
    with pytest.raises(debtopt.OptionError) as excinfo:
        debtopt.optimize(small, **kwargs)
    assert issue_of(excinfo)[0] == path
    assert not isinstance(excinfo.value, debtopt.ScenarioError), "an option is not the scenario's fault"


def test_optimize_limits(small: debtopt.Scenario) -> None:
    with pytest.raises(debtopt.InfeasibleLimitError, match="already 2 months overdue"):
        debtopt.optimize(small, max_consecutive_overdue=1)


# ---------------------------------------------------------------- compare
def test_compare(small: debtopt.Scenario, small_file: Path) -> None:
    table = debtopt.compare(small, time_limit_seconds=NO_CAP_SECONDS)
    assert list(table.plans) == ["optimal", "minimum", "avalanche", "snowball", "balance-matching", "urgency"]
    assert table.best == "optimal" and table.best_plan is table.plans["optimal"]
    assert table.ranking()[0] == "optimal"
    assert set(table.savings) == set(table.plans) - {"optimal"}
    for name, saved in table.savings.items():
        other, best = table.plans[name].totals, table.plans["optimal"].totals
        assert saved.escalations == other.escalations - best.escalations
        assert saved.cost == other.cost - best.cost
    assert table.savings["avalanche"].escalations == 1
    assert table.savings["avalanche"].cost == Decimal("-8.24")
    dumped = json.loads(table.model_dump_json())
    assert dumped["savings"]["avalanche"]["cost"] == -8.24
    from debtopt.report.tabular import comparison_to_json

    assert comparison_to_json(small, table.plans, table.best) == cli_out(
        "compare", str(small_file), "--format", "json", "--time-limit", NO_CAP)


def test_compare_heuristics_only(small: debtopt.Scenario, small_file: Path) -> None:
    table = debtopt.compare(small, optimal=False)
    assert "optimal" not in table.plans and table.best == "snowball"
    from debtopt.report.tabular import comparison_to_json

    assert comparison_to_json(small, table.plans, table.best) == cli_out(
        "compare", str(small_file), "--no-optimal", "--format", "json")


# ---------------------------------------------------------------- render
@pytest.mark.parametrize("fmt", debtopt.REPORT_FORMATS)
def test_render_every_format(fmt: str, small: debtopt.Scenario) -> None:
    plan = debtopt.simulate(small, "avalanche")
    out = debtopt.render(plan, small, format=fmt, lang="zh")  # type: ignore[arg-type]
    assert out.strip()
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and 'lang="zh"' in out and "<svg" in out
    if fmt == "json":
        data = json.loads(out)
        assert data["plan"]["strategy"] == "avalanche" and data["language"] == "zh"


def test_render_is_the_report_commands_output_for_the_plan_it_explains() -> None:
    """render(plan) is the report command's document of that plan, rendered: the same bytes."""
    from debtopt.analysis.report_data import build_report_data
    from debtopt.report.render import render as render_report
    from debtopt.strategies import best_heuristic

    for path in (ZHANG_SAN, ROOT / "examples" / "us-cards.toml"):
        scenario = debtopt.load_scenario(path)
        plan = best_heuristic(scenario)
        for fmt in ("json", "markdown"):
            expected = render_report(build_report_data(scenario, plan), fmt, scenario.language)
            assert debtopt.render(plan, scenario, format=fmt) == expected  # type: ignore[arg-type]


def test_render_an_optimal_plan(optimal: debtopt.Plan, small: debtopt.Scenario) -> None:
    data = json.loads(debtopt.render(optimal, small, format="json", time_limit_seconds=NO_CAP_SECONDS))
    assert data["method"] == "optimal"
    assert data["comparison"][0]["strategy"] == "optimal"
    assert data["plan"]["totals"] == optimal.totals.model_dump(mode="json")


def test_render_refuses(small: debtopt.Scenario) -> None:
    plan = debtopt.simulate(small)
    with pytest.raises(debtopt.OptionError) as excinfo:
        debtopt.render(plan, small, format="pdf")  # type: ignore[arg-type]
    assert issue_of(excinfo)[0] == "format"
    with pytest.raises(debtopt.OptionError) as excinfo:
        debtopt.render(plan, small, lang="fr")  # type: ignore[arg-type]
    assert issue_of(excinfo)[0] == "lang"
    other = debtopt.load_scenario(ZHANG_SAN)
    with pytest.raises(debtopt.OptionError) as excinfo:
        debtopt.render(plan, other)
    assert issue_of(excinfo)[0] == "plan"
    with pytest.raises(TypeError, match="debtopt.Plan"):
        debtopt.render(plan.model_dump(), small)  # type: ignore[arg-type]


# ---------------------------------------------------------------- names
def test_optimize_is_the_function_even_after_the_subpackage_is_imported() -> None:
    import subprocess
    import sys

    code = ("from debtopt.optimize import STAGES\nimport debtopt.optimize.pipeline\nimport debtopt, debtopt.api\n"
            "assert debtopt.optimize is debtopt.api.optimize, debtopt.optimize\n")
    subprocess.run([sys.executable, "-c", code], check=True)
