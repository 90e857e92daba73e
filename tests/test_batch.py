"""Batch runs: one record per input in order, errors recorded, resume, engines agree, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from debtopt import api
from debtopt.batch import run_batch, solve
from debtopt.batch.commands import batch
from debtopt.batch.inputs import read_tasks
from debtopt.batch.work import WorkOptions
from debtopt.domain import load_scenario
from debtopt.errors import SolverError
from debtopt.generate import generate_scenario, generate_scenarios, scenario_to_toml, write_scenarios
from debtopt.report.tabular import plan_to_json
from debtopt.strategies import HEURISTICS, run_strategy

ROOT = Path(__file__).parent.parent
HEUR = list(HEURISTICS)


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _small_jsonl(path: Path, count: int, seed: int = 1) -> Path:
    write_scenarios(generate_scenarios(seed, count, "mixed", loans=(2, 4)), path)
    return path


def test_heuristic_from_its_own_run_equals_propose_then_replay() -> None:
    for i in range(6):
        scenario = load_scenario(generate_scenario(21, i, "mixed", loans=(2, 8)))
        plans = api.heuristic_plans(scenario)
        briefs = api.heuristic_plans(scenario, with_months=False)
        assert list(plans) == list(HEURISTICS)
        for name in HEURISTICS:
            full = plans[name]
            assert plan_to_json(full) == plan_to_json(run_strategy(scenario, name))
            # without --plans only the totals are built: the same totals and escalations, no rows
            brief = briefs[name]
            assert brief.months == [] and brief.totals == full.totals and brief.escalated == full.escalated


def test_corrupt_file_solver_failure_and_normal_give_three_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.toml").write_text(scenario_to_toml(generate_scenario(1, 0, loans=(2, 3))), encoding="utf-8")
    (folder / "b-corrupt.toml").write_text("currency = 'CNY'\n[[loans]\nbalance = ", encoding="utf-8")
    hard = generate_scenario(1, 1, loans=(2, 3))
    hard["horizon_months"] = 35  # marks the one the fake solver cannot solve in its time limit
    (folder / "c-hard.json").write_text(json.dumps(hard), encoding="utf-8")
    (folder / "notes.txt").write_text("not a scenario", encoding="utf-8")

    def fake_optimize(scenario: Any, time_limit_seconds: float, offer_worth: bool = True) -> Any:
        if scenario.horizon_months == 35:
            raise SolverError(f"no plan found within the time limit of {time_limit_seconds} s")
        return run_strategy(scenario, "urgency").model_copy(update={"strategy": "optimal"})

    monkeypatch.setattr(api, "optimize", fake_optimize)
    out = tmp_path / "out.jsonl"
    summary = run_batch(folder, out, ["optimal", "avalanche"], engine="inline", time_limit_seconds=0.5)
    good, corrupt, hard_record = _records(out)
    assert [r["input"] for r in (good, corrupt, hard_record)] == ["a-good.toml", "b-corrupt.toml", "c-hard.json"]
    assert good["error"] is None and set(good["strategies"]) == {"optimal", "avalanche"} and good["best"]
    assert corrupt["error"].startswith("b-corrupt.toml: invalid scenario (1 problem):\n  not valid TOML")
    assert corrupt["error_type"] == "ScenarioError" and corrupt["strategies"] == {}
    assert hard_record["error"] == "no plan found within the time limit of 0.5 s"
    assert hard_record["error_type"] == "SolverError" and hard_record["best"] is None
    assert list(hard_record["strategies"]) == ["avalanche"]  # the strategies that ran before the failure
    assert summary.total == 3 and summary.ok == 1 and sum(summary.errors.values()) == 2


def test_invalid_scenario_message_is_what_validate_says(tmp_path: Path) -> None:
    from debtopt.cli import main

    data = generate_scenario(1, 0, loans=(2, 2))
    data["loans"][1]["balance"] = -5
    lines = tmp_path / "in.jsonl"
    lines.write_text("\n" + json.dumps(data) + "\n{not json\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(lines, out, HEUR, engine="inline")
    bad, broken = _records(out)
    assert bad["input"] == 2 and broken["input"] == 3  # physical line numbers; blank lines are skipped
    assert bad["error"].startswith("line 2: invalid scenario (1 problem):\n  loans[1].balance:")
    assert broken["error"].startswith("line 3: invalid scenario (1 problem):\n  not valid JSON")
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        result = CliRunner().invoke(main, ["validate", "bad.json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: " + bad["error"].replace("line 2", "bad.json")


def test_resume_after_a_real_kill_gives_the_uninterrupted_output(tmp_path: Path) -> None:
    inputs = _small_jsonl(tmp_path / "in.jsonl", 200)
    reference = tmp_path / "ref.jsonl"
    run_batch(inputs, reference, HEUR, engine="inline")
    out = tmp_path / "out.jsonl"
    code = "from debtopt.batch.commands import batch; batch()"
    proc = subprocess.Popen([sys.executable, "-c", code, str(inputs), "-o", str(out), "-w", "1", "--chunk-size", "1",
                             "-s", ",".join(HEUR)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 10):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = out.read_bytes()
    assert 0 < written.count(b"\n") < 200, "the run must be killed mid-way"
    summary = run_batch(inputs, out, HEUR, workers=1, resume=True)
    assert summary.resumed == written.count(b"\n")  # every complete line is kept
    assert out.read_bytes() == reference.read_bytes()


def test_resume_discards_a_partial_last_line(tmp_path: Path) -> None:
    inputs = _small_jsonl(tmp_path / "in.jsonl", 12)
    reference = tmp_path / "ref.jsonl"
    run_batch(inputs, reference, HEUR, engine="inline")
    data = reference.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 40  # 40 bytes into a record: a crash mid-write
    out = tmp_path / "out.jsonl"
    out.write_bytes(data[:cut])
    summary = run_batch(inputs, out, HEUR, engine="inline", resume=True)
    assert out.read_bytes() == data
    assert summary.total == 12 and 0 < summary.resumed < 12
    # Resuming a finished run does nothing.
    assert run_batch(inputs, out, HEUR, engine="inline", resume=True).resumed == 12
    assert out.read_bytes() == data


def test_resume_refuses_another_batchs_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_batch(_small_jsonl(tmp_path / "a.jsonl", 3), out, HEUR, engine="inline")
    folder = tmp_path / "f"
    write_scenarios(generate_scenarios(1, 3, loans=(2, 3)), folder, "json", "x")
    result = CliRunner().invoke(batch, [str(folder), "-o", str(out), "-s", "avalanche", "--resume", "-w", "1"])
    assert result.exit_code == 2 and "another batch" in result.stderr


def test_process_and_dask_engines_give_identical_records(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    inputs = _small_jsonl(tmp_path / "in.jsonl", 40, seed=8)
    with (tmp_path / "in.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    runs = {}
    for name, engine, workers in [("inline", "inline", 1), ("processes", "local", 2), ("dask", "dask", 2)]:
        out = tmp_path / f"{name}.jsonl"
        run_batch(inputs, out, HEUR, engine=engine, workers=workers, chunk_size=3, plans=(name != "x"))
        runs[name] = out.read_bytes()
    assert runs["inline"] == runs["processes"] == runs["dask"]
    assert runs["inline"].count(b"\n") == 41 and b'"plans"' in runs["inline"]


def test_real_optimizer_with_a_tiny_time_limit_is_never_worse_than_a_heuristic() -> None:
    task = next(iter(read_tasks(_jsonl_of([generate_scenario(2, 0, "cn-microloan", loans=(2, 3))]))))
    record = solve(task, WorkOptions(("optimal", *HEUR), time_limit_seconds=0.5))
    assert record["error"] is None
    key = lambda t: (t["escalations"], t["overdue_months"], t["remaining_balance"], t["net_cost"])  # noqa: E731
    assert key(record["strategies"]["optimal"]) <= min(key(record["strategies"][h]) for h in HEUR)


def _jsonl_of(items: list[dict[str, Any]]) -> Path:
    import tempfile

    handle = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
    with handle:
        for data in items:
            handle.write(json.dumps(data) + "\n")
    return Path(handle.name)


def test_cli_batch_and_its_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(batch, [str(tmp_path / "nope"), "-o", str(tmp_path / "o.jsonl")])
    assert missing.exit_code == 2 and "nope" in missing.stderr and "does not exist" in missing.stderr
    wrong = tmp_path / "scenarios.csv"
    wrong.write_text("x", encoding="utf-8")
    bad_type = runner.invoke(batch, [str(wrong), "-o", str(tmp_path / "o.jsonl")])
    assert bad_type.exit_code == 2 and "neither a folder" in bad_type.stderr
    inputs = _small_jsonl(tmp_path / "in.jsonl", 4)
    unknown = runner.invoke(batch, [str(inputs), "-o", str(tmp_path / "o.jsonl"), "-s", "avalanche,cheapest"])
    assert unknown.exit_code == 2 and "unknown strategy 'cheapest'" in unknown.stderr
    ok = runner.invoke(batch, [str(inputs), "-o", str(tmp_path / "o.jsonl"), "-s", "avalanche,snowball", "-w", "1"])
    assert ok.exit_code == 0, ok.output
    assert "4 scenarios: 4 solved, 0 with an error" in ok.stdout
    assert f"wrote 4 records to {tmp_path / 'o.jsonl'}" in ok.stderr
    assert [r["input"] for r in _records(tmp_path / "o.jsonl")] == [1, 2, 3, 4]
    again = runner.invoke(batch, [str(inputs), "-o", str(tmp_path / "o.jsonl"), "-s", "avalanche"])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_cli_generate(tmp_path: Path) -> None:
    from debtopt.batch.commands import generate

    result = CliRunner().invoke(generate, ["-p", "us-cards", "-n", "3", "--seed", "5", "--loans", "3-4"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(3 <= len(json.loads(line)["loans"]) <= 4 for line in lines)
    bad = CliRunner().invoke(generate, ["--loans", "5-2"])
    assert bad.exit_code == 2 and "not a range" in bad.stderr
