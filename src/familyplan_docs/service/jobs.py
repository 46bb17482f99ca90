"""What a render worker process does: warm up once, then one job per request.

A worker loads every pack and renders each of them once, blank and filled, at start
(:func:`start_worker`), so templates are compiled and fonts, maps and locale data are
warm before the first request. A job gets the request's raw body and parameters, works
in a private folder of its own inside the service's private temporary folder, removes
it before it returns, and answers with :class:`Made` (the response's bytes) or
:class:`Refused` (a problem with its places). Nothing here logs: a request body or a
document never leaves the job's folder except as its answer.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import ParamSpec

from .. import _cache
from .._api import export_json, sample_files
from .._errors import (
    ConversionError,
    FamilyPlanError,
    InputError,
    PackError,
    TemplateRenderError,
    ToolMissingError,
    UnknownChoiceError,
)
from .._input import load_plan
from ..delivery.calendar import meeting_invitation
from ..delivery.distribute import distribute as distribute_plan
from ..delivery.pdf import bundle_for
from ..delivery.pdf.bundle import BUNDLE_NAME
from ..model.load import plan_from_json
from ..model.plan import FamilyPlan
from ..render.budget import render_budget
from ..render.compiled.template import release_memory
from ..render.documents import render_documents
from ..workbook.write import write_workbook
from . import convert
from .shelf import PackShelf

__all__ = [
    "DOCX",
    "ICS",
    "JSON",
    "PDF",
    "XLSX",
    "ZIP",
    "Made",
    "Outcome",
    "Refused",
    "WorkerSettings",
    "blank",
    "distribution",
    "documents",
    "invitation",
    "plan",
    "ready",
    "start_worker",
    "workbook",
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ZIP = "application/zip"
ICS = "text/calendar; charset=utf-8"
JSON = "application/json"

_STORED = {".docx", ".xlsx", ".pdf", ".png"}
"""Files that are compressed already: zipped as they are."""


@dataclass(frozen=True)
class WorkerSettings:
    """What every worker process is started with."""

    templates: tuple[str, ...]
    scratch: str
    """The service's private temporary folder; each job works in a folder inside it."""
    render_seconds: float
    pdf_seconds: float
    warm: bool = True
    """Render every pack once at start (False only to test the HTTP side quickly)."""
    cache: bool = True
    """Use the persistent cache (False: ``serve --no-cache``; a worker does not inherit it)."""


@dataclass(frozen=True)
class Made:
    """A job's answer: the response body, its media type and file name."""

    body: bytes
    media_type: str
    filename: str
    documents: int = 0
    """How many documents were rendered (for the metrics)."""


@dataclass(frozen=True)
class Refused:
    """A job's refusal: the HTTP status, problem type, title and located problems."""

    status: int
    problem: str
    title: str
    detail: str
    problems: tuple[tuple[str, str], ...] = ()
    error: str = ""
    """The exception's type, for the service's log (never its message)."""


Outcome = Made | Refused

_shelf: PackShelf | None = None
_settings: WorkerSettings | None = None
_warm_error: str | None = None


# --- starting a worker ----------------------------------------------------------------------


def start_worker(settings: WorkerSettings, started: Synchronized[int]) -> None:
    """Initialise a worker process: load the packs, render each once, then count in.

    The worker ignores SIGINT and SIGTERM: the service stops its workers itself, after
    the requests in flight are answered. A pack that cannot be loaded or rendered is
    kept as the worker's :func:`ready` answer, so the service refuses to start.
    """
    global _shelf, _settings, _warm_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    _settings = settings
    if not settings.cache:
        _cache.disable()
    convert.set_timeout(settings.pdf_seconds)
    try:
        _shelf = PackShelf.load(settings.templates)
        if settings.warm:
            _warm(_shelf, settings)
    except Exception as exc:  # reported by ready(); the message names a pack, not a plan
        _warm_error = f"{type(exc).__name__}: {exc}"
    with started.get_lock():
        started.value += 1


def _watch_parent(parent: int) -> None:
    """End this worker when the service that started it is gone (killed, say)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _warm(shelf: PackShelf, settings: WorkerSettings) -> None:
    samples = {path.parent.name: path for path in sample_files()}
    for pack in shelf:
        sample = samples.get(pack.name) or next(iter(samples.values()), None)
        plans: list[FamilyPlan | None] = [None]
        if sample is not None:
            plans.append(load_plan(sample))
        for plan in plans:
            with _folder(settings) as folder:
                render_documents(plan, pack, folder / "out", pack.kinds())
    release_memory()


def ready() -> str | None:
    """None when this worker is warm; else why it could not start."""
    return _warm_error


# --- the jobs ---------------------------------------------------------------------------------

_P = ParamSpec("_P")


def _job(func: Callable[_P, Outcome]) -> Callable[_P, Outcome]:
    """Turn the library's errors into :class:`Refused`, and give memory back after."""

    @functools.wraps(func)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> Outcome:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            problems = tuple((p.place.removeprefix("--"), p.message) for p in exc.problems)
            return Refused(
                422, "invalid-input", "The input is not valid", _count(problems), problems
            )
        except UnknownChoiceError as exc:
            return Refused(
                422, "invalid-input", "The input is not valid", str(exc), (("", str(exc)),)
            )
        except ToolMissingError as exc:
            return Refused(
                503,
                "pdf-unavailable",
                "PDF is not available",
                _first(exc),
                error="ToolMissingError",
            )
        except ConversionError:
            detail = "LibreOffice did not convert a document to PDF"
            return Refused(
                500, "conversion-failed", "PDF conversion failed", detail, error="ConversionError"
            )
        except (TemplateRenderError, PackError) as exc:
            detail = "a document template of the pack failed; check the pack with check-templates"
            return Refused(
                500, "template-failed", "A template failed", detail, error=type(exc).__name__
            )
        except FamilyPlanError as exc:
            return Refused(
                422, "invalid-input", "The input is not valid", str(exc), (("", str(exc)),)
            )
        except Exception as exc:  # the message could quote the plan: only the type is kept
            detail = "the server could not make the answer"
            return Refused(500, "server-error", "Server error", detail, error=type(exc).__name__)
        finally:
            release_memory()

    return run


def _count(problems: Sequence[object]) -> str:
    return f"{len(problems)} problem(s)"


def _first(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _state() -> tuple[PackShelf, WorkerSettings]:
    if _shelf is None or _settings is None:
        raise RuntimeError("the worker was not started")
    return _shelf, _settings


@contextmanager
def _folder(settings: WorkerSettings) -> Iterator[Path]:
    """A private folder for one job inside the service's scratch folder, removed after."""
    folder = Path(tempfile.mkdtemp(prefix="job-", dir=settings.scratch))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _zip(files: Sequence[tuple[str, Path]]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in files:
            method = zipfile.ZIP_STORED if path.suffix in _STORED else zipfile.ZIP_DEFLATED
            archive.write(path, name, compress_type=method)
    return buffer.getvalue()


def _answer(files: list[Path], single: bool, zip_name: str) -> Made:
    """One file as itself when one kind was asked for, else a zip of them all."""
    if single and len(files) == 1:
        path = files[0]
        media = PDF if path.suffix == ".pdf" else DOCX
        return Made(path.read_bytes(), media, path.name, documents=1)
    body = _zip([(path.name, path) for path in files])
    return Made(body, ZIP, zip_name, documents=len(files))


def _render(
    plan: FamilyPlan | None,
    locale: str | None,
    kinds: tuple[str, ...] | None,
    pdf: bool,
    zip_name: str,
    bundle: bool = False,
) -> Made:
    shelf, settings = _state()
    if plan is None:
        pack, family_pack = shelf.pick(locale or "", "locale"), None
    else:
        pack, family_pack = shelf.for_plan(plan, locale)
    to_pdf = convert.to_pdf if pdf or bundle else None
    if bundle:
        to_pdf = functools.partial(convert.to_pdf, bundle=bundle_for(plan, pack))
    with _folder(settings) as folder:
        with render_budget(settings.render_seconds):  # one budget for the whole request
            written = render_documents(
                plan, pack, folder / "out", kinds, to_pdf=to_pdf, family_pack=family_pack
            )
        if bundle:  # the case file alone: every document in one PDF
            case_file = [path for path in written if path.name == BUNDLE_NAME]
            return _answer(case_file, True, zip_name)
        chosen = [path for path in written if path.suffix == (".pdf" if pdf else ".docx")]
        return _answer(chosen, kinds is not None and len(kinds) == 1, zip_name)


@_job
def documents(
    body: bytes,
    locale: str | None,
    kinds: tuple[str, ...] | None,
    pdf: bool,
    bundle: bool = False,
) -> Outcome:
    """A plan's documents: *kinds* (all when None) as .docx, as PDF with *pdf*, or as the
    one case file ``bundle.pdf`` with *bundle*."""
    plan_ = plan_from_json(body, source="request")
    return _render(plan_, locale, kinds, pdf, "documents.zip", bundle)


@_job
def blank(locale: str, kinds: tuple[str, ...] | None, pdf: bool, bundle: bool = False) -> Outcome:
    """Blank forms of the pack *locale* (as .docx, PDF, or the one case file with *bundle*)."""
    return _render(None, locale, kinds, pdf, "blank.zip", bundle)


@_job
def workbook(body: bytes | None, locale: str) -> Outcome:
    """The input workbook of the pack *locale*, pre-filled from the plan in *body* if any."""
    shelf, settings = _state()
    pack = shelf.pick(locale, "locale")
    plan_ = plan_from_json(body, source="request") if body else None
    with _folder(settings) as folder:
        path = write_workbook(pack, folder / "workbook.xlsx", plan_)
        return Made(path.read_bytes(), XLSX, f"familyplan-{pack.name}.xlsx")


@_job
def plan(body: bytes) -> Outcome:
    """The plan a filled workbook holds, as JSON (what ``familyplan-docs export`` writes)."""
    _, settings = _state()
    with _folder(settings) as folder:
        source = folder / "plan.xlsx"
        source.write_bytes(body)
        plan_ = load_plan(source, templates=settings.templates)
        target = export_json(plan_, folder / "plan.json")
        return Made(target.read_bytes(), JSON, "plan.json")


@_job
def invitation(body: bytes, meeting: int, locale: str | None) -> Outcome:
    """The calendar invitation (.ics, free of personal data) to meeting number *meeting*."""
    shelf, _ = _state()
    plan_ = plan_from_json(body, source="request")
    pack, _family = shelf.for_plan(plan_, locale)
    data = meeting_invitation(plan_, meeting, pack)
    return Made(data, ICS, f"meeting-{meeting}.ics")


@_job
def distribution(body: bytes, locale: str | None, on: date | None) -> Outcome:
    """The plan for each recipient a sharing consent covers, with ``manifest.json``, zipped."""
    shelf, settings = _state()
    plan_ = plan_from_json(body, source="request")
    pack, _family = shelf.for_plan(plan_, locale)
    with _folder(settings) as folder:
        out = folder / "out"
        with render_budget(settings.render_seconds):
            distribute_plan(plan_, pack, out, on=on)
        files = sorted(path for path in out.rglob("*") if path.is_file())
        body_ = _zip([(path.relative_to(out).as_posix(), path) for path in files])
        documents_ = sum(1 for path in files if path.suffix == ".docx")
        return Made(body_, ZIP, "distribution.zip", documents=documents_)
