"""The service's settings: where it listens, its packs, who may call it, and its limits.

Nothing here imports a third-party package, so the command line can read and check the
settings without the ``serve`` extra installed.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import _limits
from .._errors import FamilyPlanError

__all__ = [
    "API_KEYS_ENV",
    "API_KEY_FILE_ENV",
    "MIN_KEY_LENGTH",
    "Limits",
    "ServiceConfig",
    "ServiceError",
    "api_keys",
    "is_loopback",
]

API_KEYS_ENV = "FAMILYPLAN_DOCS_API_KEYS"
"""Environment variable holding the API keys, separated by commas."""

API_KEY_FILE_ENV = "FAMILYPLAN_DOCS_API_KEY_FILE"
"""Environment variable naming a key file (one key a line), as ``--api-key-file`` does."""

MIN_KEY_LENGTH = 16
"""The shortest API key accepted, in characters; a shorter one is too easy to guess."""


class ServiceError(FamilyPlanError):
    """The service cannot start as configured (no keys, a bad key file, a broken pack)."""


@dataclass(frozen=True)
class Limits:
    """What one request may cost; the defaults are in :mod:`familyplan_docs._limits`."""

    header_seconds: float = _limits.SERVICE_HEADER_SECONDS
    read_seconds: float = _limits.SERVICE_READ_SECONDS
    render_seconds: float = _limits.SERVICE_RENDER_SECONDS
    pdf_seconds: float = _limits.SERVICE_PDF_SECONDS
    request_seconds: float = _limits.SERVICE_REQUEST_SECONDS
    queue_per_worker: int = _limits.SERVICE_QUEUE_PER_WORKER
    queue_seconds: float = _limits.SERVICE_QUEUE_SECONDS
    connections: int = _limits.SERVICE_CONNECTIONS
    shutdown_seconds: float = _limits.SERVICE_SHUTDOWN_SECONDS
    json_bytes: int = _limits.MAX_JSON_BYTES
    workbook_bytes: int = _limits.WORKBOOK_MAX_FILE_BYTES


@dataclass(frozen=True)
class ServiceConfig:
    """Everything ``familyplan-docs serve`` needs to start.

    *keys* are the accepted API keys (see :func:`api_keys`); with none, the service starts
    only when *insecure_no_auth* is set and *host* is a loopback address. *pdf* None
    offers PDF when LibreOffice is installed; False never offers it.
    """

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    templates: tuple[str, ...] = ()
    keys: tuple[str, ...] = field(default=(), repr=False)
    insecure_no_auth: bool = False
    pdf: bool | None = None
    limits: Limits = field(default_factory=Limits)
    warm: bool = True
    cache: bool = True
    """Whether the workers use the persistent cache of compiled templates (``--no-cache``)."""
    """Render every pack once in each worker at start; False only to test the HTTP side."""

    @property
    def queue(self) -> int:
        """How many requests may wait for a worker."""
        return self.workers * self.limits.queue_per_worker

    def check(self) -> None:
        """Raise :class:`ServiceError` when the service must not start with these settings."""
        if self.workers < 1:
            raise ServiceError("--workers must be at least 1")
        if not 0 <= self.port <= 65535:
            raise ServiceError(f"--port {self.port} is not a port number")
        short = [n for n, key in enumerate(self.keys, 1) if len(key) < MIN_KEY_LENGTH]
        if short:
            raise ServiceError(
                f"API key number {', '.join(map(str, short))} is shorter than "
                f"{MIN_KEY_LENGTH} characters; use long random keys "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        if self.keys:
            return
        if not self.insecure_no_auth:
            raise ServiceError(
                f"no API keys: set {API_KEYS_ENV} (comma-separated) or give --api-key-file; "
                "for a trial on this computer only, --insecure-no-auth with a loopback --host"
            )
        if not is_loopback(self.host):
            raise ServiceError(
                f"--insecure-no-auth is allowed only on a loopback address (127.0.0.1, ::1, "
                f"localhost), not on {self.host!r}; configure API keys instead"
            )


def is_loopback(host: str) -> bool:
    """True when *host* is ``localhost`` or a loopback IP address (127.0.0.0/8, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def api_keys(environ: Mapping[str, str], key_file: str | Path | None = None) -> tuple[str, ...]:
    """Return the API keys of *environ*'s :data:`API_KEYS_ENV` and the key file.

    The key file is *key_file*, else the one :data:`API_KEY_FILE_ENV` names: one key a
    line, blank lines and lines starting with ``#`` left out. Surrounding spaces are
    stripped; duplicates are kept once. Raises :class:`ServiceError` when the file cannot
    be read (its contents are never quoted).
    """
    keys = [part.strip() for part in environ.get(API_KEYS_ENV, "").split(",")]
    path = key_file or environ.get(API_KEY_FILE_ENV, "").strip() or None
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ServiceError(
                f"{path}: the API key file cannot be read ({type(exc).__name__})"
            ) from None
        keys += [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    return tuple(dict.fromkeys(key for key in keys if key))
