"""Writing output safely: atomic files and staging folders that leave nothing behind.

Every file the library writes goes through here. A file is written to a temporary name
beside its target and moved into place (:func:`atomic_write`, :func:`atomic_save`); a set
of files is prepared in a staging folder beside the output (:func:`staging_folder`). On
any failure the temporary file or folder is removed, so a failed run leaves neither a
half-written file nor a copy of personal data.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["STAGING_PREFIX", "atomic_save", "atomic_write", "staging_folder"]

STAGING_PREFIX = ".familyplan-"
"""The name prefix of every temporary file and folder the library makes beside its output."""


def atomic_save(target: str | Path, save: Callable[[Path], None], *, suffix: str = "") -> Path:
    """Call *save* with a temporary path beside *target*, then move the result into place.

    The temporary file is removed when *save* or the move fails, whatever the error.
    Returns *target* as a :class:`~pathlib.Path`.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        save(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
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
    folder's name (``.familyplan-<purpose>-…``) so a stray folder says where it came from.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{purpose}-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
