"""The service's routes: each checks its inputs, hands the job to a warm worker, answers.

Query parameters are read here (and named in any problem); bodies by
:func:`~familyplan_docs.service.http.read_body`; the work itself is a job of
:mod:`familyplan_docs.service.jobs` on the pool. The OpenAPI description of each route
is written beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from .._errors import UnknownChoiceError
from .._kinds import KINDS
from . import jobs
from .http import check_params, invalid, parse_date, parse_kinds, read_body
from .keys import KeyRing
from .metrics import Metrics
from .openapi import (
    BEARER,
    binary_response,
    json_response,
    param,
    plan_body,
    problems,
    workbook_body,
)
from .options import ServiceConfig
from .pool import Overtime, RenderPool, Saturated, Unavailable
from .problems import ProblemError
from .shelf import PackShelf

__all__ = ["Health", "PackList", "PackModel", "Service", "add_routes"]


@dataclass
class Service:
    """One service process: its settings, packs, worker pool, metrics and keys."""

    config: ServiceConfig
    shelf: PackShelf
    pool: RenderPool
    metrics: Metrics
    keys: KeyRing
    pdf: bool


class Health(BaseModel):
    """``GET /healthz``: ready when the workers are warm."""

    status: Literal["ready", "starting"]
    workers: int
    busy: int
    waiting: int


class PackModel(BaseModel):
    """One pack this service renders with."""

    name: str
    locale: str
    title: str
    version: str
    kinds: list[str]


class PackList(BaseModel):
    """``GET /v1/packs``."""

    packs: list[PackModel]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def add_routes(app: FastAPI, service: Service) -> None:
    """Add every route of the service to *app*."""
    limits = service.config.limits
    formats = ["docx", "pdf", "bundle"] if service.pdf else ["docx"]
    secured: dict[str, Any] = {} if service.keys.open else {"security": [{BEARER: []}]}
    guard = problems(401) if not service.keys.open else {}

    def authorize(request: Request) -> None:
        if not service.keys.accepts(request.headers.get("authorization")):
            raise ProblemError(
                401,
                "unauthorized",
                "Unauthorized",
                "send an API key of this service: Authorization: Bearer <key>",
                headers={"WWW-Authenticate": 'Bearer realm="familyplan-docs"'},
            )

    auth = [Depends(authorize)]
    keys = service.shelf.keys()
    p_locale = {"type": "string", "enum": keys}
    locale_text = "a pack's name or locale (GET /v1/packs lists them)"
    p_kinds = param(
        "kinds",
        {"type": "array", "items": {"type": "string", "enum": list(KINDS)}, "minItems": 1},
        "document kinds, comma-separated (default: every kind)",
    )
    p_format = param(
        "format",
        {"type": "string", "enum": formats, "default": "docx"},
        "docx; pdf (PDF/A-2b + PDF/UA-1) or bundle (one case-file PDF of every document, a "
        "bookmark each) when this server has LibreOffice",
    )
    document_types = [jobs.ZIP, jobs.DOCX] + ([jobs.PDF] if service.pdf else [])
    documents_200 = binary_response(
        "a zip of the documents, or the document itself when one kind was asked for",
        document_types,
    )

    def locale_of(request: Request, *, required: bool) -> str | None:
        value = request.query_params.get("locale")
        if value is None:
            if required:
                raise invalid("locale", f"required: one of {', '.join(keys)}")
            return None
        try:
            service.shelf.find(value)
        except UnknownChoiceError as exc:
            raise invalid("locale", str(exc)) from None
        return value

    def format_of(request: Request) -> tuple[bool, bool]:
        """Whether the answer is PDF, and whether it is the one case file (``bundle``)."""
        value = request.query_params.get("format", "docx")
        if value not in formats:
            note = "" if service.pdf else " (this server has no LibreOffice)"
            raise invalid("format", f"one of {', '.join(formats)}{note}")
        return value != "docx", value == "bundle"

    async def plan_json(request: Request, *, required: bool) -> bytes:
        return await read_body(
            request,
            limit=limits.json_bytes,
            seconds=limits.read_seconds,
            media_types={jobs.JSON},
            required=required,
        )

    async def run(request: Request, route: str, job: Any, *args: Any) -> Response:
        pool = service.pool
        try:
            outcome = await pool.run(job, *args, timeout=limits.request_seconds)
        except Unavailable as exc:
            raise _busy(
                "unavailable", "Not ready", "the workers are starting or stopping", exc
            ) from None
        except Saturated as exc:
            detail = "every worker is busy and the queue is full"
            raise _busy("saturated", "Busy", detail, exc) from None
        except Overtime:
            detail = f"the answer was not ready within {limits.request_seconds:g} seconds"
            raise ProblemError(
                503, "overtime", "Too slow", detail, headers={"Retry-After": "10"}
            ) from None
        if isinstance(outcome, jobs.Refused):
            service.metrics.jobs.labels(route, outcome.problem).inc()
            if outcome.error:
                request.state.error = outcome.error
            headers = {"Retry-After": "60"} if outcome.status == 503 else None
            raise ProblemError(
                outcome.status,
                outcome.problem,
                outcome.title,
                outcome.detail,
                outcome.problems,
                headers,
            )
        service.metrics.jobs.labels(route, "made").inc()
        service.metrics.documents.labels(route).inc(outcome.documents)
        disposition = f'attachment; filename="{outcome.filename}"'
        return Response(
            outcome.body,
            media_type=outcome.media_type,
            headers={"Content-Disposition": disposition},
        )

    @app.get(
        "/healthz",
        tags=["service"],
        summary="Ready when every worker is warm (no API key needed)",
        response_model=Health,
        responses={
            503: {
                "description": "starting or stopping",
                "content": {jobs.JSON: {"schema": _ref("Health")}},
                "headers": {"Retry-After": {"schema": {"type": "integer"}, "required": True}},
            }
        },
    )
    async def healthz() -> Response:
        state = service.pool.state()
        health = Health(
            status="ready" if state.ready else "starting",
            workers=state.workers,
            busy=state.busy,
            waiting=state.waiting,
        )
        if state.ready:
            return JSONResponse(health.model_dump())
        return JSONResponse(health.model_dump(), 503, headers={"Retry-After": "5"})

    @app.get(
        "/metrics",
        tags=["service"],
        summary="Prometheus metrics (no personal data)",
        response_class=Response,
        dependencies=auth,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **guard},
        openapi_extra=secured,
    )
    async def metrics() -> Response:
        return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get(
        "/v1/packs",
        tags=["packs"],
        summary="The packs this service renders with, and their document kinds",
        response_model=PackList,
        dependencies=auth,
        responses={**guard, **problems(422)},
        openapi_extra=secured,
    )
    async def packs(request: Request) -> PackList:
        check_params(request, ())
        return PackList(
            packs=[
                PackModel(
                    name=e.name,
                    locale=e.locale,
                    title=e.title,
                    version=e.version,
                    kinds=list(e.kinds),
                )
                for e in service.shelf.entries()
            ]
        )

    rendering = {**guard, **problems(408, 413, 415, 422, 500, 503)}

    @app.post(
        "/v1/documents",
        tags=["documents"],
        summary="A plan's documents, filled in",
        response_class=Response,
        dependencies=auth,
        responses={200: documents_200, **rendering},
        openapi_extra={
            **secured,
            "parameters": [
                param("locale", p_locale, locale_text + "; default: the plan's country"),
                p_kinds,
                p_format,
            ],
            "requestBody": plan_body(required=True, description="the plan"),
        },
    )
    async def documents(request: Request) -> Response:
        check_params(request, ("locale", "kinds", "format"))
        locale = locale_of(request, required=False)
        kinds, (pdf, bundle) = parse_kinds(request.query_params.get("kinds")), format_of(request)
        body = await plan_json(request, required=True)
        job = jobs.documents
        return await run(request, "/v1/documents", job, body, locale, kinds, pdf, bundle)

    @app.post(
        "/v1/blank",
        tags=["documents"],
        summary="Blank forms for hand-writing",
        response_class=Response,
        dependencies=auth,
        responses={200: documents_200, **guard, **problems(422, 500, 503)},
        openapi_extra={
            **secured,
            "parameters": [
                param("locale", p_locale, locale_text, required=True),
                p_kinds,
                p_format,
            ],
        },
    )
    async def blank(request: Request) -> Response:
        check_params(request, ("locale", "kinds", "format"))
        locale = locale_of(request, required=True)
        kinds, (pdf, bundle) = parse_kinds(request.query_params.get("kinds")), format_of(request)
        return await run(request, "/v1/blank", jobs.blank, locale, kinds, pdf, bundle)

    @app.post(
        "/v1/workbook",
        tags=["workbook"],
        summary="The Excel input workbook of a pack, pre-filled from a plan when one is sent",
        response_class=Response,
        dependencies=auth,
        responses={200: binary_response("the workbook", [jobs.XLSX]), **rendering},
        openapi_extra={
            **secured,
            "parameters": [param("locale", p_locale, locale_text, required=True)],
            "requestBody": plan_body(required=False, description="a plan to pre-fill it with"),
        },
    )
    async def workbook(request: Request) -> Response:
        check_params(request, ("locale",))
        locale = locale_of(request, required=True)
        body = await plan_json(request, required=False)
        return await run(request, "/v1/workbook", jobs.workbook, body or None, locale)

    @app.post(
        "/v1/plan",
        tags=["workbook"],
        summary="The plan a filled workbook holds, as JSON",
        response_class=Response,
        dependencies=auth,
        responses={200: json_response("the plan", _ref("FamilyPlan")), **rendering},
        openapi_extra={**secured, "requestBody": workbook_body()},
    )
    async def plan(request: Request) -> Response:
        check_params(request, ())
        body = await read_body(
            request,
            limit=limits.workbook_bytes,
            seconds=limits.read_seconds,
            media_types={jobs.XLSX},
            required=True,
        )
        return await run(request, "/v1/plan", jobs.plan, body)

    @app.post(
        "/v1/invitation",
        tags=["delivery"],
        summary="A calendar invitation (.ics) to one meeting, free of personal data",
        response_class=Response,
        dependencies=auth,
        responses={200: binary_response("the invitation", ["text/calendar"]), **rendering},
        openapi_extra={
            **secured,
            "parameters": [
                param(
                    "meeting",
                    {"type": "integer", "minimum": 1},
                    "the meeting's number in the plan (1 is the first)",
                    required=True,
                ),
                param("locale", p_locale, locale_text + "; default: the plan's country"),
            ],
            "requestBody": plan_body(required=True, description="the plan"),
        },
    )
    async def invitation(request: Request) -> Response:
        check_params(request, ("meeting", "locale"))
        meeting = _meeting(request.query_params.get("meeting"))
        locale = locale_of(request, required=False)
        body = await plan_json(request, required=True)
        return await run(request, "/v1/invitation", jobs.invitation, body, meeting, locale)

    @app.post(
        "/v1/distribution",
        tags=["delivery"],
        summary="The plan for each recipient a sharing consent covers, with its manifest",
        response_class=Response,
        dependencies=auth,
        responses={
            200: binary_response("a zip: one folder per recipient and manifest.json", [jobs.ZIP]),
            **rendering,
        },
        openapi_extra={
            **secured,
            "parameters": [
                param("locale", p_locale, locale_text + "; default: the plan's country"),
                param(
                    "on",
                    {"type": "string", "format": "date"},
                    "the day the consents are checked on (default: today)",
                ),
            ],
            "requestBody": plan_body(required=True, description="the plan"),
        },
    )
    async def distribution(request: Request) -> Response:
        check_params(request, ("locale", "on"))
        locale = locale_of(request, required=False)
        on = parse_date(request.query_params.get("on"), "on")
        body = await plan_json(request, required=True)
        return await run(request, "/v1/distribution", jobs.distribution, body, locale, on)


def _meeting(value: str | None) -> int:
    if value is None:
        raise invalid("meeting", "required: the meeting's number (1 is the first)")
    if not value.isascii() or not value.isdigit() or int(value) < 1 or len(value) > 6:
        raise invalid("meeting", "a whole number from 1")
    return int(value)


def _busy(name: str, title: str, detail: str, exc: Saturated) -> ProblemError:
    return ProblemError(503, name, title, detail, headers={"Retry-After": str(exc.retry_after)})
