"""The service tests' server: one ``familyplan-docs serve`` process, started once per session.

Helpers and constants are in ``tests/service/helpers.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.service.helpers import AUTH, ServerProcess, start_process


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A running service: one warm worker, an API key, no PDF (its log is kept)."""
    running = start_process(tmp_path_factory.mktemp("service"), ["--workers", "1", "--no-pdf"])
    yield running
    running.stop()


@pytest.fixture(scope="session")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    """An HTTP client of the running service that sends the API key."""
    with httpx.Client(base_url=server.base, headers=AUTH, timeout=120.0) as http:
        yield http


@pytest.fixture(scope="session")
def anonymous(server: ServerProcess) -> Iterator[httpx.Client]:
    """An HTTP client of the running service without a key."""
    with httpx.Client(base_url=server.base, timeout=120.0) as http:
        yield http
