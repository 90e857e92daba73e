"""What the edges' worker processes (the HTTP service's pool, the batch's pool) share.

A worker must never outlive the process that started it: when the server or
the batch is killed (SIGKILL included), its workers go too, and with them the
last holders of multiprocessing's resource-tracker pipe, so the tracker exits
as well. On Linux the kernel sends the worker SIGKILL when its parent dies
(PR_SET_PDEATHSIG), even in the middle of a long C call; elsewhere a watchdog
thread notices the parent has gone (the worker is re-parented) and exits.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15


def name_process(name: str) -> None:
    """Name this process (what `ps -o comm` and /proc/PID/comm show; Linux, 15 characters)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)
        except (OSError, AttributeError):
            pass


def die_with_parent(parent_pid: int, poll_seconds: float = 0.5) -> None:
    """Call first thing in a worker process: end it as soon as `parent_pid` is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    # The parent may have died before prctl took effect; and off Linux the watchdog is all there is.
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="debtopt-parent-watch", daemon=True).start()


def peak_rss_bytes() -> int:
    """The most memory this process has held at once (resident set), in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


# -- re-solves side by side (analysis.runner.Run) -------------------------------------------


def _start_resolver(parent_pid: int) -> None:
    """A re-solve worker: dies with its parent, loads the optimizer before its first job."""
    die_with_parent(parent_pid)
    name_process("debtopt-resolve")
    import debtopt.optimize  # noqa: F401  (loaded while the parent still solves its plan)


def _nothing() -> None:
    """A first job: makes the pool start its workers now, not when the first re-solve is ready."""


def can_start_workers() -> bool:
    """More than one core, and not a daemonic worker already (those may not have children)."""
    import multiprocessing

    return (os.cpu_count() or 1) > 1 and not multiprocessing.current_process().daemon


class ProcessRun:
    """An `analysis.runner.Run` on worker processes (spawned: nothing of the parent's solver state is
    copied), started when made so that they load while the parent solves; results come back in
    the order of the jobs, whichever finishes first. `close()` ends the workers."""

    def __init__(self, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_resolver, initargs=(os.getpid(),))
        for _ in range(workers):
            self.pool.submit(_nothing)

    def __call__(self, work, jobs, /):  # type: ignore[no-untyped-def]
        if len(jobs) < 2:
            return [work(*job) for job in jobs]
        return self.submit(work, jobs)()

    def submit(self, work, jobs, /):  # type: ignore[no-untyped-def]
        """The jobs queued on the workers now; the returned call waits for their results, in order."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            futures = [self.pool.submit(work, *job) for job in jobs]
        except BrokenProcessPool:
            futures = None

        def results():  # type: ignore[no-untyped-def]
            if futures is not None:
                try:
                    return [future.result() for future in futures]
                except BrokenProcessPool:  # a worker was killed (out of memory, say): the jobs run here instead
                    pass
            return [work(*job) for job in jobs]

        return results

    def close(self, *, abandon: bool = False) -> None:
        """End the workers: after their jobs, or (`abandon`: the call failed or was interrupted) at once."""
        if abandon:
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)
