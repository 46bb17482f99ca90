"""The case file: one bookmarked PDF/A-2b + PDF/UA-1 of a family's documents, in toolbox order."""

from __future__ import annotations

import re
from pathlib import Path

import page
import pikepdf
import pytest

from familyplan_docs import KINDS, load_plan, render, render_blank
from familyplan_docs.delivery.pdf import PdfPool
from familyplan_docs.delivery.pdf.bundle import toolbox_order
from familyplan_docs.delivery.pdf.check import check_pdf
from familyplan_docs.delivery.pdf.xmp import PROVENANCE_NS, parse_xmp, simple_values, title_of
from familyplan_docs.render.provenance import PROVENANCE_KEYS
from tests.helpers import SAMPLES


def test_toolbox_order_is_the_order_of_kinds_and_others_come_last() -> None:
    names = [Path(f"{kind}.pdf") for kind in reversed(KINDS)] + [Path("extra.pdf")]
    assert [p.stem for p in toolbox_order(names)] == [*KINDS, "extra"]


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def xmp_of(path: Path) -> dict[str, str]:
    with pikepdf.open(path) as pdf:
        return simple_values(parse_xmp(pdf.Root.Metadata.read_bytes()))


def title(path: Path) -> str:
    with pikepdf.open(path) as pdf:
        return title_of(parse_xmp(pdf.Root.Metadata.read_bytes()))


@pytest.mark.libreoffice
def test_a_familys_case_file_has_a_bookmark_per_document_in_toolbox_order(
    tmp_path: Path, warm: PdfPool
) -> None:
    sample = next(s for s in SAMPLES if s.parent.name == "da")
    kinds = list(reversed(KINDS))  # asked for in another order: the case file keeps the toolbox's
    written = render(load_plan(sample), tmp_path, kinds=kinds, bundle=True)
    bundle = tmp_path / "bundle.pdf"
    assert written[-1] == bundle
    documents = [tmp_path / f"{kind}.pdf" for kind in KINDS]
    with pikepdf.open(bundle) as pdf:
        pages = [page_count(d) for d in documents]
        assert len(pdf.pages) == sum(pages)
        starts = [sum(pages[:n]) for n in range(len(pages))]
        page_numbers = {p.obj.objgen: n for n, p in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            entries = list(outline.root)
            assert [e.title for e in entries] == [title(d) for d in documents]
            assert [page_numbers[e.destination[0].objgen] for e in entries] == starts
            assert all(e.children for e in entries), "each document's headings stay below it"
        assert str(pdf.docinfo.Title) == "Sagsmappe: Familien Haddad"
        assert str(pdf.Root.Lang) == "da-DK" and pdf.Root.PageMode == "/UseOutlines"
        top = pdf.Root.StructTreeRoot.K
        parts = list(top.K)
        assert top.S == "/Document" and [str(p.S) for p in parts] == ["/Part"] * len(KINDS)
        assert {str(p.Lang) for p in parts} == {"da-DK"}
        fonts = {}
        for page_ in pdf.pages:
            for font in page_.obj.Resources.Font.values():
                fonts.setdefault(str(font.BaseFont), set()).add(font.objgen)
        assert all(len(objects) == 1 for objects in fonts.values()), "one font program per name"
    assert title(bundle) == "Sagsmappe: Familien Haddad"
    values = xmp_of(bundle)
    agreed = {k: values.get(f"{{{PROVENANCE_NS}}}{k}") for k in PROVENANCE_KEYS}
    assert agreed.pop("templateSha256") is None, "no single template made the case file"
    assert agreed == {k: xmp_of(documents[0])[f"{{{PROVENANCE_NS}}}{k}"] for k in agreed}
    assert check_pdf(bundle) == []
    for profile in ("2b", "ua1"):
        assert page.validate_pdf(str(bundle), profile=profile).is_compliant, profile


@pytest.mark.libreoffice
def test_blank_forms_have_a_case_file_of_their_own_title(tmp_path: Path, warm: PdfPool) -> None:
    written = render_blank(tmp_path, locale="sv", kinds=["minutes", "agenda"], bundle=True)
    assert sorted(p.name for p in written) == [
        "agenda.docx",
        "agenda.pdf",
        "bundle.pdf",
        "minutes.docx",
        "minutes.pdf",
    ]
    assert title(tmp_path / "bundle.pdf") == "Akt: tomma blanketter för familjens plan"
    with pikepdf.open(tmp_path / "bundle.pdf") as pdf, pdf.open_outline() as outline:
        assert [e.title for e in outline.root] == [
            title(tmp_path / "agenda.pdf"),
            title(tmp_path / "minutes.pdf"),
        ]
    assert re.match(r"^Dagordning", title(tmp_path / "agenda.pdf"))
