"""The pool of render workers: a bounded queue, the request's time, stopping, a dead worker."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from familyplan_docs.service import jobs
from familyplan_docs.service.pool import Overtime, RenderPool, Saturated, Unavailable
from tests.helpers import make_docx, make_pack
from tests.service.test_limits import SLOW


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packs")
    make_docx(make_pack(root / "da-slow", "da-slow") / "flyer.docx", SLOW)
    return root


@pytest.fixture
def settings(packs: Path, tmp_path: Path) -> jobs.WorkerSettings:
    return jobs.WorkerSettings(
        templates=(str(packs),),
        scratch=str(tmp_path),
        render_seconds=1.5,
        pdf_seconds=10,
        warm=False,
    )


def _pool(settings: jobs.WorkerSettings, queue: int = 1) -> RenderPool:
    return RenderPool(settings, workers=1, queue=queue, queue_seconds=30)


SLOW_JOB = (jobs.blank, "da-slow", ("flyer",), False)
"""A job that runs until the render budget (1.5 s) ends it."""


def test_beyond_the_queue_a_request_is_refused_at_once(settings: jobs.WorkerSettings) -> None:
    async def scenario() -> None:
        pool = _pool(settings)
        await pool.start()
        try:
            first = asyncio.create_task(pool.run(*SLOW_JOB, timeout=30))
            second = asyncio.create_task(pool.run(*SLOW_JOB, timeout=30))
            await asyncio.sleep(0.2)
            state = pool.state()
            assert (state.busy, state.waiting, state.capacity) == (1, 1, 2)
            start = time.perf_counter()
            with pytest.raises(Saturated) as info:
                await pool.run(*SLOW_JOB, timeout=30)
            assert time.perf_counter() - start < 0.5
            assert info.value.retry_after >= 1
            outcomes = await asyncio.gather(first, second)
            assert [o.problem for o in outcomes if isinstance(o, jobs.Refused)] == [
                "template-failed",
                "template-failed",
            ]  # the render budget ended both
            assert pool.state().rejected == 1
            assert pool.state().busy == 0
            assert list(Path(settings.scratch).iterdir()) == []  # each job removed its folder
        finally:
            await pool.stop(1)

    asyncio.run(scenario())


def test_a_job_over_its_time_is_overtime_but_keeps_its_worker_until_it_ends(
    settings: jobs.WorkerSettings,
) -> None:
    async def scenario() -> None:
        pool = _pool(settings)
        await pool.start()
        try:
            with pytest.raises(Overtime):
                await pool.run(*SLOW_JOB, timeout=0.3)
            assert pool.state().busy == 1
            outcome = await pool.run(jobs.blank, "da", ("agenda",), False, timeout=30)
            assert isinstance(outcome, jobs.Made)  # served once the slow job ended
            assert pool.state().busy == 0
        finally:
            await pool.stop(1)

    asyncio.run(scenario())


def test_a_worker_that_dies_is_replaced(settings: jobs.WorkerSettings) -> None:
    async def scenario() -> None:
        pool = _pool(settings)
        await pool.start()
        try:
            assert pool._executor is not None
            (pid,) = list(pool._executor._processes)  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
            await asyncio.sleep(0.5)
            with pytest.raises(Unavailable):
                await pool.run(jobs.blank, "da", ("agenda",), False, timeout=30)
            for _ in range(600):
                if pool.state().ready:
                    break
                await asyncio.sleep(0.1)
            outcome = await pool.run(jobs.blank, "da", ("agenda",), False, timeout=30)
            assert isinstance(outcome, jobs.Made)
            assert pool.state().restarts == 1
        finally:
            await pool.stop(1)

    asyncio.run(scenario())


def test_stopping_ends_a_busy_worker_by_its_deadline(settings: jobs.WorkerSettings) -> None:
    async def scenario() -> None:
        pool = RenderPool(
            jobs.WorkerSettings(**{**settings.__dict__, "render_seconds": 60}),
            workers=1,
            queue=0,
            queue_seconds=1,
        )
        await pool.start()
        assert pool._executor is not None
        processes = list(pool._executor._processes.values())  # type: ignore[attr-defined]
        task = asyncio.create_task(pool.run(*SLOW_JOB, timeout=60))
        await asyncio.sleep(0.3)
        start = time.perf_counter()
        await pool.stop(0.5)
        assert time.perf_counter() - start < 5
        assert not any(p.is_alive() for p in processes)
        task.cancel()

    asyncio.run(scenario())


def _cache_is_off() -> bool:
    """A job: whether the worker runs without the persistent cache."""
    from familyplan_docs import _cache

    return _cache.disabled()


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_serve_no_cache_turns_the_cache_off_in_every_worker(
    settings: jobs.WorkerSettings, cache: bool
) -> None:
    async def scenario() -> object:
        pool = _pool(jobs.WorkerSettings(**{**settings.__dict__, "cache": cache}))
        await pool.start()
        try:
            return await pool.run(_cache_is_off, timeout=30)  # type: ignore[arg-type]
        finally:
            await pool.stop(1)

    assert asyncio.run(scenario()) is (not cache)
