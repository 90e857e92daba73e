"""Where the per-scenario function runs: in this process, in local processes, or on Dask.

Every engine maps `solve_chunk` over chunks of tasks and yields the results in
input order, with at most `window` chunks in flight (submitted and not yet
written): memory stays flat however many scenarios there are, and a slow
scenario holds back the writing, never the order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Protocol

from ..errors import FieldIssue, ScenarioError
from .inputs import Task
from .work import WorkOptions, solve_chunk

Chunk = list[Task]
Records = list[dict[str, Any]]
ENGINES = ("local", "dask")


class _Result(Protocol):
    def result(self) -> Records: ...


class _Ready:
    def __init__(self, value: Records) -> None:
        self.value = value

    def result(self) -> Records:
        return self.value


def ordered(submit: Callable[[Chunk], _Result], chunks: Iterable[Chunk], window: int) -> Iterator[Records]:
    """Submit chunks, at most `window` in flight, and yield their records in submission order."""
    pending: deque[_Result] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        while len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class Engine(AbstractContextManager["Engine"]):
    """Maps the per-scenario function over chunks; a context manager that owns its workers."""

    workers: int = 1

    def map(self, chunks: Iterable[Chunk], options: WorkOptions) -> Iterator[Records]:
        raise NotImplementedError

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        pass


class InlineEngine(Engine):
    """One worker: this process, no pickling (what `--workers 1` uses)."""

    def map(self, chunks: Iterable[Chunk], options: WorkOptions) -> Iterator[Records]:
        for chunk in chunks:
            yield solve_chunk(chunk, options)


class ProcessEngine(Engine):
    """`workers` local processes (spawned: no state is inherited from the parent)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def map(self, chunks: Iterable[Chunk], options: WorkOptions) -> Iterator[Records]:
        return ordered(lambda chunk: self.pool.submit(solve_chunk, chunk, options), chunks, 4 * self.workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine(Engine):
    """A dask.distributed cluster at `scheduler`, or a LocalCluster of `workers` processes."""

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ScenarioError([FieldIssue("--engine", "dask is not installed; pip install 'debtopt[dask]'")]) from None
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
            except OSError as exc:
                raise ScenarioError([FieldIssue("--scheduler", f"cannot reach a Dask scheduler at {scheduler}: {exc}")]) from None
        else:
            self.cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)  # type: ignore[no-untyped-call]
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, chunks: Iterable[Chunk], options: WorkOptions) -> Iterator[Records]:
        def submit(chunk: Chunk) -> _Result:
            future: _Result = self.client.submit(solve_chunk, chunk, options, pure=False)
            return future

        return ordered(submit, chunks, 4 * self.workers)

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
        if self.cluster is not None:
            self.cluster.close()


def make_engine(engine: str = "local", workers: int | None = None, scheduler: str | None = None) -> Engine:
    """An engine by name; `workers` defaults to os.cpu_count()."""
    workers = workers or os.cpu_count() or 1
    if engine == "dask":
        return DaskEngine(workers, scheduler)
    if scheduler:
        raise ScenarioError([FieldIssue("--scheduler", "only used with --engine dask; add --engine dask")])
    if engine != "local":
        raise ScenarioError([FieldIssue("--engine", f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")])
    return InlineEngine() if workers == 1 else ProcessEngine(workers)
