"""Atomic files and staging folders: written whole or not at all, nothing left behind."""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs import OutputError, _files
from familyplan_docs._cli import main
from familyplan_docs._files import STAGING_PREFIX, atomic_save, atomic_write, staging_folder
from tests.helpers import SAMPLES, make_docx, make_pack


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

    with pytest.raises(OutputError, match="disk full"):
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


# --- left over from an earlier run -----------------------------------------------------------


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert done.returncode == 0
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _owned(folder: Path, pid: int, host: str = _files._HOST, purpose: str = "render") -> Path:
    path = folder / f"{STAGING_PREFIX}{purpose}-{host}-{pid}-abcd1234"
    path.mkdir()
    (path / "family_plan.docx").write_bytes(b"personal data")
    return path


def test_a_folder_left_by_a_process_that_died_goes_at_the_next_start(tmp_path: Path) -> None:
    left = _owned(tmp_path, _dead_pid())
    running = _owned(tmp_path, os.getppid(), purpose="distribute")  # its owner still runs
    with staging_folder(tmp_path, "render"):
        pass
    assert not left.exists()
    assert running.exists()


def test_a_folder_of_another_host_goes_only_when_it_is_old(tmp_path: Path) -> None:
    recent = _owned(tmp_path, 1, host="00000000")
    old = _owned(tmp_path, 2, host="00000000", purpose="convert")
    old_file = tmp_path / f"{STAGING_PREFIX}k1x2y3.json"  # an earlier version's name
    old_file.write_text("{}")
    day_and_more = time.time() - _files.STALE_SECONDS - 60
    for path in (old, old_file):
        os.utime(path, (day_and_more, day_and_more))
    assert sorted(_files.remove_stale(tmp_path)) == sorted([old, old_file])
    assert recent.exists()


# --- the command line: every way out leaves nothing behind ------------------------------------

SLOW = "{% for i in range(100000) %}{% for j in range(90) %}{% endfor %}{% endfor %}"
"""A template that renders for many seconds (well within the render limits)."""


def _slow_render(tmp_path: Path, tiny: dict[str, Any]) -> tuple[subprocess.Popen[bytes], Path]:
    pack = make_pack(tmp_path / "packs" / "slow", "slow")
    make_docx(pack / "family_plan.docx", SLOW)
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(tiny), encoding="utf-8")
    out = tmp_path / "work" / "out"
    out.parent.mkdir()
    command = [
        sys.executable, "-m", "familyplan_docs", "render", str(source), "--out", str(out),
        "--templates", str(tmp_path / "packs"), "--locale", "slow",
        "--documents", "flyer,family_plan",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the flyer, with the family's data, is written
        if list(out.parent.glob(f"{STAGING_PREFIX}render-*/flyer.docx")):
            return process, out
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.kill()
    process.communicate()
    raise AssertionError("the render never staged the flyer")


@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGHUP, -signal.SIGHUP), (signal.SIGINT, 130)],
)
def test_a_signal_during_a_render_leaves_nothing_behind(
    tmp_path: Path, tiny: dict[str, Any], signum: int, status: int
) -> None:
    process, out = _slow_render(tmp_path, tiny)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert list(out.parent.iterdir()) == []  # no staging folder, no half output


def test_after_sigkill_the_next_run_clears_what_the_killed_one_left(
    tmp_path: Path, tiny: dict[str, Any]
) -> None:
    process, out = _slow_render(tmp_path, tiny)
    process.kill()
    process.communicate(timeout=60)
    left = [p.name for p in out.parent.iterdir()]
    assert len(left) == 1 and left[0].startswith(f"{STAGING_PREFIX}render-")  # personal data
    source = tmp_path / "plan.json"
    done = subprocess.run(
        [sys.executable, "-m", "familyplan_docs", "render", str(source),
         "--out", str(out.parent / "again"), "--documents", "flyer"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["again"]


def test_export_to_a_folder_says_so_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plan.json"
    folder.mkdir()
    assert main(["export", str(SAMPLES[0].with_suffix(".xlsx")), "--out", str(folder)]) == 1
    assert "is a folder; give the name of a file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
    assert list(folder.iterdir()) == []


def test_render_to_a_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    target.write_text("a file")
    assert main(["render", str(SAMPLES[0]), "--out", str(target)]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _staged(path: Any) -> bool:
    return any(part.startswith(STAGING_PREFIX) for part in Path(os.fsdecode(path)).parts)


class _FullFile(io.FileIO):
    """A file on a full disk: it opens, and no byte can be written to it."""

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.name)


def _simulate_disk(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Make the disk full (files are made, nothing goes in) or read-only (nothing is made)
    for the library's temporary files and folders, which are where it writes first."""
    real_open, real_mkdir, real_io_open = os.open, os.mkdir, io.open

    def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if code == errno.EROFS and flags & os.O_CREAT and _staged(path):
            raise OSError(code, os.strerror(code), os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if code == errno.EROFS and _staged(path):
            raise OSError(code, os.strerror(code), os.fsdecode(path))
        real_mkdir(path, *args, **kwargs)

    def io_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        writing = code == errno.ENOSPC and any(flag in mode for flag in "wax+")
        if writing and isinstance(file, str | os.PathLike) and _staged(file):
            raw = _FullFile(file, mode.replace("b", "").replace("t", "") or "w")
            return raw if "b" in mode else io.TextIOWrapper(io.BufferedWriter(raw))
        return real_io_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(io, "open", io_open)
    monkeypatch.setattr("builtins.open", io_open)


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "the disk is read-only")],
)
@pytest.mark.parametrize("command", ["export", "render", "workbook", "invite"])
def test_a_full_or_read_only_disk_is_a_clear_error_and_leaves_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
    words: str,
    command: str,
) -> None:
    _simulate_disk(monkeypatch, code)
    out = tmp_path / "out"
    out.mkdir()
    sample = str(SAMPLES[0])
    argv = {
        "export": ["export", str(SAMPLES[0].with_suffix(".xlsx")), "--out", str(out / "p.json")],
        "render": ["render", sample, "--out", str(out / "docs"), "--documents", "flyer"],
        "workbook": ["workbook", "--locale", "da", "--out", str(out / "w.xlsx")],
        "invite": ["invite", sample, "--meeting", "1", "--out", str(out / "m.ics")],
    }[command]
    assert main(argv) == 1
    assert words in capsys.readouterr().err
    assert list(out.iterdir()) == []
