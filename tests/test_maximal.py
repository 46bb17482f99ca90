"""The maximal plan: every field filled, 40 network members, 60 agreements, long free texts.

Every kind renders from it in every pack; long tables split across pages with their header
row repeated on each page, and LibreOffice converts every document.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from lxml import etree
from pydantic import BaseModel

from familyplan_docs import load_pack, load_plan
from familyplan_docs.delivery.pdf import convert_to_pdf
from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.discovery import discover
from familyplan_docs.render.documents import render_to
from tests.helpers import ROOT, W, docx_text, soffice_or_skip

MAXIMAL = ROOT / "tests" / "data" / "maximal-plan.json"
LONG_TABLE = 10
"""A table with more rows than this was grown by a loop over the plan's data."""


@pytest.fixture(scope="module")
def plan() -> FamilyPlan:
    return load_plan(MAXIMAL)


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_maximal_sample", ROOT / "tools" / "make_maximal_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_sample_is_what_the_tool_writes() -> None:
    assert json.loads(MAXIMAL.read_text(encoding="utf-8")) == _tool().build()


def _walk(value: Any, seen: dict[tuple[str, str], bool]) -> None:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            field = getattr(value, name)
            key = (type(value).__name__, name)
            seen[key] = seen[key] or field not in (None, [], "", False)
            _walk(field, seen)
    elif isinstance(value, list):
        for item in value:
            _walk(item, seen)


def test_every_field_of_every_part_is_filled_somewhere(plan: FamilyPlan) -> None:
    seen: dict[tuple[str, str], bool] = defaultdict(bool)
    _walk(plan, seen)
    empty = sorted(f"{cls}.{name}" for (cls, name), filled in seen.items() if not filled)
    assert not empty, f"never filled: {empty}"
    assert len(plan.network) == 40
    assert len(plan.agreements) == 60
    assert max(len(m.family_story or "") for m in plan.meetings) > 1_000


def _long_tables(path: Path) -> list[Any]:
    body = Document(str(path)).element.body
    return [tbl for tbl in body.iter(f"{W}tbl") if len(tbl.findall(f"{W}tr")) > LONG_TABLE]


def _header_rows(tbl: Any) -> int:
    return sum(1 for tr in tbl.findall(f"{W}tr") if tr.find(f"{W}trPr/{W}tblHeader") is not None)


def test_every_kind_renders_with_repeating_header_rows(
    plan: FamilyPlan, pack_name: str, tmp_path: Path
) -> None:
    pack = load_pack(pack_name)
    problems = []
    long_tables = 0
    for kind in pack.kinds():
        path = tmp_path / f"{kind}.docx"
        render_to(plan, pack, kind, path)
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(archive.read(name))
        for tbl in _long_tables(path):
            long_tables += 1
            first = tbl.find(f"{W}tr")
            if first.find(f"{W}trPr/{W}tblHeader") is None:
                problems.append(f"{kind}: a table of {len(tbl.findall(f'{W}tr'))} rows")
    assert not problems, f"long tables whose first row does not repeat: {problems}"
    assert long_tables >= 5
    text = docx_text(tmp_path / "family_plan.docx")
    for agreement in plan.agreements:
        assert agreement.content in text


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def _unique_header_texts(docx: Path, tbl: Any) -> list[str]:
    """The texts of a table's header cells found nowhere else in the document."""
    lines = [" ".join(line.split()) for line in docx_text(docx).split("\n")]
    first = tbl.find(f"{W}tr")
    texts = [" ".join("".join(t.text or "" for t in tc.iter(f"{W}t")).split()) for tc in first]
    return [t for t in texts if len(t) >= 4 and sum(t in line for line in lines) == 1]


@pytest.mark.libreoffice
def test_libreoffice_converts_every_kind_and_repeats_table_headers_on_each_page(
    plan: FamilyPlan, tmp_path: Path
) -> None:
    soffice_or_skip()
    documents = []
    for name in sorted(discover()):
        pack = load_pack(name)
        for kind in pack.kinds():
            path = tmp_path / f"{name}-{kind}.docx"
            render_to(plan, pack, kind, path)
            documents.append(path)
    pdfs = convert_to_pdf(documents, tmp_path / "pdf")
    assert len(pdfs) == len(documents)
    repeated = []
    for docx, pdf in zip(documents, pdfs, strict=True):
        pages = _pages(pdf)
        assert pages, f"{pdf.name} is empty"
        if not docx.stem.endswith("family_plan"):
            continue
        assert len(pages) > 5, f"{pdf.name}: the maximal plan fits on {len(pages)} pages?"
        for tbl in _long_tables(docx):
            if len(tbl.findall(f"{W}tr")) < 40:  # shorter tables may fit on one page
                continue
            # a header text may wrap inside its narrow cell; use those that show whole
            counts = {h: sum(h in page for page in pages) for h in _unique_header_texts(docx, tbl)}
            found = {header: on for header, on in counts.items() if on}
            assert found, f"{pdf.name}: no header text of a long table found in the PDF"
            for header, on in found.items():
                assert on >= 2, f"{pdf.name}: the header {header!r} is on {on} page(s) only"
                repeated.append((pdf.name, header, on))
    assert repeated, "no long table with a header found in any family plan"
