"""Rendered folders on their way to PDF through a warm pool, each moved into place when done.

A batch (or the demo) renders a family's .docx files into a folder of its own in a staging
area and hands it to :meth:`PdfStage.add`: its documents are queued to the pool at once,
so LibreOffice converts while the next family renders. :meth:`PdfStage.collect` returns
the families whose conversion ended: their PDFs finished (and case file made), and every
file of the folder moved into the family's output folder — or the error, with nothing moved.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Hashable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path

from ..._errors import FamilyPlanError
from .convert import Bundle, PdfJob
from .pool import PdfPool

__all__ = ["PdfStage", "place"]


def place(rendered: Path, target: Path) -> list[Path]:
    """Move every file of the folder *rendered* into *target* (replacing files of the same
    name), remove *rendered*, and return the files' new paths in name order."""
    target.mkdir(parents=True, exist_ok=True)
    placed = []
    for path in sorted(p for p in rendered.iterdir() if p.is_file()):
        os.replace(path, target / path.name)
        placed.append(target / path.name)
    shutil.rmtree(rendered, ignore_errors=True)
    return placed


@dataclass
class _Entry:
    job: PdfJob | None
    rendered: Path
    target: Path
    token: Hashable
    error: FamilyPlanError | None = None


class PdfStage:
    """Families in conversion; at most *limit* at a time are meant to be in flight."""

    def __init__(self, pool: PdfPool, *, limit: int | None = None) -> None:
        self.pool = pool
        self.limit = limit or pool.size * 2
        self._entries: list[_Entry] = []

    def add(self, rendered: Path, target: Path, token: Hashable, bundle: Bundle | None) -> None:
        """Queue the .docx files of *rendered*; their PDFs are written beside them."""
        documents = sorted(rendered.glob("*.docx"))
        try:
            job = PdfJob(documents, rendered, pool=self.pool, bundle=bundle)
        except (FamilyPlanError, OSError, ValueError) as exc:
            error = exc if isinstance(exc, FamilyPlanError) else FamilyPlanError(str(exc))
            self._entries.append(_Entry(None, rendered, target, token, error))
            return
        self._entries.append(_Entry(job, rendered, target, token))

    def in_flight(self) -> int:
        """How many families are queued or converting."""
        return len(self._entries)

    def futures(self) -> list[Future[Path]]:
        """The conversions still running, to wait on together with other work."""
        return [
            f for e in self._entries if e.job is not None for f in e.job.futures if not f.done()
        ]

    def wait(self) -> None:
        """Block until at least one family's conversion has ended (at once when one has)."""
        if self._entries and not any(e.job is None or e.job.done() for e in self._entries):
            wait(self.futures(), return_when=FIRST_COMPLETED)

    def collect(self) -> list[tuple[Hashable, list[Path] | FamilyPlanError]]:
        """The families whose conversion ended, each with its placed files or its error."""
        ended: list[tuple[Hashable, list[Path] | FamilyPlanError]] = []
        for entry in [e for e in self._entries if e.job is None or e.job.done()]:
            self._entries.remove(entry)
            if entry.job is not None:
                try:
                    entry.job.result()
                except FamilyPlanError as exc:
                    entry.error = exc
                except Exception as exc:  # one family's failure never stops the others
                    entry.error = FamilyPlanError(f"unexpected {type(exc).__name__}: {exc}")
            if entry.error is not None:
                shutil.rmtree(entry.rendered, ignore_errors=True)
                ended.append((entry.token, entry.error))
            else:
                ended.append((entry.token, place(entry.rendered, entry.target)))
        return ended

    def cancel(self) -> None:
        """Give up every family still in flight."""
        for entry in self._entries:
            if entry.job is not None:
                entry.job.cancel()
        self._entries.clear()
