"""Rendering: every character arrives, the sandbox holds, output is all or nothing."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from familyplan_docs import (
    FamilyPlanError,
    TemplateRenderError,
    UnknownChoiceError,
    load_pack,
    plan_from_json,
    render,
    render_blank,
)
from familyplan_docs.packs.discovery import ENV_VAR
from familyplan_docs.render.environment import Formatter
from familyplan_docs.render.plain import _quoted
from tests.helpers import docx_text, examples, make_docx, make_pack

HOSTILE = [
    "Tom & Jerry <tag> \"quoted\" 'single'",
    "Æble Øre Åse æøå ÆØÅ ë ö ü",
    "مرحبا بكم في الاجتماع",
    "Familie 👨‍👩‍👧‍👦 🎉",
    "{{ 7*7 }} {% if x %} {_{ }_} {#",
    "]]> <![CDATA[ &amp; &lt;",
]


def hostile_plan(tiny: dict[str, Any]) -> dict[str, Any]:
    tiny["goals"] = [{"goal": text, "who": "Anna"} for text in HOSTILE]
    tiny["agreements"][0]["content"] = "first line\nsecond line"
    tiny["network"][0]["name"] = HOSTILE[0]
    return tiny


def test_every_character_of_the_data_arrives_in_the_family_plan(
    tiny: dict[str, Any], tmp_path: Path, pack_name: str
) -> None:
    plan = plan_from_json(json.dumps(hostile_plan(tiny)))
    render(plan, tmp_path, locale=pack_name, kinds=["family_plan"])
    text = docx_text(tmp_path / "family_plan.docx")
    for value in HOSTILE:
        assert value in text
    assert "first line\nsecond line" in text
    assert "49" not in text.replace("2026", "")


def test_a_template_that_reaches_for_python_internals_fails_and_writes_nothing(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    pack = make_pack(tmp_path / "evil", "evil")
    make_docx(pack / "family_plan.docx", "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    plan = plan_from_json(json.dumps(tiny))
    out = tmp_path / "out"
    with pytest.raises(TemplateRenderError, match="sandbox"):
        render(plan, out, locale=str(pack), kinds=["flyer", "family_plan"])
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".familyplan-")]


def test_a_template_that_changes_its_context_leaves_the_other_documents_alone(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    """A family's documents share one context; a template's change to it stays its own."""
    pack = make_pack(tmp_path / "busy", "busy")
    names = "{{ members|map(attribute='first_name')|join(',') }}"
    changes = "{{ members.reverse() }}{{ members.append(members[0]) }}"
    make_docx(pack / "flyer.docx", changes + names)
    make_docx(pack / "family_plan.docx", names)
    plan = plan_from_json(json.dumps(tiny))
    render(plan, tmp_path / "out", locale=str(pack), kinds=["flyer", "family_plan"])
    assert docx_text(tmp_path / "out" / "flyer.docx") == "Bo,Anna,Bo"
    assert docx_text(tmp_path / "out" / "family_plan.docx") == "Anna,Bo"


def test_a_template_syntax_error_names_the_document(tiny: dict[str, Any], tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "broken", "broken")
    make_docx(pack / "family_plan.docx", "Hello {{ family.name ", "more")
    with pytest.raises(TemplateRenderError, match=r"family_plan\.docx"):
        render(
            plan_from_json(json.dumps(tiny)),
            tmp_path / "out",
            locale=str(pack),
            kinds=["family_plan"],
        )


def test_a_failed_run_leaves_earlier_output_untouched(tiny: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "family_plan.docx").write_bytes(b"earlier")
    pack = make_pack(tmp_path / "broken", "broken")
    make_docx(pack / "family_plan.docx", "{{ family.name | nosuchfilter }}")
    with pytest.raises(FamilyPlanError):
        render(plan_from_json(json.dumps(tiny)), out, locale=str(pack))
    assert (out / "family_plan.docx").read_bytes() == b"earlier"


def test_an_extending_pack_replaces_only_its_own_documents(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    pack = make_pack(tmp_path / "acme", "da-acme")
    make_docx(pack / "family_plan.docx", "ACME plan for {{ family.name }}")
    plan = plan_from_json(json.dumps(tiny))
    render(plan, tmp_path / "out", locale=str(pack), kinds=["family_plan"])
    assert "ACME plan for Familien Test" in docx_text(tmp_path / "out" / "family_plan.docx")
    loaded = load_pack(pack)
    assert loaded.document("family_plan").parent == pack
    assert loaded.parent is not None and loaded.parent.name == "da"


@pytest.mark.parametrize(
    "alt",
    ["Netværkskort for {familie}", "{count:>900000000} personer", "{family.__class__}"],
)
def test_a_pack_text_with_an_odd_placeholder_is_written_as_typed(
    tiny: dict[str, Any], tmp_path: Path, alt: str
) -> None:
    pack = make_pack(tmp_path / "acme", "da-acme")
    (pack / "messages.po").write_text(
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "network_map.alt"\nmsgstr "{alt}"\n',
        encoding="utf-8",
    )
    plan = plan_from_json(json.dumps(tiny))
    render(plan, tmp_path / "out", locale=str(pack), kinds=["network_map"])
    with zipfile.ZipFile(tmp_path / "out" / "network_map.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert f'descr="{alt}"' in body.replace("&gt;", ">")


def test_a_pack_is_found_through_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pack(tmp_path / "packs" / "da-env", "da-env")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "packs"))
    assert load_pack("da-env").name == "da-env"


def test_an_unknown_locale_lists_the_available_packs(tmp_path: Path) -> None:
    with pytest.raises(UnknownChoiceError, match=r"available: .*da.*nl.*sv"):
        render_blank(tmp_path, locale="xx")


def test_an_unknown_kind_lists_the_available_kinds(tmp_path: Path) -> None:
    with pytest.raises(UnknownChoiceError, match="family_plan"):
        render_blank(tmp_path, locale="da", kinds=["nope"])


def test_a_blank_family_plan_keeps_its_headings_and_has_no_leftovers(
    tmp_path: Path, pack_name: str
) -> None:
    render_blank(tmp_path, locale=pack_name, kinds=["family_plan"])
    path = tmp_path / "family_plan.docx"
    text = docx_text(path)
    assert "{{" not in text and "{%" not in text and "None" not in text
    doc = Document(str(path))
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert len(headings) >= 6
    assert len(doc.tables) >= 8


def test_family_facing_documents_use_the_familys_preferred_language(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    pack = make_pack(tmp_path / "packs" / "da-easy", "da-easy")
    make_docx(pack / "family_plan.docx", "Easy plan for {{ family.name }}")
    make_docx(pack / "checklist.docx", "never used: the checklist is not family-facing")
    tiny["family"]["preferred_language"] = "da-easy"
    plan = plan_from_json(json.dumps(tiny))
    out = tmp_path / "out"
    render(plan, out, kinds=["family_plan", "checklist"], templates=[tmp_path / "packs"])
    assert "Easy plan for Familien Test" in docx_text(out / "family_plan.docx")
    assert "never used" not in docx_text(out / "checklist.docx")
    render(plan, out, locale="da", kinds=["family_plan"], templates=[tmp_path / "packs"])
    assert "Easy plan" not in docx_text(out / "family_plan.docx")


def test_a_time_given_in_utc_is_the_municipalitys_time_in_every_document(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    tiny["meetings"][0].update(start_time="08:00:00Z", end_time="10:00:00Z")  # 9-11 in Denmark
    # a professional the family's consent covers, so the invitation has a letter
    tiny["meetings"][0]["participants"].append({"name": "Lis Lærer", "organization": "Skolen"})
    tiny["consents"] = [
        {
            "kind": "information_sharing",
            "children": ["son"],
            "departments": ["Skolen"],
            "signatures": [
                {"member": "mor", "signed_on": "2026-01-05"},
                {"member": "son", "signed_on": "2026-01-05"},
            ],
        }
    ]
    plan = plan_from_json(json.dumps(tiny))
    render(plan, tmp_path, locale="da", kinds=["agenda", "invitation", "minutes"])
    fmt = Formatter(load_pack("da"))  # the pack's own time format ([style] time)
    local, utc = [fmt.time(time(h, 0)) for h in (9, 11)], [fmt.time(time(h, 0)) for h in (8, 10)]
    for kind in ("agenda", "invitation", "minutes"):
        text = docx_text(tmp_path / f"{kind}.docx")
        assert all(re.search(rf"(?<![\d.]){re.escape(t)}", text) for t in local), kind
        assert not any(re.search(rf"(?<![\d.]){re.escape(t)}", text) for t in utc), kind


@examples(200)
@given(st.text(alphabet=st.sampled_from("ab\"'&<>\n\r\tÆ👋"), max_size=12))
def test_an_image_s_alt_text_is_quoted_as_xml_sax_quotes_it(text: str) -> None:
    assert _quoted(text) == quoteattr(text)
