"""Batch rendering: a folder of plans, each family's documents in its own sub-folder.

Families render in parallel worker processes. Each worker loads a pack once and reuses the
compiled templates (:mod:`familyplan_docs.render.compiled`) for every family it renders; workers
are replaced by fresh ones after a fixed number of families (a new pool per round), so
memory stays flat however many families a batch holds. One family's bad input is reported
with every problem and its place, and the other families are rendered all the same.

With ``pdf`` and a warm LibreOffice pool (:func:`familyplan_docs.delivery.pdf.warm_pool`),
the workers render only the .docx files, into a staging folder; this process queues each
family's documents to the pool as soon as they are rendered (so LibreOffice converts while
the next families render), finishes them, and moves the family's files into place when all
of them are done. Without a pool each worker converts its family with one ``soffice``.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _cache
from ._errors import FamilyPlanError, InputError, ToolMissingError
from ._files import staging_folder
from ._input import PLAN_SUFFIXES, load_plan, plan_files, skipped_files
from .delivery.pdf import (
    Bundle,
    PdfStage,
    bundle_for,
    convert_to_pdf,
    find_soffice,
    missing_message,
    warm_pool,
)
from .model.plan import FamilyPlan
from .packs.discovery import choose_pack, load_pack
from .packs.pack import Pack
from .render.compiled.template import release_memory
from .render.documents import render_documents, select_kinds

__all__ = [
    "PLAN_SUFFIXES",
    "BatchProgress",
    "BatchResult",
    "plan_files",
    "render_batch",
    "skipped_files",
]


FAMILIES_PER_WORKER = 500
"""How many families one worker process renders before a fresh one takes over."""

_DIED = "a worker process stopped unexpectedly (out of memory?)"


@dataclass
class BatchResult:
    """The outcome of a batch.

    ``ok`` holds the sub-folder written for each family rendered, ``failed`` each input
    file that was not, with the reason (for bad input: every problem with its place).
    """

    ok: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    seconds: float = 0.0
    documents: int = 0
    """The number of files written, over all families."""
    bad_input: int = 0
    """How many of the failures are bad input (an :class:`InputError`)."""
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    """Entries named like a plan that are no plan file (a folder, a pipe, a broken link),
    with the reason; they are not rendered and not counted as failures."""

    @property
    def exit_status(self) -> int:
        """The command line's status: 0 all rendered, 2 only bad input failed, 1 otherwise."""
        if not self.failed:
            return 0
        return 2 if self.bad_input == len(self.failed) else 1

    def summary(self) -> str:
        """One line: how many families were rendered and failed, and how long it took."""
        total = len(self.ok) + len(self.failed)
        rate = f", {total / self.seconds:.1f} families/s" if self.seconds > 0 and total else ""
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (
            f"{len(self.ok)} of {total} families rendered ({self.documents} files), "
            f"{len(self.failed)} failed{skipped}, in {self.seconds:.1f} s{rate}"
        )

    def report_lines(self) -> list[str]:
        """The summary, then each failure as ``FAILED file: reason`` (indented details),
        then each entry not read as ``SKIPPED name: reason``."""
        lines = [self.summary()]
        for path, reason in self.failed:
            reason = reason.removeprefix(f"{path}: ")  # InputError starts with the file
            first, *rest = reason.splitlines() or [""]
            lines.append(f"FAILED {path}: {first}")
            lines += [f"    {line.strip()}" for line in rest]
        lines += [f"SKIPPED {path}: {reason}" for path, reason in self.skipped]
        return lines


def _sub_folders(files: Sequence[Path]) -> list[str]:
    """The sub-folder of each file: its stem, or its whole name when stems collide."""
    stems = [p.stem for p in files]
    return [p.stem if stems.count(p.stem) == 1 else p.name for p in files]


# --- the worker side ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    locale: str | None
    kinds: tuple[str, ...] | None
    templates: tuple[str, ...]
    pdf: bool
    """The worker converts its family to PDF itself (one ``soffice``; no warm pool)."""
    bundle: bool
    """A case file of the family's PDFs (made by whoever converts)."""
    cache: bool = True
    """False when the persistent cache is off in the parent (``--no-cache``)."""


_settings: _Settings | None = None
_packs: dict[str, Pack] = {}


def _init_worker(settings: _Settings) -> None:
    global _settings
    _settings = settings
    _packs.clear()
    if not settings.cache:
        _cache.disable()


def _pack_for(plan: FamilyPlan, settings: _Settings) -> Pack:
    key = settings.locale or str(plan.country)
    pack = _packs.get(key)
    if pack is None:
        pack = _packs[key] = choose_pack(plan, settings.locale, settings.templates)
    return pack


_Outcome = tuple[bool, str, int, bool, Bundle | None]
"""(rendered, reason when not, files written, the reason is bad input, the case file to make)."""


def _render_family(source: str, folder: str) -> _Outcome:
    """Render one plan file into *folder*."""
    settings = _settings
    assert settings is not None, "worker not initialised"
    try:
        plan = load_plan(source, templates=settings.templates)
        pack = _pack_for(plan, settings)
        bundle = bundle_for(plan, pack) if settings.bundle else None
        to_pdf = functools.partial(convert_to_pdf, warm=False, bundle=bundle)
        written = render_documents(
            plan, pack, folder, settings.kinds, to_pdf=to_pdf if settings.pdf else None
        )
    except FamilyPlanError as exc:
        return False, str(exc), 0, isinstance(exc, InputError), None
    except Exception as exc:  # one family's failure never stops the batch
        # the message of an unexpected error could quote the plan; only its type is shown
        reason = f"unexpected {type(exc).__name__} (render this plan alone to see it)"
        return False, reason, 0, False, None
    finally:
        release_memory()  # what drawing and zipping freed goes back, so workers stay small
    return True, "", len(written), False, None if settings.pdf else bundle


# --- the parent side ------------------------------------------------------------------------


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one (fast, safe with threads), spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # modules imported once in the server are shared by every worker forked from it
        ctx.set_forkserver_preload(["familyplan_docs._batch"])  # imports the render stack
        return ctx
    return multiprocessing.get_context("spawn")


_Task = tuple[Path, Path]
_Done = Callable[[Path, Path, _Outcome], None]


class _Converting:
    """The parent's side of ``pdf`` with a warm pool: rendered families go to the pool."""

    def __init__(self, stage: PdfStage, staging: Path, done: _Done) -> None:
        self.stage, self.staging, self.done = stage, staging, done
        self.counts: dict[_Task, int] = {}

    def folder(self, task: _Task) -> Path:
        """Where a worker renders the family of *task* (its .docx files only)."""
        return self.staging / task[1].name

    def rendered(self, source: Path, target: Path, outcome: _Outcome) -> None:
        ok, _reason, count, _bad, bundle = outcome
        if not ok:
            shutil.rmtree(self.folder((source, target)), ignore_errors=True)
            self.done(source, target, outcome)
            return
        self.counts[(source, target)] = count
        self.stage.add(self.folder((source, target)), target, (source, target), bundle)

    def collect(self) -> None:
        for token, placed in self.stage.collect():
            task = next(t for t in self.counts if t == token)
            source, target = task
            count = self.counts.pop(task)
            if isinstance(placed, FamilyPlanError):
                self.done(source, target, (False, str(placed), 0, False, None))
            else:
                self.done(source, target, (True, "", len(placed) or count, False, None))

    def room(self) -> bool:
        return self.stage.in_flight() < self.stage.limit

    def finish(self) -> None:
        while self.stage.in_flight():
            self.stage.wait()
            self.collect()


def _run_serial(
    tasks: Sequence[_Task], settings: _Settings, done: _Done, converting: _Converting | None
) -> None:
    _init_worker(settings)
    for source, folder in tasks:
        if converting is None:
            done(source, folder, _render_family(str(source), str(folder)))
            continue
        while not converting.room():
            converting.stage.wait()
            converting.collect()
        outcome = _render_family(str(source), str(converting.folder((source, folder))))
        converting.rendered(source, folder, outcome)
        converting.collect()
    if converting is not None:
        converting.finish()


def _rounds(tasks: Sequence[_Task], size: int) -> Iterator[Sequence[_Task]]:
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def _run_parallel(
    tasks: Sequence[_Task],
    settings: _Settings,
    workers: int,
    done: _Done,
    converting: _Converting | None,
) -> None:
    # A fresh pool per round replaces the workers (max_tasks_per_child can hang on 3.11-3.13).
    for chunk in _rounds(tasks, workers * FAMILIES_PER_WORKER):
        with ProcessPoolExecutor(
            max_workers=min(workers, len(chunk)),
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(settings,),
        ) as pool:
            try:
                _drain(pool, chunk, workers, done, converting)
            except BaseException:  # Ctrl-C: stop at once, not after the queued families
                pool.shutdown(wait=False, cancel_futures=True)
                raise


def _drain(
    pool: ProcessPoolExecutor,
    chunk: Sequence[_Task],
    workers: int,
    done: _Done,
    converting: _Converting | None = None,
) -> None:
    """Keep *workers* × 2 families queued in *pool* until *chunk* is done (and converted)."""
    pending: dict[Future[_Outcome], _Task] = {}
    queue = iter(chunk)
    broken = False
    rendered = converting.rendered if converting is not None else done
    while True:
        while not broken and len(pending) < workers * 2:
            if converting is not None and not converting.room():
                break
            task = next(queue, None)
            if task is None:
                break
            folder = converting.folder(task) if converting is not None else task[1]
            try:
                future = pool.submit(_render_family, str(task[0]), str(folder))
            except BrokenProcessPool:
                broken = True
                done(*task, (False, _DIED, 0, False, None))
                break
            pending[future] = task
        converting_now = converting.stage.futures() if converting is not None else []
        if not pending and not converting_now:
            if converting is None or not converting.stage.in_flight():
                break
            converting.collect()  # ended conversions (and ones that never started)
            continue
        waiting: list[Future[Any]] = [*pending, *converting_now]
        finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
        for future in finished:
            if future not in pending:
                continue
            source, folder = pending.pop(future)
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken = True
                outcome = (False, _DIED, 0, False, None)
            rendered(source, folder, outcome)
        if converting is not None:
            converting.collect()
    for task in queue if broken else ():
        done(*task, (False, f"not rendered: {_DIED}", 0, False, None))


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch has come: reported after each family (see ``on_progress``)."""

    done: int
    total: int
    failed: int


def render_batch(
    inputs: Path,
    out_dir: Path,
    *,
    locale: str | None = None,
    kinds: Sequence[str] | None = None,
    templates: Sequence[str | Path] = (),
    pdf: bool = False,
    bundle: bool = False,
    jobs: int | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Render every plan in the folder *inputs* into ``out_dir/<file stem>/``.

    *locale* None renders each plan with the built-in pack of its country. *jobs* worker
    processes (default: the number of cores; 1 renders in this process) share the work;
    *on_progress* is called in this process after each family (and once before the
    first) with a :class:`BatchProgress`. A family's failure is recorded in
    :attr:`BatchResult.failed` and the others go on; an unknown kind or locale, a missing
    LibreOffice for *pdf* or a folder without plans raise before anything is rendered.
    *bundle* (which implies *pdf*) also writes each family's case file, ``bundle.pdf``.

    Workers are started with ``forkserver`` (``spawn`` where there is none), which imports
    the calling script again: a script that calls this needs the usual
    ``if __name__ == "__main__":`` guard.
    """
    started = time.perf_counter()
    folder = Path(inputs)
    if not folder.is_dir():
        raise FamilyPlanError(f"{folder}: not a folder of plans")
    files = plan_files(folder)
    skipped = skipped_files(folder)
    if not files:
        also = "".join(f"; skipped {p.name}: {reason}" for p, reason in skipped)
        raise FamilyPlanError(f"{folder}: no plan files ({', '.join(PLAN_SUFFIXES)}) in it{also}")
    chosen = tuple(select_kinds(kinds)) if kinds is not None else None
    if locale is not None:
        load_pack(locale, templates)  # an unknown locale fails now, not once per family
    pdf = pdf or bundle
    if pdf and find_soffice() is None:
        raise ToolMissingError(missing_message())
    pool = warm_pool() if pdf else None
    settings = _Settings(
        locale, chosen, tuple(str(t) for t in templates), pdf and pool is None, bundle,
        cache=not _cache.disabled(),
    )  # fmt: skip
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(f, out / name) for f, name in zip(files, _sub_folders(files), strict=True)]

    result = BatchResult(skipped=skipped)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))

    def record(source: Path, target: Path, outcome: _Outcome) -> None:
        ok, reason, count, bad_input, _bundle = outcome
        if ok:
            result.ok.append(target)
            result.documents += count
        else:
            result.failed.append((source, reason))
            result.bad_input += bad_input
        if on_progress is not None:
            done = len(result.ok) + len(result.failed)
            on_progress(BatchProgress(done, len(tasks), len(result.failed)))

    if on_progress is not None:
        on_progress(BatchProgress(0, len(tasks), 0))
    with contextlib.ExitStack() as stack:
        converting = None
        if pool is not None:
            staging = stack.enter_context(staging_folder(out, "batch"))
            stage = PdfStage(pool)
            stack.callback(stage.cancel)  # Ctrl-C or a crash: nothing half-converted stays
            converting = _Converting(stage, staging, record)
        _run(tasks, settings, workers, record, converting)
    result.ok.sort()
    result.failed.sort()
    result.seconds = time.perf_counter() - started
    return result


def _run(
    tasks: Sequence[_Task],
    settings: _Settings,
    workers: int,
    done: _Done,
    converting: _Converting | None,
) -> None:
    if workers == 1:
        _run_serial(tasks, settings, done, converting)
    else:
        _run_parallel(tasks, settings, workers, done, converting)
