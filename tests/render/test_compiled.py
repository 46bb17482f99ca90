"""The compiled engine writes the document plain docxtpl writes, only faster.

Every built-in template (``templates/*/*.docx``, so new ones are included) is rendered with
every sample of its language, filled and blank, by the compiled engine and by plain docxtpl
(``render_to``'s fallback), and the two documents are compared part by part.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docxtpl import DocxTemplate
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from familyplan_docs import TemplateRenderError, load_pack, load_plan, plan_from_json
from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.builtin import samples_root, templates_root
from familyplan_docs.packs.pack import Pack
from familyplan_docs.render.compiled import template as compiled_module
from familyplan_docs.render.compiled.template import _post_process, clear_cache, compiled_template
from familyplan_docs.render.compiled.xml import parse_body
from familyplan_docs.render.documents import render_to
from tests.helpers import examples, make_docx, make_pack

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"

TEMPLATES = sorted(templates_root().glob("*/*.docx"))


def _cases() -> Iterator[Any]:
    for template in TEMPLATES:
        lang = template.parent.name
        samples = sorted((samples_root() / lang).glob("*.json"))
        for sample in [*samples, None]:
            name = sample.stem if sample else "blank"
            yield pytest.param(template, sample, id=f"{lang}-{template.stem}-{name}")


def render_compiled(plan: FamilyPlan | None, pack: Pack, kind: str) -> bytes:
    """Render with the compiled engine (asserting it is used)."""
    assert compiled_template(pack.document(kind), pack) is not None
    out = io.BytesIO()
    render_to(plan, pack, kind, out)
    return out.getvalue()


def render_docxtpl(
    plan: FamilyPlan | None, pack: Pack, kind: str, monkeypatch: pytest.MonkeyPatch
) -> bytes:
    """Render with plain docxtpl: ``render_to`` with the compiled engine switched off."""
    with monkeypatch.context() as patch:
        patch.setattr(compiled_module, "compiled_template", lambda source, pack: None)
        out = io.BytesIO()
        render_to(plan, pack, kind, out)
    return out.getvalue()


def part_names(archive: zipfile.ZipFile) -> list[str]:
    """The rendered story parts: the body, then headers and footers."""
    names = [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]
    stories = [n for n in names if n.split("/")[-1].startswith(("header", "footer"))]
    return ["word/document.xml", *sorted(stories)]


def paragraph_texts(root: Any) -> list[str]:
    """Every paragraph's text: ``w:t`` as is, ``w:br`` as a newline, ``w:tab`` as a tab."""
    texts = []
    for p in root.iter(f"{W}p"):
        parts = []
        for el in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
            if el.tag == f"{W}t":
                parts.append(el.text or "")
            else:
                parts.append("\n" if el.tag == f"{W}br" else "\t")
        texts.append("".join(parts))
    return texts


def summary(data: bytes) -> dict[str, Any]:
    """Text, table rows and images of each story part, and the media of the package."""
    out: dict[str, Any] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        for name in part_names(archive):
            root = etree.fromstring(archive.read(name))
            out[name] = {
                "paragraphs": paragraph_texts(root),
                "table rows": [len(t.findall(f"{W}tr")) for t in root.iter(f"{W}tbl")],
                "images": len(list(root.iter(f"{PIC}pic"))),
                "image refs": [b.get(f"{{{_R}}}embed") for b in root.iter(f"{A}blip")],
                "alt texts": [d.get("descr") for d in root.iter(f"{WP}docPr")],
            }
        out["media"] = {
            n: archive.read(n) for n in archive.namelist() if n.startswith("word/media/")
        }
    return out


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def canonical(data: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return bytes(etree.tostring(etree.fromstring(data, parser), method="c14n2"))


def content_types(data: bytes) -> set[tuple[str, str | None, str | None]]:
    root = etree.fromstring(data)
    return {
        (
            etree.QName(el).localname,
            el.get("Extension") or el.get("PartName"),
            el.get("ContentType"),
        )
        for el in root
    }


@pytest.mark.parametrize(("template", "sample"), list(_cases()))
def test_the_compiled_engine_writes_the_document_docxtpl_writes(
    template: Path, sample: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = load_pack(template.parent.name)
    kind = template.stem
    plan = load_plan(sample) if sample else None
    fast = render_compiled(plan, pack, kind)
    plain = render_docxtpl(plan, pack, kind, monkeypatch)

    assert_same_document(fast, plain)


def assert_same_document(fast: bytes, plain: bytes) -> None:
    """Same text, rows, images and alt texts; and every part docxtpl writes is the same XML."""
    assert summary(fast) == summary(plain)
    with zipfile.ZipFile(io.BytesIO(fast)) as a, zipfile.ZipFile(io.BytesIO(plain)) as b:
        missing = set(b.namelist()) - set(a.namelist())
        assert not missing
        for name in b.namelist():
            ours, theirs = a.read(name), b.read(name)
            if name == "[Content_Types].xml":
                assert content_types(ours) == content_types(theirs)
            elif name.endswith((".xml", ".rels")):
                assert canonical(ours) == canonical(theirs), name
            else:
                assert ours == theirs, name
    Document(io.BytesIO(fast))  # python-docx opens it


def test_every_built_in_template_is_compared() -> None:
    assert len(TEMPLATES) >= 3 * 12
    assert {t.parent.name for t in TEMPLATES} >= {"da", "nl", "sv"}


def test_the_output_keeps_the_template_entry_order_and_is_deterministic() -> None:
    pack = load_pack("da")
    first = render_compiled(None, pack, "flyer")
    assert first == render_compiled(None, pack, "flyer")
    with zipfile.ZipFile(pack.document("flyer")) as source:
        order = source.namelist()
    with zipfile.ZipFile(io.BytesIO(first)) as out:
        # the provenance custom properties are added after the template's own entries
        assert out.namelist() == [*order, "docProps/custom.xml"]


HOSTILE = [
    "{{ 7*7 }} {% if x %}x{% endif %} {_{ }_} {#",
    "Tom & Jerry <tag> \"quoted\" 'single' ]]> &amp; &lt;",
    "Familie 👨‍👩‍👧‍👦 🎉 Æble Øre Åse مرحبا",
    "first line\nsecond line\tafter a tab",
]


def hostile_plan(tiny: dict[str, Any]) -> FamilyPlan:
    data = copy.deepcopy(tiny)
    data["goals"] = [{"goal": text, "who": "Anna"} for text in HOSTILE]
    data["family"]["name"] = HOSTILE[1]
    data["organization"]["name"] = HOSTILE[0]
    return plan_from_json(json.dumps(data))


def test_hostile_values_arrive_exactly_through_the_compiled_engine(
    tiny: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = load_pack("da")
    plan = hostile_plan(tiny)
    fast = render_compiled(plan, pack, "family_plan")
    assert summary(fast) == summary(render_docxtpl(plan, pack, "family_plan", monkeypatch))
    texts = summary(fast)
    body = "\n".join(texts["word/document.xml"]["paragraphs"])
    for value in HOSTILE:
        assert value in body
    header = "\n".join(
        line for name, part in texts.items() if "header" in name for line in part["paragraphs"]
    )
    assert HOSTILE[0] in header  # the organization's name in the header, not evaluated
    assert "49" not in body.replace("2026", "").replace("2027", "")


def test_a_sandbox_escape_still_fails_through_the_compiled_engine(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    folder = make_pack(tmp_path / "evil", "evil")
    make_docx(folder / "family_plan.docx", "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    pack = load_pack(folder)
    assert compiled_template(pack.document("family_plan"), pack) is not None
    with pytest.raises(TemplateRenderError, match="sandbox"):
        render_to(plan_from_json(json.dumps(tiny)), pack, "family_plan", io.BytesIO())


def test_a_syntax_error_reads_as_it_does_with_docxtpl(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_pack(tmp_path / "broken", "broken")
    make_docx(folder / "family_plan.docx", "Intro", "Hello {{ family.name ", "more")
    pack = load_pack(folder)
    plan = plan_from_json(json.dumps(tiny))
    with pytest.raises(TemplateRenderError) as fast:
        render_to(plan, pack, "family_plan", io.BytesIO())
    with pytest.raises(TemplateRenderError) as plain:
        render_docxtpl(plan, pack, "family_plan", monkeypatch)
    assert str(fast.value) == str(plain.value)
    assert "family_plan.docx" in str(fast.value) and "near:" in str(fast.value)


def test_a_template_is_compiled_once_and_again_when_it_changes(tmp_path: Path) -> None:
    folder = make_pack(tmp_path / "acme", "acme")
    path = make_docx(folder / "flyer.docx", "Version one {{ organization.name }}")
    pack = load_pack(folder)
    first = compiled_template(path, pack)
    assert first is not None
    assert compiled_template(path, pack) is first
    make_docx(path, "Version two {{ organization.name }}")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = compiled_template(path, pack)
    assert second is not None and second is not first
    assert "Version two" in second.body_xml
    other = load_pack("da")  # the same file for another pack: its own environment
    assert compiled_template(path, other) is not second
    clear_cache()
    assert compiled_template(path, pack) is not second


def test_a_template_without_core_properties_falls_back_to_docxtpl(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    folder = make_pack(tmp_path / "plain", "plain")
    source = make_docx(tmp_path / "source.docx", "Plan for {{ family.name }}")
    target = folder / "family_plan.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                root = etree.fromstring(data)
                for rel in list(root):
                    if rel.get("Target", "").endswith("core.xml"):
                        root.remove(rel)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            dst.writestr(info, data)
    pack = load_pack(folder)
    assert compiled_template(target, pack) is None
    out = io.BytesIO()
    render_to(plan_from_json(json.dumps(tiny)), pack, "family_plan", out)
    text = "\n".join(summary(out.getvalue())["word/document.xml"]["paragraphs"])
    assert "Plan for Familien Test" in text


def test_the_network_map_image_has_its_alt_text_and_media(tiny: dict[str, Any]) -> None:
    pack = load_pack("da")
    plan = plan_from_json(json.dumps(tiny))
    data = render_compiled(plan, pack, "network_map")
    parts = summary(data)
    body = parts["word/document.xml"]
    assert body["images"] == 1
    assert all(alt for alt in body["alt texts"])
    assert len(parts["media"]) == 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        assert body["image refs"][0] in rels and "media/image1.png" in rels
        assert b'Extension="png"' in archive.read("[Content_Types].xml")


def test_images_are_placed_as_docxtpl_places_them(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template with its own picture, the map twice (one media part) and a header tag."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(picture, format="PNG")
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ family.name }}"
    doc.add_paragraph("Map of {{ family.name }}")
    doc.add_picture(picture)
    doc.add_paragraph("{{ network_map_image }}")
    doc.add_paragraph("{% for g in goals %}{{ g.goal }}\n{% endfor %}")
    doc.add_paragraph("{{ network_map_image }}")
    folder = make_pack(tmp_path / "pictures", "pictures")
    doc.save(str(folder / "network_map.docx"))
    pack = load_pack(folder)
    plan = plan_from_json(json.dumps(tiny))
    for value in (plan, None):
        fast = render_compiled(value, pack, "network_map")
        assert_same_document(fast, render_docxtpl(value, pack, "network_map", monkeypatch))
        parts = summary(fast)
        assert parts["word/document.xml"]["images"] == 3
        assert len(parts["media"]) == 2


_TEXT = st.text(alphabet="ab <>&\t\n\a\f", max_size=6).map(
    lambda t: t.replace("<", "&lt;").replace(">", "&gt;").replace("&", "&amp;")
)
_RUN = st.builds(
    lambda rpr, text: f"<w:r>{rpr}<w:t>{text}</w:t></w:r>",
    st.sampled_from(["", "<w:rPr><w:b/></w:rPr>"]),
    _TEXT,
)
_PARA = st.builds(
    lambda ppr, attrs, runs: f"<w:p{attrs}>{ppr}{''.join(runs)}</w:p>",
    st.sampled_from(["", '<w:pPr><w:jc w:val="center"/></w:pPr>']),
    st.sampled_from(["", ' w:rsidR="00A1"']),
    st.lists(_RUN, max_size=3),
)


@examples(300)
@given(st.lists(st.one_of(_PARA, _TEXT, st.just("<w:pPr/>")), max_size=6))
def test_post_processing_is_docxtpls(pieces: list[str]) -> None:
    """Newlines, tabs and the like become what docxtpl's render_xml_part makes of them."""
    xml = "<w:body>" + "\n<w:p>".join(pieces) + "</w:body>"
    expected = DocxTemplate.resolve_listing(None, re.sub(r"\n<w:p([ >])", r"<w:p\1", xml))
    assert _post_process(xml) == expected


@pytest.mark.parametrize(
    "text", ["", "Familiens Plan", "a\nb\n", "a\r\nb", "x {{ 7*7 }}", "{# c #}", "50 % {"]
)
def test_a_property_without_tags_is_kept_as_jinja_would_render_it(text: str) -> None:
    from familyplan_docs.render.compiled.template import _text_template, environment

    env = environment(load_pack("da"))
    made = _text_template(env, text)
    rendered = made if isinstance(made, str) else made.render({})
    assert rendered == env.from_string(text).render({})


_FRAGMENTS = [
    *("<w:p>", "<w:p ", '<w:p w:a="b"/>', "<w:p/>", "</w:p>", "<w:pPr>", "</w:pPr>", "<w:pP"),
    *("<w:r>", "</w:r>", "<w:rPr><w:b/></w:rPr>", "<w:t>", '<w:t xml:space="preserve">', "</w:t>"),
    *("\n<w:p>", "\n<w:p ", "\n<w:pPr>", ' w:x="1"', "<", ">", "a", "\n", "\t", "\a", "\f"),
    *("{_{", "}_}", "{_%", "%_}", "{", "}", "_", "%"),
]


@examples(500)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60))
@example(["<w:p ", "a", "</w:p>", "<w:r>", "<w:t>", "a", "\n", "a", "</w:t>", "</w:r>", "</w:p>"])
def test_post_processing_is_docxtpls_on_any_text(pieces: list[str]) -> None:
    """Exactly docxtpl's steps, also on broken XML (a ``<`` inside a start tag, no ends)."""
    xml = "".join(pieces)
    expected = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    for escaped, tag in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        expected = expected.replace(escaped, tag)
    assert _post_process(xml) == DocxTemplate.resolve_listing(None, expected)


_SPANS = ["", "<w:gridSpan/>", *(f'<w:gridSpan w:val="{v}"/>' for v in ("1", "2", "x", " 3"))]
_CELL = st.builds(
    lambda props, span: f"<w:tc>{f'<w:tcPr>{span}</w:tcPr>' if props else ''}<w:p/></w:tc>",
    st.booleans(),
    st.sampled_from(_SPANS),
)
_GRID_COLUMN = '<w:gridCol w:w="120"/>'


def _table(grid: bool, columns: int, rows: list[list[str]]) -> str:
    grid_xml = f"<w:tblGrid>{_GRID_COLUMN * columns}</w:tblGrid>" if grid else ""
    rows_xml = "".join(f"<w:tr>{''.join(cells)}</w:tr>" for cells in rows)
    return f"<w:tbl><w:tblPr/>{grid_xml}{rows_xml}</w:tbl>"


_TABLE = st.builds(
    _table,
    st.integers(0, 12).map(bool),
    st.integers(0, 4),
    st.lists(st.lists(_CELL, max_size=5), max_size=4),
)


@examples(300)
@given(st.lists(_TABLE, max_size=3))
def test_tables_come_out_as_docxtpls_fix_tables_leaves_them(tables: list[str]) -> None:
    """Tables fix_tables would change, keep, or fail on: the same tree (or the same error)."""
    xml = f'<w:body xmlns:w="{W[1:-1]}"><w:p/>{"".join(tables)}</w:body>'

    def outcome(fix: Any) -> Any:
        try:
            return etree.tostring(fix(xml))
        except Exception as exc:
            return type(exc), str(exc)

    assert outcome(parse_body) == outcome(lambda text: DocxTemplate.fix_tables(None, text))
