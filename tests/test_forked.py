"""A MIP in a forked child (optimize/forked.py): the same outcome as in-process, and killed at its deadline."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from solved import EXAMPLES

from debtopt.domain.choices import Stage
from debtopt.domain.load import load_scenario
from debtopt.ledger import Ledger
from debtopt.optimize import forked
from debtopt.optimize.data import model_data
from debtopt.optimize.model import build
from debtopt.optimize.solve import HighsBackend, SolveLimits

pytestmark = pytest.mark.skipif(not forked.AVAILABLE, reason="no fork on this platform")


def _children() -> set[int]:
    """This process's children, zombies included (Linux's /proc; elsewhere nothing is counted)."""
    if not sys.platform.startswith("linux"):
        return set()
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def _backend(name: str, stage: Stage) -> HighsBackend:
    model = build(model_data(Ledger(load_scenario(EXAMPLES / f"{name}.toml"))))
    backend = HighsBackend(model)
    backend.set_objective(model.objective(stage))
    return backend


def test_a_run_in_the_child_finds_what_it_finds_in_process() -> None:
    child = _backend("us-cards", Stage.OVERDUE)
    in_process = _backend("us-cards", Stage.OVERDUE)
    for backend in (child, in_process):
        backend.highs.setOptionValue("mip_max_nodes", 1000)
    ran = forked.run_in_child(child.highs, 60.0)
    in_process.highs.run()
    here = forked.read_run(in_process.highs)
    assert ran is not None
    assert (ran.status, ran.status_text, ran.nodes, ran.has_solution) == \
        (here.status, here.status_text, here.nodes, here.has_solution)
    assert ran.dual_bound == here.dual_bound
    assert ran.values is not None and here.values is not None and np.array_equal(ran.values, here.values)


def test_a_run_past_its_deadline_is_killed_and_reaped() -> None:
    backend = _backend("zhang-san", Stage.NET_COST)  # its root alone takes seconds
    backend.highs.setOptionValue("time_limit", 1e6)  # HiGHS itself would not stop
    before = _children()
    began = time.perf_counter()
    ran = forked.run_in_child(backend.highs, 0.2)
    elapsed = time.perf_counter() - began
    assert ran is None
    assert elapsed < 0.2 + forked.GRACE_SECONDS + 0.5, elapsed
    assert _children() == before  # no child left behind, not even a zombie


def test_a_run_stopped_at_its_deadline_is_a_time_limit_outcome_without_a_point() -> None:
    backend = _backend("zhang-san", Stage.NET_COST)
    out = backend.solve(SolveLimits(0.2), 0.5, 1e-4, False)
    assert out.status.value == "time_limit" and out.values is None
