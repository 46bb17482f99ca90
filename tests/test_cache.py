"""The persistent cache: what is kept is the same as what is made, and a bad cache is never used.

Every test has its own cache folder (``FAMILYPLAN_DOCS_CACHE``), so none touches the user's.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from familyplan_docs import _cache, _limits
from familyplan_docs._kinds import KINDS
from familyplan_docs.netmap import draw, text
from familyplan_docs.packs.builtin import samples_root
from familyplan_docs.render.compiled import template as compiled_module

SAMPLE = samples_root() / "da" / "familien-haddad.json"
KEY = "ab" * 32


@pytest.fixture
def folder(cache_folder: Path) -> Iterator[Path]:
    compiled_module.clear_cache()
    yield cache_folder
    compiled_module.clear_cache()


def _store(folder: Path) -> _cache.Store:
    store = _cache.store()
    assert store is not None and store.folder == folder
    return store


def _entries(folder: Path, namespace: str) -> list[Path]:
    return sorted(p for p in (folder / _cache.FORMAT / namespace).rglob("*") if p.is_file())


def test_an_entry_reads_back_as_written(folder: Path) -> None:
    store = _store(folder)
    store.put("test", KEY, b"payload \x00\xff")
    assert store.get("test", KEY) == b"payload \x00\xff"
    assert store.get("test", "cd" * 32) is None


def test_the_folder_and_secret_are_private(folder: Path) -> None:
    _store(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "secret").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "damage",
    ["truncated", "flipped", "empty", "magic", "foreign", "swapped", "link"],
)
def test_a_damaged_or_foreign_entry_is_never_used_and_is_deleted(
    folder: Path, damage: str, tmp_path: Path
) -> None:
    store = _store(folder)
    store.put("test", KEY, b"the real payload")
    store.put("test", "cd" * 32, b"another payload")
    (path,) = [p for p in _entries(folder, "test") if p.name == KEY]
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[:-3])
    elif damage == "flipped":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "magic":
        path.write_bytes(b"X" + data[1:])
    elif damage == "foreign":  # made with another secret (another user, another machine)
        other = _cache.Store(folder, b"\x01" * 32, _limits.CACHE_MAX_BYTES)
        other.put("test", KEY, b"an attacker's payload")
    elif damage == "swapped":  # a valid entry of another key, moved here
        (other_path,) = [p for p in _entries(folder, "test") if p.name == "cd" * 32]
        os.replace(other_path, path)
    elif damage == "link":
        target = tmp_path / "elsewhere"
        target.write_bytes(data)
        path.unlink()
        path.symlink_to(target)
    assert store.get("test", KEY) is None
    assert not path.exists() or damage == "link"


@pytest.mark.parametrize("mode", [0o770, 0o707])
def test_a_folder_others_can_write_to_turns_the_cache_off(folder: Path, mode: int) -> None:
    folder.mkdir(parents=True)
    folder.chmod(mode)
    assert _cache.store() is None


def test_a_secret_others_can_read_turns_the_cache_off(folder: Path) -> None:
    _store(folder)
    (folder / "secret").chmod(0o644)
    _cache._opened.clear()
    assert _cache.store() is None


def test_the_environment_variable_and_disable_turn_the_cache_off(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_cache.ENV_VAR, "off")
    assert _cache.store() is None
    monkeypatch.setenv(_cache.ENV_VAR, str(folder))
    assert _cache.store() is not None
    _cache.disable()
    assert _cache.store() is None


def test_the_folder_stays_within_its_bound_keeping_the_latest(folder: Path) -> None:
    store = _store(folder)
    store.max_bytes = 64 * 1024
    for n in range(40):
        key = f"{n:064x}"
        store.put("test", key, bytes(4096))
        os.utime(store._path("test", key), (1_000_000 + n, 1_000_000 + n))  # used in order
    store.evict()
    total = sum(p.stat().st_size for p in _entries(folder, "test"))
    assert total <= 64 * 1024
    assert store.get("test", f"{39:064x}") == bytes(4096)
    assert store.get("test", f"{0:064x}") is None


def _hammer(folder: str, worker: int, rounds: int) -> list[str]:
    os.environ[_cache.ENV_VAR] = folder
    _cache._opened.clear()
    store = _cache.store()
    assert store is not None
    wrong = []
    for n in range(rounds):
        key = f"{n % 5:064x}"
        payload = (f"entry {n % 5} " * 2000).encode()  # the same bytes from every worker
        store.put("test", key, payload)
        got = store.get("test", key)
        if got not in (None, payload):
            wrong.append(f"worker {worker} read a wrong entry for {n % 5}")
    return wrong


def test_concurrent_processes_only_ever_see_whole_entries(folder: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        results = pool.starmap(_hammer, [(str(folder), w, 200) for w in range(4)])
    assert [line for lines in results for line in lines] == []
    assert len({(folder / "secret").read_bytes()}) == 1
    assert not [p for p in (folder / _cache.FORMAT).rglob(".tmp-*")]


def _forget() -> None:
    """Forget what this process keeps in memory, so the next render reads the cache folder."""
    compiled_module.clear_cache()
    draw._background.cache_clear()
    text._faces.cache_clear()


def _render(out: Path, sample: Path = SAMPLE) -> dict[str, bytes]:
    """The sample's documents and its pack's blank forms, by file name."""
    from familyplan_docs import load_plan, render, render_blank

    render(load_plan(sample), out / "filled")
    render_blank(out / "blank", locale=sample.parent.name)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.docx"))}


@pytest.mark.parametrize("sample", sorted(samples_root().glob("*/*.json")), ids=lambda p: p.stem)
def test_documents_are_the_same_with_the_cache_empty_warm_off_and_damaged(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: Path
) -> None:
    _forget()
    empty = _render(tmp_path / "empty", sample)
    assert len(empty) == 2 * len(KINDS)
    _forget()
    warm = _render(tmp_path / "warm", sample)
    for path in folder.rglob("*"):  # damage every entry: flip its last byte
        if path.is_file() and path.name != "secret":
            data = path.read_bytes()
            path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    _forget()
    damaged = _render(tmp_path / "damaged", sample)
    monkeypatch.setenv(_cache.ENV_VAR, "off")
    _forget()
    off = _render(tmp_path / "off", sample)
    assert empty == warm == damaged == off


def test_bytecode_from_a_foreign_entry_is_never_unmarshalled(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2.bccache

    _render(tmp_path / "first")
    foreign = _cache.Store(folder, b"\x02" * 32, _limits.CACHE_MAX_BYTES)
    for path in _entries(folder, "jinja"):
        foreign.put("jinja", path.name, b"not bytecode: marshal must never see this")
    real = jinja2.bccache.marshal
    seen: list[bytes] = []

    class Spy:
        """Jinja's marshal, recording what it is given."""

        @staticmethod
        def load(f: BinaryIO) -> object:
            data = f.read()
            seen.append(data)
            return real.loads(data)

        dump = staticmethod(real.dump)

    monkeypatch.setattr(jinja2.bccache, "marshal", Spy)
    compiled_module.clear_cache()
    second = _render(tmp_path / "second")
    compiled_module.clear_cache()
    third = _render(tmp_path / "third")  # now from the entries the second render replaced
    assert second == third
    assert seen, "the third render loaded no bytecode"
    assert not [data for data in seen if b"marshal must never see" in data]


def test_no_cache_holds_for_the_workers_of_a_folder_of_plans(folder: Path, tmp_path: Path) -> None:
    from familyplan_docs._cli import main

    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("one", "two"):
        (plans / f"{name}.json").write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    argv = ["render", str(plans), "--out", str(out), "--documents", "flyer,network_map"]
    assert main([*argv, "--jobs", "2", "--no-cache"]) == 0
    assert sorted(p.parent.name for p in out.rglob("flyer.docx")) == ["one", "two"]
    assert not [p for p in folder.rglob("*") if p.is_file() and p.name != "secret"]
