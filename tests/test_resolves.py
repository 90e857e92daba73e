"""Re-solves side by side, and the progress line (issue 12, item 5).

The re-solves of what each offer is worth and of the what-ifs are independent: run in
worker processes (processes.ProcessRun) they give the same rows, in the same order, as one
after the other in this process. The CLI's progress line is on stderr only, only on a
terminal, only after a second, and erased at the end. No test here times anything.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scenarios import random_scenario_dict, small_two_offers

from debtopt import api
from debtopt.analysis.offer_worth import with_offer_worth
from debtopt.analysis.runner import serial, start
from debtopt.analysis.whatif import start_what_ifs, what_ifs
from debtopt.cli import progress
from debtopt.domain.options import solve_options
from debtopt.optimize import optimize
from debtopt.processes import ProcessRun
from caps import NO_CAP_SECONDS


@pytest.fixture(scope="module")
def pool() -> object:
    run = ProcessRun(2)
    yield run
    run.close()


def test_offer_worth_side_by_side_is_the_same_as_one_after_the_other(pool: ProcessRun) -> None:
    scenario = small_two_offers()
    options = solve_options(time_limit_seconds=NO_CAP_SECONDS)
    plan = optimize(scenario, options)
    assert len(plan.decisions) >= 2, plan.decisions  # two re-solves, or the pool is not exercised
    here = with_offer_worth(scenario, plan, options, time.perf_counter() + 20, serial)
    there = with_offer_worth(scenario, plan, options, time.perf_counter() + 20, pool)
    assert here.solver is not None and there.solver is not None
    assert [r.model_dump() for r in there.solver.offers or []] == [r.model_dump() for r in here.solver.offers or []]
    assert all(row.worth.computed for row in here.solver.offers or [] if row.taken)


def test_what_ifs_side_by_side_are_the_same_as_one_after_the_other(pool: ProcessRun) -> None:
    scenario = small_two_offers()
    plan = optimize(scenario, solve_options(time_limit_seconds=NO_CAP_SECONDS, offer_worth=False))
    options = solve_options(time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
    here = what_ifs(scenario, plan, time_limit_seconds=NO_CAP_SECONDS, options=options)
    there = what_ifs(scenario, plan, time_limit_seconds=NO_CAP_SECONDS, options=options, run=pool)
    assert [w.model_dump() for w in there] == [w.model_dump() for w in here]
    assert [w.change for w in here] == ["up", "down"]


def test_what_ifs_started_beside_other_re_solves_are_the_same(pool: ProcessRun) -> None:
    """The report starts its what-ifs before the offers' re-solves, to run beside them: queued
    first on the workers (the budget down first), their rows are those of a run one after the other."""
    scenario = small_two_offers()
    options = solve_options(time_limit_seconds=NO_CAP_SECONDS, offer_worth=False)
    plan = optimize(scenario, options)
    here = what_ifs(scenario, plan, time_limit_seconds=NO_CAP_SECONDS, options=options)
    started = start_what_ifs(scenario, plan, time_limit_seconds=NO_CAP_SECONDS, options=options, run=pool)
    worth = with_offer_worth(scenario, plan, solve_options(time_limit_seconds=NO_CAP_SECONDS),
                             time.perf_counter() + NO_CAP_SECONDS, pool)
    there = started.finish()
    assert [w.model_dump() for w in there] == [w.model_dump() for w in here]
    assert worth.solver is not None and all(row.worth.computed for row in worth.solver.offers or [] if row.taken)


def test_jobs_started_on_a_pool_or_here_give_the_same_results(pool: ProcessRun) -> None:
    jobs = [(7, 2), (9, 4), (1, 1)]
    pending = start(pool, divmod, jobs)  # queued now
    assert start(serial, divmod, jobs)() == pending() == [(3, 1), (2, 1), (1, 0)]


def test_a_pool_of_one_job_runs_it_here(pool: ProcessRun) -> None:
    assert pool(divmod, [(7, 2)]) == [(3, 1)]
    assert pool(divmod, [(7, 2), (9, 4), (1, 1)]) == [(3, 1), (2, 1), (1, 0)]


def test_the_service_says_its_steps() -> None:
    steps: list[str] = []
    scenario = small_two_offers()
    with api.solving(progress=steps.append):
        api.optimize(scenario, time_limit_seconds=NO_CAP_SECONDS)
    assert steps[0] == "solving"
    assert steps[1].startswith("what each offer is worth (")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_waits_a_second_then_is_erased(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.01)
    stream = _Terminal()
    line = progress.ProgressLine(stream)
    line.thread.start()
    line.say("solving")
    line.began -= progress.QUIET_SECONDS  # as if a second had passed: nothing timed here
    deadline = time.monotonic() + 30
    while not line.drawn and time.monotonic() < deadline:
        time.sleep(0.01)
    line.stop()
    text = stream.getvalue()
    assert "debtopt: solving... 1 s" in text
    assert text.endswith("\r\x1b[K")


def test_a_quick_step_shows_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    line = progress.ProgressLine(stream)
    line.began += 3600  # never a second old
    line.thread.start()
    line.stop()
    assert stream.getvalue() == ""


def test_no_progress_line_off_a_terminal_nor_with_json(tmp_path: Path) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(random_scenario_dict(3, n_loans=2, horizon=6)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "debtopt", "optimize", str(scenario), "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "debtopt:" not in done.stderr and "\x1b" not in done.stdout + done.stderr
    json.loads(done.stdout)


def test_an_abandoned_pool_ends_its_workers_at_once() -> None:
    run = ProcessRun(2)
    futures = [run.pool.submit(time.sleep, 600) for _ in range(2)]
    deadline = time.monotonic() + 60
    while not all(f.running() for f in futures) and time.monotonic() < deadline:
        time.sleep(0.05)
    processes = list(run.pool._processes.values())
    run.close(abandon=True)  # returns (closing after the jobs would take 600 s)
    assert processes and not any(process.is_alive() for process in processes)
    assert all(future.done() for future in futures)
