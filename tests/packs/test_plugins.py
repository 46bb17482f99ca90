"""Packs other Python packages offer: the entry points are the installed ones, kept or not."""

from __future__ import annotations

import importlib.metadata
import zipfile
from pathlib import Path

import pytest

from familyplan_docs import _cache
from familyplan_docs.packs import plugins
from familyplan_docs.packs.discovery import ENTRY_POINT_GROUP


@pytest.fixture
def cache(cache_folder: Path) -> Path:
    return cache_folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time the installed packages' metadata is read, the group's name."""
    done: list[str] = []
    real = plugins._read

    def counted(group: str) -> list[tuple[str, str]]:
        done.append(group)
        return real(group)

    monkeypatch.setattr(plugins, "_read", counted)
    return done


def _installed(group: str) -> list[tuple[str, str]]:
    return [(ep.name, ep.value) for ep in importlib.metadata.entry_points(group=group)]


def _listed(group: str = ENTRY_POINT_GROUP) -> list[tuple[str, str]]:
    return [(ep.name, ep.value) for ep in plugins.entry_points(group)]


def _dist_info(folder: Path, name: str, entry_points: str) -> Path:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    return info


def test_the_entry_points_are_the_installed_ones_and_read_once(
    cache: Path, reads: list[str]
) -> None:
    assert _listed() == _installed(ENTRY_POINT_GROUP)
    assert _listed() == _installed(ENTRY_POINT_GROUP)
    assert reads == [ENTRY_POINT_GROUP]  # the second time from the cache


def test_installing_or_changing_a_package_reads_the_metadata_again(
    cache: Path, reads: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = _listed()
    info = _dist_info(site, "acme_packs", f"[{ENTRY_POINT_GROUP}]\nacme = acme_packs:root\n")
    assert _listed() == [("acme", "acme_packs:root"), *before]
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nacme = acme_packs:other\n")
    assert _listed() == [("acme", "acme_packs:other"), *before]
    assert _listed() == _installed(ENTRY_POINT_GROUP)
    assert len(reads) == 3


def test_a_zip_on_the_path_or_no_cache_reads_the_metadata_every_time(
    cache: Path, reads: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "lib.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("nothing.py", "")
    monkeypatch.syspath_prepend(str(archive))
    _listed()
    _listed()
    monkeypatch.syspath_prepend(str(tmp_path))  # the zip stays on the path
    monkeypatch.setenv(_cache.ENV_VAR, "off")
    _listed()
    assert len(reads) == 3


def test_a_damaged_kept_list_is_read_again(cache: Path, reads: list[str]) -> None:
    _listed()
    for path in cache.rglob("*"):
        if path.is_file() and path.name != "secret":
            path.write_bytes(path.read_bytes()[:-1] + b"!")
    assert _listed() == _installed(ENTRY_POINT_GROUP)
    assert len(reads) == 2


@pytest.mark.parametrize(
    "value",
    ["familyplan_docs.packs.builtin:templates_root", "familyplan_docs.packs.builtin : da [x]"],
)
def test_an_entry_point_loads_what_importlib_loads(value: str) -> None:
    theirs = importlib.metadata.EntryPoint("x", value, ENTRY_POINT_GROUP).load()
    assert plugins.EntryPoint("x", value).load() is theirs


def test_an_entry_point_that_names_nothing_fails_when_loaded() -> None:
    with pytest.raises(ValueError, match="not an entry point"):
        plugins.EntryPoint("x", "not a module!").load()
    with pytest.raises(AttributeError):
        plugins.EntryPoint("x", "familyplan_docs.packs.builtin:missing").load()
