"""Reading the files of an untrusted pack folder: only its own regular files, never too many.

A pack holds ``pack.toml``, ``messages.po`` and one ``<kind>.docx`` per document kind, each
directly in its folder. :func:`read_pack_file` reads one of them and refuses anything else:
a symbolic link (a pack could otherwise make a render read another family's document or any
file of the machine), a folder, a device or a pipe, a name with a folder in it, and a file
over its size limit (measured while reading, so a file that grows meanwhile is refused too).
:func:`check_pack_folder` refuses a folder holding more bytes or files than the limits allow.
The numbers are in :mod:`familyplan_docs._limits`, read when a check runs (so tests may
lower them).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .. import _limits
from .._errors import PackError
from .._limits import MiB

__all__ = ["check_pack_folder", "has_pack_file", "read_pack_file"]

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a link as the last part of the name is not followed
    | getattr(os, "O_NONBLOCK", 0)  # a pipe is refused below instead of blocking the open
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

_LINK = "is a symbolic link; a pack may use only its own files, so links are not followed"


def _size_text(limit: int) -> str:
    return f"{limit // MiB} MiB" if limit >= MiB else f"{limit // 1024} KiB"


def has_pack_file(folder: Path, name: str) -> bool:
    """Whether *folder* holds an entry named *name*: a file, or a link or anything else.

    A link counts, so that reading it is refused (rather than silently passed over).
    """
    try:
        os.lstat(folder / name)
    except OSError:
        return False
    return True


def read_pack_file(folder: Path, name: str, limit: int) -> bytes:
    """Read the file *name* directly inside the pack *folder*: at most *limit* bytes.

    Raises :class:`FileNotFoundError` when there is no such entry, and :class:`PackError`
    naming the file for a link, anything but a regular file, a name that is not a plain
    file name, or a file larger than *limit*.
    """
    path = folder / name
    if name in ("", ".", "..") or "/" in name or os.sep in name or (os.altsep or "/") in name:
        raise PackError(f"{path}: not a file name of the pack's own folder")
    if path.is_symlink():  # also where the system cannot refuse links when opening
        raise PackError(f"{path}: {_LINK}")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PackError(f"{path}: {_LINK}") from None
        raise PackError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise PackError(
            f"{path}: not a regular file (a folder, device or pipe); a pack holds files only"
        )
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise PackError(f"{path}: larger than {_size_text(limit)}, more than a pack needs")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise PackError(f"{path}: larger than {_size_text(limit)}, more than a pack needs")
    return data


def check_pack_folder(folder: str | Path) -> None:
    """Refuse a pack folder holding more bytes or files than the limits allow.

    Walks the folder (without following links) and stops as soon as a limit is passed.
    Raises :class:`PackError` naming the folder and the limit.
    """
    folder = Path(folder)
    total = 0
    count = 0
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            count += 1
            if count > _limits.MAX_PACK_FILES:
                raise PackError(
                    f"{folder}: the pack folder holds more than {_limits.MAX_PACK_FILES} files; "
                    "a pack needs pack.toml, messages.po and one .docx per document kind"
                )
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                pending.append(Path(entry.path))
            elif stat.S_ISREG(info.st_mode):
                total += info.st_size
                if total > _limits.MAX_PACK_BYTES:
                    limit = _limits.MAX_PACK_BYTES // MiB
                    raise PackError(f"{folder}: the pack folder holds more than {limit} MiB")
