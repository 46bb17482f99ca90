"""Reading a plan from a file: a JSON document, or a filled input workbook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import _limits
from ._errors import InputError, Problem
from .model.load import plan_from_json
from .model.plan import FamilyPlan
from .workbook.read import read_workbook

__all__ = ["load_plan"]


def load_plan(path: str | Path, *, templates: Sequence[str | Path] = ()) -> FamilyPlan:
    """Read a plan from a ``.json`` file or a filled ``.xlsx`` workbook.

    *templates* are extra pack folders, for a workbook written with an organization's
    pack. Raises :class:`InputError` with every problem and its place.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), [Problem("", "no such file")])
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path, packs=templates)
    if path.stat().st_size > _limits.MAX_JSON_BYTES:
        raise InputError(
            str(path),
            [Problem("$", f"the file is larger than {_limits.MAX_JSON_BYTES // 2**20} MiB")],
        )
    return plan_from_json(path.read_bytes(), source=str(path))
