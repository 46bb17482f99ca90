"""The Excel input workbook: untrusted files are refused or bounded before they are read."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest

from familyplan_docs.packs.pack import Pack
from familyplan_docs.workbook import guards as _workbook_check
from familyplan_docs.workbook import read as _workbook_read
from tests.workbook.helpers import cell, edit, problems

# -- safety of the XML parser and the catalog -----------------------------------------------


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


# -- refusing what is not an .xlsx, and bounds -------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _content_types(main: str) -> bytes:
    return (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>'
    ).encode()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"name;date\nSara;2026-01-01\n", "not a zip package"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003 file (.xls)"),
        (b"PK\x03\x04 broken", "the zip package is damaged"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "(.ods)"),
        (_zip({"xl/workbook.xml": b"<x/>"}), "no [Content_Types].xml"),
        (
            _zip({"[Content_Types].xml": _content_types(
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml")}),
            "macro-enabled workbook (.xlsm)",
        ),
        (
            _zip({"[Content_Types].xml": _content_types(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")}),
            "a Word document",
        ),
        (
            _zip({"[Content_Types].xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Types>&a;</Types>'}),
            "cannot be read",
        ),
    ],
    ids=["csv", "xls", "broken-zip", "ods", "no-content-types", "xlsm", "docx", "xml-entity"],
)  # fmt: skip
def test_a_file_that_is_not_xlsx_is_refused_with_a_clear_message(
    content: bytes, reason: str, tmp_path: Path
) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    (found,) = problems(path)
    assert reason in found


def test_a_damaged_workbook_is_refused(workbook: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(workbook) as source:
        entries = {n: source.read(n) for n in source.namelist()}
    entries["xl/worksheets/sheet5.xml"] = b"<worksheet><sheetData><row>"
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_zip(entries))
    (found,) = problems(path)
    assert "damaged" in found or "cannot be opened" in found


def test_a_zip_version_python_cannot_read_is_refused(workbook: Path, tmp_path: Path) -> None:
    """zipfile raises NotImplementedError for a zip version it lacks (found by fuzzing)."""
    data = bytearray(workbook.read_bytes())
    first = data.index(b"PK\x01\x02")  # the central directory's first entry
    data[first + 6 : first + 8] = (84).to_bytes(2, "little")  # version needed: 8.4
    path = tmp_path / "future.xlsx"
    path.write_bytes(bytes(data))
    (found,) = problems(path)
    assert "damaged" in found


def test_a_file_larger_than_the_limit_is_refused(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_workbook_read, "MAX_FILE_BYTES", 1000)
    assert problems(workbook) == ["the file is larger than 0 MiB"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(
        _zip({"[Content_Types].xml": b" " * (_workbook_check.MAX_UNCOMPRESSED_BYTES + 1)})
    )
    assert path.stat().st_size < 2 * 1024 * 1024
    (found,) = problems(path)
    assert "unpacks to more than 200 MiB" in found


def test_too_many_parts_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workbook_check, "MAX_ZIP_ENTRIES", 3)
    path = tmp_path / "many.xlsx"
    path.write_bytes(_zip({f"part{n}.xml": b"<x/>" for n in range(4)}))
    assert problems(path) == ["the workbook has more than 3 parts"]


def test_rows_past_the_limit_are_refused(
    workbook: Path, da: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_workbook_read, "MAX_ROWS", 100)  # more than the plan sheet's rows

    def change(wb: Any) -> None:
        for n in range(1, 102):
            cell(wb, da, "goals", "goal", n).value = f"Mål {n}"

    found = problems(edit(workbook, da, change))
    assert found == [
        "Sheet 'Familiens mål', row 103: the sheet has more than 100 rows; split the plan"
    ]


def test_cells_past_the_limit_are_refused(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workbook_read, "MAX_CELLS", 50)
    (found,) = problems(workbook)
    assert found.endswith(": the workbook holds more than 50 filled cells")


def test_bounds_are_documented_constants() -> None:
    check = _workbook_check
    assert check.MAX_FILE_BYTES == 20 * 1024 * 1024
    assert check.MAX_UNCOMPRESSED_BYTES == 200 * 1024 * 1024
    assert (check.MAX_ROWS, check.MAX_COLUMNS, check.MAX_CELLS) == (10_000, 64, 1_000_000)
    assert check.MAX_ZIP_ENTRIES == 2_000


# -- empty rows and cells cost nothing ----------------------------------------------------------


def _with_sheet_xml(source: Path, target: Path, change: Any) -> Path:
    """*source* with ``change(xml)`` applied to each list sheet (not the plan sheet)."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename.startswith("xl/worksheets/sheet") and b"<sheetData>" in data:
                data = change(data)
            out.writestr(info, data)
    return target


def test_formatted_empty_cells_down_to_the_last_row_read_as_the_same_plan(
    workbook: Path, tmp_path: Path, plan: Any
) -> None:
    # what a spreadsheet writes when someone formats every column down to the last row
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, 17)]

    def formatted(xml: bytes) -> bytes:
        head, _, tail = xml.partition(b"</sheetData>")
        used = {int(r) for r in re.findall(rb'<row r="(\d+)"', head)}
        rows = "".join(
            f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in letters) + "</row>"
            for r in range(max(used) + 1, _workbook_check.MAX_ROWS + 2)
        )
        return head + rows.encode() + b"</sheetData>" + tail

    big = _with_sheet_xml(workbook, tmp_path / "formatted.xlsx", formatted)
    assert big.stat().st_size < _workbook_check.MAX_FILE_BYTES
    assert _workbook_read.read_workbook(big) == plan


def test_rows_without_a_number_past_the_limit_are_refused_before_they_are_read(
    workbook: Path, tmp_path: Path
) -> None:
    rows = b"<row/>" * (_workbook_check.MAX_ROWS + 200)
    path = _with_sheet_xml(
        workbook,
        tmp_path / "rows.xlsx",
        lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"),
    )
    (found,) = problems(path)
    assert "more than 10100 rows, empty ones included" in found
