"""Regenerate ``samples/<lang>/<stem>.xlsx`` from each ``samples/<lang>/<stem>.json``.

Run from the repository root: ``python tools/make_sample_workbooks.py``. Each workbook is
written by the library in the sample folder's pack (``da``, ``nl``, ``sv``) and then read
back to check that it holds exactly the plan of its JSON file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.discovery import load_pack
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import write_workbook

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Write every sample workbook; return 1 if one does not read back to its plan."""
    failed = 0
    for source in sorted((ROOT / "src" / "familyplan_docs" / "samples").glob("*/*.json")):
        plan = FamilyPlan.model_validate_json(source.read_bytes())
        out = write_workbook(load_pack(source.parent.name), source.with_suffix(".xlsx"), plan)
        same = read_workbook(out) == plan
        failed += not same
        print(f"{out.relative_to(ROOT)}: {'ok' if same else 'DIFFERS from its JSON'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
