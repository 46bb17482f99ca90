"""What the service tests share: a key, starting a server (a process or a thread), requests.

Every server listens on 127.0.0.1 only, on a free port, and is stopped by the test or
fixture that started it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from familyplan_docs.packs.builtin import samples_root
from familyplan_docs.service.app import create_app
from familyplan_docs.service.options import ServiceConfig
from familyplan_docs.service.protocol import guarded_protocol

HOST = "127.0.0.1"

KEY = "test-key-4f1d2c9b8a7e6d5c"
"""The API key every test server accepts."""

AUTH = {"Authorization": f"Bearer {KEY}"}

JSON = {"Content-Type": "application/json"}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SAMPLE_DA = samples_root() / "da" / "familien-haddad.json"
"""The Danish sample plan: five meetings, consents, a full network."""

SAMPLE_WORKBOOK = samples_root() / "da" / "familien-haddad.xlsx"


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    """``familyplan-docs serve`` in a process of its own; its log goes to *log*."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path
    tmp: Path
    seconds_to_ready: float = 0.0

    def log_text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def stop(self, timeout: float = 30.0) -> float:
        """SIGTERM, then wait; returns the seconds it took (kills it after *timeout*)."""
        start = time.perf_counter()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return time.perf_counter() - start


def start_process(
    tmp: Path, args: Sequence[str] = (), *, keys: str | None = KEY, wait: bool = True
) -> ServerProcess:
    """Start ``python -m familyplan_docs serve`` on a free loopback port.

    Its temporary files go to ``tmp/scratch`` (``TMPDIR``), its log to ``tmp/server.log``.
    """
    port = free_port()
    scratch = tmp / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYPLAN_DOCS_API_KEY")}
    env["TMPDIR"] = str(scratch)
    if keys is not None:
        env["FAMILYPLAN_DOCS_API_KEYS"] = keys
    log = tmp / "server.log"
    command = [sys.executable, "-m", "familyplan_docs", "serve", "--host", HOST]
    command += ["--port", str(port), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(f"http://{HOST}:{port}", process, log, tmp)
    if wait:
        server.seconds_to_ready = wait_ready(server.base, process)
    return server


def wait_ready(
    base: str, process: subprocess.Popen[bytes] | None = None, seconds: float = 300.0
) -> float:
    """Wait until ``GET /healthz`` answers 200; returns the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server stopped while starting (exit {process.returncode})")
        try:
            if httpx.get(f"{base}/healthz", timeout=2.0).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not become ready in time")


@dataclass
class ServerThread:
    """The service in a thread of this process, for settings the command line has no flag for."""

    config: ServiceConfig
    base: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)

    def __enter__(self) -> ServerThread:
        port = free_port()
        config = uvicorn.Config(
            create_app(self.config),
            host=HOST,
            port=port,
            http=guarded_protocol(self.config.limits.header_seconds),
            lifespan="on",
            access_log=False,
            log_level="warning",
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        self.base = f"http://{HOST}:{port}"
        wait_ready(self.base)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(30)
