"""Batch rendering: a folder of plans, each family's documents in its own sub-folder.

Families render in parallel worker processes. Each worker loads a pack once and reuses the
compiled templates (:mod:`familyplan_docs.render.compiled`) for every family it renders; workers
are replaced by fresh ones after a fixed number of families (a new pool per round), so
memory stays flat however many families a batch holds. One family's bad input is reported
with every problem and its place, and the other families are rendered all the same.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import FamilyPlanError, InputError, ToolMissingError
from ._input import load_plan
from .delivery.pdf import convert_to_pdf, find_soffice, missing_message
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

PLAN_SUFFIXES = (".json", ".xlsx")
"""The plan files a batch folder is searched for."""

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


def plan_files(folder: Path) -> list[Path]:
    """Return the plan files (``.json``, ``.xlsx``) in *folder*, sorted by name.

    Hidden files and Office lock files (``~$…``) are left out.
    """
    return sorted(p for p in folder.iterdir() if _named_like_a_plan(p) and p.is_file())


def _named_like_a_plan(path: Path) -> bool:
    name = path.name
    return path.suffix.lower() in PLAN_SUFFIXES and not name.startswith((".", "~$"))


def skipped_files(folder: Path) -> list[tuple[Path, str]]:
    """The entries of *folder* named like a plan that are not plan files, with the reason.

    A folder named ``x.json``, a named pipe (never opened: reading one waits forever), a
    socket or device, and a link that points to nothing.
    """
    skipped = []
    for path in sorted(folder.iterdir()):
        if not _named_like_a_plan(path) or path.is_file():
            continue
        try:
            mode = path.stat().st_mode
        except OSError:
            skipped.append((path, "a link that points to nothing"))
            continue
        if stat.S_ISDIR(mode):
            reason = "a folder, not a plan file"
        elif stat.S_ISFIFO(mode):
            reason = "a named pipe, not a plan file"
        else:
            reason = "not a regular file (a socket or device)"
        skipped.append((path, reason))
    return skipped


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


_settings: _Settings | None = None
_packs: dict[str, Pack] = {}


def _init_worker(settings: _Settings) -> None:
    global _settings
    _settings = settings
    _packs.clear()


def _pack_for(plan: FamilyPlan, settings: _Settings) -> Pack:
    key = settings.locale or str(plan.country)
    pack = _packs.get(key)
    if pack is None:
        pack = _packs[key] = choose_pack(plan, settings.locale, settings.templates)
    return pack


_Outcome = tuple[bool, str, int, bool]
"""(rendered, reason when not, files written, the reason is bad input)."""


def _render_family(source: str, folder: str) -> _Outcome:
    """Render one plan file into *folder*."""
    settings = _settings
    assert settings is not None, "worker not initialised"
    try:
        plan = load_plan(source, templates=settings.templates)
        pack = _pack_for(plan, settings)
        to_pdf = convert_to_pdf if settings.pdf else None
        written = render_documents(plan, pack, folder, settings.kinds, to_pdf=to_pdf)
    except FamilyPlanError as exc:
        return False, str(exc), 0, isinstance(exc, InputError)
    except Exception as exc:  # one family's failure never stops the batch
        # the message of an unexpected error could quote the plan; only its type is shown
        reason = f"unexpected {type(exc).__name__} (render this plan alone to see it)"
        return False, reason, 0, False
    finally:
        release_memory()  # what drawing and zipping freed goes back, so workers stay small
    return True, "", len(written), False


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


def _run_serial(tasks: Sequence[_Task], settings: _Settings, done: _Done) -> None:
    _init_worker(settings)
    for source, folder in tasks:
        done(source, folder, _render_family(str(source), str(folder)))


def _rounds(tasks: Sequence[_Task], size: int) -> Iterator[Sequence[_Task]]:
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def _run_parallel(tasks: Sequence[_Task], settings: _Settings, workers: int, done: _Done) -> None:
    # A fresh pool per round replaces the workers (max_tasks_per_child can hang on 3.11-3.13).
    for chunk in _rounds(tasks, workers * FAMILIES_PER_WORKER):
        with ProcessPoolExecutor(
            max_workers=min(workers, len(chunk)),
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(settings,),
        ) as pool:
            try:
                _drain(pool, chunk, workers, done)
            except BaseException:  # Ctrl-C: stop at once, not after the queued families
                pool.shutdown(wait=False, cancel_futures=True)
                raise


def _drain(pool: ProcessPoolExecutor, chunk: Sequence[_Task], workers: int, done: _Done) -> None:
    """Keep *workers* × 2 families queued in *pool* until *chunk* is done."""
    pending: dict[Future[_Outcome], _Task] = {}
    queue = iter(chunk)
    broken = False
    while True:
        while not broken and len(pending) < workers * 2:
            task = next(queue, None)
            if task is None:
                break
            try:
                future = pool.submit(_render_family, str(task[0]), str(task[1]))
            except BrokenProcessPool:
                broken = True
                done(*task, (False, _DIED, 0, False))
                break
            pending[future] = task
        if not pending:
            break
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            source, folder = pending.pop(future)
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken = True
                outcome = (False, _DIED, 0, False)
            done(source, folder, outcome)
    for task in queue if broken else ():
        done(*task, (False, f"not rendered: {_DIED}", 0, False))


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
    if pdf and find_soffice() is None:
        raise ToolMissingError(missing_message())
    settings = _Settings(locale, chosen, tuple(str(t) for t in templates), pdf)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(f, out / name) for f, name in zip(files, _sub_folders(files), strict=True)]

    result = BatchResult(skipped=skipped)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))

    def record(source: Path, target: Path, outcome: _Outcome) -> None:
        ok, reason, count, bad_input = outcome
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
    _run(tasks, settings, workers, record)
    result.ok.sort()
    result.failed.sort()
    result.seconds = time.perf_counter() - started
    return result


def _run(tasks: Sequence[_Task], settings: _Settings, workers: int, done: _Done) -> None:
    if workers == 1:
        _run_serial(tasks, settings, done)
    else:
        _run_parallel(tasks, settings, workers, done)
