"""Starting and stopping the service as a process: refusals at start, SIGTERM in flight."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from familyplan_docs._cli import main
from tests.service.helpers import AUTH, JSON, SAMPLE_DA, start_process


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ([], {}, "no API keys"),
        (["--insecure-no-auth", "--host", "0.0.0.0"], {}, "only on a loopback address"),
        ([], {"FAMILYPLAN_DOCS_API_KEYS": "short"}, "shorter than 16"),
        (["--workers", "0"], {"FAMILYPLAN_DOCS_API_KEYS": "k" * 20}, "at least 1"),
        (["--api-key-file", "/nonexistent/keys"], {}, "cannot be read"),
    ],
)
def test_the_service_refuses_to_start_unsafely(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    monkeypatch.delenv("FAMILYPLAN_DOCS_API_KEYS", raising=False)
    monkeypatch.delenv("FAMILYPLAN_DOCS_API_KEY_FILE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["serve", "--port", "1", *args]) == 1
    assert message in capsys.readouterr().err


def test_sigterm_answers_the_requests_in_flight_and_stops_within_15_seconds(
    tmp_path: Path,
) -> None:
    server = start_process(tmp_path, ["--workers", "1", "--no-pdf"])
    body = SAMPLE_DA.read_bytes()

    async def in_flight() -> tuple[list[int], float]:
        async with httpx.AsyncClient(base_url=server.base, headers={**AUTH, **JSON}) as http:
            tasks = [
                asyncio.create_task(http.post("/v1/documents", content=body, timeout=60))
                for _ in range(3)
            ]
            await asyncio.sleep(0.3)  # one renders, two wait in the queue
            start = time.perf_counter()
            server.process.terminate()
            responses = await asyncio.gather(*tasks)
            await asyncio.to_thread(server.process.wait, 30)
            return [r.status_code for r in responses], time.perf_counter() - start

    try:
        statuses, seconds = asyncio.run(in_flight())
    finally:
        server.stop()
    assert statuses == [200, 200, 200]
    assert seconds < 15
    assert list((tmp_path / "scratch").iterdir()) == []  # the private folder is gone
    log = server.log_text()
    assert "Shutting down" in log and "Traceback" not in log


def test_the_command_line_works_without_the_serve_extra() -> None:
    code = (
        "import sys, familyplan_docs._cli; print(sorted({'fastapi', 'uvicorn'} & set(sys.modules)))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_without_the_serve_extra_serve_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "fastapi" else real(name, *a)
    )
    monkeypatch.setenv("FAMILYPLAN_DOCS_API_KEYS", "k" * 20)
    assert main(["serve", "--port", "1"]) == 1
    assert "pip install 'familyplan-docs[serve]'" in capsys.readouterr().err
