"""The served packs: looked up by name or locale, chosen for a plan as ``render`` chooses."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyplan_docs import KINDS, load_plan
from familyplan_docs._errors import InputError, UnknownChoiceError
from familyplan_docs.packs.discovery import choose_pack
from familyplan_docs.service.options import ServiceError
from familyplan_docs.service.shelf import PackShelf
from tests.helpers import SAMPLES, make_pack

SHELF = PackShelf.load()


@pytest.mark.parametrize("key", ["da", "da_DK", "da-dk", "DA_DK"])
def test_a_pack_is_found_by_name_or_locale(key: str) -> None:
    assert SHELF.find(key).name == "da"


def test_an_unknown_pack_lists_the_packs_but_not_their_folders() -> None:
    with pytest.raises(UnknownChoiceError) as info:
        SHELF.find("xx")
    assert "da, en, nl, sv" in str(info.value)
    assert "/" not in str(info.value)


def test_a_folder_is_never_loaded_as_a_pack() -> None:
    folder = SHELF.find("da").path
    with pytest.raises(UnknownChoiceError):
        SHELF.find(str(folder))


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_a_plan_gets_the_pack_render_gives_it(sample: Path) -> None:
    plan = load_plan(sample)
    pack, family = SHELF.for_plan(plan, None)
    assert pack.name == choose_pack(plan, None).name
    assert family is None or family.name == plan.family.preferred_language


def test_a_preferred_language_without_a_pack_is_a_problem_at_its_place() -> None:
    plan = load_plan(SAMPLES[0]).model_copy(deep=True)
    plan.family.preferred_language = "ar"
    with pytest.raises(InputError) as info:
        SHELF.for_plan(plan, None)
    assert [p.place for p in info.value.problems] == ["$.family.preferred_language"]


def test_a_broken_pack_stops_the_service_from_starting(tmp_path: Path) -> None:
    make_pack(tmp_path / "broken", "broken", extends="nowhere")
    with pytest.raises(ServiceError, match="broken"):
        PackShelf.load([tmp_path])


def test_the_listing_names_each_pack_and_its_kinds() -> None:
    entries = {entry.name: entry for entry in SHELF.entries()}
    assert entries["sv"].locale == "sv_SE"
    assert entries["sv"].kinds == tuple(KINDS)
