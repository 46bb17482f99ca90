"""A pack's files: only its own regular files are read, each within its size limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from familyplan_docs import PackError, load_pack
from familyplan_docs.packs.files import has_pack_file, read_pack_file
from tests.helpers import make_docx, make_pack

SECRET = "another family's CPR number 140386-1282"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f'name = "x"\nlocale = "da_DK"\n# {SECRET}\n', encoding="utf-8")
    return path


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "pack.toml").write_bytes(b"name = 'x'")
    assert read_pack_file(tmp_path, "pack.toml", 100) == b"name = 'x'"


@pytest.mark.parametrize("name", ["pack.toml", "messages.po", "flyer.docx"])
def test_a_link_is_refused_and_its_target_never_read(
    tmp_path: Path, secret: Path, name: str
) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / name).symlink_to(secret)
    with pytest.raises(PackError, match="symbolic link") as caught:
        read_pack_file(folder, name, 1_000_000)
    assert SECRET not in str(caught.value)


def test_a_link_to_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge"
    with huge.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: 2 GiB that take no disk
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "pack.toml").symlink_to(huge)
    with pytest.raises(PackError, match="symbolic link"):
        read_pack_file(folder, "pack.toml", 1_000)


def test_a_file_over_its_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "messages.po").write_bytes(b"x" * 1_001)
    with pytest.raises(PackError, match="larger than 0 KiB"):
        read_pack_file(tmp_path, "messages.po", 1_000)


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_what_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "pack.toml"
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)  # opening a pipe for reading would wait for a writer forever
    with pytest.raises(PackError, match="not a regular file"):
        read_pack_file(tmp_path, "pack.toml", 1_000)


@pytest.mark.parametrize("name", ["../pack.toml", "/etc/passwd", "sub/pack.toml", ".."])
def test_a_name_with_a_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(PackError, match="not a file name"):
        read_pack_file(tmp_path, name, 1_000)


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_pack_file(tmp_path, "messages.po", 1_000)


def test_a_dangling_link_still_counts_as_present(tmp_path: Path) -> None:
    (tmp_path / "flyer.docx").symlink_to(tmp_path / "nowhere.docx")
    assert has_pack_file(tmp_path, "flyer.docx")
    assert not has_pack_file(tmp_path, "agenda.docx")


def test_a_linked_document_is_refused_not_replaced_by_the_parents(tmp_path: Path) -> None:
    """The pack names a flyer; it must not silently get the parent's flyer instead."""
    other = make_docx(tmp_path / "elsewhere" / "other-family.docx", SECRET)
    folder = make_pack(tmp_path / "org", "org")
    (folder / "flyer.docx").symlink_to(other)
    pack = load_pack(folder)
    assert "flyer" in pack.own_kinds()
    with pytest.raises(PackError, match=r"flyer\.docx: is a symbolic link"):
        pack.document("flyer")


def test_a_linked_catalog_breaks_the_pack_when_it_loads(tmp_path: Path, secret: Path) -> None:
    folder = make_pack(tmp_path / "org", "org")
    (folder / "messages.po").symlink_to(secret)
    with pytest.raises(PackError, match=r"messages\.po: is a symbolic link") as caught:
        load_pack(folder)
    assert SECRET not in str(caught.value)
