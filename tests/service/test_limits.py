"""Limits that hold: slow headers, a slow body, the render budget and the request's time.

These servers run in a thread of the test process (with settings the command line has
no flag for) and skip warming up; a pack of their own has a flyer whose template loops
for seconds.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from familyplan_docs.service.options import Limits, ServiceConfig
from tests.helpers import make_docx, make_pack
from tests.service.helpers import AUTH, JSON, KEY, SAMPLE_DA, ServerThread

SLOW = (
    "{% for i in range(100000) %}{% for j in range(99) %}{% set x = i * j %}"
    "{% endfor %}{% endfor %}done"
)
"""A template that takes many seconds (almost ten million loop turns, just under the limit)."""


@pytest.fixture(scope="module")
def slow_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packs")
    folder = make_pack(root / "da-slow", "da-slow")
    make_docx(folder / "flyer.docx", SLOW)
    return root


def _config(packs: Path, **limits: float) -> ServiceConfig:
    return ServiceConfig(
        workers=1,
        templates=(str(packs),),
        keys=(KEY,),
        pdf=False,
        warm=False,
        limits=Limits(**limits),
    )


@pytest.fixture(scope="module")
def strict(slow_pack: Path) -> Iterator[ServerThread]:
    """Headers and body in one second each; a render budget of four seconds."""
    with ServerThread(
        _config(slow_pack, header_seconds=1.0, read_seconds=1.0, render_seconds=4.0)
    ) as running:
        yield running


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def test_a_client_that_sends_its_headers_too_slowly_is_disconnected(strict: ServerThread) -> None:
    with _connect(strict.base) as sock:
        sock.sendall(b"POST /v1/documents HTTP/1.1\r\nHost: x\r\n")
        start = time.perf_counter()
        assert sock.recv(1024) == b""  # closed without an answer
        assert time.perf_counter() - start < 10


def test_a_body_that_comes_too_slowly_is_a_408(strict: ServerThread) -> None:
    head = (
        f"POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    )
    with _connect(strict.base) as sock:
        sock.sendall(head.encode())
        answer = sock.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 408")
    assert "request-timeout" in answer


def test_a_request_over_its_render_budget_is_refused_and_the_next_is_served(
    strict: ServerThread,
) -> None:
    with httpx.Client(base_url=strict.base, headers={**AUTH, **JSON}, timeout=60) as http:
        body = SAMPLE_DA.read_bytes()
        start = time.perf_counter()
        response = http.post("/v1/documents?locale=da-slow&kinds=flyer", content=body)
        assert time.perf_counter() - start < 30
        assert response.status_code == 500
        assert response.json()["type"].endswith("/template-failed")
        assert http.post("/v1/documents?kinds=agenda", content=body).status_code == 200


def test_a_request_that_takes_too_long_is_a_503_and_frees_no_worker_early(
    slow_pack: Path,
) -> None:
    with (
        ServerThread(_config(slow_pack, request_seconds=1.0)) as running,
        httpx.Client(base_url=running.base, headers={**AUTH, **JSON}, timeout=60) as http,
    ):
        response = http.post(
            "/v1/documents?locale=da-slow&kinds=flyer", content=SAMPLE_DA.read_bytes()
        )
        assert response.status_code == 503
        assert response.json()["type"].endswith("/overtime")
        assert int(response.headers["retry-after"]) >= 1
        state = http.get("/healthz").json()
        assert state["busy"] == 1  # the render goes on until its budget ends it
