"""Errors as RFC 9457 problem details (``application/problem+json``) with located problems.

Every refusal of the service is one of these: ``type`` (a URI naming the kind of
problem), ``title``, ``status``, ``detail``, ``instance`` (the request's id) and
``problems``, a list of ``{place, message}`` with the same places as the command line
(``$.agreements[3].deadline``, ``Sheet 'Aftaler', row 4, column 'Frist'``, or the name
of a query parameter) and never an ID number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field
from starlette.responses import Response

__all__ = [
    "PROBLEM_JSON",
    "PROBLEM_TYPES",
    "ProblemDetails",
    "ProblemError",
    "ProblemItem",
    "problem_response",
    "problem_type",
]

PROBLEM_JSON = "application/problem+json"

PROBLEM_BASE = "https://familyplan-docs.example/problems/"
"""Where the problem types' names live (``type`` is this plus the name)."""

PROBLEM_TYPES = {
    "invalid-input": "the plan, workbook or a query parameter is not valid (422)",
    "unauthorized": "no API key, or not a configured one (401)",
    "not-found": "no such path (404)",
    "method-not-allowed": "the path does not take this method (405)",
    "request-timeout": "the request's headers or body came too slowly (408)",
    "too-large": "the body is larger than the limit (413)",
    "unsupported-media-type": "the body's Content-Type is not the one the route takes (415)",
    "template-failed": "a template of the pack failed to render (500)",
    "conversion-failed": "LibreOffice did not convert a document to PDF (500)",
    "server-error": "the server could not make the answer (500)",
    "saturated": "every worker is busy and the queue is full; retry after Retry-After (503)",
    "unavailable": "the workers are starting or stopping; retry after Retry-After (503)",
    "overtime": "the answer was not ready within the request's time (503)",
    "pdf-unavailable": "PDF cannot be made on this server now (503)",
}
"""Every problem type the service answers with, and when."""


def problem_type(name: str) -> str:
    """The ``type`` URI of the problem *name* (one of :data:`PROBLEM_TYPES`)."""
    return PROBLEM_BASE + name


class ProblemItem(BaseModel):
    """One problem and where it is."""

    place: str = Field(
        description="a JSON path ($.agreements[3].deadline), a workbook's sheet, row and "
        "column, or a query parameter's name; empty when the problem is the input as a whole"
    )
    message: str = Field(description="what is wrong; never quotes an ID number")


class ProblemDetails(BaseModel):
    """An RFC 9457 problem document with the list of problems found."""

    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str
    instance: str = Field(description="the request's id (urn:uuid:…), as in X-Request-ID")
    problems: list[ProblemItem] = Field(default_factory=list)


class ProblemError(Exception):
    """Raised inside the service to answer with a problem document."""

    def __init__(
        self,
        status: int,
        name: str,
        title: str,
        detail: str,
        problems: Sequence[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.name = name
        self.title = title
        self.detail = detail
        self.problems = list(problems)
        self.headers = dict(headers or {})


def problem_response(error: ProblemError, request_id: str) -> Response:
    """The ``application/problem+json`` response for *error*."""
    document = {
        "type": problem_type(error.name),
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "instance": f"urn:uuid:{request_id}",
        "problems": [{"place": place, "message": message} for place, message in error.problems],
    }
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Response(body, error.status, headers=error.headers, media_type=PROBLEM_JSON)
