"""Every kind of every pack, filled and blank, as PDF and case file: what the check verifies.

Each PDF must claim PDF/A-2b and PDF/UA-1, carry its provenance and pass every rule of the
project's check (:data:`familyplan_docs.delivery.pdf.check.RULES`) and of the second
validator (page-validation, profiles 2b and ua1) — except the template gaps listed in
``tests.delivery.pdf.helpers.TEMPLATE_GAPS``: what the built-in templates do not give yet
(label tables without header cells, bold paragraphs where a heading style belongs) and the
one table LibreOffice
7.4 tags wrongly when it breaks across pages. A kind that gets such a problem and is not
listed fails; the lists are to shrink as the templates are fixed, never to grow.
"""

from __future__ import annotations

from pathlib import Path

import page
import pytest

from familyplan_docs import KINDS, list_packs, load_plan, render, render_blank
from familyplan_docs.delivery.pdf import PdfPool
from familyplan_docs.delivery.pdf.check import RULES, check_pdf
from tests.delivery.pdf.helpers import PAGE_GAPS, TEMPLATE_GAPS, allowed
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
def test_every_pdf_passes_every_rule_but_the_known_template_gaps(
    pack: str, variant: str, warm: PdfPool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = rendered(pack, variant, tmp_path_factory)
    assert sorted(p.stem for p in folder.glob("*.pdf")) == sorted([*KINDS, "bundle"])
    unexpected = []
    for pdf in sorted(folder.glob("*.pdf")):
        kinds = set(KINDS) if pdf.stem == "bundle" else {pdf.stem}
        for finding in check_pdf(pdf, provenance=pdf.stem != "bundle"):
            assert finding.rule in RULES
            if not allowed(finding.rule, kinds):
                unexpected.append(f"{pack}/{variant}/{pdf.name}: {finding}")
    assert unexpected == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("pack", PACKS)
def test_every_pdf_passes_the_second_validator_but_the_known_gaps(
    pack: str, variant: str, warm: PdfPool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = rendered(pack, variant, tmp_path_factory)
    unexpected = []
    for pdf in sorted(folder.glob("*.pdf")):
        kinds = set(KINDS) if pdf.stem == "bundle" else {pdf.stem}
        for profile in ("2b", "ua1"):
            for failure in page.validate_pdf(str(pdf), profile=profile).failures:
                if not kinds & PAGE_GAPS.get(failure.rule_id, frozenset()):
                    unexpected.append(f"{pack}/{variant}/{pdf.name} {profile}: {failure.rule_id}")
    assert unexpected == []


def test_the_gaps_name_rules_and_kinds_that_exist() -> None:
    assert set(TEMPLATE_GAPS) <= set(RULES)
    assert all(kinds <= set(KINDS) for kinds in TEMPLATE_GAPS.values())
