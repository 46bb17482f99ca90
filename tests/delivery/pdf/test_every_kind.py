"""Every kind of every pack, filled and blank, as PDF and case file: what the check verifies.

Each PDF must claim PDF/A-2b and PDF/UA-1, carry its provenance and pass every rule of the
project's check (:data:`familyplan_docs.delivery.pdf.check.RULES`) and of the second
validator (page-validation, profiles 2b and ua1), with no exception: every table has header
cells, every sub-heading a heading style, and no table row breaks across pages.
"""

from __future__ import annotations

from pathlib import Path

import page
import pytest

from familyplan_docs import KINDS, list_packs, load_plan, render, render_blank
from familyplan_docs.delivery.pdf import PdfPool
from familyplan_docs.delivery.pdf.check import RULES, check_pdf
from tests.helpers import SAMPLES

_rendered: dict[tuple[str, str], Path] = {}


def rendered(pack: str, variant: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder with every kind of *pack* as PDF plus ``bundle.pdf`` (made once)."""
    key = (pack, variant)
    if key not in _rendered:
        folder = tmp_path_factory.mktemp(f"{pack}-{variant}")
        if variant == "blank":
            render_blank(folder, locale=pack, bundle=True)
        else:
            sample = next((s for s in SAMPLES if s.parent.name == pack), SAMPLES[0])
            render(load_plan(sample), folder, locale=pack, bundle=True)
        _rendered[key] = folder
    return _rendered[key]


PACKS = [info.name for info in list_packs()]
VARIANTS = ["filled", "blank"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("pack", PACKS)
def test_every_pdf_passes_every_rule(
    pack: str, variant: str, warm: PdfPool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = rendered(pack, variant, tmp_path_factory)
    assert sorted(p.stem for p in folder.glob("*.pdf")) == sorted([*KINDS, "bundle"])
    unexpected = []
    for pdf in sorted(folder.glob("*.pdf")):
        for finding in check_pdf(pdf, provenance=pdf.stem != "bundle"):
            assert finding.rule in RULES
            unexpected.append(f"{pack}/{variant}/{pdf.name}: {finding}")
    assert unexpected == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("pack", PACKS)
def test_every_pdf_passes_the_second_validator(
    pack: str, variant: str, warm: PdfPool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = rendered(pack, variant, tmp_path_factory)
    unexpected = []
    for pdf in sorted(folder.glob("*.pdf")):
        for profile in ("2b", "ua1"):
            for failure in page.validate_pdf(str(pdf), profile=profile).failures:
                unexpected.append(f"{pack}/{variant}/{pdf.name} {profile}: {failure.rule_id}")
    assert unexpected == []
