"""The one entry point for PDFs: :func:`convert_to_pdf`, with the warm pool plugged in behind it.

A conversion takes the warm pool (:mod:`.pool`) when one can run here: the pool opened by
:func:`pdf_pool` around the call, else one shared pool the module starts on first use and
ends when the program exits. Without a Python that can ``import uno`` (or with
``FAMILYPLAN_DOCS_PDF_POOL=off``) it takes the route of one ``soffice`` process per call
(:mod:`.soffice`). Either way every PDF is finished (:func:`.finish.finish_pdf`: proof of
PDF/A-2b + PDF/UA-1, provenance, table header scope) and, when asked, merged into the case
file (:mod:`.bundle`), in a staging folder; the files are moved into place only when all
of them succeeded.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..._errors import ConversionError, ToolMissingError
from ..._files import staging_folder
from ...model.plan import FamilyPlan
from ...packs.pack import Pack
from .bundle import BUNDLE_NAME, merge_bundle, toolbox_order
from .finish import docx_provenance, finish_pdf
from .options import input_filter
from .pool import UNO_PYTHON_ENV_VAR, PdfPool, PoolUnavailableError
from .soffice import convert_with_soffice, find_soffice, missing_message

__all__ = [
    "POOL_ENV_VAR",
    "Bundle",
    "PdfJob",
    "bundle_for",
    "convert_to_pdf",
    "pdf_pool",
    "warm_pool",
]

POOL_ENV_VAR = "FAMILYPLAN_DOCS_PDF_POOL"
"""Set to ``off`` to convert with one ``soffice`` process per call instead of the pool."""

_lock = threading.Lock()
_active: PdfPool | None = None
_shared: PdfPool | None = None
_shared_failed: set[tuple[str, str]] = set()  # (soffice, uno python setting) that cannot pool


@dataclass(frozen=True)
class Bundle:
    """A case file to make from the PDFs: its title and language (a BCP 47 tag)."""

    title: str
    lang: str | None = None


def bundle_for(plan: FamilyPlan | None, pack: Pack) -> Bundle:
    """The case file of *plan* (blank forms when None) in *pack*'s language."""
    if plan is None:
        title = pack.gettext("bundle.title_blank")
        title = pack.manifest.title if title == "bundle.title_blank" else title
    else:
        title = pack.format("bundle.title", {"family": plan.family.name})
        title = plan.family.name if title == "bundle.title" else title
    return Bundle(title, pack.language_tag)


# -- which pool --------------------------------------------------------------------------------


def _pool_allowed() -> bool:
    return os.environ.get(POOL_ENV_VAR, "").strip().lower() not in {"off", "0", "no", "false"}


@contextlib.contextmanager
def pdf_pool(size: int | None = None, **options: float) -> Iterator[PdfPool | None]:
    """Keep a warm pool of *size* LibreOffice processes (default: the cores) for the block.

    Every conversion in the block uses it. Yields None when no pool can run here (the
    conversions then take one ``soffice`` process per call). The pool is ended when the
    block is left, at once (queued documents fail) when it is left by an exception or Ctrl-C.
    *options* go to :class:`PdfPool` (``max_conversions``, ``timeout``, ``startup_timeout``).
    """
    global _active
    pool: PdfPool | None = None
    if _pool_allowed():
        with contextlib.suppress(PoolUnavailableError):
            pool = PdfPool(size, **options)  # type: ignore[arg-type]
    if pool is None:
        yield None
        return
    with _lock:
        previous, _active = _active, pool
    try:
        with pool:
            yield pool
    finally:
        with _lock:
            _active = previous


def warm_pool() -> PdfPool | None:
    """The pool conversions use now: :func:`pdf_pool`'s, else the shared one, else None.

    A pool is only used for the LibreOffice :func:`find_soffice` finds now.

    The shared pool starts on first use (and waits for its first worker); when it cannot
    run here, None is returned from then on and conversions take one process per call.
    ``FAMILYPLAN_DOCS_PDF_POOL=off`` gives None, also inside :func:`pdf_pool`. Raises
    :class:`ToolMissingError` when LibreOffice is not installed.
    """
    global _shared
    with _lock:
        if not _pool_allowed():
            return None
        soffice = find_soffice()
        if soffice is None:
            raise ToolMissingError(missing_message())
        if _active is not None and _active.soffice == soffice:
            return _active
        if _shared is not None and _shared.soffice != soffice:  # LibreOffice was changed
            _shared.close()
            _shared = None
        key = (soffice, os.environ.get(UNO_PYTHON_ENV_VAR, ""))
        if key in _shared_failed:
            return None
        if _shared is None:
            try:
                pool = PdfPool(soffice=soffice)
            except PoolUnavailableError:
                _shared_failed.add(key)
                return None
            if not pool.wait_ready(pool.startup_timeout):
                pool.close(kill=True)
                _shared_failed.add(key)
                return None
            _shared = pool
        return _shared


# -- converting ---------------------------------------------------------------------------------


def _sources(documents: Sequence[Path]) -> list[Path]:
    sources: list[Path] = []
    by_output: dict[str, Path] = {}
    for document in documents:
        source = Path(document).resolve()
        if not source.is_file():
            raise FileNotFoundError(f"document to convert not found: {source}")
        input_filter(source)
        key = os.path.normcase(source.stem + ".pdf")
        if key in by_output or (key == BUNDLE_NAME):
            other = by_output.get(key, BUNDLE_NAME)
            raise ValueError(f"{other} and {source} would both become {source.stem}.pdf")
        by_output[key] = source
        sources.append(source)
    return sources


class PdfJob:
    """Documents on their way to finished PDFs (and a case file) in *out_dir*.

    With a *pool* the documents are queued at once and :meth:`result` waits for them;
    without one :meth:`result` converts them with one ``soffice`` process. Use
    :attr:`futures` to wait for several jobs together.
    """

    def __init__(
        self,
        documents: Sequence[Path],
        out_dir: Path,
        *,
        pool: PdfPool | None,
        bundle: Bundle | None = None,
        timeout: float = 300.0,
        retries: int = 1,
    ) -> None:
        self.sources = _sources(documents)
        self.out_dir = Path(out_dir)
        self.bundle = bundle
        self._timeout, self._retries = timeout, retries
        self._created = not self.out_dir.exists()
        self._stack = contextlib.ExitStack()
        self._staging = self._stack.enter_context(staging_folder(self.out_dir, "pdf"))
        self.futures: list[Future[Path]] = []
        if pool is not None:
            try:
                for source in self.sources:
                    self.futures.append(pool.submit(source, self._staging / f"{source.stem}.pdf"))
            except BaseException:
                self.cancel()
                raise

    def done(self) -> bool:
        """Whether every conversion has ended (always True without a pool)."""
        return all(future.done() for future in self.futures)

    def cancel(self) -> None:
        """Give up: queued documents are not converted and the staging folder goes."""
        for future in self.futures:
            future.cancel()
        self._close(succeeded=False)

    def _close(self, *, succeeded: bool) -> None:
        self._stack.close()
        if self._created and not succeeded:
            with contextlib.suppress(OSError):
                self.out_dir.rmdir()

    def result(self) -> list[Path]:
        """Wait, finish and move the PDFs into place; return them (the case file last).

        With a pool each PDF is finished as soon as it is converted, while LibreOffice
        converts the next ones. Raises :class:`ConversionError` naming every document that
        failed; then nothing is moved into place.
        """
        succeeded = False
        try:
            pdfs = self._finished()
            if self.bundle is not None and pdfs:
                target = self._staging / BUNDLE_NAME
                bundle = self.bundle
                pdfs.append(
                    merge_bundle(toolbox_order(pdfs), target, title=bundle.title, lang=bundle.lang)
                )
            self.out_dir.mkdir(parents=True, exist_ok=True)
            placed = []
            for pdf in pdfs:
                os.replace(pdf, self.out_dir / pdf.name)
                placed.append(self.out_dir / pdf.name)
            succeeded = True
            return placed
        finally:
            self._close(succeeded=succeeded)

    def _finished(self) -> list[Path]:
        """The converted PDFs, each finished (PDF/A and PDF/UA metadata, provenance)."""
        if not self.futures:
            pdfs = convert_with_soffice(
                self.sources, self._staging, timeout=self._timeout, retries=self._retries
            )
            for source, pdf in zip(self.sources, pdfs, strict=True):
                finish_pdf(pdf, provenance=docx_provenance(source))
            return pdfs
        pairs = zip(self.futures, self.sources, strict=True)
        source_of = {id(future): source for future, source in pairs}
        failed = False
        for future in as_completed(self.futures):
            if future.exception() is not None:
                failed = True
            elif not failed:  # once one failed, nothing will be placed: no more finishing
                finish_pdf(future.result(), provenance=docx_provenance(source_of[id(future)]))
        failures = [f.exception() for f in self.futures if f.exception() is not None]
        if failures:
            lines = "\n".join(f"  {error}" for error in failures)
            raise ConversionError(
                f"{len(failures)} of {len(self.futures)} document(s) did not become PDF:\n{lines}"
            )
        return [future.result() for future in self.futures]


def convert_to_pdf(
    documents: Sequence[Path],
    out_dir: Path,
    *,
    bundle: Bundle | None = None,
    warm: bool = True,
    timeout: float = 300.0,
    retries: int = 1,
) -> list[Path]:
    """Convert Writer documents (.docx, .odt) to finished PDF/A-2b + PDF/UA-1 in *out_dir*.

    Returns ``out_dir/<stem>.pdf`` for each document in the given order, then
    ``out_dir/bundle.pdf`` when *bundle* is given. *warm* False skips the pool;
    *timeout* (seconds per attempt) and *retries* apply to the one-process route, the pool
    has its own per-document timeout. Raises :class:`ToolMissingError` when LibreOffice is
    missing and :class:`ConversionError` naming each document that failed (one LibreOffice
    cannot open fails alone in the pool, which goes on); then *out_dir* is left as it was.
    """
    sources = _sources(documents)
    if not sources:
        return []
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, not {timeout!r}")
    if retries < 0:
        raise ValueError(f"retries must be 0 or more, not {retries!r}")
    pool = warm_pool() if warm else None
    job = PdfJob(sources, out_dir, pool=pool, bundle=bundle, timeout=timeout, retries=retries)
    return job.result()
