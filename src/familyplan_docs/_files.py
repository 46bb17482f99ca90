"""Writing output safely: atomic files and staging folders that leave nothing behind.

Every file the library writes goes through here. A file is written to a temporary name
beside its target and moved into place (:func:`atomic_write`, :func:`atomic_save`); a set
of files is prepared in a staging folder beside the output (:func:`staging_folder`).
Nothing is left behind on any way out:

- an error: the temporary file or folder is removed before the error goes on, and a
  failure to write (a full or read-only disk, an output that is a folder) becomes an
  :class:`~familyplan_docs._errors.OutputError` that says what happened;
- SIGTERM, SIGHUP or SIGINT: while a staging folder or temporary file exists, a handler
  removes them first, then the process ends as the signal asks (Ctrl-C raises
  :class:`KeyboardInterrupt`, which removes them on its way out);
- SIGKILL or a power cut, which no handler sees: every temporary name begins with
  :data:`STAGING_PREFIX` and holds the host and process id of its owner
  (``.familyplan-render-<host>-<pid>-…``); the next start of any writer in the same
  folder removes those whose owner is no longer running, and any older than
  :data:`STALE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from ._errors import OutputError

__all__ = [
    "STAGING_PREFIX",
    "STALE_SECONDS",
    "atomic_save",
    "atomic_write",
    "check_folder_target",
    "describe_os_error",
    "remove_stale",
    "staging_folder",
]

STAGING_PREFIX = ".familyplan-"
"""The name prefix of every temporary file and folder the library makes beside its output."""

STALE_SECONDS = 24 * 60 * 60
"""A temporary file or folder this old is left over, whoever made it (a day: no run of the
library takes that long, and a folder on a disk other hosts share is never in use so long)."""

_HOST = hashlib.sha256(socket.gethostname().encode("utf-8")).hexdigest()[:8]
_OWNED = re.compile(rf"^{re.escape(STAGING_PREFIX)}.*-(?P<host>[0-9a-f]{{8}})-(?P<pid>\d+)-")


def _prefix(purpose: str) -> str:
    return f"{STAGING_PREFIX}{purpose}-{_HOST}-{os.getpid()}-"


# --- errors --------------------------------------------------------------------------------

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "it exists already",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOENT: "no such file or folder",
}


def describe_os_error(exc: OSError) -> str:
    """A one-line message for a failure to read or write: the path and what went wrong."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc) or type(exc).__name__
    where = exc.filename if exc.filename is not None else ""
    return f"{where}: {reason}" if where else str(reason)


def check_folder_target(folder: str | Path) -> Path:
    """*folder* as a :class:`~pathlib.Path`; :class:`OutputError` when it is a file."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder; give a folder for the output")
    return folder


@contextlib.contextmanager
def _output_errors() -> Iterator[None]:
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(describe_os_error(exc)) from None


# --- what is being written now, removed on a signal ------------------------------------------

_live: set[Path] = set()
_lock = threading.Lock()
_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)
_previous: dict[int, Any] = {}


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Remove what is being written, then let the signal do what it would have done."""
    with _lock:
        paths = list(_live)
        _live.clear()
    for path in paths:
        _remove(path)
    previous = _previous.get(signum, signal.SIG_DFL)
    _restore()
    if callable(previous):  # Ctrl-C's KeyboardInterrupt, or the application's own handler
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        os.kill(os.getpid(), signum)  # the default: end the process, as the signal says


def _restore() -> None:
    for signum, handler in list(_previous.items()):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signum, handler)
    _previous.clear()


def _watch(path: Path) -> None:
    with _lock:
        _live.add(path)
        if _previous or threading.current_thread() is not threading.main_thread():
            return  # handlers are set already, or only the main thread may set them
        for signum in _SIGNALS:
            current = signal.getsignal(signum)
            if current in (signal.SIG_IGN, None):
                continue  # a signal the process ignores stays ignored
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signum, _on_signal)
                _previous[signum] = current


def _unwatch(path: Path) -> None:
    with _lock:
        _live.discard(path)
        if not _live and _previous and threading.current_thread() is threading.main_thread():
            _restore()


# --- left over from an earlier run ----------------------------------------------------------

_swept: set[Path] = set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def remove_stale(parent: str | Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files and folders in *parent* that are left over; return them.

    Left over: made on this host by a process that is no longer running, or older than
    :data:`STALE_SECONDS` (whoever made them). Those of running processes stay.
    """
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(STAGING_PREFIX):
            continue
        owner = _OWNED.match(entry.name)
        dead = (
            owner is not None
            and owner["host"] == _HOST
            and int(owner["pid"]) != os.getpid()
            and not _alive(int(owner["pid"]))
        )
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
        except OSError:
            continue
        if dead or old:
            path = Path(entry.path)
            _remove(path)
            removed.append(path)
    return removed


def _sweep_once(parent: Path) -> None:
    key = parent.resolve()
    if key not in _swept:
        _swept.add(key)
        remove_stale(parent)


# --- writing ---------------------------------------------------------------------------------


def atomic_save(target: str | Path, save: Callable[[Path], None], *, suffix: str = "") -> Path:
    """Call *save* with a temporary path beside *target*, then move the result into place.

    The temporary file is removed when *save* or the move fails, whatever the error
    (a signal included); a failure to write raises :class:`OutputError`. Returns
    *target* as a :class:`~pathlib.Path`.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give the name of a file to write")
    with _output_errors():
        target.parent.mkdir(parents=True, exist_ok=True)
        _sweep_once(target.parent)
        fd, name = tempfile.mkstemp(prefix=_prefix("file"), suffix=suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        _watch(tmp)
        try:
            save(tmp)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        finally:
            _unwatch(tmp)
    return target


def atomic_write(target: str | Path, data: bytes | str) -> Path:
    """Write *data* (text is written as UTF-8) to *target* atomically; see :func:`atomic_save`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def save(tmp: Path) -> None:
        tmp.write_bytes(payload)

    return atomic_save(target, save, suffix=Path(target).suffix)


@contextlib.contextmanager
def staging_folder(parent: str | Path, purpose: str) -> Iterator[Path]:
    """A new private folder inside *parent*, removed with everything in it on exit.

    Move what should stay out of it before the block ends. *purpose* becomes part of the
    folder's name (``.familyplan-<purpose>-<host>-<pid>-…``) so a stray folder says where
    it came from and whether its owner still runs. Left-over folders of earlier runs in
    *parent* are removed first (:func:`remove_stale`). A failure to write in the block
    raises :class:`OutputError`.
    """
    parent = Path(parent)
    with _output_errors():
        parent.mkdir(parents=True, exist_ok=True)
        _sweep_once(parent)
        folder = Path(tempfile.mkdtemp(prefix=_prefix(purpose), dir=parent))
    _watch(folder)
    try:
        with _output_errors():
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _unwatch(folder)
