"""The OpenAPI 3.1 document's parts: parameters, bodies, responses and the plan's schema.

The plan body is the published JSON Schema (:func:`familyplan_docs.json_schema`), taken
when the document is built: its ``$defs`` become ``components/schemas`` and its
references point there, so code generators for .NET, Java and others resolve them in
the usual way. Nothing of the schema is copied into this module.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from ..model.load import json_schema
from .jobs import JSON, XLSX
from .problems import PROBLEM_JSON, PROBLEM_TYPES, ProblemDetails

__all__ = [
    "BEARER",
    "PLAN_SCHEMA",
    "binary_response",
    "finish",
    "json_response",
    "param",
    "plan_body",
    "plan_components",
    "problems",
    "workbook_body",
]

PLAN_SCHEMA = "FamilyPlan"
"""The name of the plan's schema among the components."""

BEARER = "apiKey"
"""The name of the security scheme: ``Authorization: Bearer <key>``."""

_STATUS_TEXT = {
    400: "The request is malformed",
    401: "No API key, or not a configured one",
    404: "No such path",
    405: "The path does not take this method",
    408: "The headers or the body came too slowly",
    413: "The body is larger than the limit",
    415: "The body's Content-Type is not the one this route takes",
    422: "The input is not valid: every problem with its place",
    500: "A template or LibreOffice failed, or another server error",
    503: "Busy, starting, stopping or too slow: retry after Retry-After",
}

_RETRY_AFTER = {
    "description": "seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 1},
}


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/components/schemas/" + value.removeprefix("#/$defs/")
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def plan_components() -> dict[str, Any]:
    """The plan's JSON Schema as OpenAPI components: ``FamilyPlan`` and its ``$defs``."""
    schema = copy.deepcopy(json_schema())
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    components = {name: _rewrite_refs(value) for name, value in definitions.items()}
    components[PLAN_SCHEMA] = _rewrite_refs(schema)
    return components


def param(
    name: str, schema: dict[str, Any], description: str, *, required: bool = False
) -> dict[str, Any]:
    """A query parameter; an array is written comma-separated (``kinds=a,b``)."""
    spec: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if schema.get("type") == "array":
        spec.update(style="form", explode=False)
    return spec


def plan_body(*, required: bool, description: str) -> dict[str, Any]:
    """A request body holding a plan as JSON."""
    ref = {"$ref": f"#/components/schemas/{PLAN_SCHEMA}"}
    return {"required": required, "description": description, "content": {JSON: {"schema": ref}}}


def workbook_body() -> dict[str, Any]:
    """A request body holding a filled workbook (.xlsx)."""
    return {
        "required": True,
        "description": "a workbook made by POST /v1/workbook and filled in",
        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
    }


def binary_response(description: str, media_types: Iterable[str]) -> dict[str, Any]:
    """A 200 answer that is a file (a zip, a document, a workbook, a calendar)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "description": description,
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="…"',
                "schema": {"type": "string"},
            }
        },
        "content": {media: dict(binary) for media in media_types},
    }


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A 200 answer in JSON."""
    return {"description": description, "content": {JSON: {"schema": schema}}}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The problem answers *statuses* of one operation (503 with ``Retry-After``)."""
    ref = {"$ref": "#/components/schemas/ProblemDetails"}
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        response: dict[str, Any] = {
            "description": _STATUS_TEXT[status],
            "content": {PROBLEM_JSON: {"schema": ref}},
        }
        if status == 503:
            response["headers"] = {"Retry-After": dict(_RETRY_AFTER, required=True)}
        if status == 401:
            response["headers"] = {
                "WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}
            }
        out[status] = response
    return out


def finish(document: dict[str, Any], *, secured: bool) -> dict[str, Any]:
    """Add the plan's schema, the problem document and the security scheme to *document*."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    plan = plan_components()
    clash = sorted(set(plan) & set(schemas))
    if clash:
        raise RuntimeError(f"schema names used twice in the OpenAPI document: {clash}")
    schemas.update(plan)
    problem = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    problem["description"] = (
        problem.get("description", "")
        + " Types: "
        + "; ".join(f"{name}: {text}" for name, text in PROBLEM_TYPES.items())
    ).strip()
    schemas["ProblemDetails"] = problem
    if secured:
        components["securitySchemes"] = {
            BEARER: {
                "type": "http",
                "scheme": "bearer",
                "description": "an API key of this service: Authorization: Bearer <key>",
            }
        }
    return document
