"""The route without a pool: one ``soffice --convert-to`` process per call.

All documents of one call go through ONE ``soffice`` process, which starts with its own
fresh user profile (``-env:UserInstallation``) so that parallel calls never clash. The
process runs without stdin, with ``HOME`` pointing at the throw-away profile folder, under a
timeout that kills its whole process group, and is retried once by default. Results are
written to a staging folder inside ``out_dir`` and moved into place only when every file
converted, so a failed call leaves nothing half-written. The input filter is forced
(``--infilter``), so a file LibreOffice cannot read as what its name says fails instead
of being imported as text.

Also here: finding ``soffice`` (:func:`find_soffice`), what to say when it is missing, and
re-saving a workbook through Calc (:func:`convert_to_xlsx`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..._errors import ConversionError, ToolMissingError
from ..._files import staging_folder
from .options import PDF_FILTER, input_filter

__all__ = [
    "SOFFICE_ENV_VAR",
    "XLSX_FILTER",
    "convert_to_xlsx",
    "convert_with_soffice",
    "find_soffice",
    "kill_group",
    "missing_message",
    "soffice_environment",
]

SOFFICE_ENV_VAR = "FAMILYPLAN_DOCS_SOFFICE"
"""Environment variable naming the ``soffice`` executable (or its ``program`` folder)."""

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
XLSX_INPUT_FILTER = "Calc MS Excel 2007 XML"
"""The ``--convert-to`` argument for re-saving a workbook through LibreOffice Calc."""

_MAGIC = {".pdf": b"%PDF-", ".xlsx": b"PK"}
_DROPPED_ENV = ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP")
_OUTPUT_TAIL_LINES = 15

_INSTALL_HINT = """\
LibreOffice is needed to make PDF files but was not found. Install it:
  Debian/Ubuntu:  sudo apt-get install libreoffice-writer libreoffice-calc
  Fedora:         sudo dnf install libreoffice-writer libreoffice-calc
  macOS:          brew install --cask libreoffice
  Windows:        the installer from https://www.libreoffice.org/download/
or set {var} to the path of the soffice program."""


def find_soffice() -> str | None:
    """Return the path of LibreOffice's ``soffice`` program, or None when it is not installed.

    ``FAMILYPLAN_DOCS_SOFFICE`` (a program, a name on ``PATH`` or a ``program`` folder) wins
    when set; if it names nothing runnable, None is returned rather than guessing. Otherwise
    ``soffice`` and ``libreoffice`` are looked up on ``PATH``, then in the usual install
    folders of Linux, macOS and Windows.
    """
    override = os.environ.get(SOFFICE_ENV_VAR, "").strip()
    if override:
        return _runnable(override)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _usual_places():
        if _is_executable(candidate):
            return str(candidate)
    return None


def convert_with_soffice(
    documents: Sequence[Path], out_dir: Path, *, timeout: float = 300.0, retries: int = 1
) -> list[Path]:
    """Convert Writer documents (.docx, .odt) to PDF/A-2b + PDF/UA-1 in one LibreOffice process.

    Returns ``out_dir/<stem>.pdf`` for each document, in the given order. ``timeout`` is in
    seconds per attempt; documents that did not convert are tried ``retries`` more times
    with a fresh profile. Raises :class:`ToolMissingError` when LibreOffice is missing and
    :class:`ConversionError` naming the files that failed; then ``out_dir`` is left as it was.
    The PDFs come as LibreOffice writes them: :func:`.convert.convert_to_pdf` finishes them.
    """
    sources = _sources(documents, ".pdf")
    if not sources:
        return []
    groups: dict[str, list[Path]] = {}
    for source in sources:
        groups.setdefault(input_filter(source), []).append(source)
    if len(groups) == 1:
        [(infilter, _group)] = groups.items()
        return _convert(
            sources, Path(out_dir), PDF_FILTER, ".pdf", infilter, timeout=timeout, retries=retries
        )
    with staging_folder(out_dir, "convert-groups") as staging:  # one process per input filter
        for infilter, group in groups.items():
            _convert(group, staging, PDF_FILTER, ".pdf", infilter, timeout=timeout, retries=retries)
        results = []
        for source in sources:
            os.replace(staging / (source.stem + ".pdf"), Path(out_dir) / (source.stem + ".pdf"))
            results.append(Path(out_dir) / (source.stem + ".pdf"))
        return results


def convert_to_xlsx(
    workbook: Path, out_dir: Path, *, timeout: float = 120.0, retries: int = 1
) -> Path:
    """Re-save a workbook through LibreOffice Calc as ``out_dir/<stem>.xlsx``.

    Used to prove that a workbook edited in Calc still reads back. Errors as for
    :func:`convert_with_soffice`.
    """
    sources = _sources([workbook], ".xlsx")
    return _convert(
        sources,
        Path(out_dir),
        XLSX_FILTER,
        ".xlsx",
        XLSX_INPUT_FILTER,
        timeout=timeout,
        retries=retries,
    )[0]


# -- finding the program ---------------------------------------------------------------------


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _program_names() -> tuple[str, ...]:
    # soffice.com is the console launcher on Windows: it waits for the conversion to end.
    return ("soffice.com", "soffice.exe") if sys.platform == "win32" else ("soffice",)


def _runnable(given: str) -> str | None:
    path = Path(given).expanduser()
    if path.is_dir():
        for name in _program_names():
            if _is_executable(path / name):
                return str(path / name)
        return None
    if _is_executable(path):
        return str(path)
    if os.sep in given or (os.altsep and os.altsep in given):
        return None
    return shutil.which(given)


def _usual_places() -> Iterator[Path]:
    """Yield where LibreOffice is usually installed on this platform, newest first."""
    if sys.platform == "win32":
        for variable in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"):
            root = os.environ.get(variable)
            if root:
                for name in _program_names():
                    yield Path(root) / "LibreOffice" / "program" / name
    elif sys.platform == "darwin":
        for apps in (Path("/Applications"), Path.home() / "Applications"):
            yield apps / "LibreOffice.app" / "Contents" / "MacOS" / "soffice"
    else:
        yield Path("/usr/lib/libreoffice/program/soffice")
        yield Path("/usr/lib64/libreoffice/program/soffice")
        yield Path("/usr/local/lib/libreoffice/program/soffice")
        yield from sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
        yield Path("/snap/bin/libreoffice")


def missing_message() -> str:
    """What to say when LibreOffice is missing: how to install it, or what the variable holds."""
    message = _INSTALL_HINT.format(var=SOFFICE_ENV_VAR)
    override = os.environ.get(SOFFICE_ENV_VAR, "").strip()
    if override:
        message += f"\n({SOFFICE_ENV_VAR} is set to {override!r}, which is not a program.)"
    return message


# -- converting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempt:
    """What one soffice run did: its exit code (None when it timed out) and its output."""

    returncode: int | None
    output: str


def _sources(documents: Sequence[Path], suffix: str) -> list[Path]:
    sources: list[Path] = []
    by_output: dict[str, Path] = {}
    for document in documents:
        source = Path(document).resolve()
        if not source.is_file():
            raise FileNotFoundError(f"document to convert not found: {source}")
        key = os.path.normcase(source.stem + suffix)
        if key in by_output:
            raise ValueError(
                f"{by_output[key]} and {source} would both become {source.stem}{suffix}"
            )
        by_output[key] = source
        sources.append(source)
    return sources


def _convert(
    sources: list[Path],
    out_dir: Path,
    target: str,
    suffix: str,
    infilter: str,
    *,
    timeout: float,
    retries: int,
) -> list[Path]:
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, not {timeout!r}")
    if retries < 0:
        raise ValueError(f"retries must be 0 or more, not {retries!r}")
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissingError(missing_message())

    created = not out_dir.exists()
    succeeded = False
    try:
        with staging_folder(out_dir, "convert") as staging:
            pending = list(sources)
            attempt = _Attempt(0, "")
            for _ in range(retries + 1):
                attempt = _run_soffice(soffice, pending, staging, target, infilter, timeout)
                if attempt.returncode is None:
                    # Killed mid-way: a file may be half-written, so convert them all again.
                    for source in pending:
                        (staging / (source.stem + suffix)).unlink(missing_ok=True)
                    continue
                pending = [s for s in pending if not _complete(staging / (s.stem + suffix), suffix)]
                if not pending:
                    break
            if pending:
                raise ConversionError(_failure_message(pending, suffix, attempt, timeout, retries))
            results = []
            for source in sources:
                destination = out_dir / (source.stem + suffix)
                os.replace(staging / (source.stem + suffix), destination)
                results.append(destination)
        succeeded = True
        return results
    finally:
        if created and not succeeded:
            with contextlib.suppress(OSError):
                out_dir.rmdir()


def _complete(path: Path, suffix: str) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    return bool(head) and head.startswith(_MAGIC.get(suffix, b""))


def soffice_environment(home: Path) -> dict[str, str]:
    """Return the environment for soffice: ours, with HOME at the throw-away profile."""
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    if sys.platform != "win32":
        old_home = os.environ.get("HOME")
        if old_home and "XDG_DATA_HOME" not in env:
            # Keep fonts installed for this user (~/.local/share/fonts) visible to LibreOffice.
            env["XDG_DATA_HOME"] = str(Path(old_home) / ".local" / "share")
        env["HOME"] = str(home)
    return env


def _run_soffice(
    soffice: str, sources: list[Path], out_dir: Path, target: str, infilter: str, timeout: float
) -> _Attempt:
    """Run one soffice process over all ``sources`` with a fresh profile, then remove it."""
    with staging_folder(tempfile.gettempdir(), "soffice") as scratch:
        profile = scratch / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"--infilter={infilter}",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir.resolve()),  # soffice runs in the scratch folder
            *(str(source) for source in sources),
        ]
        log_path = scratch / "soffice-output.txt"
        # Output goes to a file, not a pipe: nothing can block on a full or inherited pipe.
        with log_path.open("wb") as log:
            process = _start(command, soffice_environment(scratch), scratch, log)
            try:
                returncode: int | None = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_group(process)
                returncode = None
            except BaseException:
                kill_group(process)
                raise
        return _Attempt(returncode, log_path.read_text(encoding="utf-8", errors="replace"))


def _start(
    command: list[str], env: dict[str, str], cwd: Path, log: BinaryIO
) -> subprocess.Popen[bytes]:
    try:
        if sys.platform == "win32":
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
            )
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    except FileNotFoundError as error:
        raise ToolMissingError(missing_message()) from error
    except OSError as error:
        raise ConversionError(f"could not start LibreOffice ({command[0]}): {error}") from error


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and everything it started, then reap it."""
    if sys.platform == "win32":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        process.kill()
    elif process.returncode is None:
        # The process leads its own session, so its group id is its pid; it is not reaped
        # yet, so that id cannot have been reused.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _failure_message(
    pending: list[Path], suffix: str, attempt: _Attempt, timeout: float, retries: int
) -> str:
    names = ", ".join(str(source) for source in pending)
    tries = f"{retries + 1} attempt{'s' if retries else ''}"
    if attempt.returncode is None:
        message = f"LibreOffice timed out after {timeout:g} s ({tries}) converting {names}"
        working_on = [line for line in attempt.output.splitlines() if line.startswith("convert ")]
        if working_on:
            message += f"; it was at: {working_on[-1]}"
    else:
        message = (
            f"LibreOffice did not produce {suffix} for {names} ({tries}; "
            f"last exit code {attempt.returncode})"
        )
    lines = [
        line
        for line in attempt.output.splitlines()
        if line.strip() and "javaldx" not in line  # a harmless warning without Java
    ]
    if lines:
        message += "\nLibreOffice said:\n" + "\n".join(
            f"  {line}" for line in lines[-_OUTPUT_TAIL_LINES:]
        )
    return message
