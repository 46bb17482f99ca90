"""Finding packs: a broken pack affects only what uses it; untrusted names never pick a folder."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from familyplan_docs import PackError, UnknownChoiceError, _limits, list_packs, load_pack
from familyplan_docs.model.ids import Country
from familyplan_docs.packs import discovery
from familyplan_docs.packs.discovery import DEFAULT_PACK, discover, load_pack_named, survey
from tests.helpers import make_pack

BROKEN = {
    "non-utf8": b'name = "bad"\nlocale = "da_DK"\ntitle = "\xe6\xf8"\n',
    "settings-5": b'name = "bad"\nlocale = "da_DK"\nsettings = 5\n',
    "not-toml": b"name = ",
}


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discovery, "_warned", set())


@pytest.fixture(params=sorted(BROKEN))
def packs(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A folder of packs: a good one and a broken one."""
    make_pack(tmp_path / "packs" / "good", "good")
    bad = tmp_path / "packs" / "bad"
    bad.mkdir()
    (bad / "pack.toml").write_bytes(BROKEN[request.param])
    return tmp_path / "packs"


def test_a_broken_pack_is_passed_over_with_one_warning_line(
    packs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="familyplan_docs"):
        for _ in range(3):  # every lookup passes over it; the warning is given once
            found = discover([packs])
        assert load_pack("da", [packs]).name == "da"
        assert load_pack("good", [packs]).name == "good"
    assert "good" in found and "da" in found
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1, lines
    assert "bad" in lines[0] and "\n" not in lines[0]


def test_locales_lists_a_broken_pack_with_its_reason(packs: Path) -> None:
    usable = {info.name for info in list_packs([packs])}
    assert {"good", "da"} <= usable and "bad" not in usable
    every = list_packs([packs], include_broken=True)
    (broken,) = [info for info in every if info.problem]
    assert broken.path.name == "bad"
    assert "pack.toml" in broken.problem


def test_a_pack_whose_chain_is_broken_is_listed_as_broken(tmp_path: Path) -> None:
    make_pack(tmp_path / "orphan", "orphan", extends="no-such-pack")
    (info,) = [i for i in list_packs([tmp_path], include_broken=True) if i.name == "orphan"]
    assert info.problem is not None and "no-such-pack" in info.problem


def test_a_1200_deep_extends_chain_is_a_pack_error_at_once(tmp_path: Path) -> None:
    for n in range(1200):
        make_pack(tmp_path / f"p{n}", f"p{n}", extends=f"p{n + 1}" if n < 1199 else "da")
    started = time.monotonic()
    with pytest.raises(PackError, match=f"longer than {_limits.MAX_EXTENDS_DEPTH} packs"):
        load_pack("p0", [tmp_path])
    assert load_pack("da", [tmp_path]).name == "da"  # nothing else is affected
    assert time.monotonic() - started < 30


def test_a_chain_that_loops_is_a_pack_error(tmp_path: Path) -> None:
    make_pack(tmp_path / "a", "a", extends="b")
    make_pack(tmp_path / "b", "b", extends="a")
    with pytest.raises(PackError, match="circular extends: a → b → a"):
        load_pack("a", [tmp_path])


def test_an_untrusted_name_never_loads_a_folder(tmp_path: Path) -> None:
    evil = make_pack(tmp_path / "elsewhere" / "evil", "evil")
    with pytest.raises(UnknownChoiceError):
        load_pack_named(str(evil))
    assert load_pack(evil).name == "evil"  # a folder the user gives is fine
    assert load_pack_named("evil", [tmp_path / "elsewhere"]).name == "evil"
    assert load_pack_named("da_DK").name == "da"


def test_survey_lists_every_pack_folder_in_order(packs: Path) -> None:
    found = survey([packs])
    assert [f.folder.name for f in found][:2] == ["bad", "good"]
    assert found[0].manifest is None and found[0].problem


def test_every_country_the_model_knows_has_a_built_in_pack() -> None:
    assert set(DEFAULT_PACK) == {c.value for c in Country}
    for country in Country:
        assert load_pack(DEFAULT_PACK[country]).manifest.locale.endswith(f"_{country.value}")
