"""`debtopt batch` survives its inputs and its faults: one record per input whatever the input, a
wall-clock cap per scenario, a worker that dies is an error record, and killing the batch leaves no
process behind.

Faults are injected from outside the code under test: a `sitecustomize.py` on PYTHONPATH, which the
batch's spawned workers import at start-up, makes a scenario with a loan named `hang` sleep and one
named `die` kill its own worker.
"""

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

from debtopt.batch import run_batch
from debtopt.batch.commands import batch
from debtopt.generate import generate_scenario

HEUR = ["avalanche", "snowball"]

FAULTS = '''
import os, signal, time
if os.environ.get("DEBTOPT_TEST_FAULTS"):
    import debtopt.batch.engines as engines
    _solve = engines.solve

    def solve(task, options):
        ids = [loan.get("id") for loan in ((task.data or {}).get("loans") or []) if isinstance(loan, dict)]
        if "hang" in ids:
            time.sleep(3600)
        if "die" in ids:
            os.kill(os.getpid(), signal.SIGKILL)
        return _solve(task, options)

    engines.solve = solve
'''


@pytest.fixture
def faults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment under which workers misbehave on `hang` and `die` scenarios."""
    folder = tmp_path / "faults"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(FAULTS, encoding="utf-8")
    path = os.pathsep.join([str(folder), *filter(None, [os.environ.get("PYTHONPATH")])])
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("DEBTOPT_TEST_FAULTS", "1")
    return {**os.environ}


def scenario(i: int, loan_id: str | None = None) -> dict[str, Any]:
    data = generate_scenario(3, i, "mixed", loans=(2, 3))
    if loan_id is not None:
        data["loans"][0]["id"] = loan_id
    return data


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def hostile_lines() -> list[bytes]:
    good = json.dumps(scenario(0)).encode()
    return [
        good,
        b"[" * 100_000 + b"]" * 100_000,  # nested far too deep
        good.replace(b'"horizon_months": ', b'"horizon_months": ' + b"9" * 5000 + b", \"x\": "),  # 5,000 digits
        b"{this line does not parse",
        good.replace(b'"currency"', b'"\\ud800", "currency"'),  # a lone surrogate, as a key
        json.dumps({**scenario(1), "start": "\ud800"}).encode(),  # and as a value
        b"\xff\xfe not UTF-8",
        b"[1, 2, 3]",
        json.dumps(scenario(2)).encode(),
    ]


def test_one_record_per_input_whatever_the_input(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_bytes(b"\n".join(hostile_lines()) + b"\n")
    out = tmp_path / "out.jsonl"
    summary = run_batch(lines, out, HEUR, workers=2, chunk_size=2)
    got = records(out)
    assert [r["input"] for r in got] == list(range(1, len(hostile_lines()) + 1))
    assert got[0]["error"] is None and got[-1]["error"] is None
    for record in got[1:-1]:
        assert record["error"] and record["error_type"] in ("ScenarioError", "InternalError"), record
        assert record["error"].startswith(f"line {record['input']}: ")
    assert summary.total == len(hostile_lines()) and summary.ok == 2


def test_a_folder_with_a_deeply_nested_file_among_others(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"s{i}.json").write_text(json.dumps(scenario(i)), encoding="utf-8")
    (folder / "s1-deep.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (folder / "s1-deep.toml").write_text("a = " + "[" * 50_000 + "]" * 50_000, encoding="utf-8")
    (folder / "s2-digits.json").write_text('{"horizon_months": ' + "9" * 5000 + "}", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(folder, out, HEUR, engine="inline")
    got = {r["input"]: r for r in records(out)}
    assert list(got) == ["s0.json", "s1-deep.json", "s1-deep.toml", "s1.json", "s2-digits.json", "s2.json"]
    for name in ("s1-deep.json", "s1-deep.toml", "s2-digits.json"):
        assert got[name]["error"].startswith(f"{name}: ") and got[name]["error_type"] == "ScenarioError"
    assert all(got[f"s{i}.json"]["error"] is None for i in range(3))


def test_resume_goes_past_hostile_inputs(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_bytes(b"\n".join(hostile_lines() * 2) + b"\n")
    reference = tmp_path / "ref.jsonl"
    run_batch(lines, reference, HEUR, engine="inline")
    data = reference.read_bytes()
    for records_kept in (2, 5, 11):
        out = tmp_path / f"out{records_kept}.jsonl"
        cut = sum(len(line) + 1 for line in data.split(b"\n")[:records_kept]) + 7  # into the next record
        out.write_bytes(data[:cut])
        assert run_batch(lines, out, HEUR, engine="inline", resume=True).resumed == records_kept
        assert out.read_bytes() == data


def test_a_scenario_past_its_cap_is_a_record_and_the_batch_goes_on(tmp_path: Path, faults: dict[str, str]) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text("\n".join(json.dumps(s) for s in [scenario(0), scenario(1, "hang"), scenario(2),
                                                         scenario(3, "hang"), scenario(4)]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    run_batch(lines, out, HEUR, workers=2, chunk_size=3, time_limit_seconds=0.5, grace_seconds=1.0)
    elapsed = time.monotonic() - started
    got = records(out)
    assert [r["input"] for r in got] == [1, 2, 3, 4, 5]
    assert [r["error_type"] for r in got] == [None, "TimeLimit", None, "TimeLimit", None]
    assert got[1]["error"].startswith("line 2: stopped after 1.5 s")
    assert got[2]["strategies"], "the rest of the chunk ran in the replacement worker"
    assert elapsed < 60  # two caps of 1.5 s and two replacement workers, not an hour


def test_a_worker_that_dies_is_a_record_and_the_batch_goes_on(tmp_path: Path, faults: dict[str, str]) -> None:
    lines = tmp_path / "in.jsonl"
    items = [scenario(0), scenario(1, "die"), scenario(2), scenario(3), scenario(4, "die"), scenario(5)]
    lines.write_text("\n".join(json.dumps(s) for s in items) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch(lines, out, HEUR, workers=2, chunk_size=2)
    got = records(out)
    assert [r["error_type"] for r in got] == [None, "WorkerLost", None, None, "WorkerLost", None]
    assert "killed by signal 9" in got[1]["error"]
    assert summary.errors == {"WorkerLost": 2}


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if fields[1] == str(pid):
                out.append(int(entry.name))
    return out


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _running(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_batch_leaves_no_process_behind(tmp_path: Path, faults: dict[str, str]) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text("\n".join(json.dumps(scenario(i, "hang")) for i in range(4)) + "\n", encoding="utf-8")
    code = "from debtopt.batch.commands import batch; batch()"
    proc = subprocess.Popen([sys.executable, "-c", code, str(lines), "-o", str(tmp_path / "out.jsonl"), "-w", "2",
                             "-s", "avalanche", "--time-limit", "60", "--chunk-size", "1"], env=faults,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = [pid for pid in _children(proc.pid) if _name(pid) == "debtopt-batch"]
        assert len(workers) == 2, _children(proc.pid)
        time.sleep(1.0)  # the workers are in their scenarios now
        children = _children(proc.pid)  # the workers, and multiprocessing's resource tracker if it started one
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if _running(pid)], "workers or the resource tracker outlived the batch"


def test_the_cli_says_what_it_wrote_and_takes_grace(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text(json.dumps(scenario(0)) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(batch, [str(lines), "-o", str(out), "-s", "avalanche", "-w", "1", "--grace", "2"])
    assert result.exit_code == 0, result.output
    assert "2 scenarios: 1 solved, 1 with an error" in result.stdout
    assert "errors: ScenarioError 1" in result.stdout
    bad = CliRunner().invoke(batch, [str(lines), "-o", str(out), "--overwrite", "--time-limit", "0.1"])
    assert bad.exit_code == 2 and "--time-limit: seconds, at least 0.5" in bad.stderr
    folder = CliRunner().invoke(batch, [str(lines), "-o", str(tmp_path / "nope" / "out.jsonl")])
    assert folder.exit_code == 2 and "error: --out " in folder.stderr and "no folder" in folder.stderr
