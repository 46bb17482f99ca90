"""The pool of warm render worker processes, with a bounded queue in front of it.

Requests wait here for a free worker, at most ``queue`` of them and each at most
``queue_seconds``; more are refused at once with :class:`Saturated` (503 with
``Retry-After``), so a burst never piles up unbounded work. A worker is held only while
it renders: the request's body has arrived in full before it asks for one, and its
answer is sent after the worker is free again, so a slow client holds no worker. A job
that outlives its request's time keeps its worker until the render budget ends it; the
slot is freed when the job really ends, so the pool is never over-committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from .jobs import Outcome, WorkerSettings, ready, start_worker
from .options import ServiceError

__all__ = ["Overtime", "PoolState", "RenderPool", "Saturated", "Unavailable"]


class Saturated(Exception):
    """Every worker is busy and the queue is full (or the wait was too long)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("saturated")
        self.retry_after = retry_after


class Unavailable(Saturated):
    """The workers are starting or being replaced; try again shortly."""


class Overtime(Exception):
    """The job did not finish within the request's time."""


@dataclass(frozen=True)
class PoolState:
    """The pool's numbers for ``/metrics`` and ``/healthz``."""

    workers: int
    busy: int
    waiting: int
    capacity: int
    ready: bool
    rejected: int
    restarts: int


def _context() -> BaseContext:
    """spawn: workers start clean (without the web stack) as children of the service.

    Not forkserver: a SIGTERM sent to the whole process group (``timeout``, some
    supervisors) would end the fork server, and with it the workers' parent, in the
    middle of the requests the service is still finishing.
    """
    return multiprocessing.get_context("spawn")


class RenderPool:
    """*workers* warm worker processes and a queue of *queue* requests in front of them."""

    def __init__(
        self,
        settings: WorkerSettings,
        *,
        workers: int,
        queue: int,
        queue_seconds: float,
        start_seconds: float = 600.0,
    ) -> None:
        self.settings = settings
        self.workers = workers
        self.queue = queue
        self.queue_seconds = queue_seconds
        self.start_seconds = start_seconds
        self.busy = 0
        self.waiting = 0
        self.rejected = 0
        self.restarts = 0
        self.ready = False
        self._executor: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._restarting: asyncio.Task[None] | None = None
        self._job_seconds = 0.1  # a running average, for Retry-After

    # --- starting and stopping ----------------------------------------------------------

    async def start(self) -> None:
        """Start the workers and wait until each has warmed up (raises :class:`ServiceError`)."""
        self._loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(self.workers)
        self._executor = await self._loop.run_in_executor(None, self._launch)
        self.ready = True

    def _launch(self) -> ProcessPoolExecutor:
        ctx = _context()
        started = ctx.Value("i", 0)
        executor = ProcessPoolExecutor(
            self.workers,
            mp_context=ctx,
            initializer=start_worker,
            initargs=(self.settings, started),
        )
        try:
            # submitted together, so each starts a worker of its own (they start on demand)
            checks = [executor.submit(ready) for _ in range(self.workers)]
            for check in checks:
                error = check.result(timeout=self.start_seconds)
                if error:
                    raise ServiceError(f"a render worker could not warm up: {error}")
            deadline = time.monotonic() + self.start_seconds
            while started.value < self.workers:
                if time.monotonic() > deadline:
                    raise ServiceError("the render workers did not warm up in time")
                time.sleep(0.02)
        except BaseException:
            _stop_executor(executor, 0.0)
            raise
        return executor

    async def stop(self, seconds: float) -> None:
        """Let running jobs finish for up to *seconds*, then end every worker."""
        self.ready = False
        if self._restarting is not None:
            self._restarting.cancel()
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.get_running_loop().run_in_executor(
                None, _stop_executor, executor, seconds
            )

    def _broken(self) -> None:
        """A worker died (out of memory?): replace the whole pool in the background."""
        if self._restarting is not None or self._loop is None:
            return
        self.ready = False
        old, self._executor = self._executor, None

        async def restart() -> None:
            assert self._loop is not None
            if old is not None:
                await self._loop.run_in_executor(None, _stop_executor, old, 0.0)
            _empty(self.settings.scratch)  # what the ended workers' jobs left behind
            while self._executor is None:
                try:
                    self._executor = await self._loop.run_in_executor(None, self._launch)
                except Exception:  # try again: a half-started pool was ended by _launch
                    await asyncio.sleep(5)
            self.restarts += 1
            self.ready = True
            self._restarting = None

        self._restarting = self._loop.create_task(restart())

    # --- running a job --------------------------------------------------------------------

    def state(self) -> PoolState:
        """The pool's numbers now."""
        return PoolState(
            workers=self.workers,
            busy=self.busy,
            waiting=self.waiting,
            capacity=self.workers + self.queue,
            ready=self.ready,
            rejected=self.rejected,
            restarts=self.restarts,
        )

    def retry_after(self) -> int:
        """Seconds a refused client should wait: the queue's length in job times, 1 to 60."""
        ahead = (self.busy + self.waiting + 1) / self.workers
        return max(1, min(60, math.ceil(ahead * self._job_seconds)))

    async def run(self, job: Callable[..., Outcome], *args: Any, timeout: float) -> Outcome:
        """Run *job* with *args* on a worker; wait for it at most *timeout* seconds.

        Raises :class:`Saturated` when the queue is full or the wait for a worker too
        long, :class:`Unavailable` while the workers are (re)starting, :class:`Overtime`
        when the job did not finish in *timeout*.
        """
        if not self.ready or self._slots is None:
            raise Unavailable(5)
        if self.busy + self.waiting >= self.workers + self.queue:
            self.rejected += 1
            raise Saturated(self.retry_after())
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.queue_seconds)
        except TimeoutError:
            self.rejected += 1
            raise Saturated(self.retry_after()) from None
        finally:
            self.waiting -= 1
        self.busy += 1
        started = time.monotonic()
        executor = self._executor
        try:
            if executor is None:
                raise BrokenProcessPool("no workers")
            future: Future[Outcome] = executor.submit(job, *args)
        except (BrokenProcessPool, RuntimeError):
            self._finished(None)
            self._broken()
            raise Unavailable(5) from None
        future.add_done_callback(lambda _: self._finished_soon(started))
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout)
        except TimeoutError:
            raise Overtime() from None
        except BrokenProcessPool:
            self._broken()
            raise Unavailable(5) from None

    def _finished_soon(self, started: float) -> None:
        """Free the slot on the event loop (called in the executor's thread)."""
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: service gone
                self._loop.call_soon_threadsafe(self._finished, started)

    def _finished(self, started: float | None) -> None:
        self.busy -= 1
        if started is not None:
            self._job_seconds = 0.9 * self._job_seconds + 0.1 * (time.monotonic() - started)
        if self._slots is not None:
            self._slots.release()


def _empty(folder: str) -> None:
    """Remove everything inside *folder* (the service's private folder), not the folder."""
    for path in Path(folder).iterdir():
        shutil.rmtree(path, ignore_errors=True)


def _stop_executor(executor: ProcessPoolExecutor, seconds: float) -> None:
    """Shut *executor* down: its workers finish their job for *seconds*, then are killed.

    Workers ignore SIGTERM (the service decides when they stop), so the ones still busy
    at the deadline get SIGKILL.
    """
    processes = list(getattr(executor, "_processes", {}).values())  # no public way to reach them
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + seconds
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(5)
