"""A warm LibreOffice pool: N ``soffice`` processes kept running and reused for every document.

Each worker is one helper process (:mod:`.uno_helper`, run under a Python that can
``import uno``) and the ``soffice`` it starts, in a process group of their own, with their
own profile; this process talks to the helper over its stdin and stdout (JSON lines), so it
never imports ``uno`` and opens no port. One thread per worker takes documents from a
shared queue:

* reuse: a worker converts documents of any family until it has done ``max_conversions``,
  then it is ended cleanly and a fresh one starts (LibreOffice slows and grows over hundreds);
* hang: no answer within ``timeout`` seconds kills the worker's process group; that document
  fails and the next one gets a fresh worker;
* crash: when ``soffice`` dies during a document, the worker restarts and the document is
  tried once more;
* bad input: a document LibreOffice cannot open fails alone, the worker goes on.

:meth:`PdfPool.close` (and leaving a ``with`` block, also through Ctrl-C) ends every worker;
pools still open when the interpreter exits are closed then, and a helper whose parent died
(even by SIGKILL) ends its ``soffice`` within a second.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import weakref
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from ..._errors import ConversionError, ToolMissingError
from ..._files import STAGING_PREFIX
from .options import PDF_EXPORT_FILTER, PDF_EXPORT_OPTIONS, input_filter
from .soffice import find_soffice, missing_message, soffice_environment
from .worker import PoolUnavailableError, Worker

__all__ = [
    "UNO_PYTHON_ENV_VAR",
    "PdfPool",
    "PoolUnavailableError",
    "find_uno_python",
]

UNO_PYTHON_ENV_VAR = "FAMILYPLAN_DOCS_UNO_PYTHON"
"""Environment variable naming the Python that can ``import uno`` (found otherwise)."""


_probed: dict[tuple[str, str], str | None] = {}
_open_pools: weakref.WeakSet[PdfPool] = weakref.WeakSet()


def _uno_candidates(soffice: str) -> list[str]:
    program = Path(os.path.realpath(soffice)).parent
    names = ("python.exe",) if sys.platform == "win32" else ("python", "python3")
    return [
        *(str(program / name) for name in names),  # LibreOffice's own (Windows, some Linux)
        str(program.parent / "Resources" / "python"),  # the macOS app bundle
        "/usr/bin/python3",  # Debian/Ubuntu: python3-uno; Fedora: libreoffice-pyuno
        sys.executable,
    ]


def find_uno_python(soffice: str) -> str | None:
    """Return a Python that can ``import uno`` for LibreOffice at *soffice*, or None.

    ``FAMILYPLAN_DOCS_UNO_PYTHON`` wins when set (``none`` turns the pool off); otherwise
    LibreOffice's own Python, the macOS bundle's, ``/usr/bin/python3`` and this Python are
    tried in turn. The answer is remembered for the process.
    """
    override = os.environ.get(UNO_PYTHON_ENV_VAR, "").strip()
    key = (soffice, override)
    if key in _probed:
        return _probed[key]
    if override.lower() in {"none", "off", "0"}:
        candidates: list[str] = []
    else:
        candidates = [override] if override else _uno_candidates(soffice)
    found = None
    for candidate in candidates:
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        try:
            probe = subprocess.run(
                [candidate, "-c", "import uno"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=soffice_environment(Path(tempfile.gettempdir())),
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            found = candidate
            break
    _probed[key] = found
    return found


@dataclass
class _Job:
    source: Path
    target: Path
    future: Future[Path]
    attempts: int = 0


class PdfPool:
    """N warm ``soffice`` processes converting documents to PDF/A-2b + PDF/UA-1.

    *size* defaults to the number of cores. Raises :class:`ToolMissingError` without
    LibreOffice and :class:`PoolUnavailableError` without a Python that can ``import uno``.
    Workers start in the background; :meth:`submit` returns at once. Use it as a context
    manager, or call :meth:`close`.
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        max_conversions: int = 200,
        timeout: float = 60.0,
        startup_timeout: float = 60.0,
        soffice: str | None = None,
        uno_python: str | None = None,
    ) -> None:
        if max_conversions < 1 or timeout <= 0 or startup_timeout <= 0:
            raise ValueError("max_conversions, timeout and startup_timeout must be positive")
        if sys.platform == "win32":  # it waits on pipes with select(), which Windows lacks
            raise PoolUnavailableError("the warm PDF pool runs on Linux and macOS")
        found = soffice or find_soffice()
        if found is None:
            raise ToolMissingError(missing_message())
        python = uno_python or find_uno_python(found)
        if python is None:
            raise PoolUnavailableError(
                "no Python that can import uno was found for the warm PDF pool "
                "(Debian/Ubuntu: sudo apt-get install python3-uno; or set "
                f"{UNO_PYTHON_ENV_VAR})"
            )
        self.soffice, self.uno_python = found, python
        self.size = max(1, size or os.cpu_count() or 1)
        self.max_conversions = max_conversions
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.stats = {"started": 0, "recycled": 0, "killed": 0, "converted": 0, "failed": 0}
        self.root = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}pool-"))
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._closing = False
        self._tried = 0  # workers that have tried their first start
        self._first_starts = threading.Condition(self._lock)
        self._workers = [
            Worker(n, self.soffice, self.uno_python, self.root) for n in range(self.size)
        ]
        self._threads = [
            threading.Thread(target=self._serve, args=(w,), daemon=True, name=f"pdf-pool-{n}")
            for n, w in enumerate(self._workers)
        ]
        _open_pools.add(self)
        for thread in self._threads:
            thread.start()

    # -- the public side -----------------------------------------------------------------

    def submit(self, source: str | Path, target: str | Path) -> Future[Path]:
        """Queue *source* to become the PDF *target*; the future holds *target* or a
        :class:`ConversionError` naming *source*."""
        if self._closing:
            raise RuntimeError("the PDF pool is closed")
        path = Path(source).resolve()
        input_filter(path)  # a suffix that cannot be converted fails now
        future: Future[Path] = Future()
        self._jobs.put(_Job(path, Path(target).resolve(), future))
        return future

    def wait_ready(self, timeout: float | None = None) -> int:
        """Wait until every worker has tried its first start; return how many are running."""
        with self._first_starts:
            self._first_starts.wait_for(lambda: self._tried >= self.size, timeout)
        return sum(worker.alive() for worker in self._workers)

    def close(self, *, kill: bool = False) -> None:
        """End every worker; *kill* (or an exception in a ``with`` block) does not wait for
        queued documents, which fail."""
        if self._closing and not kill:
            return
        self._closing = True
        _open_pools.discard(self)
        if kill:
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None and job.future.set_running_or_notify_cancel():
                    job.future.set_exception(ConversionError(f"{job.source}: not converted"))
            for worker in self._workers:
                worker.kill()
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout=self.timeout + 30)
        for worker in self._workers:  # a thread that did not end: its worker is killed here
            worker.stop(kill=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(kill=kind is not None)

    # -- the worker threads --------------------------------------------------------------

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def _serve(self, worker: Worker) -> None:
        try:
            with contextlib.suppress(PoolUnavailableError, OSError):
                worker.start(self.startup_timeout)
                self._count("started")
        finally:
            with self._first_starts:
                self._tried += 1
                self._first_starts.notify_all()
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                if not job.future.set_running_or_notify_cancel():
                    continue
                try:
                    self._run(worker, job)
                except Exception as error:  # never leave a future without an answer
                    if not job.future.done():
                        self._fail(job, f"unexpected {type(error).__name__}: {error}")
        finally:
            worker.stop(kill=self._closing and not self._jobs.empty())

    def _run(self, worker: Worker, job: _Job) -> None:
        while True:
            job.attempts += 1
            if self._closing and not worker.alive():
                job.future.set_exception(ConversionError(f"{job.source}: not converted"))
                return
            try:
                if not worker.alive():
                    worker.start(self.startup_timeout)
                    self._count("started")
            except (PoolUnavailableError, OSError) as error:
                self._fail(job, f"{error}")
                return
            job.target.parent.mkdir(parents=True, exist_ok=True)
            partial = job.target.with_name(f".{job.target.name}.{worker.number}.part")
            request = {
                "src": str(job.source),
                "dst": str(partial),
                "filter": PDF_EXPORT_FILTER,
                "input_filter": input_filter(job.source),
                "data": PDF_EXPORT_OPTIONS,
            }
            sent = worker.send(request)
            answer = worker.read(self.timeout) if sent else None
            died = not sent or worker.closed_pipe
            worker.conversions += 1
            if answer is None:  # a hang, or the helper died without a word
                worker.stop(kill=True)
                self._count("killed")
                partial.unlink(missing_ok=True)
                if died and job.attempts < 2 and not self._closing:
                    continue  # it crashed: a fresh worker, one more try
                why = "LibreOffice stopped" if died else f"no answer within {self.timeout:g} s"
                self._fail(job, f"{why}; its worker was killed and is replaced")
                return
            if answer.get("ok") and _is_pdf(partial):
                os.replace(partial, job.target)
                self._count("converted")
                job.future.set_result(job.target)
                if worker.conversions >= self.max_conversions:
                    worker.stop()
                    self._count("recycled")
                return
            partial.unlink(missing_ok=True)
            if answer.get("fatal"):  # soffice crashed: a fresh worker, one more try
                worker.stop(kill=True)
                self._count("killed")
                if job.attempts < 2 and not self._closing:
                    continue
            reason = str(answer.get("error") or "LibreOffice wrote no PDF")
            self._fail(job, f"LibreOffice could not convert it ({reason})")
            return

    def _fail(self, job: _Job, reason: str) -> None:
        self._count("failed")
        job.future.set_exception(ConversionError(f"{job.source}: {reason}"))


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


@atexit.register
def _close_open_pools() -> None:
    for pool in list(_open_pools):
        pool.close(kill=True)
