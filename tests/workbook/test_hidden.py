"""A workbook gives only what the coordinator can see; its meta sheet names a pack, never a folder.

Hidden sheets, hidden (or too low) rows, hidden (or too narrow) columns and cells under a
merged range could add or replace values no one filling in the workbook would ever see:
each is an error naming its sheet, row and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs.packs.pack import Pack
from familyplan_docs.workbook.hidden import column_letter, hidden_lines
from familyplan_docs.workbook.layout import FIRST_DATA_ROW, sheet_title
from familyplan_docs.workbook.read import read_workbook
from tests.helpers import RawEntry, deflated, make_pack, rebuild
from tests.workbook.helpers import cell, edit, problems


def _agreements(wb: Any, da: Pack) -> Any:
    return wb[sheet_title(da, "agreements")]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_refused_naming_it(workbook: Path, da: Pack, state: str) -> None:
    def change(wb: Any) -> None:
        shadow = wb.copy_worksheet(_agreements(wb, da))
        shadow.title = "Aftaler (2)"
        shadow.sheet_state = state

    (found,) = problems(edit(workbook, da, change))
    assert found.startswith("Sheet 'Aftaler (2)': is hidden")


def test_the_meta_sheet_cannot_point_at_a_hidden_copy(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        shadow = wb.copy_worksheet(_agreements(wb, da))
        shadow.title = "shadow"
        shadow.sheet_state = "hidden"
        for row in wb["meta"].iter_rows():
            if row[0].value == "sheet.agreements":
                row[1].value = "shadow"

    assert problems(edit(workbook, da, change)) == [
        "Sheet 'shadow': is hidden, so no one filling in the workbook can see what it holds; "
        "unhide it (right-click a sheet tab → Unhide) and move what belongs to the plan to its "
        "own sheet, or delete it"
    ]


def test_the_workbooks_own_hidden_sheets_are_read_as_always(workbook: Path) -> None:
    assert read_workbook(workbook).agreements


@pytest.mark.parametrize("how", ["hidden", "low"])
def test_a_value_in_a_hidden_row_is_refused_naming_the_row(
    workbook: Path, da: Pack, how: str
) -> None:
    def change(wb: Any) -> None:
        cell(wb, da, "agreements", "content", 1).value = "Hidden agreement"
        ws = _agreements(wb, da)
        if how == "hidden":
            ws.row_dimensions[FIRST_DATA_ROW].hidden = True
        else:
            ws.row_dimensions[FIRST_DATA_ROW].height = 1

    found = problems(edit(workbook, da, change))
    title = sheet_title(da, "agreements")
    assert any(p.startswith(f"Sheet '{title}', row {FIRST_DATA_ROW}: holds a value") for p in found)
    assert any("the row is hidden" in p for p in found)


@pytest.mark.parametrize("how", ["hidden", "narrow"])
def test_a_value_in_a_hidden_column_is_refused_naming_the_column(
    workbook: Path, da: Pack, how: str
) -> None:
    def change(wb: Any) -> None:
        ws = _agreements(wb, da)
        if how == "hidden":
            ws.column_dimensions["A"].hidden = True
        else:
            ws.column_dimensions["A"].width = 0.2

    found = problems(edit(workbook, da, change))
    assert any("column A is hidden (or too narrow to read)" in p for p in found)
    assert len([p for p in found if "column A is hidden" in p]) == 1  # once per column


def test_a_value_under_a_merged_cell_is_refused(workbook: Path, da: Pack) -> None:
    """Excel shows only a merged range's first cell; a value written under it stays unseen."""
    row = FIRST_DATA_ROW

    def change(wb: Any) -> None:
        _agreements(wb, da).merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)

    merged = edit(workbook, da, change)
    hidden_value = f'<c r="B{row}" t="inlineStr"><is><t>under the merge</t></is></c>'.encode()

    def put_value(name: str, data: bytes) -> RawEntry | None:
        if not name.startswith("xl/worksheets/") or b"<mergeCell " not in data:
            return None
        empty_b = rb'<c r="B%d"[^>]*(?:/>|></c>)' % row
        return deflated(name, re.sub(empty_b, hidden_value, data, count=1))

    found = problems(rebuild(merged, merged.with_name("under.xlsx"), put_value))
    assert any(f"the cell B{row} is covered by merged cells" in p for p in found)


def test_a_hidden_empty_row_is_no_problem(workbook: Path, da: Pack) -> None:
    def change(wb: Any) -> None:
        _agreements(wb, da).row_dimensions[500].hidden = True

    assert read_workbook(edit(workbook, da, change)).agreements


def test_the_meta_sheet_names_a_pack_never_a_folder(
    workbook: Path, da: Pack, tmp_path: Path
) -> None:
    evil = make_pack(tmp_path / "elsewhere" / "evil", "evil")

    def change(wb: Any) -> None:
        for row in wb["meta"].iter_rows():
            if row[0].value in ("pack", "locale"):
                row[1].value = str(evil)

    (found,) = problems(edit(workbook, da, change))
    assert "cannot be loaded here" in found
    assert "unknown locale pack" in found


def test_a_pack_the_meta_sheet_names_is_found_on_the_search_path(
    workbook: Path, da: Pack, tmp_path: Path
) -> None:
    make_pack(tmp_path / "packs" / "da-org", "da-org")

    def change(wb: Any) -> None:
        for row in wb["meta"].iter_rows():
            if row[0].value == "pack":
                row[1].value = "da-org"

    assert read_workbook(edit(workbook, da, change), packs=[tmp_path / "packs"]).agreements


def test_hidden_lines_reads_what_a_sheet_hides() -> None:
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cols><col min="2" max="3" hidden="1"/><col min="5" max="5" width="0"/></cols>'
        b'<sheetData><row r="4" hidden="true"/><row ht="1"/><row r="9" ht="15"/></sheetData>'
        b'<mergeCells><mergeCell ref="A10:C12"/></mergeCells></worksheet>'
    )
    found = hidden_lines(xml)
    assert found.row_hidden(4) and found.row_hidden(5) and not found.row_hidden(9)
    assert found.column_hidden(3) and found.column_hidden(5) and not found.column_hidden(4)
    assert found.covered(11, 1) and not found.covered(10, 1) and not found.covered(13, 2)
    assert [column_letter(n) for n in (1, 26, 27, 64)] == ["A", "Z", "AA", "BL"]


def test_rows_hidden_by_default_count_as_hidden() -> None:
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetFormatPr zeroHeight="1"/><sheetData><row r="2" ht="15" customHeight="1"/>'
        b"</sheetData></worksheet>"
    )
    found = hidden_lines(xml)
    assert found.row_hidden(1) and not found.row_hidden(2)
