"""The service's settings: API keys from the environment and a key file, safe starts only."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyplan_docs.service.options import (
    API_KEY_FILE_ENV,
    API_KEYS_ENV,
    ServiceConfig,
    ServiceError,
    api_keys,
    is_loopback,
)

LONG = "k" * 24


def test_keys_come_from_the_environment_comma_separated() -> None:
    assert api_keys({API_KEYS_ENV: f" {LONG}a , ,{LONG}b,{LONG}a"}) == (f"{LONG}a", f"{LONG}b")


def test_a_key_file_holds_one_key_a_line_without_comments(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text(f"# the case system\n{LONG}1\n\n  {LONG}2  \n", encoding="utf-8")
    assert api_keys({}, path) == (f"{LONG}1", f"{LONG}2")
    assert api_keys({API_KEY_FILE_ENV: str(path), API_KEYS_ENV: LONG}) == (
        LONG,
        f"{LONG}1",
        f"{LONG}2",
    )


def test_an_unreadable_key_file_is_refused_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_bytes(b"\xff" + LONG.encode())
    with pytest.raises(ServiceError) as info:
        api_keys({}, path)
    assert LONG not in str(info.value)


def test_without_keys_only_an_insecure_loopback_server_may_start() -> None:
    with pytest.raises(ServiceError, match="no API keys"):
        ServiceConfig().check()
    with pytest.raises(ServiceError, match="loopback"):
        ServiceConfig(host="0.0.0.0", insecure_no_auth=True).check()
    ServiceConfig(host="127.0.0.1", insecure_no_auth=True).check()
    ServiceConfig(host="0.0.0.0", keys=(LONG,)).check()


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ServiceError, match="number 2"):
        ServiceConfig(keys=(LONG, "short")).check()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
