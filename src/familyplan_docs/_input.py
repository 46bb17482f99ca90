"""Reading a plan from a file (a JSON document or a filled input workbook), and finding the
plan files of a folder."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

from . import _limits
from ._errors import InputError, Problem
from .model.load import plan_from_json
from .model.plan import FamilyPlan

__all__ = ["PLAN_SUFFIXES", "load_plan", "plan_files", "skipped_files"]

PLAN_SUFFIXES = (".json", ".xlsx")
"""The plan files a batch folder is searched for."""


def load_plan(path: str | Path, *, templates: Sequence[str | Path] = ()) -> FamilyPlan:
    """Read a plan from a ``.json`` file or a filled ``.xlsx`` workbook.

    *templates* are extra pack folders, for a workbook written with an organization's
    pack. Raises :class:`InputError` with every problem and its place.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), [Problem("", "no such file")])
    if path.suffix.lower() == ".xlsx":
        from .workbook.read import read_workbook  # the workbook stack, only for a workbook

        return read_workbook(path, packs=templates)
    if path.stat().st_size > _limits.MAX_JSON_BYTES:
        raise InputError(
            str(path),
            [Problem("$", f"the file is larger than {_limits.MAX_JSON_BYTES // 2**20} MiB")],
        )
    return plan_from_json(path.read_bytes(), source=str(path))


def plan_files(folder: Path) -> list[Path]:
    """Return the plan files (``.json``, ``.xlsx``) in *folder*, sorted by name.

    Hidden files and Office lock files (``~$…``) are left out.
    """
    return sorted(p for p in folder.iterdir() if _named_like_a_plan(p) and p.is_file())


def _named_like_a_plan(path: Path) -> bool:
    name = path.name
    return path.suffix.lower() in PLAN_SUFFIXES and not name.startswith((".", "~$"))


def skipped_files(folder: Path) -> list[tuple[Path, str]]:
    """The entries of *folder* named like a plan that are not plan files, with the reason.

    A folder named ``x.json``, a named pipe (never opened: reading one waits forever), a
    socket or device, and a link that points to nothing.
    """
    skipped = []
    for path in sorted(folder.iterdir()):
        if not _named_like_a_plan(path) or path.is_file():
            continue
        try:
            mode = path.stat().st_mode
        except OSError:
            skipped.append((path, "a link that points to nothing"))
            continue
        if stat.S_ISDIR(mode):
            reason = "a folder, not a plan file"
        elif stat.S_ISFIFO(mode):
            reason = "a named pipe, not a plan file"
        else:
            reason = "not a regular file (a socket or device)"
        skipped.append((path, reason))
    return skipped
