"""Checking the Authorization header against the API keys."""

from __future__ import annotations

import pytest

from familyplan_docs.service.keys import KeyRing

KEYS = ("first-key-0123456789", "second-key-0123456789")


@pytest.mark.parametrize("key", KEYS)
def test_every_configured_key_is_accepted(key: str) -> None:
    assert KeyRing(KEYS).accepts(f"Bearer {key}")
    assert KeyRing(KEYS).accepts(f"bearer {key}")


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer first-key", "Bearer first-key-01234567890", "Basic x", KEYS[0]],
)
def test_anything_else_is_refused(header: str | None) -> None:
    assert not KeyRing(KEYS).accepts(header)


def test_without_keys_every_request_is_accepted() -> None:
    ring = KeyRing(())
    assert ring.open
    assert ring.accepts(None)
