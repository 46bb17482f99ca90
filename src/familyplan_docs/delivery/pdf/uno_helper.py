"""One warm LibreOffice, driven over UNO: a script run under a Python that can ``import uno``.

Not imported by the package: :mod:`.pool` runs it as ``UNO_PYTHON uno_helper.py SOFFICE
PROFILE_URL PIPE_NAME`` under the Python that LibreOffice's UNO bridge belongs to (Debian and
Ubuntu: ``/usr/bin/python3`` with ``python3-uno``; macOS: the Python LibreOffice bundles),
which is usually not the Python the package runs in. It therefore uses only the
standard library and ``uno``, and runs on any Python from 3.8.

It starts ``soffice`` as its own child (same process group, so one kill of the group ends
both), connects over a named pipe (no TCP port), then answers JSON lines on stdin/stdout::

    {"src": "/abs/in.docx", "dst": "/abs/out.pdf", "filter": "writer_pdf_Export",
     "input_filter": "MS Word 2007 XML", "data": {"SelectPdfVersion": 2, ...}}
    → {"ok": true, "seconds": 0.21} or {"ok": false, "error": "...", "fatal": false}
    {"quit": true} → ends LibreOffice and exits 0

When its parent goes away (killed, even with SIGKILL), it kills its process group within a
second, so no ``soffice`` outlives the program that started it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

STARTUP_SECONDS = 60.0


def _property(name: str, value: Any) -> Any:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _end_everything(office: subprocess.Popen[bytes]) -> None:
    """Kill soffice and everything it started, then this process."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(os.getpgid(0), signal.SIGKILL)
    office.kill()
    os._exit(1)


def _watch_parent(office: subprocess.Popen[bytes]) -> None:
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            _end_everything(office)


def _connect(office: subprocess.Popen[bytes], pipe: str, started: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    while True:
        if office.poll() is not None:
            raise RuntimeError(f"soffice exited with status {office.returncode}")
        if time.monotonic() - started > STARTUP_SECONDS:
            raise RuntimeError(f"soffice did not accept a connection in {STARTUP_SECONDS:g} s")
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.05)


def _convert(desktop: Any, request: dict[str, Any]) -> None:
    load = [
        _property("Hidden", True),
        _property("ReadOnly", True),
        _property("UpdateDocMode", 0),  # com.sun.star.document.UpdateDocMode.NO_UPDATE
        _property("MacroExecutionMode", 0),  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
    ]
    if request.get("input_filter"):
        # Without it LibreOffice opens a file it cannot read as plain text and "succeeds".
        load.append(_property("FilterName", request["input_filter"]))
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(request["src"]), "_blank", 0, tuple(load)
    )
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        data = tuple(_property(k, v) for k, v in request.get("data", {}).items())
        store = (
            _property("FilterName", request["filter"]),
            # a plain tuple would be ignored without an error: it must be typed
            _property("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", data)),
            _property("Overwrite", True),
        )
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(request["dst"]), store))
    finally:
        with contextlib.suppress(Exception):  # a document LibreOffice already dropped
            document.close(True)


def _answers(desktop: Any) -> bool:
    """Whether LibreOffice still answers (after a failed document: it may have crashed)."""
    try:
        desktop.getFrames()
    except Exception:
        return False
    return True


def main(argv: list[str]) -> int:
    soffice, profile_url, pipe = argv[1:4]
    started = time.monotonic()
    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile_url}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    threading.Thread(target=_watch_parent, args=(office,), daemon=True).start()
    try:
        return _serve(office, pipe, started)
    except BaseException:  # the parent gone mid-reply (BrokenPipeError), or anything else
        _end_everything(office)
        raise


def _serve(office: subprocess.Popen[bytes], pipe: str, started: float) -> int:
    """Connect to *office* and convert what the parent asks for until it says quit."""
    try:
        context = _connect(office, pipe, started)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
    except Exception as error:
        _reply({"ready": False, "error": f"{type(error).__name__}: {error}"})
        _end_everything(office)
    _reply({"ready": True, "pid": office.pid, "seconds": round(time.monotonic() - started, 3)})

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("quit"):
            break
        began = time.monotonic()
        try:
            _convert(desktop, request)
        except Exception as error:  # reported to the parent, for this document only
            fatal = office.poll() is not None or not _answers(desktop)
            _reply({"ok": False, "error": f"{type(error).__name__}: {error}", "fatal": fatal})
            if fatal:
                _end_everything(office)
            continue
        _reply({"ok": True, "seconds": round(time.monotonic() - began, 4)})
    with contextlib.suppress(Exception):  # the bridge goes away as LibreOffice quits
        desktop.terminate()
    try:
        office.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _end_everything(office)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
