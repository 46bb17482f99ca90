"""Fixtures shared by every test, and the Hypothesis profiles (the one place they are set).

Constants and helpers tests import are in ``tests/helpers.py``, never here.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from familyplan_docs import KINDS, FamilyPlan, Pack, _cache, list_packs, load_pack
from familyplan_docs.workbook.write import write_workbook
from tests.helpers import BUILTIN_PACKS, TINY
from tests.workbook.helpers import plan_data

_IN_CI = bool(os.environ.get("CI"))

# Tests never touch the user's cache folder: each test process (and the commands it starts)
# keeps its persistent cache in a folder of its own, removed at the end.
_CACHE = None
if "FAMILYPLAN_DOCS_CACHE" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="familyplan-docs-cache-")
    os.environ["FAMILYPLAN_DOCS_CACHE"] = _CACHE


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder() -> Iterator[None]:
    yield
    if _CACHE is not None:
        shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new, empty persistent cache folder for this test alone (opened afresh, and on)."""
    where = tmp_path / "cache"
    monkeypatch.setenv(_cache.ENV_VAR, str(where))
    monkeypatch.setattr(_cache, "_opened", {})
    monkeypatch.setattr(_cache, "_off", False)
    return where


settings.register_profile(
    "familyplan",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # in CI the same examples on every run, and no minutes-long shrinking of a failure
    derandomize=_IN_CI,
    phases=(Phase.explicit, Phase.generate) if _IN_CI else tuple(Phase),
    report_multiple_bugs=False,
)
settings.load_profile("familyplan")


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


# the workbook tests' plan, pack and filled workbook (a module's own fixture of the same
# name takes precedence)


@pytest.fixture
def plan() -> FamilyPlan:
    """The workbook tests' plan: every sheet of the workbook has rows."""
    return FamilyPlan.model_validate(plan_data())


@pytest.fixture
def da() -> Pack:
    """The built-in Danish pack."""
    return load_pack("da")


@pytest.fixture
def workbook(tmp_path: Path, da: Pack, plan: FamilyPlan) -> Path:
    """A filled Danish workbook of :func:`plan`."""
    return write_workbook(da, tmp_path / "plan.xlsx", plan)
