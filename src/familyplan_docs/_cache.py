"""The persistent cache: work a fresh process would do again, kept in the user's cache folder.

What is kept (compiled templates, Jinja bytecode, the map's drawn rings and its fonts) is
decided by the modules that make it; this module only stores bytes under a namespace and
a key, and is the one place that reads or writes the cache folder.

A cache is input too. Every entry is written as ``MAGIC | HMAC | payload``, the HMAC-SHA256
over the namespace, the key and the payload with a secret made for this user
(``secret``, 32 random bytes, mode 0600, in the cache folder). An entry is used only when
its HMAC checks out; otherwise it is deleted and the caller makes the work again. So a
damaged, truncated, swapped (an entry moved to another key) or foreign entry (copied from
another machine or written by anyone who cannot read the secret) is never used, and Jinja
bytecode (marshal data: code) is loaded only after that check. The cache is off when the
folder or the secret is not safe (not owned by this user, writable by others, a link):
the program then does the work itself, as with ``--no-cache``.

Writes go to a temporary file in the entry's folder and are moved into place, so
concurrent processes only ever see whole entries. The folder is kept below
:data:`familyplan_docs._limits.CACHE_MAX_BYTES`: the entries used longest ago go first.

``FAMILYPLAN_DOCS_CACHE`` relocates the cache (a folder) or turns it off (``off``); the
command line's ``--no-cache`` turns it off for one run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.util
import os
import secrets
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import _limits

__all__ = [
    "ENV_VAR",
    "Store",
    "digest",
    "disable",
    "disabled",
    "library_stamp",
    "package_fingerprint",
    "store",
]

ENV_VAR = "FAMILYPLAN_DOCS_CACHE"
"""A folder for the cache, or ``off``; unset: the user's cache folder (``platformdirs``)."""

FORMAT = "v1"
MAGIC = b"FPDCACHE1\n"
_MAC_SIZE = 32
_SECRET = "secret"
_SECRET_SIZE = 32
_TMP_PREFIX = ".tmp-"
_STALE_TMP_SECONDS = 3600.0
_TOUCH_AFTER_SECONDS = 3600.0
"""A used entry's time is brought forward (for eviction) at most once an hour."""
_EVICT_EVERY_PUTS = 64
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def digest(*parts: bytes | str) -> str:
    """A SHA-256 hex digest of *parts*, each length-prefixed (so no two lists collide)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@functools.cache
def package_fingerprint() -> str:
    """A digest of this package's code (every ``.py`` file) and of the Python running it.

    Part of every key, so an entry made by other code (another release, an edited
    checkout, another Python) is never looked up. Each file counts by its path, size and
    modification time, as Python's own bytecode cache judges a source file, without
    reading the files (which cost every fresh process milliseconds).
    """
    root = Path(__file__).parent
    parts: list[bytes | str] = [sys.version, sys.implementation.cache_tag or ""]
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "templates", "samples"))
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                info = os.stat(path)
                parts += [os.path.relpath(path, root), f"{info.st_size}:{info.st_mtime_ns}"]
    return digest(*parts)


def library_stamp(name: str) -> str:
    """The installed package *name* (where it is, the size and time of its ``__init__``).

    Installing another version rewrites the file, so the stamp changes; found without
    importing the package or reading its metadata (both cost a fresh process time).
    """
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return f"{name}:-"
    info = os.stat(spec.origin)
    return f"{name}:{spec.origin}:{info.st_size}:{info.st_mtime_ns}"


class UnsafeCache(Exception):
    """The cache folder or its secret cannot be trusted; the cache stays off."""


def _owned_by_me(info: os.stat_result) -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or info.st_uid == geteuid()


def _check_folder(folder: Path) -> None:
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeCache(f"{folder} is not a folder")
    if os.name == "posix" and (not _owned_by_me(info) or info.st_mode & 0o022):
        raise UnsafeCache(f"{folder} is not owned by this user or others can write to it")


def _read_secret(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _BINARY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnsafeCache(f"{path} cannot be opened safely ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != _SECRET_SIZE:
            raise UnsafeCache(f"{path} is not a {_SECRET_SIZE}-byte file")
        if os.name == "posix" and (not _owned_by_me(info) or info.st_mode & 0o077):
            raise UnsafeCache(f"{path} is not owned by this user alone (mode 0600)")
        return handle.read()


def _secret(folder: Path) -> bytes:
    """The folder's secret, made once (atomically: the first process to publish it wins)."""
    path = folder / _SECRET
    known = _read_secret(path)
    if known is not None:
        return known
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=folder)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(_SECRET_SIZE))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # never replaces a secret another process published
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    known = _read_secret(path)
    if known is None:
        raise UnsafeCache(f"{path} could not be made")
    return known


class Store:
    """Entries (bytes) by namespace and key in one folder, authenticated with its secret."""

    def __init__(self, folder: Path, secret: bytes, max_bytes: int) -> None:
        self.folder = folder
        self._secret = secret
        self.max_bytes = max_bytes
        self._puts = 0
        self._lock = threading.Lock()

    @classmethod
    def open(cls, folder: Path) -> Store:
        """The store in *folder* (made, mode 0700); :class:`UnsafeCache` when not safe."""
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_folder(folder)
        return cls(folder, _secret(folder), _limits.CACHE_MAX_BYTES)

    def _path(self, namespace: str, key: str) -> Path:
        if not (namespace.isidentifier() and key.isalnum() and key.isascii()):
            raise ValueError("cache namespaces are identifiers and keys are hex digests")
        return self.folder / FORMAT / namespace / key[:2] / key

    def _mac(self, namespace: str, key: str, payload: bytes) -> bytes:
        mac = hmac.new(self._secret, MAGIC, hashlib.sha256)
        mac.update(f"{namespace}\0{key}\0".encode("ascii"))
        mac.update(payload)
        return mac.digest()

    def get(self, namespace: str, key: str) -> bytes | None:
        """The payload stored under *key*, or None (missing, damaged or not ours: deleted)."""
        path = self._path(namespace, key)
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _BINARY)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            limit = _limits.CACHE_MAX_ENTRY_BYTES + len(MAGIC) + _MAC_SIZE
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                data = b""
            else:
                data = handle.read(limit + 1)
        head = len(MAGIC) + _MAC_SIZE
        payload = data[head:]
        if not (
            len(data) >= head
            and data.startswith(MAGIC)
            and hmac.compare_digest(data[len(MAGIC) : head], self._mac(namespace, key, payload))
        ):
            with contextlib.suppress(OSError):
                os.unlink(path)
            return None
        if time.time() - info.st_mtime > _TOUCH_AFTER_SECONDS:
            with contextlib.suppress(OSError):
                os.utime(path)
        return payload

    def put(self, namespace: str, key: str, payload: bytes) -> None:
        """Store *payload* under *key* (atomically; a failure to write is ignored)."""
        if len(payload) > _limits.CACHE_MAX_ENTRY_BYTES:
            return
        path = self._path(namespace, key)
        data = MAGIC + self._mac(namespace, key, payload) + payload
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return  # a full disk or a read-only folder: the cache is only a cache
        with self._lock:
            self._puts += 1
            due = self._puts == 1 or self._puts % _EVICT_EVERY_PUTS == 0
        if due:
            self.evict()

    def evict(self) -> None:
        """Delete the entries used longest ago until the folder is within its bound.

        Also deletes temporary files older than an hour (left by a process that died while
        writing). Safe while other processes read and write: a file deleted while open is
        still read whole, and a missing one is a miss.
        """
        entries: list[tuple[float, int, str]] = []
        total = 0
        now = time.time()
        for root, _dirs, files in os.walk(self.folder / FORMAT):
            for name in files:
                path = os.path.join(root, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                if name.startswith(_TMP_PREFIX):
                    if now - info.st_mtime > _STALE_TMP_SECONDS:
                        with contextlib.suppress(OSError):
                            os.unlink(path)
                    continue
                entries.append((info.st_mtime, info.st_size, path))
                total += info.st_size
        if total <= self.max_bytes:
            return
        entries.sort()
        goal = self.max_bytes * 0.8
        for _mtime, size, path in entries:
            if total <= goal:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size


_state_lock = threading.Lock()
_opened: dict[str, Store | None] = {}
_off = False


def disable() -> None:
    """Turn the cache off for the rest of this process (``--no-cache``).

    Worker processes do not inherit this: whoever starts them passes it on
    (:func:`disabled`; a folder of plans does, in ``_batch``).
    """
    global _off
    _off = True


def disabled() -> bool:
    """Whether :func:`disable` turned the cache off in this process."""
    return _off


def _default_folder() -> Path | None:
    setting = os.environ.get(ENV_VAR, "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    from platformdirs import user_cache_path  # only when the cache is used

    return user_cache_path("familyplan-docs", appauthor=False)


def store() -> Store | None:
    """The process's store, or None when the cache is off or its folder is not safe."""
    if _off:
        return None
    folder = _default_folder()
    if folder is None:
        return None
    name = str(folder)
    with _state_lock:
        if name not in _opened:
            try:
                _opened[name] = Store.open(folder)
            except (OSError, UnsafeCache) as exc:
                _opened[name] = None
                if os.environ.get("FAMILYPLAN_DOCS_CACHE_DEBUG"):
                    print(f"familyplan-docs: cache off: {exc}", file=sys.stderr)
        return _opened[name]
