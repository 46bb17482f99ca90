"""Checking an ``Authorization: Bearer <key>`` header against the configured API keys."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

__all__ = ["KeyRing"]


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()


class KeyRing:
    """The accepted API keys, held as SHA-256 digests and compared in constant time.

    Every key is compared (no early exit), and the digests all have the same length, so
    the time taken says nothing about which key, or how much of one, matched. An empty
    ring accepts every request (the service starts so only with ``--insecure-no-auth``
    on a loopback address).
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self._digests = tuple(_digest(key) for key in keys)

    @property
    def open(self) -> bool:
        """True when no key is configured: every request is accepted."""
        return not self._digests

    def accepts(self, authorization: str | None) -> bool:
        """True when *authorization* (the header's value) is ``Bearer`` and a known key."""
        if self.open:
            return True
        if not authorization:
            return False
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        given = _digest(token.strip())
        found = False
        for digest in self._digests:
            found |= hmac.compare_digest(given, digest)
        return found
