"""The main job end to end: every sample, every kind, filled and blank, through LibreOffice."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from familyplan_docs import KINDS, demo, load_plan, render
from tests.helpers import SAMPLES, soffice_or_skip

pytestmark = pytest.mark.libreoffice


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def test_demo_writes_every_document_and_libreoffice_converts_each_one(tmp_path: Path) -> None:
    soffice_or_skip()
    written = demo(tmp_path, pdf=True)
    docx = sorted(tmp_path.rglob("*.docx"))
    pdfs = sorted(tmp_path.rglob("*.pdf"))
    languages = {p.parent.name for p in SAMPLES}
    expected = len(KINDS) * (len(SAMPLES) + len(languages))
    assert len(docx) == expected == len(pdfs)
    assert sum(written.values()) == 2 * expected
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 1000
    for sample in SAMPLES:
        text = pdf_text(tmp_path / sample.parent.name / sample.stem / "family_plan.pdf")
        data = json.loads(sample.read_text(encoding="utf-8"))
        for agreement in data["agreements"]:
            assert " ".join(agreement["content"].split()) in text


def test_two_runs_with_pdf_at_the_same_time_both_succeed(tmp_path: Path) -> None:
    soffice_or_skip()
    plan = load_plan(SAMPLES[0])
    runs = [
        subprocess.Popen(
            [
                sys.executable, "-m", "familyplan_docs", "render", str(SAMPLES[0]),
                "--out", str(tmp_path / f"run{i}"), "--documents", "family_plan,flyer", "--pdf",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(2)
    ]  # fmt: skip
    for proc in runs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    for i in range(2):
        assert (tmp_path / f"run{i}" / "family_plan.pdf").is_file()
    assert plan.family.name in pdf_text(tmp_path / "run0" / "family_plan.pdf")


def test_without_libreoffice_the_docx_files_are_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from familyplan_docs import ToolMissingError

    monkeypatch.setenv("FAMILYPLAN_DOCS_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ToolMissingError, match=re.compile("apt-get install", re.I)):
        render(load_plan(SAMPLES[0]), tmp_path / "out", kinds=["flyer"], pdf=True)
    assert (tmp_path / "out" / "flyer.docx").is_file()
    assert not (tmp_path / "out" / "flyer.pdf").exists()


def test_the_command_line_writes_a_case_file_with_bundle(tmp_path: Path) -> None:
    soffice_or_skip()
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable, "-m", "familyplan_docs", "render", str(SAMPLES[0]),
            "--out", str(out), "--documents", "minutes,flyer", "--bundle",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "bundle.pdf", "flyer.docx", "flyer.pdf", "minutes.docx", "minutes.pdf",
    ]  # fmt: skip
    text = pdf_text(out / "bundle.pdf")
    assert text.index(pdf_text(out / "flyer.pdf")[:40]) < text.index(
        pdf_text(out / "minutes.pdf")[:40]
    ), "toolbox order: the flyer before the minutes"
