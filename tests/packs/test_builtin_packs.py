"""Every pack × every kind: renders filled and blank, accessible, plain where families read.

Parametrized over every discovered pack and every document kind, so a new pack or kind is
tested without new test code (the Faker/Babel habit).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from babel.dates import format_date
from docx import Document
from lxml import etree

from familyplan_docs import FAMILY_FACING, FamilyPlan, load_pack, load_plan
from familyplan_docs.packs.builtin import samples_root
from familyplan_docs.render.documents import render_to
from tests.helpers import W, docx_text

LIX_LIMIT = 40
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)


def sample_for(pack_name: str) -> Path:
    pack = load_pack(pack_name)
    base = pack.chain()[-1].name
    found = sorted((samples_root() / base).glob("*.json"))
    return found[0] if found else sorted(samples_root().glob("*/*.json"))[0]


@cache
def rendered(pack_name: str, kind: str, filled: bool, folder: Path) -> Path:
    pack = load_pack(pack_name)
    plan = load_plan(sample_for(pack_name)) if filled else None
    target = folder / f"{pack_name}-{kind}-{'filled' if filled else 'blank'}.docx"
    render_to(plan, pack, kind, target)
    return target


@pytest.fixture(scope="session")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("templates")


def plan_dates(plan: FamilyPlan) -> set[date]:
    found: set[date] = set()

    def walk(value: object) -> None:
        if isinstance(value, date):
            found.add(value)
        elif hasattr(value, "__pydantic_fields__"):
            for name in type(value).model_fields:  # type: ignore[attr-defined]
                walk(getattr(value, name))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(plan)
    return found


@pytest.mark.parametrize("filled", [True, False], ids=["filled", "blank"])
def test_every_kind_renders_without_leftovers(
    pack_name: str, kind: str, filled: bool, out: Path
) -> None:
    path = rendered(pack_name, kind, filled, out)
    Document(str(path))  # reopens
    text = docx_text(path)
    for leftover in ("{{", "}}", "{%", "%}", "None"):
        assert leftover not in text, f"{leftover!r} left in {path.name}"
    assert len(text.strip()) > 200


def test_a_filled_document_holds_the_plans_names_and_locale_dates(
    pack_name: str, kind: str, out: Path
) -> None:
    plan = load_plan(sample_for(pack_name))
    pack = load_pack(pack_name)
    text = docx_text(rendered(pack_name, kind, True, out))
    assert plan.organization.name in text
    if kind not in {"flyer", "coordinator_role", "network_map", "privacy_notice"}:
        formatted = {
            format_date(d, width, locale=pack.locale)
            for d in plan_dates(plan)
            for width in ("medium", "long")
        }
        assert any(f in text for f in formatted), f"no date of the plan in {pack.locale} format"


def test_every_template_is_accessible(pack_name: str, kind: str) -> None:
    pack = load_pack(pack_name)
    path = pack.document(kind)
    doc = Document(str(path))
    assert doc.core_properties.title, "title in the document properties"
    levels = [
        int(p.style.name.split()[-1])
        for p in doc.paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]
    assert levels and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    with zipfile.ZipFile(path) as archive:
        styles = etree.fromstring(archive.read("word/styles.xml"))
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None and lang.get(f"{W}val") == pack.language_tag
    for table in doc.tables:
        first = table.rows[0]._tr
        has_header = first.find(f"{W}trPr/{W}tblHeader") is not None
        cells = first.findall(f"{W}tc")
        header_like = len(cells) > 1 and all(c.find(f".//{W}shd") is not None for c in cells)
        assert has_header or not header_like, "a header row must repeat on every page"


def test_images_have_alt_text(pack_name: str, kind: str, out: Path) -> None:
    for filled in (True, False):
        doc = Document(str(rendered(pack_name, kind, filled, out)))
        for prop in doc.element.body.iter(f"{WP}docPr"):
            assert prop.get("descr"), "every image needs alt text"


def lix(text: str) -> float:
    words = re.findall(r"[^\W\d_]+", text)
    sentences = [s for s in re.split(r"[.!?:;\n]+", text) if re.search(r"[^\W\d_]", s)]
    long_words = [w for w in words if len(w) > 6]
    return len(words) / max(len(sentences), 1) + 100 * len(long_words) / max(len(words), 1)


@pytest.mark.parametrize("family_kind", sorted(FAMILY_FACING))
def test_family_facing_text_is_plain_language(pack_name: str, family_kind: str) -> None:
    fixed = TAG.sub(" ", docx_text(load_pack(pack_name).document(family_kind)))
    score = lix(fixed)
    assert score < LIX_LIMIT, f"LIX {score:.1f} for {family_kind} in {pack_name}"
