"""A MIP run the safety cap can end: HiGHS in a forked child, killed at the deadline.

HiGHS checks its time limit in the branch and bound, but not in the analytic centre
it computes at the root of every MIP (an interior-point solve of up to 200
iterations with no time limit, which no option turns off:
`HighsMipSolverData::evaluateRootNode` in HiGHS 1.16). On the badly scaled models of
long, tight horizons that alone ran past the cap: generated 8 x 240 took 24 s and
12 x 300 took 51 s under a 10 s cap. So a MIP runs in a forked copy of this process,
which computes exactly what the parent would have (the same memory, the same
options), sends back its status and point, and exits; a child still running
`GRACE_SECONDS` after the solve's seconds is killed, and the solve counts as stopped
by the time limit (models of `MIN_ROWS` rows or more). The guard changes how an
overrunning solve ends, never what a solve finds. LPs (the integers fixed) keep
running in-process: simplex honours its limits, and their next solve starts from
their basis.

Where fork is unavailable (Windows) the MIP runs in-process and the cap may be
overrun there.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
import warnings
from dataclasses import dataclass

import numpy as np

# How long after a solve's seconds its child is killed: HiGHS, when it does check, stops within this.
GRACE_SECONDS = 0.25
AVAILABLE = hasattr(os, "fork")
# Below this many rows the analytic centre takes well under the second of slack the cap allows
# (measured: 4 x 120, 7,323 rows, 0.66 s; 10 x 60, 8,870 rows, 0.8 s; 20 x 120, 35,482 rows, 8.9 s),
# and a fork (4-30 ms, more as this process grows) would cost the many small solves more.
MIN_ROWS = 5_000


@dataclass(frozen=True, slots=True)
class Ran:
    """What a run left on its `highspy.Highs`, as the backend reads it."""

    status: int  # highspy.HighsModelStatus, as an int
    status_text: str
    nodes: int
    dual_bound: float
    has_solution: bool
    values: np.ndarray | None


def read_run(h: object) -> Ran:
    """The outcome of the run `h` (a highspy.Highs) just made."""
    status = h.getModelStatus()  # type: ignore[attr-defined]
    info = h.getInfo()  # type: ignore[attr-defined]
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    solution = h.getSolution() if has_solution else None  # type: ignore[attr-defined]
    values = None if solution is None else np.asarray(solution.col_value, dtype=np.float64)
    return Ran(int(status), h.modelStatusToString(status), int(info.mip_node_count),  # type: ignore[attr-defined]
               float(info.mip_dual_bound), has_solution, values)


def run_in_child(h: object, seconds: float) -> Ran | None:
    """`h.run()` in a forked child; its outcome, or None when the child was killed at the deadline."""
    r, w = os.pipe()
    with warnings.catch_warnings():  # the child only runs HiGHS, writes to the pipe and exits
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover (the child: its coverage is not collected)
        _child(h, w, seconds)
    os.close(w)
    data = None
    try:
        data = _read_until(r, time.monotonic() + seconds + GRACE_SECONDS)
    finally:
        os.close(r)
        if data is None:  # the deadline passed, or this process was interrupted: the child goes
            _kill(pid)
        _reap(pid)
    if data is None:
        return None
    if not data:
        raise RuntimeError("the solver's child process ended without a result")
    ran: Ran = pickle.loads(data)
    return ran


def _child(h: object, w: int, seconds: float) -> None:  # pragma: no cover
    try:
        # if the parent is killed, the child still ends soon after the deadline
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, seconds + GRACE_SECONDS + 1.0)
        h.run()  # type: ignore[attr-defined]
        payload = memoryview(pickle.dumps(read_run(h), protocol=pickle.HIGHEST_PROTOCOL))
        while payload:
            payload = payload[os.write(w, payload):]
    finally:
        os._exit(0)


def _read_until(r: int, deadline: float) -> bytes | None:
    """Everything the child writes; None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([r], [], [], left)
        if not ready:
            continue
        chunk = os.read(r, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


__all__ = ["AVAILABLE", "GRACE_SECONDS", "MIN_ROWS", "Ran", "read_run", "run_in_child"]
