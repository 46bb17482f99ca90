"""Printed layout of every kind of every pack, filled and blank, through LibreOffice.

What the coordinator prints must be usable: no page after the first whose body ends in its
top fifth, no word cut in two, writing rows of blank forms at least 0.9 cm, at least 15
writing rows in the blank minutes, and a flyer of one page. The measurements are in
:mod:`tests.layout` (``python -m tests.layout DIR`` prints them for any folder).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from familyplan_docs import KINDS, load_pack, load_plan
from familyplan_docs.delivery.pdf import convert_to_pdf
from familyplan_docs.render.documents import render_documents
from tests.helpers import BUILTIN_PACKS, SAMPLES, soffice_or_skip
from tests.layout import Report

pytestmark = pytest.mark.libreoffice

MIN_MINUTES_ROWS = 15


@pytest.mark.parametrize("name", BUILTIN_PACKS)
def test_every_printed_page_is_usable_filled_and_blank(name: str, tmp_path: Path) -> None:
    """Blank and filled (each of the pack's samples), every kind, as LibreOffice prints it."""
    soffice_or_skip()
    pack = load_pack(name)
    report = Report()
    cases = [("blank", None)] + [
        (path.stem, load_plan(path)) for path in SAMPLES if path.parent.name == name
    ]
    for label, plan in cases:
        out = tmp_path / label
        render_documents(plan, pack, out, to_pdf=convert_to_pdf)
        for kind in KINDS:
            docx, pdf = out / f"{kind}.docx", out / f"{kind}.pdf"
            report.add(docx, pdf, blank=plan is None, name=f"{name}/{label}/{kind}")
    problems = [f"near-empty page: {x}" for x in report.near_empty]
    problems += [f"word cut in two: {x}" for x in report.cuts]
    problems += [f"writing row under 0.9 cm: {x}" for x in report.low_rows]
    [minutes] = report.minutes_rows
    if int(minutes.rsplit(": ", 1)[1]) < MIN_MINUTES_ROWS:
        problems.append(f"the blank minutes has fewer than {MIN_MINUTES_ROWS} rows: {minutes}")
    problems += [
        f"the flyer is not one page: {x}" for x in report.flyer_pages if not x.endswith(": 1")
    ]
    assert report.rows > 0 and report.flyer_pages
    assert not problems, "\n".join(problems)
