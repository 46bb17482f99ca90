"""Atomic files and staging folders: written whole or not at all, nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyplan_docs._files import STAGING_PREFIX, atomic_save, atomic_write, staging_folder


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_an_atomic_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "plan.json"
    atomic_write(target, "first")
    atomic_write(target, "second ÆØÅ")
    assert target.read_text(encoding="utf-8") == "second ÆØÅ"
    assert _leftovers(target.parent) == []


def test_a_failed_save_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_save(target, broken, suffix=".xlsx")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_a_staging_folder_is_removed_with_its_contents_on_failure(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), staging_folder(tmp_path, "render") as staging:
        (staging / "family_plan.docx").write_bytes(b"personal data")
        assert staging.name.startswith(f"{STAGING_PREFIX}render-")
        raise RuntimeError("stop")
    assert _leftovers(tmp_path) == []


def test_what_is_moved_out_of_a_staging_folder_stays(tmp_path: Path) -> None:
    with staging_folder(tmp_path, "render") as staging:
        (staging / "a.docx").write_bytes(b"x")
        (staging / "a.docx").rename(tmp_path / "a.docx")
    assert (tmp_path / "a.docx").read_bytes() == b"x"
    assert _leftovers(tmp_path) == []
