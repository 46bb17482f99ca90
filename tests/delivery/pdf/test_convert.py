"""The entry point: finished PDF/A-2b + PDF/UA-1 through the warm pool or one process per call,
checked by the project's check and by a second, independent validator."""

from __future__ import annotations

import sys
from pathlib import Path

import page
import pikepdf
import pytest

from familyplan_docs._errors import ConversionError
from familyplan_docs.delivery.pdf import convert as convert_module
from familyplan_docs.delivery.pdf import pool as pool_module
from familyplan_docs.delivery.pdf.check import check_pdf
from familyplan_docs.delivery.pdf.convert import POOL_ENV_VAR, convert_to_pdf, warm_pool
from familyplan_docs.delivery.pdf.pool import UNO_PYTHON_ENV_VAR, PdfPool
from familyplan_docs.delivery.pdf.soffice import convert_with_soffice
from tests.delivery.pdf.helpers import ARABIC, DANISH, DUTCH, make_accessible_docx, pdf_text

pytestmark = pytest.mark.libreoffice


def failures(path: Path, profile: str) -> list[str]:
    """The rule ids the second validator (page-validation) finds for *profile*."""
    report = page.validate_pdf(str(path), profile=profile)
    return sorted({failure.rule_id for failure in report.failures})


@pytest.mark.parametrize("route", ["pool", "one process"])
def test_a_well_made_document_becomes_a_pdf_that_passes_both_checks(
    tmp_path: Path, warm: PdfPool, route: str
) -> None:
    source = make_accessible_docx(tmp_path / "aftale.docx", "Aftale om samarbejde & <plan>")
    [pdf] = convert_to_pdf([source], tmp_path / "out", warm=route == "pool")
    assert check_pdf(pdf) == []
    assert failures(pdf, "2b") == [] and failures(pdf, "ua1") == []
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "da-DK"
        assert str(document.docinfo.Title) == "Aftale om samarbejde & <plan>"


def test_every_character_arrives_through_the_pool(tmp_path: Path, warm: PdfPool) -> None:
    source = make_accessible_docx(tmp_path / "tegn.docx", DANISH)
    [pdf] = convert_to_pdf([source], tmp_path / "out")
    text = pdf_text(pdf)
    assert DANISH in text and DUTCH in text
    assert warm.stats["converted"] >= 1


def test_a_document_libreoffice_cannot_open_fails_its_call_and_names_only_itself(
    tmp_path: Path, warm: PdfPool
) -> None:
    good = make_accessible_docx(tmp_path / "good.docx", "God")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip at all " * 20)
    out = tmp_path / "out"
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([good, bad], out)
    lines = str(caught.value).splitlines()
    assert lines[0] == "1 of 2 document(s) did not become PDF:"
    assert "bad.docx" in lines[1] and not any("good.docx" in line for line in lines)
    assert not out.exists(), "nothing half-written"
    assert convert_to_pdf([good], out)[0].is_file(), "the pool goes on"


def test_the_second_validator_is_sound_on_what_it_should_reject(tmp_path: Path) -> None:
    """page-validation rejects LibreOffice's raw output for PDF/A (pdfuaid undescribed) and a
    plain PDF for both profiles, and accepts the finished file: it is not a yes-machine."""
    source = make_accessible_docx(tmp_path / "raw.docx", "Rå")
    [raw] = convert_with_soffice([source], tmp_path / "raw")
    assert failures(raw, "2b"), "LibreOffice 7.4 leaves pdfuaid without its schema"
    assert {f.rule for f in check_pdf(raw)} == {"pdfa-extension-schema"}
    plain = tmp_path / "plain.pdf"
    with pikepdf.new() as document:
        document.add_blank_page()
        document.save(plain)
    assert failures(plain, "2b") and failures(plain, "ua1")
    [finished] = convert_to_pdf([source], tmp_path / "finished", warm=False)
    assert failures(finished, "2b") == [] and failures(finished, "ua1") == []


def test_without_a_python_that_has_uno_the_one_process_route_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "_probed", {})
    monkeypatch.setattr(convert_module, "_active", None)  # not the session's pool
    monkeypatch.setattr(convert_module, "_shared", None)
    monkeypatch.setattr(convert_module, "_shared_failed", set())
    monkeypatch.setenv(UNO_PYTHON_ENV_VAR, "/nowhere/python3")
    assert warm_pool() is None
    routes: list[str] = []

    def spy(*args: object, **kwargs: object) -> list[Path]:
        routes.append("one process")
        return convert_with_soffice(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(convert_module, "convert_with_soffice", spy)
    source = make_accessible_docx(tmp_path / "a.docx", "A")
    [pdf] = convert_to_pdf([source], tmp_path / "out")
    assert routes == ["one process"] and check_pdf(pdf) == []


def test_the_pool_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert_module, "_active", None)
    monkeypatch.setattr(convert_module, "_shared", None)
    monkeypatch.setenv(POOL_ENV_VAR, "off")
    assert warm_pool() is None


def test_right_to_left_text_and_hard_characters_survive_the_finishing(
    tmp_path: Path, warm: PdfPool
) -> None:
    source = make_accessible_docx(tmp_path / "rtl.docx", f"{ARABIC} & {DUTCH}")
    [pdf] = convert_to_pdf([source], tmp_path / "out")
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo.Title) == f"{ARABIC} & {DUTCH}"
    assert ARABIC in pdf_text(pdf)


def test_bad_arguments_fail_before_any_conversion(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        convert_to_pdf([tmp_path / "missing.docx"], tmp_path / "out")
    text = tmp_path / "x.txt"
    text.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match=r"only \.docx, \.odt"):
        convert_to_pdf([text], tmp_path / "out")
    bundle_named = make_accessible_docx(tmp_path / "bundle.docx", "B")
    with pytest.raises(ValueError, match=r"bundle\.pdf"):
        convert_to_pdf([bundle_named], tmp_path / "out")
    assert convert_to_pdf([], tmp_path / "out") == []
    assert not (tmp_path / "out").exists()
    assert sys.platform  # the helpers above ran no LibreOffice
