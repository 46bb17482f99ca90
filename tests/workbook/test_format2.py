"""Workbook format 2: custody, signatures per person, kept versions, the children's views,
safety, follow-ups and the closing — with located errors, and format 1 still read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl

from familyplan_docs.model.load import validate_plan
from familyplan_docs.packs.pack import Pack
from familyplan_docs.workbook.layout import META_SHEET, SHEETS, sheet_title
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import write_workbook
from tests.helpers import ROOT
from tests.workbook.helpers import cell, edit, place, problems

MAXIMAL = ROOT / "tests" / "data" / "maximal-plan.json"


def test_the_maximal_plan_round_trips_through_the_workbook(tmp_path: Path, da: Pack) -> None:
    plan = validate_plan(json.loads(MAXIMAL.read_text(encoding="utf-8")))
    assert plan.child_views and plan.follow_ups and plan.closing and plan.safety
    assert read_workbook(write_workbook(da, tmp_path / "max.xlsx", plan)) == plan


def test_custody_names_members_of_the_members_sheet(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "custody", "custodian", 1).value = "mor"
        cell(wb, da, "custody", "child", 1).value = "nobody"

    (found,) = problems(edit(workbook, da, change))
    assert found.startswith(f"{place(da, 'custody', 1, 'child')}: 'nobody' is not an id")


def test_custody_of_an_adult_is_reported_at_its_cell(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "custody", "custodian", 1).value = "mor"
        cell(wb, da, "custody", "child", 1).value = "mor"

    found = problems(edit(workbook, da, change))
    assert found == [
        f"{place(da, 'custody', 1, 'child')}: 'mor' is not a child of the family (role child)"
    ]


def test_a_kept_goal_of_an_unknown_version_is_reported(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "version_goals", "version", 1).value = "9.9"
        cell(wb, da, "version_goals", "goal", 1).value = "Et gammelt mål"

    (found,) = problems(edit(workbook, da, change))
    assert found.startswith(f"{place(da, 'version_goals', 1, 'version')}: there is no version 9.9")


def test_a_signature_with_a_role_but_no_signer_is_reported(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "consent_lines", "consent", 40).value = 1
        cell(wb, da, "consent_lines", "signer_signed_on", 40).value = "01.10.2026"

    (found,) = problems(edit(workbook, da, change))
    assert found.startswith(place(da, "consent_lines", 40, "signer_signed_on"))


def test_a_format_1_workbook_without_the_new_sheets_is_still_read(
    workbook: Path, da: Pack, plan: Any
) -> None:
    def change(wb: Any) -> None:
        for sheet in SHEETS:
            if sheet.since > 1:
                del wb[sheet_title(da, sheet.key)]
        meta = wb[META_SHEET]
        meta.cell(1, 2).value = 1

    read = read_workbook(edit(workbook, da, change))
    assert read.family.name == plan.family.name
    assert read.child_views == [] and read.follow_ups == []


def test_a_format_2_workbook_must_keep_its_sheets(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        del wb[sheet_title(da, "custody")]

    found = problems(edit(workbook, da, change))
    assert found == [
        f"Sheet '{sheet_title(da, 'custody')}': the sheet is missing (was it renamed or deleted?)"
    ]


def test_a_format_1_workbook_with_one_giver_per_consent_reads_as_signatures() -> None:
    """tests/data/workbook-format-1.xlsx is the Danish sample as the first format wrote it."""
    old = ROOT / "tests" / "data" / "workbook-format-1.xlsx"
    assert openpyxl.load_workbook(old)[META_SHEET].cell(1, 2).value == 1
    plan = read_workbook(old)
    assert [(s.member, str(s.signed_on)) for s in plan.consents[1].signatures] == [
        ("mette", "2026-09-24"),
        ("sara", "2026-09-24"),
    ]
