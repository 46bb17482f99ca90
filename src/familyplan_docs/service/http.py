"""The HTTP side of a request: its frame (id, time limit, log line, metrics) and its inputs.

:class:`RequestFrame` wraps the whole application: it gives each request an id, holds it
to the request's time limit, turns any error that escaped into a problem document, and
writes one log line (request id, route, status, time; nothing the client sent) and the
metrics. :func:`read_body` reads a body within its size, type and time limits; the
``parse_*`` helpers check query parameters and name the parameter in their problems.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Collection, Sequence
from datetime import date

from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._errors import UnknownChoiceError
from .._kinds import KINDS
from ..render.documents import select_kinds
from .metrics import Metrics
from .problems import ProblemError, problem_response

__all__ = [
    "LOGGER",
    "RequestFrame",
    "check_params",
    "invalid",
    "parse_date",
    "parse_kinds",
    "read_body",
    "request_id",
]

LOGGER = logging.getLogger("familyplan_docs.service")
"""The service's log: one line per request, without anything the client sent."""

_CLIENT_CLOSED = 499
"""The status logged when the client went away before its answer (nginx's convention)."""


def request_id(request: Request) -> str:
    """The id :class:`RequestFrame` gave this request."""
    return str(request.scope.get("state", {}).get("request_id", ""))


class RequestFrame:
    """The outermost ASGI layer: request id, time limit, catch-all, log line, metrics."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, request_seconds: float) -> None:
        self.app = app
        self.metrics = metrics
        self.request_seconds = request_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 0
        error = ""

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        problem: ProblemError | None = None
        try:
            async with asyncio.timeout(self.request_seconds):
                await self.app(scope, receive, send_with_id)
        except TimeoutError:
            error = "Timeout"
            problem = ProblemError(
                503,
                "overtime",
                "Too slow",
                f"the request took longer than {self.request_seconds:g} seconds",
                headers={"Retry-After": "10"},
            )
        except ClientDisconnect:
            status = status or _CLIENT_CLOSED
        except Exception as exc:  # its message could quote the request: only the type is logged
            error = type(exc).__name__
            problem = ProblemError(
                500, "server-error", "Server error", "the server could not make the answer"
            )
        if problem is not None and not status:
            scope["state"]["problem"] = problem.name
            await problem_response(problem, rid)(scope, receive, send_with_id)
        self._record(scope, rid, status or 500, time.perf_counter() - started, error)

    def _record(self, scope: Scope, rid: str, status: int, seconds: float, error: str) -> None:
        route = getattr(scope.get("route"), "path", None) or "(no route)"
        method = str(scope.get("method", ""))
        state = scope["state"]
        self.metrics.requests.labels(route, method, str(status)).inc()
        self.metrics.latency.labels(route, method).observe(seconds)
        if status >= 400:
            name = str(state.get("problem", "none"))
            self.metrics.problems.labels(route, str(status), name).inc()
        error = error or str(state.get("error", ""))
        line = "request=%s route=%s %s status=%d ms=%.1f"
        args: list[object] = [rid, method, route, status, seconds * 1000]
        if error:
            line += " error=%s"
            args.append(error)
        LOGGER.log(logging.ERROR if status >= 500 else logging.INFO, line, *args)


async def read_body(
    request: Request,
    *,
    limit: int,
    seconds: float,
    media_types: Collection[str],
    required: bool,
) -> bytes:
    """The request's body: of one of *media_types*, at most *limit* bytes, in *seconds*.

    An empty body is returned as ``b""`` when not *required*. Raises
    :class:`ProblemError`: 413 over the limit (by ``Content-Length`` before reading, or
    while reading), 415 for another ``Content-Type``, 408 when the body comes too
    slowly, 422 when a required body is missing.
    """
    length = request.headers.get("content-length")
    chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
    declared = int(length) if length and length.strip().isdigit() else None
    if declared is not None and declared > limit:
        raise _too_large(limit)
    if not chunked and not declared:
        if required:
            raise invalid("", "the request has no body; send it with its Content-Type")
        return b""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in media_types:
        raise ProblemError(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"this route takes {' or '.join(sorted(media_types))}, "
            f"not {media or 'no Content-Type'}",
            headers={"Accept-Post": ", ".join(sorted(media_types))},
        )
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise ProblemError(
            408,
            "request-timeout",
            "Request timeout",
            f"the body did not arrive within {seconds:g} seconds",
            headers={"Connection": "close"},
        ) from None
    body = b"".join(chunks)
    if required and not body:
        raise invalid("", "the request has no body")
    return body


def _too_large(limit: int) -> ProblemError:
    return ProblemError(
        413,
        "too-large",
        "Content too large",
        f"the body is larger than {limit // 2**20} MiB",
        headers={"Connection": "close"},
    )


def invalid(place: str, message: str) -> ProblemError:
    """A 422 problem with one located problem."""
    return ProblemError(422, "invalid-input", "The input is not valid", message, [(place, message)])


def check_params(request: Request, allowed: Sequence[str]) -> None:
    """Refuse query parameters the route does not take, and any given twice (422)."""
    problems = []
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name not in allowed:
            takes = ", ".join(allowed) or "none"
            problems.append((name, f"not a parameter of this route (it takes: {takes})"))
        elif name in seen:
            problems.append((name, "given more than once"))
        seen.add(name)
    if problems:
        unique = list(dict.fromkeys(problems))
        raise ProblemError(
            422, "invalid-input", "The input is not valid", f"{len(unique)} problem(s)", unique
        )


def parse_kinds(value: str | None) -> tuple[str, ...] | None:
    """The document kinds of ``kinds=a,b`` (all kinds when not given)."""
    if value is None:
        return None
    try:
        chosen = select_kinds(value.split(","))
    except UnknownChoiceError as exc:
        raise invalid("kinds", str(exc)) from None
    if not chosen:
        raise invalid("kinds", f"name at least one kind: {', '.join(KINDS)}")
    return tuple(chosen)


def parse_date(value: str | None, place: str) -> date | None:
    """An ISO date (``2026-12-10``) or None."""
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(place, "not a date in the form YYYY-MM-DD") from None
