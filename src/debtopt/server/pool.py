"""A pool of worker processes for the event loop: one job per worker, a hard deadline per job.

`concurrent.futures.ProcessPoolExecutor` cannot stop one task: killing a
worker breaks the whole pool and every request in it. Here each worker is its
own spawned process with its own pipe, so a job past its deadline costs only
its own worker, which is killed and replaced while the others go on.

    pool = WorkerPool(size=2, queue_size=64, queue_timeout=30)
    await pool.start()
    reply = await pool.run(job, deadline=12.0)   # PoolBusy, JobTimedOut or WorkerLost otherwise
    await pool.close()

Processes are started with the "spawn" method (no fork of a running event
loop or of HiGHS's threads). A worker whose server dies sees its pipe close
and exits after its current job.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from .worker import Job, Reply, worker_main

log = logging.getLogger("debtopt.server")

START_TIMEOUT = 120.0


class PoolBusy(Exception):
    """No worker is free and the queue is full, or the wait for one took too long."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class JobTimedOut(Exception):
    """The job ran past its deadline; its worker was stopped."""


class WorkerLost(Exception):
    """The worker died during the job (killed from outside, out of memory, a crash in a C library)."""


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    jobs: int = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid


@dataclass
class PoolStats:
    size: int
    alive: int
    idle: int
    busy: int
    waiting: int
    completed: int
    timed_out: int
    lost: int
    rejected: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class WorkerPool:
    def __init__(self, size: int, queue_size: int = 64, queue_timeout: float = 30.0) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.queue_size = queue_size
        self.queue_timeout = queue_timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._waiting = 0
        self._busy = 0
        self._closing = False
        self._completed = 0
        self._timed_out = 0
        self._lost = 0
        self._rejected = 0

    # ------------------------------------------------------------ life
    async def start(self) -> None:
        """Start every worker and wait until each has imported what it needs."""
        self._idle = asyncio.Queue()
        workers = [self._spawn() for _ in range(self.size)]
        results = await asyncio.gather(*(self._ready(w) for w in workers), return_exceptions=True)
        for worker, result in zip(workers, results, strict=True):
            if isinstance(result, BaseException):
                self._kill(worker)
                raise RuntimeError(f"a worker process did not start: {result}") from result
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy ones are killed."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            try:
                worker.conn.send(None)
            except OSError:
                pass
        await asyncio.sleep(0)
        for worker in list(self._workers):
            await asyncio.to_thread(worker.process.join, 2.0)
            if worker.process.is_alive():
                self._kill(worker)
                await asyncio.to_thread(worker.process.join, 2.0)
            worker.conn.close()
            self._workers.discard(worker)

    def stats(self) -> PoolStats:
        idle = self._idle.qsize() if self._idle is not None else 0
        alive = sum(1 for w in self._workers if w.process.is_alive())
        return PoolStats(self.size, alive, idle, self._busy, self._waiting, self._completed,
                         self._timed_out, self._lost, self._rejected)

    def pids(self) -> list[int]:
        return sorted(w.pid for w in self._workers if w.pid is not None)

    # ------------------------------------------------------------ jobs
    async def run(self, job: Job, deadline: float) -> Reply:
        """The job's reply from a free worker, within `deadline` seconds of the worker taking it."""
        reply, _, _ = await self.run_timed(job, deadline)
        return reply

    async def run_timed(self, job: Job, deadline: float) -> tuple[Reply, float, float]:
        """The reply, the seconds spent waiting for a worker, and the seconds the worker took."""
        if self._idle is None or self._closing:
            raise PoolBusy("the server is not running", retry_after=5)
        if self._idle.empty() and self._waiting >= self.queue_size:
            self._rejected += 1
            raise PoolBusy(f"all {self.size} workers are busy and {self._waiting} requests are waiting",
                           retry_after=max(1, round(self.queue_timeout / 4)))
        self._waiting += 1
        loop = asyncio.get_running_loop()
        asked = loop.time()
        until = asked + self.queue_timeout
        try:
            while True:
                try:
                    worker = await asyncio.wait_for(self._idle.get(), max(0.0, until - loop.time()))
                except TimeoutError:
                    self._rejected += 1
                    raise PoolBusy(f"no worker was free within {self.queue_timeout:g} s",
                                   retry_after=max(1, round(self.queue_timeout / 4))) from None
                if worker.process.is_alive():
                    break
                # Died while idle (killed from outside, say): replace it and take the next one.
                self._lost += 1
                log.error("worker %s died while idle (exit code %s); replacing it", worker.pid,
                          worker.process.exitcode)
                self._replace(worker)
        finally:
            self._waiting -= 1
        # The job runs in its own task: if the request is cancelled (the client went away),
        # the worker is still returned to the pool, or replaced, when the job ends.
        started = loop.time()
        task = asyncio.create_task(self._use(worker, job, deadline))
        self._keep(task)
        reply = await asyncio.shield(task)
        return reply, started - asked, loop.time() - started

    async def _use(self, worker: _Worker, job: Job, deadline: float) -> Reply:
        assert self._idle is not None
        self._busy += 1
        try:
            try:
                await asyncio.to_thread(worker.conn.send, job)
                reply = await self._recv(worker, deadline)
            except TimeoutError:
                self._timed_out += 1
                log.warning("a %s job passed its %.1f s deadline; stopping worker %s", job.kind, deadline, worker.pid)
                self._replace(worker)
                raise JobTimedOut(f"the work took longer than {deadline:g} s") from None
            except (WorkerLost, OSError, EOFError) as exc:
                self._lost += 1
                log.error("worker %s died during a %s job (exit code %s)", worker.pid, job.kind,
                          worker.process.exitcode)
                self._replace(worker)
                raise WorkerLost(str(exc) or "the worker process died") from None
            if not isinstance(reply, Reply):
                self._lost += 1
                self._replace(worker)
                raise WorkerLost(f"the worker answered {type(reply).__name__}, not a reply")
            worker.jobs += 1
            self._completed += 1
            self._idle.put_nowait(worker)
            return reply
        finally:
            self._busy -= 1

    # ------------------------------------------------------------ processes
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=worker_main, args=(child,), name="debtopt-worker", daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.add(worker)
        return worker

    async def _ready(self, worker: _Worker) -> None:
        message = await self._recv(worker, START_TIMEOUT)
        if not (isinstance(message, tuple) and message and message[0] == "ready"):
            raise WorkerLost(f"unexpected first message {message!r}")

    async def _recv(self, worker: _Worker, timeout: float) -> object:
        """One message from the worker, without blocking the event loop while it works."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[object] = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            if future.done():
                return
            try:
                future.set_result(worker.conn.recv())
            except (EOFError, OSError) as exc:
                future.set_exception(WorkerLost(f"the worker process died ({type(exc).__name__})"))
            except Exception as exc:  # a reply that does not unpickle
                future.set_exception(WorkerLost(f"unreadable reply: {exc}"))

        loop.add_reader(fd, readable)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            loop.remove_reader(fd)

    def _kill(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in its place, in the background."""
        self._kill(worker)
        self._workers.discard(worker)
        if not self._closing:
            self._keep(asyncio.create_task(self._restart(worker)))

    async def _restart(self, old: _Worker) -> None:
        assert self._idle is not None
        await asyncio.to_thread(old.process.join, 5.0)
        old.conn.close()
        for attempt in range(1, 6):
            if self._closing:
                return
            worker = self._spawn()
            try:
                await self._ready(worker)
            except Exception as exc:
                log.error("a replacement worker did not start (attempt %d): %s", attempt, exc)
                self._kill(worker)
                self._workers.discard(worker)
                await asyncio.sleep(attempt)
                continue
            self._idle.put_nowait(worker)
            return
        log.error("no replacement worker could be started; the pool runs with one worker less")

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so a job whose request went away logs no "never retrieved"
