"""The same answer on any machine: every byte depends on the input and the options, never on
the machine's speed or load (issue 12, items 1 and 4).

Each solve is bounded by work (`max_nodes`), so the plan and every figure of `optimize` and
`report` are the same with the machine idle and with its other core kept busy; a time limit
that does not bite changes nothing; and when the time limit does bite, the whole call ends
within it (plus a second) and says so.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import debtopt
from scenarios import random_scenario, random_scenario_dict, random_scenario_with_offers

ROOT = Path(__file__).resolve().parents[1]

SPIN = "import time\nend = time.time() + 600\nwhile time.time() < end:\n    pass\n"


@contextmanager
def other_core_busy() -> Iterator[None]:
    """A subprocess spinning on a core for as long as the block runs."""
    spinner = subprocess.Popen([sys.executable, "-c", SPIN])
    try:
        time.sleep(0.2)
        yield
    finally:
        spinner.kill()
        spinner.wait()


def cli(*args: str, timeout: float = 600) -> bytes:
    done = subprocess.run([sys.executable, "-m", "debtopt", *args], capture_output=True, timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def _scenario_file(tmp_path: Path, data: dict[str, Any], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _with_offers(seed: int) -> dict[str, Any]:
    scenario = random_scenario_with_offers(seed, n_loans=3, horizon=12, tight=True)
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """Offers the optimizer takes (offer worth re-solves) and debt left at the horizon (the
    extra-cash search runs): every re-solving step of `optimize`, and the report's what-ifs."""
    return _scenario_file(tmp_path, _with_offers(4))


def test_optimize_and_report_give_the_same_bytes_idle_and_loaded(case: Path) -> None:
    runs = [("optimize", str(case), "--format", "json", "--time-limit", "600"),
            ("report", str(case), "--format", "json", "--time-limit", "600")]
    idle = [cli(*args) for args in runs]
    with other_core_busy():
        loaded = [cli(*args) for args in runs]
    assert idle == loaded
    plan = json.loads(idle[0])
    assert plan["solver"]["status"] != "time_limit"  # the cap never bit: the bytes are the work's alone
    assert plan["decisions"] and plan["solver"]["offers"]  # offer worth ran (re-solves)


def test_a_time_limit_that_does_not_bite_changes_nothing(tmp_path: Path) -> None:
    """A solve the work limit ends (nodes cut short, so the stage is not proved) gives the same
    bytes with a generous time limit and a tight one that does not bite."""
    data = random_scenario_dict(42, n_loans=5, horizon=24, tight=True)
    path = _scenario_file(tmp_path, data)
    common = ("optimize", str(path), "--format", "json", "--no-offer-worth", "--max-nodes", "2")
    generous = cli(*common, "--time-limit", "600")
    tight = cli(*common, "--time-limit", "30")
    assert generous == tight
    solver = json.loads(generous)["solver"]
    assert solver["status"] in ("optimal", "work_limit")


def test_more_work_never_changes_a_proved_plan(tmp_path: Path) -> None:
    """A plan proved within the default work limit is the same with a larger one: the limit is work,
    and a search that ended proved uses less than either."""
    data = random_scenario_dict(42, n_loans=5, horizon=24, tight=True)
    scenario = debtopt.load_scenario(data)
    default = debtopt.optimize(scenario, offer_worth=False, time_limit_seconds=600)
    assert default.solver is not None and default.solver.status == "optimal"
    more = debtopt.optimize(scenario, offer_worth=False, time_limit_seconds=600, max_nodes=50_000)
    assert more.model_dump_json() == default.model_dump_json()


def test_the_limit_is_a_limit_and_says_so() -> None:
    """A scenario made to be slow (10 loans over 60 months, short budget, offers to re-solve
    without) and a short cap: the whole call, offer worth and the extra-cash search included,
    ends within the cap plus a second, and the plan says the time limit stopped it."""
    scenario = random_scenario_with_offers(11, n_loans=10, horizon=60, tight=True)
    cap = 2.0
    began = time.perf_counter()
    plan = debtopt.optimize(scenario, time_limit_seconds=cap)
    elapsed = time.perf_counter() - began
    assert elapsed < cap + 1.0, elapsed
    assert plan.solver is not None and plan.solver.status == "time_limit"
    assert any("Stopped by the time limit: this plan may differ on another machine" in note for note in plan.notes)
    text = debtopt.api.format_plan(plan, scenario, lang="en")
    assert "Stopped by the time limit: this plan may differ on another machine" in text


@pytest.mark.slow  # 10 s; tests/test_forked.py kills a run at its deadline in the default suite
def test_the_limit_is_a_limit_when_the_solver_does_not_stop_itself() -> None:
    """HiGHS computes an analytic centre at the root of every MIP, with no time limit (no option
    turns it off); on this badly scaled 8 x 240 model (penalties compounding for 20 years) the
    root ran 24.5 s under a 10 s cap (with a 3 or 5 s cap HiGHS stopped before it reached that
    step, here). The MIP runs in a child the cap kills (optimize/forked.py)."""
    scenario = random_scenario(2017 + 9, n_loans=8, horizon=240, tight=True)
    cap = 10.0
    began = time.perf_counter()
    plan = debtopt.optimize(scenario, objective="cost", offer_worth=False, time_limit_seconds=cap)
    elapsed = time.perf_counter() - began
    assert elapsed < cap + 1.0, elapsed
    assert plan.solver is not None and plan.solver.status == "time_limit"
    assert any("Stopped by the time limit" in note for note in plan.notes)


@pytest.mark.slow
def test_zhang_san_report_json_is_the_same_idle_and_loaded() -> None:
    """The issue's own check: `debtopt report examples/zhang-san.toml --format json`, twice."""
    args = ("report", "examples/zhang-san.toml", "--format", "json", "--time-limit", "1200")
    idle = cli(*args, timeout=1800)
    with other_core_busy():
        loaded = cli(*args, timeout=1800)
    assert idle == loaded


# 10x60 is not here: it does not prove within the work limit (issue 12's note), and its two runs take
# tens of minutes each, long enough for a cap to bite on a busy machine.
@pytest.mark.slow
@pytest.mark.parametrize("size", ["5x24"])
def test_generated_cases_are_the_same_idle_and_loaded(tmp_path: Path, size: str) -> None:
    n, T = (int(x) for x in size.split("x"))
    path = _scenario_file(tmp_path, random_scenario_dict(42, n_loans=n, horizon=T, tight=True))
    args = ("optimize", str(path), "--format", "json", "--time-limit", "1200")
    idle = cli(*args, timeout=1800)
    with other_core_busy():
        loaded = cli(*args, timeout=1800)
    assert idle == loaded


def test_a_report_whose_re_solves_the_cap_stops_says_so() -> None:
    """The what-ifs re-solve under the report's cap: those it stops are left out (their answer would
    depend on the machine), and the report says the time limit stopped them."""
    from debtopt.analysis.report_data import CAPPED_NOTE, build_report_data

    scenario = random_scenario_with_offers(4, n_loans=3, horizon=12, tight=True)
    plan = debtopt.optimize(scenario, time_limit_seconds=120, offer_worth=False)
    full = build_report_data(scenario, plan, time_limit_seconds=600)
    assert len(full.what_ifs) == 2 and CAPPED_NOTE not in full.notes
    capped = build_report_data(scenario, plan, time_limit_seconds=0.0)
    assert capped.what_ifs == [] and CAPPED_NOTE in capped.notes


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "many", 10_000_001])
def test_the_work_limit_is_a_whole_number_of_nodes(bad: object) -> None:
    from debtopt.domain.options import solve_options
    from debtopt.errors import OptionError

    with pytest.raises(OptionError) as caught:
        solve_options(max_nodes=bad)
    assert [issue.path for issue in caught.value.issues] == ["max_nodes"]
