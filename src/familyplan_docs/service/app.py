"""The service as an ASGI application: :func:`create_app` builds it from a :class:`ServiceConfig`.

At start (the ASGI lifespan) it makes a private temporary folder, starts the pool of
render workers and waits until each is warm; at the end it lets running jobs finish,
ends the workers and removes the folder with anything left in it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp

from .. import _cache
from .._version import __version__
from .convert import pdf_available
from .http import RequestFrame, request_id
from .jobs import WorkerSettings
from .keys import KeyRing
from .metrics import Metrics
from .openapi import finish
from .options import ServiceConfig, ServiceError
from .pool import RenderPool
from .problems import ProblemError, problem_response
from .routes import Service, add_routes
from .shelf import PackShelf

__all__ = ["create_app"]

_DESCRIPTION = """\
Every document of a family's holistic plan from one JSON plan, in the packs this server
has. Send `Authorization: Bearer <API key>`. Errors are RFC 9457 problem documents
(`application/problem+json`) whose `problems` name each place (`$.agreements[3].deadline`,
or a workbook's sheet, row and column). A 503 comes with `Retry-After`."""

_STOP_WORKERS_SECONDS = 3.0
"""How long the workers get to finish after the requests in flight were answered."""


def create_app(config: ServiceConfig) -> ASGIApp:
    """The service for *config*, wrapped in its request frame; raises :class:`ServiceError`.

    Packs are found once, here, in the configured folders; the workers load them again
    when they start (in the ASGI lifespan).
    """
    config.check()
    pdf = pdf_available() if config.pdf is None else config.pdf
    if pdf and not pdf_available():
        raise ServiceError("PDF was asked for (--pdf), but LibreOffice is not installed here")
    shelf = PackShelf.load(config.templates)
    if not shelf.names():
        raise ServiceError("no template packs found")
    settings = WorkerSettings(
        templates=config.templates,
        scratch="",  # made when the service starts
        render_seconds=config.limits.render_seconds,
        pdf_seconds=config.limits.pdf_seconds,
        warm=config.warm,
        cache=config.cache and not _cache.disabled(),
    )
    pool = RenderPool(
        settings,
        workers=config.workers,
        queue=config.queue,
        queue_seconds=config.limits.queue_seconds,
    )
    service = Service(
        config=config,
        shelf=shelf,
        pool=pool,
        metrics=Metrics(pool.state),
        keys=KeyRing(config.keys),
        pdf=pdf,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        scratch = tempfile.mkdtemp(prefix="familyplan-service-")  # mode 0700: this user only
        pool.settings = replace(settings, scratch=scratch)
        try:
            await pool.start()
            yield
        finally:
            await pool.stop(_STOP_WORKERS_SECONDS)
            shutil.rmtree(scratch, ignore_errors=True)

    app = FastAPI(
        title="familyplan-docs",
        version=__version__,
        description=_DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    _add_error_handlers(app)
    add_routes(app, service)
    document: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not document:
            document.update(finish(FastAPI.openapi(app), secured=not service.keys.open))
        return document

    app.openapi = openapi  # type: ignore[method-assign]
    return RequestFrame(app, metrics=service.metrics, request_seconds=config.limits.request_seconds)


def _add_error_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemError)
        request.state.problem = exc.name
        return problem_response(exc, request_id(request))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        name = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "invalid-input")
        headers = dict(exc.headers or {})
        problem = ProblemError(exc.status_code, name, str(exc.detail), str(exc.detail), (), headers)
        return await on_problem(request, problem)

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        found = [(".".join(str(p) for p in e["loc"][1:]), str(e["msg"])) for e in exc.errors()]
        problem = ProblemError(422, "invalid-input", "The input is not valid", "", found)
        problem.detail = f"{len(found)} problem(s)"
        return await on_problem(request, problem)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)
