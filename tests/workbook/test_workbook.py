"""The Excel input workbook: structure, round trips, forgiving reading, LibreOffice."""

from __future__ import annotations

import copy
import errno
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest

from familyplan_docs import OutputError
from familyplan_docs.authoring.msgids import required_msgids
from familyplan_docs.delivery.pdf import convert_to_xlsx
from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.discovery import load_pack
from familyplan_docs.packs.pack import Pack
from familyplan_docs.workbook.layout import (
    LIST_SHEET,
    META_SHEET,
    MSGIDS,
    PLAN_SHEET,
    SHEET_BY_KEY,
    sheet_title,
)
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import FORMULA_PREFIXES, write_workbook
from tests.helpers import SAMPLES, soffice_or_skip
from tests.workbook.helpers import CPR, PACKS, cell, edit, plan_data, problems


@pytest.mark.parametrize("name", PACKS)
def test_every_workbook_msgid_is_translated_in_built_in_pack(name: str) -> None:
    pack = load_pack(name)
    assert set(MSGIDS) <= set(required_msgids())
    missing = [m for m in MSGIDS if m not in pack.catalog]
    assert missing == []
    titles = [sheet_title(pack, key) for key in ["instructions", PLAN_SHEET, *SHEET_BY_KEY]]
    assert len(set(titles)) == len(titles)
    assert not {LIST_SHEET, META_SHEET} & set(titles)
    assert all(pack.gettext(f"workbook.sheet.{k}") == sheet_title(pack, k) for k in SHEET_BY_KEY)


# -- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_sample_round_trips_through_its_workbook(sample: Path, tmp_path: Path) -> None:
    original = FamilyPlan.model_validate_json(sample.read_bytes())
    pack = load_pack(sample.parent.name)
    out = write_workbook(pack, tmp_path / f"{sample.stem}.xlsx", original)
    assert read_workbook(out) == original


@pytest.mark.parametrize("name", PACKS)
def test_plan_with_every_field_round_trips_in_every_pack(
    name: str, tmp_path: Path, plan: FamilyPlan
) -> None:
    out = write_workbook(load_pack(name), tmp_path / "plan.xlsx", plan)
    back = read_workbook(out)
    assert back == plan
    assert back.family.members[0].national_id is not None
    assert back.family.members[0].national_id.reveal() == CPR


def test_sample_workbooks_on_disk_match_their_json() -> None:
    pairs = [(s, s.with_suffix(".xlsx")) for s in SAMPLES if s.with_suffix(".xlsx").exists()]
    for json_path, xlsx_path in pairs:
        assert read_workbook(xlsx_path) == FamilyPlan.model_validate_json(json_path.read_bytes())


def test_workbook_of_another_locale_is_read_in_its_own_language(
    tmp_path: Path, plan: FamilyPlan
) -> None:
    sv = load_pack("sv")
    out = write_workbook(sv, tmp_path / "sv.xlsx", plan)

    def bad_status(wb: Any) -> None:
        cell(wb, sv, "agreements", "status", 1).value = "Kanske"

    found = problems(edit(out, sv, bad_status))
    assert len(found) == 1
    assert found[0].startswith("Sheet 'Överenskommelser', row 3, column 'Status'")
    assert "Klar" in found[0]  # the Swedish labels are offered


def test_writing_again_replaces_the_file_atomically(tmp_path: Path, da: Pack) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"old")
    assert write_workbook(da, out) == out
    assert zipfile.is_zipfile(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, da: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, target: Any) -> None:
        target.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OutputError, match="the disk is full"):
        write_workbook(da, tmp_path / "plan.xlsx")
    assert list(tmp_path.iterdir()) == []


# -- the workbook's structure ------------------------------------------------------------


def test_blank_workbook_has_localized_sheets_lists_and_protection(tmp_path: Path, da: Pack) -> None:
    out = write_workbook(da, tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(out)
    expected = [sheet_title(da, k) for k in ["instructions", PLAN_SHEET, *SHEET_BY_KEY]]
    assert wb.sheetnames == [*expected, LIST_SHEET, META_SHEET]
    assert wb[LIST_SHEET].sheet_state == "hidden"
    assert wb[META_SHEET].sheet_state == "hidden"
    assert wb[sheet_title(da, "instructions")]["A1"].value == da.gettext(
        "workbook.instructions.title"
    )
    agreements = wb["Aftaler"]
    assert agreements.protection.sheet is True
    assert not agreements.protection.password
    assert agreements.freeze_panes == "A3"
    assert agreements["A1"].value == "Aftale"
    assert agreements["A1"].protection.locked is True
    assert agreements["A2"].protection.locked is True
    assert agreements.column_dimensions["A"].protection.locked is False
    assert agreements.column_dimensions["C"].number_format == "dd\\.mm\\.yyyy"
    assert agreements.column_dimensions["A"].width >= 30
    rules = {
        str(dv.sqref).split(":")[0]: dv.formula1
        for dv in agreements.data_validations.dataValidation
    }
    assert rules["D3"] == "fp_agreement_status"
    assert rules["F3"] == "fp_meetings"
    interventions = wb["Indsatser"]
    rules = {
        str(dv.sqref).split(":")[0]: dv.formula1
        for dv in interventions.data_validations.dataValidation
    }
    assert rules["A3"] == "fp_members"
    names = wb.defined_names
    assert names["fp_members"].attr_text == "'Familiemedlemmer'!$A$3:$A$10002"
    labels = [c.value for c in wb[LIST_SHEET]["C"][1:4]]  # network groups
    assert labels == ["Kommunalt netværk", "Eksternt netværk", "Personligt netværk"]
    checklist = wb["Tjekliste"]
    assert checklist["A3"].value == da.gettext("checklist_step.letter_and_flyer")


def test_filled_cells_are_unlocked_and_dates_are_dates(workbook: Path, da: Pack) -> None:
    wb = openpyxl.load_workbook(workbook)
    c = cell(wb, da, "agreements", "deadline", 1)
    assert isinstance(c.value, datetime)
    assert c.number_format == "dd\\.mm\\.yyyy"
    assert c.protection.locked is False
    start = cell(wb, da, "meetings", "start_time", 1)
    assert start.value == time(9, 30)
    plan = wb[sheet_title(da, PLAN_SHEET)]
    labels = {plan.cell(r, 1).value: plan.cell(r, 2) for r in range(1, plan.max_row + 1)}
    assert labels["Land"].value == "Danmark"
    assert labels["Land"].protection.locked is False


@pytest.mark.parametrize("text", ["=1+1", "+45 12", "-5", "@SUM(A1)", '=HYPERLINK("x")'])
def test_text_that_looks_like_a_formula_is_written_as_text(
    text: str, tmp_path: Path, da: Pack
) -> None:
    data = plan_data()
    data["agreements"][0]["content"] = text
    original = FamilyPlan.model_validate(data)
    out = write_workbook(da, tmp_path / "plan.xlsx", original)
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)
    c = cell(openpyxl.load_workbook(out), da, "agreements", "content", 1)
    assert c.data_type == "s"
    assert c.value == text
    assert c.quotePrefix == text.startswith(FORMULA_PREFIXES)
    assert read_workbook(out) == original


# -- forgiving reading -------------------------------------------------------------------


def test_reading_forgives_spaces_text_dates_text_numbers_and_other_labels(
    workbook: Path, da: Pack, plan: FamilyPlan
) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "agreements", "deadline", 1).value = " 01.02.2026 "
        cell(wb, da, "agreements", "status", 1).value = "  udført "  # case and spaces
        cell(wb, da, "agreements", "status", 2).value = "open"  # the English id
        cell(wb, da, "goals", "status", 1).value = "Pågår"  # the Swedish label
        cell(wb, da, "goals", "by_when", 1).value = "2026-06-01"  # ISO as text
        cell(wb, da, "interventions", "hours_per_week", 1).value = "1,5"  # Danish decimal
        cell(wb, da, "interventions", "hours_per_week", 2).value = 2
        cell(wb, da, "agenda", "minutes", 1).value = " 10 "
        cell(wb, da, "meetings", "start_time", 1).value = "9.30"
        cell(wb, da, "members", "needs_interpreter", 1).value = "JA"
        cell(wb, da, "network", "phone", 2).value = 12345678  # a number in a text column
        cell(wb, da, "versions", "version", 2).value = 2.1  # a version typed as a number
        cell(wb, da, "goals", "goal", 30).value = "   "  # empty trailing rows
        cell(wb, da, "goals", "who", 40).value = ""
        cell(wb, da, "action_plans", "member", 2).value = None  # same person as the row above

    assert read_workbook(edit(workbook, da, change)) == plan


@pytest.mark.parametrize(
    ("name", "typed"), [("da", "1.2.2026"), ("nl", "1-2-2026"), ("sv", "2026-02-01")]
)
def test_a_date_typed_as_text_is_read_in_the_workbooks_locale(
    name: str, typed: str, tmp_path: Path, plan: FamilyPlan
) -> None:
    pack = load_pack(name)
    out = write_workbook(pack, tmp_path / "plan.xlsx", plan)

    def change(wb: Any) -> None:
        target = cell(wb, pack, "agreements", "deadline", 1)
        target.value = typed
        target.number_format = "@"

    assert read_workbook(edit(out, pack, change)).agreements[0].deadline == date(2026, 2, 1)


def test_reading_accepts_a_country_by_code(workbook: Path, da: Pack, plan: FamilyPlan) -> None:
    def change(wb: Any) -> None:
        ws = wb[sheet_title(da, PLAN_SHEET)]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Land")
        ws.cell(row, 2).value = " dk "

    assert read_workbook(edit(workbook, da, change)) == plan


# -- LibreOffice -------------------------------------------------------------------------


@pytest.fixture
def libreoffice_resave(tmp_path: Path) -> Callable[[Path], Path]:
    """Re-save a workbook through LibreOffice Calc (skipped without it, but never in CI)."""
    soffice_or_skip()

    def resave(path: Path) -> Path:
        return convert_to_xlsx(path, tmp_path / "calc")

    return resave


@pytest.mark.libreoffice
def test_a_workbook_saved_by_libreoffice_calc_reads_back_to_the_same_plan(
    libreoffice_resave: Callable[[Path], Path], tmp_path: Path, plan: FamilyPlan
) -> None:
    for name in PACKS:
        out = write_workbook(load_pack(name), tmp_path / f"plan-{name}.xlsx", plan)
        resaved = libreoffice_resave(out)
        assert resaved != out
        assert read_workbook(resaved) == plan


@pytest.mark.libreoffice
@pytest.mark.parametrize("sample", SAMPLES[:3], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_sample_saved_by_libreoffice_calc_reads_back(
    sample: Path, libreoffice_resave: Callable[[Path], Path], tmp_path: Path
) -> None:
    original = FamilyPlan.model_validate_json(sample.read_bytes())
    out = write_workbook(load_pack(sample.parent.name), tmp_path / "s.xlsx", original)
    assert read_workbook(libreoffice_resave(out)) == original


# -- odds and ends -----------------------------------------------------------------------


def test_reading_a_missing_file_says_so(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.xlsx") == ["no such file"]


def test_values_keep_their_types(tmp_path: Path, da: Pack, plan: FamilyPlan) -> None:
    back = read_workbook(write_workbook(da, tmp_path / "p.xlsx", plan))
    assert back.interventions[0].hours_per_week == Decimal("1.5")
    assert back.meetings[1].start_time == time(14, 0)
    assert back.meetings[1].date == date(2026, 1, 20)
    assert back.agreements[0].meeting == 2
    assert back.action_plans[1].items == []
    assert copy.deepcopy(back) == plan
