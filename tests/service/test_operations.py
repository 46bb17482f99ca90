"""What an operator relies on: the log, the metrics, the private folder, a full queue."""

from __future__ import annotations

import asyncio
import re
import time

import httpx

from familyplan_docs.model.load import plan_from_json
from tests.service.helpers import AUTH, JSON, SAMPLE_DA, ServerProcess

LOG_LINE = re.compile(
    r"^\S+ \S+ (INFO|ERROR) familyplan_docs\.service request=[0-9a-f-]{36} "
    r"route=(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ status=\d{3} ms=\d+\.\d( error=\w+)?$"
)


def personal_values() -> list[str]:
    """Names, addresses and contact details of the sample family, as they appear in it."""
    plan = plan_from_json(SAMPLE_DA.read_bytes())
    values = [plan.family.name]
    for member in plan.family.members:
        values += [member.first_name, member.last_name or ""]
    values += [person.name for person in plan.network]
    return [v for v in values if v and len(v) > 3]


def test_the_log_holds_request_ids_routes_statuses_and_times_only(
    server: ServerProcess, client: httpx.Client
) -> None:
    body = SAMPLE_DA.read_bytes()
    client.post("/v1/documents?kinds=flyer", content=body, headers=JSON)
    client.post("/v1/documents?locale=Haddad", content=body, headers=JSON)
    client.post("/v1/documents", content=body.replace(b'"2026-', b'"2026-13-'), headers=JSON)
    client.post("/v1/invitation?meeting=5", content=body, headers=JSON)
    time.sleep(0.3)
    lines = [line for line in server.log_text().splitlines() if "familyplan_docs.service" in line]
    assert len(lines) >= 4
    wrong = [line for line in lines if not LOG_LINE.match(line)]
    assert not wrong
    text = server.log_text()
    assert not [value for value in personal_values() if value in text]


def test_the_metrics_count_requests_renders_problems_and_the_pool(client: httpx.Client) -> None:
    client.post("/v1/documents", content=SAMPLE_DA.read_bytes(), headers=JSON)
    client.post("/v1/documents?locale=xx", content=SAMPLE_DA.read_bytes(), headers=JSON)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for name in (
        'familyplan_http_requests_total{method="POST",route="/v1/documents",status="200"}',
        "familyplan_http_request_duration_seconds_bucket",
        'familyplan_documents_rendered_total{route="/v1/documents"}',
        'familyplan_render_jobs_total{outcome="made",route="/v1/documents"}',
        'familyplan_problems_total{route="/v1/documents",status="422",type="invalid-input"}',
        "familyplan_pool_workers 1.0",
        "familyplan_pool_busy 0.0",
        "familyplan_pool_capacity 5.0",
        "familyplan_ready 1.0",
        "familyplan_pool_rejected_total",
    ):
        assert name in text, name
    assert not [value for value in personal_values() if value in text]


def test_an_unknown_path_is_counted_without_its_url(client: httpx.Client) -> None:
    client.get("/v1/Haddad-family")
    text = client.get("/metrics").text
    assert "Haddad" not in text
    assert 'route="(no route)"' in text


def test_no_file_of_a_request_is_left_in_the_private_folder(
    server: ServerProcess, client: httpx.Client
) -> None:
    body = SAMPLE_DA.read_bytes()
    assert client.post("/v1/documents", content=body, headers=JSON).status_code == 200
    assert client.post("/v1/distribution", content=body, headers=JSON).status_code == 200
    workbook = client.post("/v1/workbook?locale=da", content=body, headers=JSON).content
    plan_headers = {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    }
    assert client.post("/v1/plan", content=workbook, headers=plan_headers).status_code == 200
    folders = [p for p in (server.tmp / "scratch").iterdir() if p.name.startswith("familyplan-")]
    assert len(folders) == 1
    assert folders[0].stat().st_mode & 0o077 == 0  # private to the service's user
    assert list(folders[0].iterdir()) == []


def test_a_full_queue_answers_503_with_retry_after_and_every_other_request_is_served(
    server: ServerProcess,
) -> None:
    """One worker, a queue of four: of twelve requests at once, some wait, some are refused."""
    body = SAMPLE_DA.read_bytes()

    async def burst() -> list[httpx.Response]:
        headers = {**AUTH, **JSON}
        async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=120) as http:
            return await asyncio.gather(
                *(http.post("/v1/documents", content=body) for _ in range(12))
            )

    responses = asyncio.run(burst())
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) == {200, 503}
    assert statuses.count(200) >= 5  # the one rendering and the four waiting
    for response in responses:
        if response.status_code == 503:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/saturated")
            assert int(response.headers["retry-after"]) >= 1
