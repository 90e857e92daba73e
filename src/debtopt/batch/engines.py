"""Where the per-scenario function runs: local worker processes, Dask, or (for debugging) this process.

Every engine maps `solve_chunk` over chunks of tasks and yields the records in
input order, with at most `window` chunks in flight (submitted and not yet
written): memory stays flat however many scenarios there are, and a slow
scenario holds back the writing, never the order.

Every engine gives one record per input, whatever happens to it. The local
engine runs each scenario under a wall-clock cap (`cap_seconds`: its time limit
plus a grace): past it, its worker is killed and replaced, the scenario's
record says so (`TimeLimit`), and the rest of its chunk goes on in the new
worker. A worker that dies (SIGKILL, out of memory, a crash in a C library) is
a `WorkerLost` record for the scenario it was on, and the batch goes on.
Workers die with the batch process however it ends (processes.die_with_parent).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Protocol

from ..errors import FieldIssue, OptionError
from ..processes import die_with_parent, name_process
from . import ENGINES
from .inputs import Task
from .records import TIME_LIMIT, WORKER_LOST, error_record
from .work import WorkOptions, solve, solve_chunk

Chunk = list[Task]
Records = list[dict[str, Any]]
START_TIMEOUT = 120.0


class _Result(Protocol):
    def result(self) -> Records: ...


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
    """This process, no pickling, no isolation and no wall-clock cap: for debugging and profiling."""

    def map(self, chunks: Iterable[Chunk], options: WorkOptions) -> Iterator[Records]:
        for chunk in chunks:
            yield solve_chunk(chunk, options)


# ---------------------------------------------------------------- local processes
def worker_main(conn: Connection, parent_pid: int) -> None:
    """A batch worker: say it is ready, then for each chunk received send one record per task, as each ends."""
    die_with_parent(parent_pid)
    name_process("debtopt-batch")
    from .. import api  # noqa: F401  (imported before "ready": the cap counts solving, not importing)

    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        tasks, options = message
        for task in tasks:
            conn.send(solve(task, options))


@dataclass(eq=False)
class _Chunk:
    tasks: Chunk
    records: Records = field(default_factory=list)

    @property
    def done(self) -> bool:
        return len(self.records) == len(self.tasks)


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    chunk: _Chunk | None = None
    deadline: float = 0.0  # when the task it is on must be done (monotonic seconds)
    started: float = field(default_factory=time.monotonic)


class ProcessEngine(Engine):
    """`workers` local processes (spawned: no state is inherited from the parent), each scenario capped."""

    def __init__(self, workers: int, cap_seconds: float) -> None:
        self.workers = workers
        self.cap_seconds = cap_seconds
        self._ctx = multiprocessing.get_context("spawn")
        self._pool: list[_Worker] = []

    def map(self, chunks: Iterable[Chunk], options: WorkOptions) -> Iterator[Records]:
        source = iter(chunks)
        pending: deque[_Chunk] = deque()  # submitted, in input order
        waiting: deque[_Chunk] = deque()  # not yet (or no longer) given to a worker
        exhausted = False
        while True:
            while not exhausted and len(pending) < 4 * self.workers:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                else:
                    pending.append(_Chunk(chunk))
                    waiting.append(pending[-1])
            while pending and pending[0].done:
                yield pending.popleft().records
            if not pending and exhausted:
                return
            self._assign(waiting, options)
            self._step(waiting, options.plans)

    def _assign(self, waiting: deque[_Chunk], options: WorkOptions) -> None:
        while len(self._pool) < self.workers and len(self._pool) < len(waiting) + self._busy():
            self._pool.append(self._spawn())
        for worker in list(self._pool):
            if waiting and worker.ready and worker.chunk is None:
                chunk = waiting.popleft()
                worker.chunk = chunk
                worker.deadline = time.monotonic() + self.cap_seconds
                try:
                    worker.conn.send((chunk.tasks[len(chunk.records):], options))
                except OSError:  # it died while idle: the chunk waits for another worker
                    worker.chunk = None
                    waiting.appendleft(chunk)
                    self._retire(worker)

    def _busy(self) -> int:
        return sum(1 for worker in self._pool if worker.chunk is not None)

    @staticmethod
    def _due(worker: _Worker) -> float:
        """When the worker must next have said something: its task's cap, its start-up's, or never (idle)."""
        if not worker.ready:
            return worker.started + START_TIMEOUT
        return worker.deadline if worker.chunk is not None else float("inf")

    def _step(self, waiting: deque[_Chunk], plans: bool) -> None:
        """Wait for the next record, a worker ready, a death or a task past its cap; handle what came."""
        if not self._pool:
            return
        until = min(self._due(worker) for worker in self._pool)
        timeout = None if until == float("inf") else max(0.0, until - time.monotonic())
        readable = wait([worker.conn for worker in self._pool], timeout=timeout)
        for worker in list(self._pool):
            if worker.conn in readable:
                self._receive(worker, waiting, plans)
            elif time.monotonic() >= self._due(worker):
                self._overran(worker, waiting, plans)

    def _receive(self, worker: _Worker, waiting: deque[_Chunk], plans: bool) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker, waiting, plans)
            return
        if message == "ready":
            worker.ready = True
            return
        chunk = worker.chunk
        assert chunk is not None
        chunk.records.append(message)
        worker.deadline = time.monotonic() + self.cap_seconds
        if chunk.done:
            worker.chunk = None

    def _fail_current(self, worker: _Worker, waiting: deque[_Chunk], kind: str, message: str,
                      plans: bool) -> None:
        """The task the worker was on gets an error record; the rest of its chunk goes back to the queue."""
        chunk = worker.chunk
        self._retire(worker)
        if chunk is None:
            return
        task = chunk.tasks[len(chunk.records)]
        chunk.records.append(error_record(task.input, kind, f"{task.source}: {message}", plans))
        if not chunk.done:
            waiting.appendleft(chunk)

    def _overran(self, worker: _Worker, waiting: deque[_Chunk], plans: bool) -> None:
        if not worker.ready:
            raise RuntimeError(f"a batch worker did not start within {START_TIMEOUT:g} s")
        self._fail_current(worker, waiting, TIME_LIMIT,
                           f"stopped after {self.cap_seconds:g} s, its time limit and the batch's grace; "
                           "its worker was replaced", plans)

    def _lost(self, worker: _Worker, waiting: deque[_Chunk], plans: bool) -> None:
        worker.process.join(1.0)
        code = worker.process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if not worker.ready:
            self._retire(worker)
            raise RuntimeError(f"a batch worker died while starting ({how})")
        self._fail_current(worker, waiting, WORKER_LOST, f"the worker process died on this scenario ({how})",
                           plans)

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=worker_main, args=(child, os.getpid()), name="debtopt-batch", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5.0)
        worker.conn.close()
        self._pool.remove(worker)

    def close(self) -> None:
        for worker in list(self._pool):
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in list(self._pool):
            worker.process.join(2.0)
            self._retire(worker)


# ---------------------------------------------------------------- Dask
class DaskEngine(Engine):
    """A dask.distributed cluster at `scheduler`, or a LocalCluster of `workers` processes.

    Each chunk's result is awaited at most its scenarios' caps: past that, the
    chunk is cancelled and each of its scenarios is a `TimeLimit` record (Dask
    cannot stop a task that is running: on a LocalCluster the worker running
    it is restarted). A chunk whose workers keep dying is `WorkerLost` records.
    """

    def __init__(self, workers: int, cap_seconds: float, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise OptionError([FieldIssue("engine", "dask is not installed; pip install 'debtopt[dask]'")]) from None
        self.cap_seconds = cap_seconds
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
            except OSError as exc:
                raise OptionError([FieldIssue("scheduler", f"cannot reach a Dask scheduler at {scheduler}: "
                                                           f"{exc}")]) from None
        else:
            self.cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)  # type: ignore[no-untyped-call]
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, chunks: Iterable[Chunk], options: WorkOptions) -> Iterator[Records]:
        engine = self

        class Submitted:
            def __init__(self, chunk: Chunk) -> None:
                self.chunk = chunk
                self.future = engine.client.submit(solve_chunk, chunk, options, pure=False)

            def result(self) -> Records:
                return engine._result(self.chunk, self.future, options.plans)

        return ordered(Submitted, chunks, 4 * self.workers)

    def _result(self, chunk: Chunk, future: Any, plans: bool) -> Records:
        from dask.distributed import KilledWorker
        from dask.distributed import TimeoutError as DaskTimeout

        try:
            records: Records = future.result(timeout=self.cap_seconds * len(chunk))
            return records
        except (DaskTimeout, TimeoutError):
            self._stop(future)
            kind, message = TIME_LIMIT, f"stopped after {self.cap_seconds:g} s a scenario, its time limit and " \
                                        "the batch's grace"
        except KilledWorker:
            kind, message = WORKER_LOST, "the worker process died on this chunk of scenarios"
        return [error_record(task.input, kind, f"{task.source}: {message}", plans) for task in chunk]

    def _stop(self, future: Any) -> None:
        processing = self.client.processing()
        running = [address for address, keys in processing.items() if future.key in keys]
        future.cancel()
        if running and self.cluster is not None:
            self.client.restart_workers(running)

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
        if self.cluster is not None:
            self.cluster.close()


def make_engine(engine: str = "local", workers: int | None = None, scheduler: str | None = None,
                cap_seconds: float = 60.0) -> Engine:
    """An engine by name; `workers` defaults to os.cpu_count(); each scenario capped at `cap_seconds`."""
    workers = workers or os.cpu_count() or 1
    if engine == "dask":
        return DaskEngine(workers, cap_seconds, scheduler)
    if scheduler:
        raise OptionError([FieldIssue("scheduler", "only used with --engine dask; add --engine dask")])
    if engine == "inline":
        return InlineEngine()
    if engine != "local":
        raise OptionError([FieldIssue("engine", f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")])
    return ProcessEngine(workers, cap_seconds)
