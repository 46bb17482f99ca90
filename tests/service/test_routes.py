"""Every route of the running service, through a real HTTP client on loopback."""

from __future__ import annotations

import io
import json
import re
import socket
import zipfile
from typing import Any

import httpx
import openpyxl
import pytest
from docx import Document

from familyplan_docs import KINDS, list_packs
from familyplan_docs.model.load import plan_from_json
from familyplan_docs.packs.builtin import templates_root
from familyplan_docs.packs.discovery import load_pack
from tests.helpers import TINY
from tests.service.helpers import AUTH, JSON, SAMPLE_DA, SAMPLE_WORKBOOK, XLSX, ServerProcess
from tests.workbook.helpers import cell, place

PROBLEM = "application/problem+json"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SECURED = [
    ("GET", "/v1/packs"),
    ("GET", "/metrics"),
    ("POST", "/v1/documents"),
    ("POST", "/v1/blank?locale=da"),
    ("POST", "/v1/workbook?locale=da"),
    ("POST", "/v1/plan"),
    ("POST", "/v1/invitation?meeting=1"),
    ("POST", "/v1/distribution"),
]


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem document of *response*, checked to be RFC 9457 with *status*."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"] and body["detail"]
    assert body["instance"] == f"urn:uuid:{response.headers['x-request-id']}"
    assert all(set(p) == {"place", "message"} for p in body["problems"])
    return body


def places(response: httpx.Response) -> list[str]:
    return [p["place"] for p in problem(response, 422)["problems"]]


def names_in(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sorted(archive.namelist())


def post_plan(client: httpx.Client, path: str, plan: Any) -> httpx.Response:
    return client.post(path, content=json.dumps(plan).encode(), headers=JSON)


# --- access -------------------------------------------------------------------------------


def test_healthz_is_200_without_a_key_when_the_workers_are_warm(anonymous: httpx.Client) -> None:
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["workers"] == 1


def test_the_openapi_document_is_3_1_and_needs_no_key(anonymous: httpx.Client) -> None:
    document = anonymous.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "FamilyPlan" in document["components"]["schemas"]
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


@pytest.mark.parametrize(("method", "path"), SECURED)
def test_every_other_route_refuses_a_request_without_a_key(
    anonymous: httpx.Client, method: str, path: str
) -> None:
    response = anonymous.request(method, path, content=SAMPLE_DA.read_bytes(), headers=JSON)
    problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization", [f"Bearer {AUTH['Authorization'][7:]}x", "Bearer", "Basic dXNlcjpwYXNz", ""]
)
def test_a_wrong_key_or_scheme_is_refused(anonymous: httpx.Client, authorization: str) -> None:
    response = anonymous.get("/v1/packs", headers={"Authorization": authorization})
    problem(response, 401)


def test_the_scheme_is_case_insensitive(anonymous: httpx.Client) -> None:
    key = AUTH["Authorization"].removeprefix("Bearer ")
    assert anonymous.get("/v1/packs", headers={"Authorization": f"bearer {key}"}).status_code == 200


# --- documents ----------------------------------------------------------------------------


def test_a_familys_toolbox_is_a_zip_of_every_kind(client: httpx.Client) -> None:
    response = client.post("/v1/documents", content=SAMPLE_DA.read_bytes(), headers=JSON)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert 'filename="documents.zip"' in response.headers["content-disposition"]
    assert names_in(response.content) == sorted(f"{kind}.docx" for kind in KINDS)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        plan_doc = Document(io.BytesIO(archive.read("family_plan.docx")))
    text = "\n".join(p.text for p in plan_doc.paragraphs)
    assert "Haddad" in text


def test_one_kind_comes_as_the_document_itself(client: httpx.Client) -> None:
    response = client.post(
        "/v1/documents?kinds=flyer", content=SAMPLE_DA.read_bytes(), headers=JSON
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX
    assert 'filename="flyer.docx"' in response.headers["content-disposition"]
    Document(io.BytesIO(response.content))  # a document Word can open


def test_kinds_and_locale_choose_what_is_rendered(client: httpx.Client) -> None:
    response = client.post(
        "/v1/documents?kinds=agenda,flyer&locale=sv_SE",
        content=SAMPLE_DA.read_bytes(),
        headers=JSON,
    )
    assert names_in(response.content) == ["agenda.docx", "flyer.docx"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        flyer = archive.read("flyer.docx")
    with zipfile.ZipFile(io.BytesIO(flyer)) as document:
        assert b'w:val="sv-SE"' in document.read("word/styles.xml")


def test_a_bad_plan_is_a_422_naming_each_place(client: httpx.Client, tiny: dict[str, Any]) -> None:
    tiny["agreements"][0]["deadline"] = "2027-02-30"
    tiny["goals"][0]["goal"] = "bad \x01 text"
    response = post_plan(client, "/v1/documents", tiny)
    assert sorted(places(response)) == ["$.agreements[0].deadline", "$.goals[0].goal"]


def test_an_id_number_is_never_in_a_problem(client: httpx.Client, tiny: dict[str, Any]) -> None:
    tiny["family"]["members"][1]["national_id"] = "3201851234"
    response = post_plan(client, "/v1/documents", tiny)
    assert places(response) == ["$.family.members[1].national_id"]
    assert "3201851234" not in response.text and "320185" not in response.text


def test_json_that_does_not_parse_is_named_by_line_and_column(client: httpx.Client) -> None:
    response = client.post("/v1/documents", content=b'{"country": "DK",\n  oops}', headers=JSON)
    assert places(response) == ["line 2, column 3"]


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("?locale=xx", "locale"),
        ("?kinds=flyer,nonsense", "kinds"),
        ("?kinds=,", "kinds"),
        ("?format=pdf", "format"),
        ("?format=odt", "format"),
        ("?kind=flyer", "kind"),
        ("?locale=da&locale=nl", "locale"),
    ],
)
def test_a_bad_query_parameter_is_a_422_naming_it(
    client: httpx.Client, query: str, place: str
) -> None:
    response = client.post(f"/v1/documents{query}", content=SAMPLE_DA.read_bytes(), headers=JSON)
    assert places(response) == [place]


def test_a_locale_is_looked_up_among_the_served_packs_only(client: httpx.Client) -> None:
    folder = str(templates_root() / "da")  # a real pack folder on the server: still refused
    response = client.post(
        "/v1/documents", params={"locale": folder}, content=SAMPLE_DA.read_bytes(), headers=JSON
    )
    assert places(response) == ["locale"]
    assert "looked in" not in response.text
    assert str(templates_root()) not in response.text.replace(folder, "")


def test_blank_forms_of_every_pack(client: httpx.Client, pack_name: str) -> None:
    response = client.post(f"/v1/blank?locale={pack_name}")
    assert response.status_code == 200
    assert names_in(response.content) == sorted(f"{kind}.docx" for kind in KINDS)


def test_blank_needs_a_locale(client: httpx.Client) -> None:
    assert places(client.post("/v1/blank")) == ["locale"]


# --- bodies: size and type --------------------------------------------------------------------


def test_a_body_of_another_content_type_is_a_415(client: httpx.Client) -> None:
    response = client.post(
        "/v1/documents", content=SAMPLE_DA.read_bytes(), headers={"Content-Type": "text/plain"}
    )
    problem(response, 415)
    assert "application/json" in response.headers["accept-post"]


def test_a_missing_body_is_a_422(client: httpx.Client) -> None:
    assert places(client.post("/v1/documents", headers=JSON)) == [""]


def test_a_body_over_the_limit_is_a_413_before_it_is_read(server: ServerProcess) -> None:
    host, port = server.base.removeprefix("http://").split(":")
    request = (
        "POST /v1/documents HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
        "Content-Length: 30000000\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request.encode())
        answer = sock.recv(65536).decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413")
    assert PROBLEM in answer


def test_a_chunked_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    def chunks() -> Any:
        block = b" " * 2**20
        for _ in range(21):
            yield block

    try:
        response = client.post("/v1/documents", content=chunks(), headers=JSON)
    except httpx.HTTPError:  # the server may close before the client has sent it all
        return
    problem(response, 413)


# --- workbook and plan --------------------------------------------------------------------


def test_a_workbook_round_trip_gives_the_plan_back(client: httpx.Client) -> None:
    written = client.post("/v1/workbook?locale=da", content=SAMPLE_DA.read_bytes(), headers=JSON)
    assert written.status_code == 200
    assert written.headers["content-type"] == XLSX
    read = client.post("/v1/plan", content=written.content, headers={"Content-Type": XLSX})
    assert read.status_code == 200
    assert read.headers["content-type"] == "application/json"
    expected = plan_from_json(SAMPLE_DA.read_bytes()).model_dump(mode="json", exclude_none=True)
    assert plan_from_json(read.content).model_dump(mode="json", exclude_none=True) == expected


def test_an_empty_workbook_needs_no_plan(client: httpx.Client) -> None:
    response = client.post("/v1/workbook?locale=sv")
    assert response.status_code == 200
    assert "meta" in openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames


def test_a_workbook_with_a_bad_cell_is_a_422_naming_sheet_row_and_column(
    client: httpx.Client,
) -> None:
    pack = load_pack("da")
    workbook = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    cell(workbook, pack, "agreements", "deadline", 2).value = "31.02.2027"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post("/v1/plan", content=buffer.getvalue(), headers={"Content-Type": XLSX})
    assert places(response) == [place(pack, "agreements", 2, "deadline")]


def test_a_file_that_is_not_a_workbook_is_a_422(client: httpx.Client) -> None:
    response = client.post("/v1/plan", content=b"not a zip", headers={"Content-Type": XLSX})
    assert places(response) == [""]


# --- invitation and distribution ------------------------------------------------------------


def test_an_invitation_is_a_calendar_without_personal_data(client: httpx.Client) -> None:
    response = client.post("/v1/invitation?meeting=5", content=SAMPLE_DA.read_bytes(), headers=JSON)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.text.startswith("BEGIN:VCALENDAR")
    plan = plan_from_json(SAMPLE_DA.read_bytes())
    assert plan.family.name not in response.text
    assert all(m.first_name not in response.text for m in plan.family.members)


@pytest.mark.parametrize(
    ("meeting", "needle"), [("99", "no meeting 99"), ("0", "from 1"), ("x", "")]
)
def test_an_invitation_to_a_meeting_the_plan_lacks_is_a_422_at_meeting(
    client: httpx.Client, meeting: str, needle: str
) -> None:
    response = client.post(
        f"/v1/invitation?meeting={meeting}", content=SAMPLE_DA.read_bytes(), headers=JSON
    )
    assert places(response) == ["meeting"]
    assert needle in response.json()["problems"][0]["message"]


def test_a_distribution_is_a_zip_of_folders_with_its_manifest(client: httpx.Client) -> None:
    response = client.post(
        "/v1/distribution?on=2026-12-10", content=SAMPLE_DA.read_bytes(), headers=JSON
    )
    assert response.status_code == 200
    names = names_in(response.content)
    assert "manifest.json" in names
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["on"] == "2026-12-10"
    assert manifest["allowed"] and manifest["refused"]  # the sample has both
    files = sorted(f for r in manifest["recipients"] if r["allowed"] for f in r["files"])
    assert files == [name for name in names if name != "manifest.json"]


def test_a_distribution_date_must_be_iso(client: httpx.Client) -> None:
    response = client.post(
        "/v1/distribution?on=10.12.2026", content=SAMPLE_DA.read_bytes(), headers=JSON
    )
    assert places(response) == ["on"]


# --- packs, metrics, errors of the HTTP layer -------------------------------------------------


def test_packs_lists_every_pack_and_its_kinds_but_not_its_folder(client: httpx.Client) -> None:
    packs = client.get("/v1/packs").json()["packs"]
    assert [p["name"] for p in packs] == [info.name for info in list_packs()]
    assert all(p["kinds"] == list(KINDS) for p in packs)
    assert "/" not in json.dumps([{k: v for k, v in p.items() if k != "title"} for p in packs])


def test_an_unknown_path_and_a_wrong_method_are_problems(client: httpx.Client) -> None:
    problem(client.get("/v2/nothing"), 404)
    problem(client.get("/v1/documents"), 405)


def test_every_answer_carries_a_request_id(client: httpx.Client) -> None:
    ids = {client.get("/healthz").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f-]{36}", rid) for rid in ids)


def test_tiny_plan_renders(client: httpx.Client) -> None:
    response = post_plan(client, "/v1/documents?kinds=network_map", TINY)
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX
