"""How the analyses run their independent re-solves: one after the other, or side by side.

Each analysis that re-solves around a plan (what each offer is worth, the budget
what-ifs) hands its re-solves to a `Run`: a map from a module-level function and
its argument tuples to the results, in the order given. The re-solves do not see
each other, so their results are the same whichever order they run in or finish,
and the caller assembles them in its own order: the output never depends on the
scheduling. `serial` runs them here; the edges pass a process pool's map
(`debtopt.processes.process_map`) to run them on the machine's other cores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

Pending = Callable[[], list[Any]]  # the results of jobs started earlier, in their order, when asked


class Run(Protocol):
    def __call__(self, work: Callable[..., Any], jobs: Sequence[tuple[Any, ...]], /) -> list[Any]: ...


def serial(work: Callable[..., Any], jobs: Sequence[tuple[Any, ...]], /) -> list[Any]:
    """Each job in turn, in this process."""
    return [work(*job) for job in jobs]


def start(run: Run, work: Callable[..., Any], jobs: Sequence[tuple[Any, ...]]) -> Pending:
    """The jobs started now when `run` has workers (`submit`: they queue behind the jobs already
    given and run while this process goes on), else run when their results are asked for. Either
    way the results are the same: only when they are computed differs."""
    submit = getattr(run, "submit", None)
    if submit is not None:
        pending: Pending = submit(work, jobs)
        return pending
    return lambda: run(work, jobs)


__all__ = ["Pending", "Run", "serial", "start"]
