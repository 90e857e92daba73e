"""The command line: every command, every format, every bad input (exit 2, field named, no traceback)."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from debtopt.cli import main
from caps import NO_CAP

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

BASE: dict[str, Any] = {
    "currency": "CNY",
    "start": "2027-01",
    "horizon_months": 24,
    "budget": {"monthly": 3000, "changes": [{"from": "2027-06", "monthly": 4000}],
               "inflows": [{"month": "2027-03", "amount": 1000, "label": "gift"}]},
    "loans": [
        {"id": "card", "kind": "revolving", "balance": 8000, "daily_rate": 0.0005, "min_percent": 0.1},
        {"id": "loan", "kind": "installment", "balance": 6000, "annual_rate": 0.12, "term_months": 12},
        {"id": "huabei", "kind": "revolving", "balance": 3000, "daily_rate": 0.0005, "min_percent": 0.1},
    ],
}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(tmp_path: Path, data: dict[str, Any], name: str = "s.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def mutate(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()

BAD_INPUTS = [
    ("unknown key", ["colour"], "blue", "colour"),
    ("unknown loan key", ["loans", 1, "rate"], 0.1, "loans[1].rate"),
    ("duplicate id", ["loans", 2, "id"], "card", "loans[2].id"),
    ("two rates", ["loans", 2, "annual_rate"], 0.18, "loans[2].daily_rate"),
    ("no rate", ["loans", 2, "daily_rate"], DELETE, "loans[2].annual_rate"),
    ("arrears above balance", ["loans", 0, "arrears"], 9000, "loans[0].arrears"),
    ("negative amount", ["loans", 1, "balance"], -5, "loans[1].balance"),
    ("negative budget", ["budget", "monthly"], -1, "budget.monthly"),
    ("fraction of a cent", ["loans", 1, "balance"], 10.001, "loans[1].balance"),
    ("impossible month", ["start"], "2027-13", "start"),
    ("month outside horizon", ["budget", "inflows", 0, "month"], "2031-01", "budget.inflows[0].month"),
    ("change outside horizon", ["budget", "changes", 0, "from"], "2026-01", "budget.changes[0].from"),
    ("rate above 100 % a month", ["loans", 0, "daily_rate"], 0.05, "loans[0].daily_rate"),
    ("installment with neither", ["loans", 1, "term_months"], DELETE, "loans[1].term_months"),
    ("revolving without minimum", ["loans", 0, "min_percent"], DELETE, "loans[0].min_percent"),
    ("bad kind", ["loans", 0, "kind"], "mortgage", "loans[0].kind"),
    ("horizon too long", ["horizon_months"], 601, "horizon_months"),
    ("missing budget", ["budget"], DELETE, "budget"),
]


@pytest.mark.parametrize(("label", "path", "value", "field"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
@pytest.mark.parametrize("command", ["validate", "simulate", "compare"])
def test_bad_input_exits_2_naming_the_field(tmp_path: Path, label: str, path: list[Any], value: Any,
                                            field: str, command: str) -> None:
    scenario = write(tmp_path, mutate(path, value))
    out = tmp_path / "out.json"
    args = [command, str(scenario)] + (["-o", str(out)] if command != "validate" else [])
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists(), "nothing is written when the input is bad"


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("currency = \n", encoding="utf-8")
    for path, words in [(broken, "not valid TOML"), (tmp_path / "none.toml", "no such file"),
                        (write(tmp_path, {}, "x.yaml"), "use .toml or .json")]:
        result = run("validate", str(path))
        assert result.exit_code == 2
        assert words in result.stderr


def test_validate_ok_summarises(tmp_path: Path) -> None:
    result = run("validate", str(write(tmp_path, BASE)))
    assert result.exit_code == 0
    assert "valid. 3 loans, ¥17,000.00 owed, 24 months from 2027-01." in result.output


@pytest.mark.parametrize("strategy", ["minimum", "avalanche", "snowball", "balance-matching", "urgency"])
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_every_example_through_every_strategy(example: str, strategy: str) -> None:
    result = run("simulate", str(EXAMPLES / example), "--strategy", strategy, "--format", "json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.output)
    assert plan["strategy"] == strategy
    assert set(plan["totals"]) >= {"paid", "interest", "penalty_interest", "fees", "cost", "savings_interest",
                                   "overdue_months", "max_consecutive_overdue", "escalations", "payoff_month",
                                   "remaining_balance", "final_savings"}
    first = plan["months"][0]
    assert set(first) >= {"month", "date", "cash_available", "saved", "loans"}
    assert set(first["loans"][0]) >= {"id", "payment", "interest", "penalty_interest", "fees", "due",
                                      "balance", "arrears", "overdue"}


def test_custom_order(tmp_path: Path) -> None:
    scenario = write(tmp_path, BASE)
    result = run("simulate", str(scenario), "--strategy", "custom", "--order", "huabei,card", "--format", "json")
    assert result.exit_code == 0, result.stderr
    first = json.loads(result.output)["months"][0]["loans"]
    # huabei is paid off first: after every due, the rest of the cash goes to it.
    assert first[2]["id"] == "huabei" and first[2]["payment"] > first[0]["payment"] - 800


@pytest.mark.parametrize(("args", "words"), [
    (["--strategy", "custom"], "--order: the custom strategy needs an order"),
    (["--strategy", "custom", "--order", "card,nope"], "--order: no loan 'nope'"),
    (["--strategy", "custom", "--order", "card,card"], "named twice"),
    (["--strategy", "avalanche", "--order", "card"], "--order: only used with the custom strategy"),
])
def test_custom_order_errors(tmp_path: Path, args: list[str], words: str) -> None:
    result = run("simulate", str(write(tmp_path, BASE)), *args)
    assert result.exit_code == 2
    assert words in result.stderr


def test_unknown_strategy_is_a_usage_error(tmp_path: Path) -> None:
    result = run("simulate", str(write(tmp_path, BASE)), "--strategy", "magic")
    assert result.exit_code == 2
    assert "magic" in result.output + result.stderr


def test_csv_is_one_row_per_month_and_loan(tmp_path: Path) -> None:
    result = run("simulate", str(write(tmp_path, BASE)), "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    plan = json.loads(run("simulate", str(write(tmp_path, BASE)), "--format", "json").output)
    assert len(rows) == sum(len(m["loans"]) for m in plan["months"])
    assert rows[0]["loan"] == "card" and rows[0]["month"] == "1"


def test_text_output_is_readable_and_deterministic(tmp_path: Path) -> None:
    scenario = write(tmp_path, BASE)
    first = run("simulate", str(scenario))
    second = run("simulate", str(scenario))
    assert first.exit_code == 0
    assert first.output == second.output
    assert "Payments by month" in first.output and "Totals: paid ¥" in first.output


def test_output_file_written(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run("simulate", str(write(tmp_path, BASE)), "--format", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"wrote {out}\n"
    assert json.loads(out.read_text(encoding="utf-8"))["currency"] == "CNY"


def test_output_into_missing_folder_is_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "plan.json"
    result = run("simulate", str(write(tmp_path, BASE)), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"error: -o {target}: no folder {target.parent}; create it first or choose another path\n"
    folder = run("simulate", str(write(tmp_path, BASE)), "-o", str(tmp_path))
    assert folder.exit_code == 2 and "Traceback" not in folder.output


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_compare_formats(tmp_path: Path, fmt: str) -> None:
    result = run("compare", str(write(tmp_path, BASE)), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    for name in ("minimum", "avalanche", "snowball", "balance-matching"):
        assert name in result.output
    if fmt == "json":
        data = json.loads(result.output)
        assert data["best"] in data["strategies"]


def test_schema_is_json_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert {"start", "budget", "loans"} <= set(schema["required"])


@pytest.mark.parametrize("name", ["zhang-san", "us-cards", "us-consolidation"])
def test_example_writes_a_valid_scenario(tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.toml"
    assert run("example", name, "-o", str(out)).exit_code == 0
    assert run("validate", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")


def test_output_file_is_an_ordinary_file(tmp_path: Path) -> None:
    import os

    out = tmp_path / "plan.csv"
    assert run("simulate", str(write(tmp_path, BASE)), "--format", "csv", "-o", str(out)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plan.csv.")], "no temporary file left"


def test_every_command_is_registered() -> None:
    result = run("--help")
    for command in ("validate", "simulate", "compare", "optimize", "report", "schema", "example", "serve", "batch",
                    "generate"):
        assert command in result.output


def test_text_shows_offers_taken_and_the_new_loan() -> None:
    result = run("simulate", str(EXAMPLES / "us-consolidation.toml"), "--strategy", "custom",
                 "--order", "store,amex,visa,personal", "--take", "transfer:2027-01:12000")
    assert result.exit_code == 0, result.stderr
    assert "Offers taken" in result.output and "balance-transfer" in result.output
    header = next(line for line in result.output.splitlines() if line.strip().startswith("month"))
    assert "transfer" in header


def test_scenario_text_is_not_rich_markup(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["loans"][0]["name"] = "[bold red]card[/]"
    result = run("simulate", str(write(tmp_path, data)))
    assert result.exit_code == 0
    assert "[bold red]card[/]" in result.output


def test_compare_checks_the_borrowers_own_plan_against_the_optimum() -> None:
    """Borrowing ¥20,000 from 网贷 to pay 微粒贷 first (以贷养贷) is the plan Zhang San had in mind."""
    path = str(EXAMPLES / "zhang-san.toml")
    result = run("compare", path, "--order", "weilidai,card,huabei,jiebei", "--take", "wangdai:2026-12:20000",
                 "--format", "json", "--time-limit", NO_CAP)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["best"] == "optimal" and data["strategies"]["custom"]["borrowed"] == 20000.0
    custom = data["optimal_saves_against_custom"]
    assert custom["against"] == "custom" and custom["escalations"] >= 1 and custom["cost"] > 0
    text = run("compare", path, "--order", "weilidai,card,huabei,jiebei", "--take", "wangdai:2026-12:20000",
               "--time-limit", NO_CAP, "--lang", "en").output
    assert "Against your plan (custom), the optimal plan has" in text
    alone = run("compare", path, "--take", "wangdai:2026-12:20000")
    assert alone.exit_code == 2 and "--take" in alone.output and "Traceback" not in alone.output


@pytest.mark.parametrize("args", [["--help"], ["validate", str(EXAMPLES / "zhang-san.toml")], ["simulate", "--help"]])
def test_help_and_validate_load_no_solver_and_no_plotting(args: list[str]) -> None:
    """`debtopt --help` and `debtopt validate` stay quick: no solver (highspy, pulp), no matplotlib, no server."""
    import subprocess
    import sys

    code = ("import sys\nfrom debtopt.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as done:\n"
            "    assert not done.code, done.code\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'highspy', 'pulp', 'matplotlib', 'numpy', "
            "'fastapi', 'uvicorn', 'dask', 'icalendar', 'beancount'})\nprint('HEAVY', heavy)\n")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "HEAVY []", done.stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_optimize_loads_no_plotting_and_no_pulp(fmt: str) -> None:
    """`debtopt optimize` with the default solver draws nothing and solves without PuLP: neither
    matplotlib (half a second) nor PuLP is imported; `--solver cbc` imports PuLP."""
    import subprocess
    import sys

    def loaded(*args: str) -> list[str]:
        code = ("import sys\nfrom debtopt.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as done:\n"
                "    assert not done.code, done.code\n"
                "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'pulp', 'matplotlib'}))\n")
        done = subprocess.run([sys.executable, "-c", code, "optimize", str(EXAMPLES / "us-cards.toml"),
                               "--no-offer-worth", "--format", fmt, *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    assert loaded() == "LOADED []"
    assert loaded("--solver", "cbc") == "LOADED ['pulp']"


@pytest.mark.parametrize(("name", "fmt"), [("plan.json", "json"), ("plan.csv", "csv"), ("plan.txt", "text")])
def test_output_format_from_the_extension(tmp_path: Path, name: str, fmt: str) -> None:
    source = write(tmp_path, BASE)
    out = tmp_path / name
    result = run("simulate", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == run("simulate", str(source), "--format", fmt).stdout
    forced = run("simulate", str(source), "-o", str(out), "--format", "text")  # --format says otherwise
    assert forced.exit_code == 0 and "Plan: avalanche" in out.read_text(encoding="utf-8")


def test_an_output_extension_the_command_does_not_write(tmp_path: Path) -> None:
    result = run("simulate", str(write(tmp_path, BASE)), "-o", str(tmp_path / "plan.html"))
    assert result.exit_code == 2 and not (tmp_path / "plan.html").exists()
    assert "-o: plan.html names a html file" in result.stderr and ".txt, .json or .csv" in result.stderr


def test_report_format_from_the_extension_and_what_it_wrote(tmp_path: Path) -> None:
    source = write(tmp_path, BASE)
    page = tmp_path / "report.html"
    result = run("report", str(source), "--heuristics-only", "-o", str(page), "--letters", str(tmp_path / "letters"))
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote {page}" in result.stderr and "letters to" in result.stderr
    md = tmp_path / "report.md"
    assert run("report", str(source), "--heuristics-only", "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# ")


def test_option_errors_name_the_flag(tmp_path: Path) -> None:
    source = str(write(tmp_path, BASE))
    for args, words in [
        (["report", source, "--time-limit", "0"], "--time-limit: seconds, at least 0.5"),
        (["report", source, "--order", " , "], "--order: give loan ids"),
        (["simulate", source, "--take", "x:1"], "--take"),
        (["compare", source, "--time-limit", "nan"], "--time-limit: seconds"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.stderr and "Traceback" not in result.output, (args, result.stderr)


def test_text_output_in_the_scenarios_language_unless_told(tmp_path: Path) -> None:
    zh = {**BASE, "language": "zh"}
    source = str(write(tmp_path, zh))
    chinese = run("simulate", source)
    english = run("simulate", source, "--lang", "en")
    assert chinese.exit_code == english.exit_code == 0
    assert "Plan: avalanche" in english.stdout and "Plan: avalanche" not in chinese.stdout
    assert run("compare", source, "--no-optimal", "--lang", "en").stdout.startswith("Strategies compared")
    assert run("simulate", source, "--lang", "fr").exit_code == 2
