"""What a hostile template can make a render write, and how a damaged one fails.

A template may write raw markup (``|safe``), so every part a render writes is checked for
a markup declaration (``<!DOCTYPE``, ``<!ENTITY``) before any XML parser sees it, in both
engines. A damaged template, or one nested too deeply, is a clear error, never a traceback.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from familyplan_docs import FamilyPlan, PackError, TemplateRenderError, load_pack, plan_from_json
from familyplan_docs.render import documents
from familyplan_docs.render.documents import render_to
from familyplan_docs.render.sandbox import refuse_declarations
from tests.helpers import TINY, deflated, entries_of, make_docx, make_pack, write_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DTD = '\\x3c!DOCTYPE x [\\x3c!ENTITY e SYSTEM "file:///etc/passwd">]>'
"""A DOCTYPE with an external entity, as a Jinja string (``\\x3c`` is ``<``)."""


def with_footnote(path: Path, text: str) -> Path:
    """Add a footnotes part holding *text* (a template) to the .docx *path*."""
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    out = []
    for name, data in entries_of(path):
        if name == "[Content_Types].xml":
            override = f'<Override PartName="/word/footnotes.xml" ContentType="{content_type}"/>'
            data = data.replace(b"</Types>", override.encode() + b"</Types>")
        elif name == "word/_rels/document.xml.rels":
            link = f'<Relationship Id="rId99" Type="{relationship}" Target="footnotes.xml"/>'
            data = data.replace(b"</Relationships>", link.encode() + b"</Relationships>")
        out.append(deflated(name, data))
    out.append(deflated("word/footnotes.xml", footnotes))
    return write_zip(path, out)


@pytest.fixture
def tiny_plan() -> FamilyPlan:
    return plan_from_json(json.dumps(TINY))


@pytest.fixture
def org(tmp_path: Path) -> Path:
    return make_pack(tmp_path / "org", "org")


@pytest.fixture(params=["compiled", "docxtpl"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both engines: the compiled one, and plain docxtpl (the compiled one switched off)."""
    if request.param == "docxtpl":
        monkeypatch.setattr(documents, "compiled_template", lambda source, pack: None)
    return str(request.param)


@pytest.mark.parametrize("where", ["body", "footnote"])
def test_a_template_cannot_write_a_doctype_into_a_document(
    org: Path, engine: str, where: str, tiny_plan: FamilyPlan
) -> None:
    tag = "{{ '" + DTD + "'|safe }}"
    if where == "body":
        make_docx(org / "flyer.docx", "Hello " + tag)
    else:
        with_footnote(make_docx(org / "flyer.docx", "Hello"), tag)
    out = io.BytesIO()
    with pytest.raises(TemplateRenderError, match=r"markup declaration \(<!DOCTYPE"):
        render_to(tiny_plan, load_pack(org), "flyer", out)
    assert b"<!DOCTYPE" not in out.getvalue()


def test_text_that_looks_like_a_doctype_is_written_as_text(
    org: Path, engine: str, tiny_plan: FamilyPlan
) -> None:
    make_docx(org / "flyer.docx", "{{ '" + DTD + "' }}")  # escaped, as all text
    out = io.BytesIO()
    render_to(tiny_plan, load_pack(org), "flyer", out)
    with zipfile.ZipFile(out) as archive:
        body = archive.read("word/document.xml")
    assert b"&lt;!DOCTYPE" in body and b"<!DOCTYPE" not in body


@pytest.mark.parametrize(
    ("xml", "refused"),
    [
        ("<a><!DOCTYPE x></a>", True),
        ("<a><!ENTITY e 'x'></a>", True),
        ("<a><!-- a comment --></a>", False),
        ("<a><![CDATA[<b>]]></a>", False),
        ("<a>&lt;!DOCTYPE</a>", False),
    ],
)
def test_only_markup_declarations_are_refused(xml: str, refused: bool) -> None:
    for data in (xml, xml.encode()):
        if refused:
            with pytest.raises(SecurityError, match="markup declaration"):
                refuse_declarations(data, "word/document.xml")
        else:
            refuse_declarations(data, "word/document.xml")


def test_tags_nested_three_thousand_deep_are_a_clear_error(org: Path) -> None:
    make_docx(org / "flyer.docx", "{% if 1 %}" * 3000 + "x" + "{% endif %}" * 3000)
    with pytest.raises(TemplateRenderError, match="too deeply"):
        render_to(None, load_pack(org), "flyer", io.BytesIO())


def test_a_damaged_document_python_docx_cannot_read_is_a_pack_error(org: Path) -> None:
    path = make_docx(org / "flyer.docx", "Hello")
    entries = [
        deflated(name, data[: len(data) // 2] if name == "word/document.xml" else data)
        for name, data in entries_of(path)
    ]
    write_zip(path, entries)
    with pytest.raises(PackError, match="cannot be read as a Word document"):
        render_to(None, load_pack(org), "flyer", io.BytesIO())
