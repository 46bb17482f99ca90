"""Shared fixtures: a small valid plan, the discovered packs and the bundled samples."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs import KINDS, FamilyPlan, Pack, list_packs, load_pack
from familyplan_docs._builtin import samples_root, templates_root
from familyplan_docs._workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
BUILTIN_PACKS = sorted(p.name for p in templates_root().iterdir() if (p / "pack.toml").is_file())
SAMPLES = sorted(samples_root().glob("*/*.json"))

TINY: dict[str, Any] = {
    "country": "DK",
    "organization": {"name": "Testrup Kommune", "programme": "Familiens Fremtid"},
    "family": {
        "name": "Familien Test",
        "members": [
            {"id": "mor", "first_name": "Anna", "last_name": "Test", "role": "parent"},
            {
                "id": "søn",
                "first_name": "Bo",
                "last_name": "Test",
                "role": "child",
                "birth_date": "2010-05-01",
            },
        ],
    },
    "coordinators": [{"id": "k1", "name": "Karin Koordinator", "lead": True}],
    "goals": [{"goal": "Bo går i skole hver dag", "who": "Bo"}],
    "agreements": [{"content": "Møde med skolen", "responsible": "Anna", "deadline": "2027-01-15"}],
    "network": [
        {"id": "n1", "name": "Mormor", "group": "personal", "sector": "family"},
    ],
    "meetings": [
        {
            "kind": "network",
            "date": "2026-12-10",
            "start_time": "09:00",
            "end_time": "11:00",
            "participants": [{"name": "Anna Test", "member": "mor"}],
            "agenda": [{"title": "Velkomst", "minutes": 5}],
        }
    ],
}


@pytest.fixture
def tiny() -> dict[str, Any]:
    """A small valid plan as a dict (a fresh copy per test)."""
    return copy.deepcopy(TINY)


@pytest.fixture(params=[p.name for p in list_packs()] or BUILTIN_PACKS)
def pack_name(request: pytest.FixtureRequest) -> str:
    """Every discovered pack (parametrized)."""
    return str(request.param)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    """Every document kind (parametrized)."""
    return str(request.param)


def soffice_or_skip() -> str:
    """Return the LibreOffice binary; in CI a missing LibreOffice fails instead of skipping."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice is required in CI (.ci/run installs it)")
    pytest.skip("LibreOffice is not installed")


# the workbook tests' plan, pack and filled workbook (a module's own fixture of the same
# name takes precedence)


@pytest.fixture
def plan() -> FamilyPlan:
    from .workbook_helpers import plan_data

    return FamilyPlan.model_validate(plan_data())


@pytest.fixture
def da() -> Pack:
    return load_pack("da")


@pytest.fixture
def workbook(tmp_path: Path, da: Pack, plan: FamilyPlan) -> Path:
    return write_workbook(da, tmp_path / "plan.xlsx", plan)
