"""A pool of worker processes for the event loop: one job per worker, a hard deadline per job.

`concurrent.futures.ProcessPoolExecutor` cannot stop one task: killing a
worker breaks the whole pool and every request in it. Here each worker is its
own spawned process with its own pipe, so a job past its deadline costs only
its own worker, which is killed and replaced while the others go on.

    pool = WorkerPool(size=2, queue_size=64, queue_timeout=30)
    await pool.start()
    reply, waited, worked = await pool.run_timed(job, deadline=12.0)   # PoolBusy, JobTimedOut or WorkerLost
    await pool.close()

Nothing here blocks the event loop: replies are read when the pipe is
readable, processes are started on a thread of the pool's own, and a worker
that dies while idle is seen at once (its sentinel) and replaced. A worker
whose peak memory passed `max_rss_bytes` is retired after its job and
replaced, so a long-lived server's memory stays bounded. Processes are
started with "spawn" (no fork of a running event loop or of HiGHS's threads)
and die with the server (processes.die_with_parent).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from .worker import Job, Reply, Role, worker_main

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
    gone: bool = False  # died or was stopped; a replacement is on its way

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
    recycled: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class WorkerPool:
    def __init__(self, size: int, queue_size: int = 64, queue_timeout: float = 30.0, role: Role = "solve",
                 max_rss_bytes: int | None = None) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.queue_size = queue_size
        self.queue_timeout = queue_timeout
        self.role = role
        self.max_rss_bytes = max_rss_bytes
        self._ctx = multiprocessing.get_context("spawn")
        # One long-lived thread starts the processes: a child told to die with its parent is told so
        # by the thread that started it, which must outlive it.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix=f"debtopt-{role}-spawner")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._waiting = 0
        self._busy = 0
        self._closing = False
        self._counts = {"completed": 0, "timed_out": 0, "lost": 0, "rejected": 0, "recycled": 0}

    # ------------------------------------------------------------ life
    async def start(self) -> None:
        """Start every worker and wait until each has imported what it needs."""
        self._idle = asyncio.Queue()
        workers = list(await asyncio.gather(*(self._spawn() for _ in range(self.size))))
        results = await asyncio.gather(*(self._ready(w) for w in workers), return_exceptions=True)
        for worker, result in zip(workers, results, strict=True):
            if isinstance(result, BaseException):
                for other in workers:
                    self._kill(other)
                raise RuntimeError(f"a worker process did not start: {result}") from result
        for worker in workers:
            self._make_idle(worker)

    async def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy ones are killed."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        loop = asyncio.get_running_loop()
        for worker in list(self._workers):
            loop.remove_reader(worker.process.sentinel)
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
        self._spawner.shutdown(wait=False)

    def stats(self) -> PoolStats:
        idle = self._idle.qsize() if self._idle is not None else 0
        alive = sum(1 for w in self._workers if not w.gone and w.process.is_alive())
        c = self._counts
        return PoolStats(self.size, alive, idle, self._busy, self._waiting, c["completed"], c["timed_out"],
                         c["lost"], c["rejected"], c["recycled"])

    # ------------------------------------------------------------ jobs
    async def run_timed(self, job: Job, deadline: float) -> tuple[Reply, float, float]:
        """The reply, the seconds spent waiting for a worker, and the seconds the worker took."""
        loop = asyncio.get_running_loop()
        asked = loop.time()
        worker = await self._take()
        self._busy += 1  # from the moment it is taken: never counted neither idle nor busy
        # The job runs in its own task: if the request is cancelled (the client went away),
        # the worker is still returned to the pool, or replaced, when the job ends.
        started = loop.time()
        task = asyncio.create_task(self._use(worker, job, deadline))
        self._keep(task)
        reply = await asyncio.shield(task)
        return reply, started - asked, loop.time() - started

    async def _take(self) -> _Worker:
        """A free, live worker, waiting at most `queue_timeout` for one."""
        if self._idle is None or self._closing:
            raise PoolBusy("the server is not running", retry_after=5)
        if self._idle.empty() and self._waiting >= self.queue_size:
            self._counts["rejected"] += 1
            raise PoolBusy(f"all {self.size} workers are busy and {self._waiting} requests are waiting",
                           retry_after=max(1, round(self.queue_timeout / 4)))
        loop = asyncio.get_running_loop()
        until = loop.time() + self.queue_timeout
        self._waiting += 1
        try:
            while True:
                try:
                    worker = await asyncio.wait_for(self._idle.get(), max(0.0, until - loop.time()))
                except TimeoutError:
                    self._counts["rejected"] += 1
                    raise PoolBusy(f"no worker was free within {self.queue_timeout:g} s",
                                   retry_after=max(1, round(self.queue_timeout / 4))) from None
                loop.remove_reader(worker.process.sentinel)
                if not worker.gone and worker.process.is_alive():
                    return worker
                if not worker.gone:
                    self._died_idle(worker)
        finally:
            self._waiting -= 1

    async def _use(self, worker: _Worker, job: Job, deadline: float) -> Reply:
        try:
            try:
                await asyncio.to_thread(worker.conn.send, job)
                reply = await self._recv(worker, deadline)
            except TimeoutError:
                self._counts["timed_out"] += 1
                log.warning("a %s job passed its %.1f s deadline; stopping worker %s", job.kind, deadline, worker.pid)
                self._replace(worker)
                raise JobTimedOut(f"the work took longer than {deadline:g} s") from None
            except (WorkerLost, OSError, EOFError) as exc:
                self._counts["lost"] += 1
                log.error("worker %s died during a %s job (exit code %s)", worker.pid, job.kind,
                          worker.process.exitcode)
                self._replace(worker)
                raise WorkerLost(str(exc) or "the worker process died") from None
            if not isinstance(reply, Reply):
                self._counts["lost"] += 1
                self._replace(worker)
                raise WorkerLost(f"the worker answered {type(reply).__name__}, not a reply")
            worker.jobs += 1
            self._counts["completed"] += 1
            self._after_job(worker, reply)
            return reply
        finally:
            self._busy -= 1

    def _after_job(self, worker: _Worker, reply: Reply) -> None:
        if self.max_rss_bytes is not None and reply.peak_rss_bytes > self.max_rss_bytes:
            self._counts["recycled"] += 1
            log.info("worker %s reached %d MB after %d jobs; replacing it", worker.pid,
                     reply.peak_rss_bytes // 2**20, worker.jobs)
            try:
                worker.conn.send(None)  # exits when it reads this; killed if it lingers
            except OSError:
                pass
            self._replace(worker, graceful=True)
            return
        self._make_idle(worker)

    # ------------------------------------------------------------ processes
    def _start_process(self) -> tuple[BaseProcess, Connection]:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=worker_main, args=(child, os.getpid(), self.role),
                                    name=f"debtopt-{self.role}", daemon=True)
        process.start()
        child.close()
        return process, parent

    async def _spawn(self) -> _Worker:
        loop = asyncio.get_running_loop()
        process, conn = await loop.run_in_executor(self._spawner, self._start_process)
        worker = _Worker(process, conn)
        self._workers.add(worker)
        return worker

    def _make_idle(self, worker: _Worker) -> None:
        """Back in the queue, watched: if it dies while idle it is replaced at once."""
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        loop.add_reader(worker.process.sentinel, self._died_idle, worker)
        self._idle.put_nowait(worker)

    def _died_idle(self, worker: _Worker) -> None:
        asyncio.get_running_loop().remove_reader(worker.process.sentinel)
        if worker.gone or self._closing:
            return
        self._counts["lost"] += 1
        log.error("worker %s died while idle (exit code %s); replacing it", worker.pid, worker.process.exitcode)
        self._replace(worker)

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

    def _replace(self, worker: _Worker, graceful: bool = False) -> None:
        """Stop a worker (at once, or once it has read its stop) and start another in its place."""
        worker.gone = True
        if not graceful:
            self._kill(worker)
        self._workers.discard(worker)
        if not self._closing:
            self._keep(asyncio.create_task(self._restart(worker)))

    async def _restart(self, old: _Worker) -> None:
        try:
            await self._start_replacement()
        finally:
            await asyncio.to_thread(old.process.join, 5.0)
            self._kill(old)
            old.conn.close()

    async def _start_replacement(self) -> None:
        for attempt in range(1, 6):
            if self._closing:
                return
            worker = await self._spawn()
            try:
                await self._ready(worker)
            except Exception as exc:
                log.error("a replacement worker did not start (attempt %d): %s", attempt, exc)
                self._kill(worker)
                self._workers.discard(worker)
                await asyncio.sleep(attempt)
                continue
            self._make_idle(worker)
            return
        log.error("no replacement worker could be started; the pool runs with one worker less")

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so a job whose request went away logs no "never retrieved"
