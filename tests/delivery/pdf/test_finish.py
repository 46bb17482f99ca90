"""Finishing a PDF: identification proven, provenance carried, header cells of rows scoped."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest

from familyplan_docs._errors import ConversionError
from familyplan_docs.delivery.pdf.check import check_pdf
from familyplan_docs.delivery.pdf.finish import (
    docx_provenance,
    end_streams_without_cr,
    finish_pdf,
    fix_table_scopes,
)
from familyplan_docs.delivery.pdf.xmp import PROVENANCE_NS, parse_xmp, simple_values
from familyplan_docs.render.provenance import add_provenance_to_zip
from tests.delivery.pdf.helpers import GOOD_XMP, make_docx, tagged_pdf

VALUES = {
    "libraryVersion": "0.1.0",
    "pack": "da",
    "packVersion": "1.2",
    "templateSha256": "cd" * 32,
    "planSchemaVersion": "1",
}
TABLE = [
    ("H1", [0]),
    ("Table", [("TR", [("TH", [1]), ("TD", [2])]), ("TR", [("TH", [3]), ("TH", [4])])]),
]
TEXTS = [("Helvetica", t) for t in ("Plan", "Dato", "12. januar", "Hvem", "Hvad")]


def test_provenance_goes_from_the_docx_into_the_xmp(tmp_path: Path) -> None:
    document = make_docx(tmp_path / "plan.docx", "text")
    document.write_bytes(add_provenance_to_zip(document.read_bytes(), VALUES))
    assert docx_provenance(document) == VALUES
    pdf_path = tagged_pdf(tmp_path / "plan.pdf", TABLE, texts=TEXTS, describe=False)
    finish_pdf(pdf_path, provenance=docx_provenance(document))
    with pikepdf.open(pdf_path) as pdf:
        values = simple_values(parse_xmp(pdf.Root.Metadata.read_bytes()))
        assert "/Filter" not in pdf.Root.Metadata
    assert {k: values[f"{{{PROVENANCE_NS}}}{k}"] for k in VALUES} == VALUES
    assert not [
        f for f in check_pdf(pdf_path, provenance=True) if f.rule.startswith(("pdfa", "prov"))
    ]


def test_a_docx_without_provenance_or_no_docx_gives_none(tmp_path: Path) -> None:
    assert docx_provenance(make_docx(tmp_path / "plain.docx", "x")) == {}
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert docx_provenance(broken) == {}
    assert docx_provenance(tmp_path / "x.odt") == {}


def test_header_cells_in_a_row_with_data_get_row_scope_and_header_rows_keep_theirs(
    tmp_path: Path,
) -> None:
    path = tagged_pdf(tmp_path / "t.pdf", TABLE, texts=TEXTS)
    with pikepdf.open(path) as pdf:
        assert fix_table_scopes(pdf) == 1
        table = pdf.Root.StructTreeRoot.K.K[1]
        first, second = table.K
        assert first.K[0].A.Scope == "/Row" and "/A" not in first.K[1]
        assert all("/A" not in cell for cell in second.K)  # a row of headers only: left alone
        assert fix_table_scopes(pdf) == 0


@pytest.mark.parametrize(
    ("xmp", "what"),
    [
        (GOOD_XMP.replace("<pdfaid:part>2</pdfaid:part>", ""), "pdfaid:part=None"),
        (GOOD_XMP.replace("<pdfuaid:part>1</pdfuaid:part>", ""), "pdfuaid:part=None"),
    ],
)
def test_a_pdf_without_its_identification_is_a_failed_conversion(
    tmp_path: Path, xmp: str, what: str
) -> None:
    path = tagged_pdf(tmp_path / "plain.pdf", TABLE, texts=TEXTS, xmp=xmp, describe=False)
    with pytest.raises(ConversionError, match=rf"plain\.pdf: LibreOffice did not write .*{what}"):
        finish_pdf(path)


def test_no_pdf_at_all_is_a_failed_conversion(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4 but nothing else")
    with pytest.raises(ConversionError, match=r"x\.pdf"):
        finish_pdf(path)


def test_a_compressed_stream_ending_in_cr_is_stored_as_it_is(tmp_path: Path) -> None:
    """A strict reader takes a CR before the LF before ``endstream`` for part of the line end."""
    # the last byte of a Flate stream is the low byte of 1 + the sum of the data's bytes
    data = next(
        d for n in range(1000) if zlib.compress(d := b"% " + b"y" * n + b"\n").endswith(b"\r")
    )
    path = tagged_pdf(tmp_path / "cr.pdf", TABLE, texts=TEXTS)
    with pikepdf.open(path) as pdf:
        stream = pdf.make_stream(zlib.compress(data), Filter=pikepdf.Name.FlateDecode)
        pdf.Root.Extra = stream
        plain = pdf.make_stream(zlib.compress(b"fine"), Filter=pikepdf.Name.FlateDecode)
        pdf.Root.Fine = plain
        assert end_streams_without_cr(pdf) == 1
        assert stream.read_raw_bytes() == data and "/Filter" not in stream
        assert "/Filter" in plain
