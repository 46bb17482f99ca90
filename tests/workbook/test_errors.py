"""The Excel input workbook: every kind of bad cell, reported with sheet, row and column."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest

from familyplan_docs._errors import InputError
from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.discovery import load_pack
from familyplan_docs.packs.pack import Pack
from familyplan_docs.workbook.layout import (
    FORMAT_VERSION,
    META_SHEET,
    PLAN_SHEET,
    sheet_title,
)
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import write_workbook
from tests.workbook.helpers import CPR, cell, edit, place, problems

# -- strict reading: each kind of bad cell -----------------------------------------------


def test_a_date_that_does_not_exist_is_reported_with_sheet_row_and_column(
    workbook: Path, da: Pack
) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "agreements", "deadline", 2).value = "31.02.2026"

    found = problems(edit(workbook, da, change))
    assert found == [
        f"{place(da, 'agreements', 2, 'deadline')}: '31.02.2026' is not a date that exists"
    ]
    assert found[0].startswith("Sheet 'Aftaler', row 4, column 'Frist'")


def test_text_that_is_no_date_and_a_number_in_a_date_column_are_reported(
    workbook: Path, da: Pack
) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "goals", "by_when", 1).value = "snart"
        number = cell(wb, da, "meetings", "date", 1)
        number.value = 46000
        number.number_format = "General"

    found = problems(edit(workbook, da, change))
    assert found[0].startswith(place(da, "goals", 1, "by_when"))
    assert "'snart' is not a date; type a date such as 03.04.2025" in found[0]
    assert found[1].startswith(place(da, "meetings", 1, "date"))
    assert "the number 46000, not a date" in found[1]


def test_a_value_not_in_the_list_names_the_choices(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "network", "closeness", 1).value = "Langt væk"

    (found,) = problems(edit(workbook, da, change))
    assert found.startswith(place(da, "network", 1, "closeness"))
    assert "'Langt væk' is not in the list; choose one of: Tæt på, Mellem, Længere væk" in found


def test_a_member_reference_not_in_the_members_sheet_is_reported_once(
    workbook: Path, da: Pack
) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "interventions", "member", 2).value = "farfar"
        cell(wb, da, "consent_lines", "child", 2).value = "lina"

    found = problems(edit(workbook, da, change))
    members = "'Familiemedlemmer' (column 'Kort navn (id)')"
    assert found == [
        f"{place(da, 'interventions', 2, 'member')}: 'farfar' is not an id in sheet {members}",
        f"{place(da, 'consent_lines', 2, 'child')}: 'lina' is not an id in sheet {members}",
    ]


def test_a_formula_where_a_value_belongs_is_reported(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "agreements", "deadline", 1).value = "=TODAY()+7"
        cell(wb, da, "members", "national_id", 1).value = f'="{CPR}"'

    edited = edit(workbook, da, change)
    with pytest.raises(InputError) as info:
        read_workbook(edited)
    found = [str(p) for p in info.value.problems]
    assert found == [
        f"{place(da, 'members', 1, 'national_id')}: holds a formula; type the value itself instead",
        f"{place(da, 'agreements', 1, 'deadline')}: holds a formula; type the value itself instead",
    ]
    assert CPR not in str(info.value)


def test_wrong_types_are_reported(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "interventions", "hours_per_week", 1).value = "mange"
        cell(wb, da, "agenda", "minutes", 1).value = 7.5
        cell(wb, da, "meetings", "start_time", 2).value = "25.00"
        cell(wb, da, "participants", "meeting", 1).value = "første"

    found = problems(edit(workbook, da, change))
    assert found == [
        f"{place(da, 'interventions', 1, 'hours_per_week')}: 'mange' is not a number",
        f"{place(da, 'meetings', 2, 'start_time')}: '25.00' is not a time that exists",
        f"{place(da, 'participants', 1, 'meeting')}: 'første' is not a whole number",
        f"{place(da, 'agenda', 1, 'minutes')}: 7.5 is not a whole number",
    ]


def test_an_invalid_id_number_is_reported_without_printing_it(workbook: Path, da: Pack) -> None:
    wrong = "3207614285"  # day 32 does not exist

    def change(wb: Any) -> None:
        cell(wb, da, "members", "national_id", 1).value = wrong
        cell(wb, da, "members", "national_id", 2).value = datetime(2020, 1, 1)

    edited = edit(workbook, da, change)
    with pytest.raises(InputError) as info:
        read_workbook(edited)
    text = str(info.value)
    assert wrong not in text and CPR not in text
    found = [str(p) for p in info.value.problems]
    assert found[0].startswith(place(da, "members", 1, "national_id"))
    assert "not a valid CPR number" in found[0]
    assert found[1].startswith(place(da, "members", 2, "national_id"))


@pytest.mark.parametrize(
    "number", ["140386-1282", "1403861282", "9999.93.021", "999993021", "19860314 1282"]
)
def test_an_id_number_in_the_wrong_column_is_reported_without_printing_it(
    workbook: Path, da: Pack, number: str
) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "members", "birth_date", 1).value = number  # typed in the date column
        cell(wb, da, "interventions", "member", 1).value = number  # not in the list
        cell(wb, da, "members", "role", 2).value = number  # not a role
        cell(wb, da, "network", "id", 2).value = number  # an id that is an ID number
        cell(wb, da, "network", "id", 1).value = number  # … used twice

    edited = edit(workbook, da, change)
    with pytest.raises(InputError) as info:
        read_workbook(edited)
    assert number not in str(info.value)
    digits = "".join(ch for ch in number if ch.isdigit())
    assert digits not in "".join(ch for ch in str(info.value) if ch.isdigit())
    places = [p.place for p in info.value.problems]
    assert place(da, "members", 1, "birth_date") in places
    assert place(da, "interventions", 1, "member") in places
    assert place(da, "members", 2, "role") in places
    assert place(da, "network", 2, "id") in places


def test_model_errors_map_back_to_sheet_row_and_column(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "members", "id", 4).value = "mor"  # used twice
        cell(wb, da, "members", "first_name", 4).value = "Anden"
        cell(wb, da, "members", "role", 4).value = "Barn"
        cell(wb, da, "agreements", "content", 2).value = None  # required
        cell(wb, da, "agreements", "meeting", 2).value = 9  # no such meeting
        cell(wb, da, "network", "id", 1).value = "moster hanne"  # a space
        cell(wb, da, "versions", "version", 1).value = "første"
        cell(wb, da, "consent_lines", "party_contact", 5).value = "Hr. Nielsen"
        ws = wb[sheet_title(da, PLAN_SHEET)]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Familiens navn")
        ws.cell(row, 2).value = None

    found = problems(edit(workbook, da, change))
    assert any(
        p.startswith("Sheet 'Plan og familie', row ")
        and "column 'Værdi' (Familiens navn): this cell must be filled in" in p
        for p in found
    )
    expected = [
        f"{place(da, 'members', 4, 'id')}: id 'mor' is used twice",
        f"{place(da, 'agreements', 2, 'content')}: this cell must be filled in",
        f"{place(da, 'agreements', 2, 'meeting')}: there is no number 9 in sheet 'Møder'",
        f"{place(da, 'network', 1, 'id')}: use only the letters A-Z and a-z (no accents), "
        "digits and . _ - (no spaces)",
        f"{place(da, 'consent_lines', 5, 'party_contact')}: belongs to a name in column "
        "'Ekstern part' of the same row, which is empty",
        f"{place(da, 'versions', 1, 'version')}: write the version as two numbers with a dot, "
        "such as 1.0 or 2.1",
    ]
    for line in expected:
        assert line in found
    assert len(found) == len(expected) + 1


def test_every_problem_is_reported_at_once_in_sheet_order(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "checklist", "done_on", 1).value = "i går"
        cell(wb, da, "members", "role", 1).value = "Bedstemor"
        cell(wb, da, "goals", "status", 2).value = "?"
        cell(wb, da, "rounds", "meeting", 1).value = 7

    found = problems(edit(workbook, da, change))
    sheets = [p.split("'")[1] for p in found]
    assert sheets == ["Familiemedlemmer", "Familiens mål", "Runder", "Tjekliste"]


def test_a_value_in_a_column_the_sheet_does_not_have_is_reported(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        ws = wb[sheet_title(da, "goals")]
        ws.cell(1, 9).value = "Min egen kolonne"
        ws.cell(3, 9).value = "noget"

    (found,) = problems(edit(workbook, da, change))
    assert found.startswith("Sheet 'Familiens mål', row 3: holds a value in the column headed")


def test_a_meeting_number_used_twice_is_reported(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "meetings", "number", 2).value = 1

    found = problems(edit(workbook, da, change))
    assert f"{place(da, 'meetings', 2, 'number')}: the meeting number 1 is used twice" in found
    assert any("there is no number 2 in sheet 'Møder'" in p for p in found)


def test_a_deleted_sheet_is_reported(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        del wb[sheet_title(da, "network")]

    assert problems(edit(workbook, da, change)) == [
        "Sheet 'Netværk': the sheet is missing (was it renamed or deleted?)"
    ]


def test_a_blank_workbook_says_what_must_be_filled_in(tmp_path: Path, da: Pack) -> None:
    found = problems(write_workbook(da, tmp_path / "blank.xlsx"))
    assert "Sheet 'Familiemedlemmer': at least one row must be filled in" in found
    assert "Sheet 'Koordinatorer': at least one row must be filled in" in found
    assert any("(Familiens navn): this cell must be filled in" in p for p in found)


# -- format version, locale and packs ----------------------------------------------------


def _set_meta(key: str, value: Any) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        ws = wb[META_SHEET]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)
        ws.cell(row, 2).value = value

    return change


def test_a_workbook_of_a_newer_format_version_says_why_it_cannot_be_read(
    workbook: Path, da: Pack
) -> None:
    found = problems(edit(workbook, da, _set_meta("format_version", FORMAT_VERSION + 1)))
    assert found == [
        f"the workbook has format version {FORMAT_VERSION + 1}, but this version of "
        f"familyplan-docs reads format versions up to {FORMAT_VERSION}; "
        "update familyplan-docs to read it"
    ]


def test_a_workbook_without_meta_sheet_is_refused(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        del wb[META_SHEET]

    (found,) = problems(edit(workbook, da, change))
    assert "not made by familyplan-docs" in found


def test_a_workbook_of_an_unknown_pack_says_how_to_find_it(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        _set_meta("pack", "xx-acme")(wb)
        _set_meta("locale", "xx_XX")(wb)

    (found,) = problems(edit(workbook, da, change))
    assert "written with the pack 'xx-acme' (locale xx_XX)" in found
    assert "--templates" in found


def test_an_unknown_pack_of_a_known_locale_is_read_with_that_locales_pack(
    workbook: Path, da: Pack, plan: FamilyPlan
) -> None:
    assert read_workbook(edit(workbook, da, _set_meta("pack", "da-gone"))) == plan


def test_an_organizations_pack_is_found_with_packs(
    tmp_path: Path, plan: FamilyPlan, da: Pack
) -> None:
    folder = tmp_path / "packs" / "da-acme"
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text(
        'name = "da-acme"\nlocale = "da_DK"\nextends = "da"\n', encoding="utf-8"
    )
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "workbook.sheet.agreements"\nmsgstr "Acme-aftaler"\n',
        encoding="utf-8",
    )
    acme = load_pack(folder)
    out = write_workbook(acme, tmp_path / "acme.xlsx", plan)
    assert "Acme-aftaler" in openpyxl.load_workbook(out).sheetnames
    assert read_workbook(out, packs=[tmp_path / "packs"]) == plan
    assert read_workbook(out) == plan  # without the pack: the recorded titles and da's labels
