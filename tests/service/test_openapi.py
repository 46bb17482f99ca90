"""The OpenAPI document: the plan body is the published JSON Schema, every route described."""

from __future__ import annotations

import json
from typing import Any

from familyplan_docs import json_schema
from familyplan_docs.service.app import create_app
from familyplan_docs.service.openapi import plan_components
from familyplan_docs.service.options import ServiceConfig

ROUTES = {
    ("get", "/healthz"),
    ("get", "/openapi.json"),
    ("get", "/metrics"),
    ("get", "/v1/packs"),
    ("post", "/v1/documents"),
    ("post", "/v1/blank"),
    ("post", "/v1/workbook"),
    ("post", "/v1/plan"),
    ("post", "/v1/invitation"),
    ("post", "/v1/distribution"),
}


def _document(**config: Any) -> dict[str, Any]:
    app = create_app(ServiceConfig(keys=("k" * 20,), pdf=False, **config))
    document: dict[str, Any] = app.app.openapi()  # type: ignore[attr-defined]
    return document


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_the_plan_components_are_the_published_schema_with_local_references() -> None:
    text = json.dumps(plan_components())
    assert "#/$defs/" not in text
    back = json.loads(text.replace('"#/components/schemas/', '"#/$defs/'))
    plan = back.pop("FamilyPlan")
    published = json_schema()
    del published["$schema"], published["$id"]
    assert {**plan, "$defs": back} == published


def test_every_reference_resolves_and_every_route_is_described() -> None:
    document = _document()
    schemas = document["components"]["schemas"]
    assert all(ref.removeprefix("#/components/schemas/") in schemas for ref in _refs(document))
    found = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert found == ROUTES - {("get", "/openapi.json")}
    body = document["paths"]["/v1/documents"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FamilyPlan"
    }


def test_every_error_is_a_problem_document() -> None:
    document = _document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400 and path != "/healthz":
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )


def test_pdf_is_offered_only_when_the_server_makes_it() -> None:
    parameters = _document()["paths"]["/v1/documents"]["post"]["parameters"]
    formats = next(p for p in parameters if p["name"] == "format")["schema"]["enum"]
    assert formats == ["docx"]


def test_without_keys_no_operation_asks_for_one() -> None:
    app = create_app(ServiceConfig(insecure_no_auth=True, pdf=False))
    document = app.app.openapi()  # type: ignore[attr-defined]
    assert "securitySchemes" not in document["components"]
    assert not any("security" in op for ops in document["paths"].values() for op in ops.values())
