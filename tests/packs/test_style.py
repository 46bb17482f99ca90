"""A pack's language conventions (``[style]``, ``[glossary]``): parsed strictly, inherited
through ``extends``, used for dates and times, and kept by every built-in pack's documents."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest
from babel import Locale

from familyplan_docs import KINDS, PackError, load_pack, load_plan
from familyplan_docs._kinds import FAMILY_FACING
from familyplan_docs.packs.style import LanguageStyle, Term, parse_style
from familyplan_docs.render.documents import render_documents
from familyplan_docs.render.environment import Formatter
from tests.helpers import BUILTIN_PACKS, SAMPLES, docx_text, make_pack

STYLED = {"da", "nl", "sv", "en"}
"""The built-in packs, each of which declares its conventions."""


def test_an_empty_style_checks_nothing() -> None:
    assert parse_style({}, "pack.toml") == LanguageStyle()
    assert LanguageStyle().problems("„Hej“ kl. 13:30, jij en u") == []


def test_avoided_words_count_only_as_whole_words() -> None:
    style = LanguageStyle(
        avoid=("jij",), glossary=(Term("coordinator", "gezinsregisseur", ("regisseur",)),)
    )
    assert style.problems("De gezinsregisseur belt u.") == []
    found = style.problems("Jij belt de Regisseur.")
    assert found == ["'regisseur' where the pack's term is 'gezinsregisseur'"]
    assert style.problems("Belt jij?") == ["the word 'jij', which the pack avoids"]


def test_other_quotation_marks_and_clock_times_are_reported() -> None:
    style = LanguageStyle(quotes=("»", "«"), time="HH.mm")
    assert style.problems("Hun sagde »nej« kl. 13.30, det er Annes bog.") == []
    found = style.problems("Hun sagde „nej“ kl. 13:30.")
    assert any("'„'" in p for p in found) and any("'“'" in p for p in found)
    assert any("'13:30'" in p for p in found)
    assert style.problems("Version 2:1 og 1:245 BW") == []  # not a time of day


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"style": {"colour": "red"}}, "unknown key"),
        ({"style": {"time": "nonsense"}}, "not a CLDR time pattern"),
        ({"style": {"date": "HH.mm"}}, "not a date format"),
        ({"style": {"date": "d. MMMM y zzzz"}}, "not a date format"),
        ({"style": {"date": "d. MMMMMMM y"}}, "not a date format"),
        ({"style": {"time": "d. MMMM"}}, "not a CLDR time pattern"),
        ({"style": {"quotes": ["«"]}}, "two characters"),
        ({"style": {"avoid": "jij"}}, "list of words"),
        ({"style": 5}, "must be a table"),
        ({"glossary": {"coordinator": {"avoid": ["x"]}}}, "needs a term"),
        ({"glossary": {"coordinator": {"term": "x", "plural": "y"}}}, "unknown key"),
    ],
)
def test_a_bad_style_is_a_pack_error_naming_the_key(tables: dict, message: str) -> None:
    with pytest.raises(PackError, match=message):
        parse_style(tables, "pack.toml")


def test_a_pack_inherits_its_parents_style_key_by_key(tmp_path: Path) -> None:
    folder = make_pack(tmp_path / "mine", "mine", extends="da", extra='[style]\ntime = "H:mm"\n')
    pack = load_pack(folder, [tmp_path])
    parent = load_pack("da")
    assert pack.style.time == "H:mm"
    assert pack.style.quotes == parent.style.quotes
    assert pack.style.glossary == parent.style.glossary


def test_a_broken_style_breaks_the_pack_when_it_loads(tmp_path: Path) -> None:
    folder = make_pack(tmp_path / "bad", "bad", extends="da", extra="[style]\ntime = 5\n")
    with pytest.raises(PackError, match=r"style\.time"):
        load_pack(folder, [tmp_path])


@pytest.mark.parametrize("name", sorted(STYLED))
def test_times_and_dates_follow_the_packs_style(name: str) -> None:
    pack = load_pack(name)
    fmt = Formatter(pack)
    start, end = time(9, 0), time(11, 30)
    assert fmt.time(start) == Formatter(pack).time(start, pack.style.time or "short")
    both = fmt.time_range(start, end)
    assert fmt.time(start) in both and fmt.time(end) in both
    assert fmt.time_range(start) == pack.format("time.at", {"start": fmt.time(start)})
    assert fmt.time_range(None) == ""


@pytest.mark.parametrize("name", sorted(STYLED))
def test_every_builtin_pack_declares_its_conventions(name: str) -> None:
    style = load_pack(name).style
    assert style.time and style.quotes and style.address and style.glossary


def _abbreviated_months(locale: Locale) -> list[str]:
    wide = locale.months["format"]["wide"]
    short = locale.months["format"]["abbreviated"]
    return [short[m] for m in short if short[m] != wide[m]]


@pytest.mark.parametrize("name", sorted(BUILTIN_PACKS))
def test_every_document_keeps_the_packs_language_conventions(name: str, tmp_path: Path) -> None:
    """Filled (the pack's sample) and blank, every kind: no avoided word or other name of a
    glossary concept, only the pack's quotation marks, times as the pack writes them, and
    no abbreviated month in what the family reads."""
    pack = load_pack(name)
    samples = [path for path in SAMPLES if path.parent.name == name]
    plans = [load_plan(path) for path in samples]
    months = _abbreviated_months(pack.locale)
    found = []
    for label, plan in [
        ("blank", None),
        *((p.name, plan) for p, plan in zip(samples, plans, strict=True)),
    ]:
        out = tmp_path / label
        render_documents(plan, pack, out)
        for kind in KINDS:
            text = docx_text(out / f"{kind}.docx")
            found += [f"{label}/{kind}: {p}" for p in pack.style.problems(text)]
            if kind in FAMILY_FACING:
                for month in months:
                    hit = re.search(rf"\d\.? {re.escape(month)}(?!\w)", text)
                    if hit:
                        found.append(f"{label}/{kind}: the abbreviated month in {hit.group()!r}")
    assert not found, "\n".join(found)
