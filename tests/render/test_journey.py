"""What changed between two plan versions, the follow-up and the children's own words."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs import load_pack, plan_from_json
from familyplan_docs.model.plan import Agreement, Goal
from familyplan_docs.render.documents import render_to
from familyplan_docs.render.journey import compare
from tests.helpers import BUILTIN_PACKS, ROOT, TINY, docx_text


def goal(text: str, status: str = "in_progress", ident: str | None = None) -> Goal:
    return Goal(goal=text, status=status, id=ident)  # type: ignore[arg-type]


def test_items_match_by_id_else_by_text() -> None:
    before = [goal("Ro om morgenen", ident="m1"), goal("Arbejde", ident="m2"), goal("Fodbold")]
    now = [
        goal("Ro om morgenen – også i weekenden", ident="m1"),  # reworded: same id
        goal("Arbejde", status="reached", ident="m2"),
        goal("fodbold"),  # the same text, other case
        goal("Sprog"),
    ]
    result = compare(before, now)
    texts = {name: [(t.goal if t else None, n.goal if n else None) for t, n in pairs]
             for name, pairs in result.items()}  # fmt: skip
    assert texts == {
        "added": [(None, "Sprog")],
        "changed": [("Ro om morgenen", "Ro om morgenen – også i weekenden")],
        "completed": [("Arbejde", "Arbejde")],
        "dropped": [],
    }


def test_gone_or_cancelled_items_are_dropped() -> None:
    before = [
        Agreement(content="A", responsible="x", id="a1"),
        Agreement(content="B", responsible="x", id="a2"),
    ]
    now = [Agreement(content="A", responsible="x", id="a1", status="cancelled")]  # type: ignore[arg-type]
    result = compare(before, now)
    assert [(t.content if t else None) for t, _ in result["dropped"]] == ["A", "B"]


def two_versions() -> dict[str, Any]:
    data = copy.deepcopy(TINY)
    old_goals = [
        {"goal": "Bo går i skole hver dag", "who": "Bo", "id": "m1"},
        {"goal": "Anna finder et fritidsjob", "who": "Anna", "id": "m2"},
        {"goal": "Familien spiser sammen", "who": "Alle", "id": "m3"},
    ]
    old_agreements = [
        {"content": "Møde med skolen", "responsible": "Anna", "id": "a1"},
        {"content": "Lektiecafé om tirsdagen", "responsible": "Bo", "id": "a2"},
    ]
    data["versions"] = [
        {"version": "2.0", "goals": old_goals, "agreements": old_agreements},
        {"version": "2.1"},
    ]
    data["goals"] = [
        {"goal": "Bo går i skole hver dag", "who": "Bo", "id": "m1", "status": "reached"},
        {"goal": "Anna finder et fritidsjob i weekenden", "who": "Anna", "id": "m2"},
        {"goal": "Bo træner fodbold to gange om ugen", "who": "Bo", "id": "m4"},
    ]
    data["agreements"] = [
        {"content": "Møde med skolen", "responsible": "Anna", "id": "a1", "status": "done"},
        {"content": "Lektiecafé om tirsdagen", "responsible": "Bo", "id": "a2"},
        {"content": "Mormor henter om torsdagen", "responsible": "Mormor", "id": "a3"},
    ]
    return data


@pytest.mark.parametrize("pack_name", BUILTIN_PACKS)
@pytest.mark.parametrize("kind", ["family_plan", "follow_up"])
def test_the_plan_shows_exactly_what_changed_between_two_versions(
    pack_name: str, kind: str, tmp_path: Path
) -> None:
    plan = plan_from_json(json.dumps(two_versions()))
    path = tmp_path / f"{kind}.docx"
    render_to(plan, load_pack(pack_name), kind, path)
    text = docx_text(path)
    heading = {
        "da": "Det er ændret siden sidst",
        "nl": "Wat is er veranderd sinds de vorige versie?",
        "sv": "Det här har ändrats sedan förra versionen",
        "en": "What has changed since last time",
    }[pack_name]
    start = text.index(heading)
    section = text[start:]
    # the section ends where the kind's next section (network, or goals) begins
    texts = ROOT / "tools" / "templates" / "text" / pack_name
    words = tomllib.loads((texts / f"{kind}.toml").read_text(encoding="utf-8"))
    ends = [
        section.find("\n" + words[key])
        for key in ("network_heading", "goals_heading")
        if key in words
    ]
    section = section[: min(e for e in ends if e > 0)]
    for changed in (
        "Bo går i skole hver dag",  # completed
        "Anna finder et fritidsjob i weekenden",  # changed
        "Familien spiser sammen",  # dropped
        "Bo træner fodbold to gange om ugen",  # added
        "Møde med skolen",  # completed
        "Mormor henter om torsdagen",  # added
    ):
        assert changed in section, changed
    assert "Lektiecafé om tirsdagen" not in section  # unchanged


def test_without_a_kept_version_the_plan_has_no_changes_section(tmp_path: Path) -> None:
    plan = plan_from_json(json.dumps(TINY))
    render_to(plan, load_pack("da"), "family_plan", tmp_path / "p.docx")
    assert "Det er ændret siden sidst" not in docx_text(tmp_path / "p.docx")


def test_a_childs_recorded_words_fill_their_page_and_young_children_get_none(
    tmp_path: Path,
) -> None:
    data = copy.deepcopy(TINY)
    data["family"]["members"].append(
        {"id": "lille", "first_name": "Lise", "role": "child", "birth_date": "2023-01-01"}
    )
    data["child_views"] = [{"member": "son", "good": "Fodbold & <venner>", "worries": "Matematik"}]
    plan = plan_from_json(json.dumps(data))
    render_to(plan, load_pack("da"), "child_view", tmp_path / "c.docx")
    text = docx_text(tmp_path / "c.docx")
    assert "Fodbold & <venner>" in text and "Matematik" in text
    assert "Bo" in text and "Lise" not in text  # three is below the pack's child_view_from
