"""One worker of the warm pool: a helper process and the ``soffice`` it starts.

The helper (:mod:`.uno_helper`) runs under a Python that can ``import uno``, in a process
group of its own with its ``soffice``, and answers JSON lines on its stdin and stdout. A
worker is started, asked, and ended — asked to quit, then its whole group killed — by one
thread of :class:`.pool.PdfPool`; :meth:`Worker.kill` may come from any thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..._errors import FamilyPlanError
from .soffice import kill_group, soffice_environment

__all__ = ["HELPER", "PoolUnavailableError", "Worker"]

HELPER = Path(__file__).with_name("uno_helper.py")
"""The helper script, run by path under the Python that has ``uno``."""


class PoolUnavailableError(FamilyPlanError):
    """No warm pool can run here (no Python with ``uno``, or LibreOffice did not start)."""


@dataclass
class Worker:
    """One helper and its soffice, in a process group of their own."""

    number: int
    soffice: str
    uno_python: str
    root: Path
    process: subprocess.Popen[bytes] | None = None
    conversions: int = 0
    starts: int = 0
    closed_pipe: bool = False
    """The last :meth:`read` found the helper's output closed (it died) rather than silent."""
    _buffer: bytes = b""
    _selector: selectors.BaseSelector | None = field(default=None, repr=False)

    def alive(self) -> bool:
        return self.process is not None and not _exited(self.process)

    def start(self, timeout: float) -> None:
        self.stop(kill=True)
        self.starts += 1
        home = self.root / f"worker-{self.number}-{self.starts}"
        home.mkdir(parents=True)
        pipe = f"familyplan-{os.getpid()}-{id(self):x}-{self.starts}"
        command = [self.uno_python, str(HELPER), self.soffice, (home / "profile").as_uri(), pipe]
        options: dict[str, Any] = {"start_new_session": True}
        if sys.platform == "win32":
            options = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=soffice_environment(home),
            cwd=home,
            **options,
        )
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._stdout(), selectors.EVENT_READ)
        self._buffer = b""
        self.conversions = 0
        self.closed_pipe = False
        hello = self.read(timeout)
        if hello is None or not hello.get("ready"):
            self.stop(kill=True)
            why = (hello or {}).get("error") or f"no answer in {timeout:g} s"
            raise PoolUnavailableError(f"LibreOffice did not start for the PDF pool: {why}")

    def _stdout(self) -> IO[bytes]:
        assert self.process is not None and self.process.stdout is not None
        return self.process.stdout

    def read(self, timeout: float) -> dict[str, Any] | None:
        """One JSON answer within *timeout* seconds; None on a timeout or a closed pipe."""
        assert self._selector is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                return None
            chunk = os.read(self._stdout().fileno(), 65536)
            if not chunk:
                self.closed_pipe = True
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None

    def send(self, message: dict[str, Any]) -> bool:
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def kill(self) -> None:
        """Kill the helper's process group now; safe from another thread than the worker's,
        whose read then ends (its streams are closed by its own :meth:`stop`)."""
        process = self.process
        if process is not None:
            kill_group(process)

    def stop(self, *, kill: bool = False, grace: float = 10.0) -> None:
        """End the helper and its soffice: asked to quit, then the whole group killed."""
        process = self.process
        if process is None:
            return
        if not kill and self.alive() and self.send({"quit": True}):
            deadline = time.monotonic() + grace
            while not _exited(process) and time.monotonic() < deadline:
                time.sleep(0.02)
        # always, and before the helper is reaped (so its group id cannot have been reused):
        # soffice must not outlive its helper
        kill_group(process)
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        self.process = None


def _exited(process: subprocess.Popen[bytes]) -> bool:
    """Whether *process* has ended, without reaping it (its pid stays its own until
    :func:`kill_group` has killed its group and reaped it)."""
    if process.returncode is not None:
        return True
    nowait = getattr(os, "WNOWAIT", None)
    if nowait is None or not hasattr(os, "waitid"):
        return process.poll() is not None
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | nowait) is not None
    except ChildProcessError:
        return True
