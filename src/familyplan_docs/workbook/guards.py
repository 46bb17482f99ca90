"""Checks made before an untrusted workbook is opened: is it an .xlsx, and is it small enough.

openpyxl parses the workbook's XML with defusedxml (a dependency), which refuses entity
expansion and external entities. The limits below bound what one read may cost: every part
is unpacked here with its size measured while reading (never taken from the zip header),
and openpyxl is given an honest copy of the package (:class:`CheckedWorkbook`), so a part
that lies about its size cannot make it unpack more. What each sheet hides (hidden rows
and columns, merged cells: :mod:`.hidden`) is found on the way.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from .._limits import WORKBOOK_MAX_CELLS as MAX_CELLS
from .._limits import WORKBOOK_MAX_COLUMNS as MAX_COLUMNS
from .._limits import WORKBOOK_MAX_FILE_BYTES as MAX_FILE_BYTES
from .._limits import WORKBOOK_MAX_ROWS as MAX_ROWS
from .._limits import WORKBOOK_MAX_UNCOMPRESSED_BYTES as MAX_UNCOMPRESSED_BYTES
from .._limits import WORKBOOK_MAX_ZIP_ENTRIES as MAX_ZIP_ENTRIES
from .._ooxml import (
    CONTENT_TYPES,
    DAMAGED,
    PackageProblem,
    PartData,
    content_types,
    honest_package,
    open_package,
    parse_content_types,
    read_parts,
)
from .hidden import HiddenLines, ListedSheet, hidden_lines, sheets_of

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_ZIP_ENTRIES",
    "CheckedWorkbook",
    "check_xlsx",
    "inspect_xlsx",
    "without_empty_cells",
]

_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_OTHER_MAINS = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": (
        "it is a macro-enabled workbook (.xlsm); save it as an Excel workbook (.xlsx)"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (
        "it is an Excel template (.xltx); save it as an Excel workbook (.xlsx)"
    ),
    "application/vnd.ms-excel.template.macroEnabled.main+xml": (
        "it is a macro-enabled Excel template (.xltm); save it as an Excel workbook (.xlsx)"
    ),
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": (
        "it is a binary workbook (.xlsb); save it as an Excel workbook (.xlsx)"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "it is a Word document, not a workbook"
    ),
}
_ROW_NUMBER = re.compile(rb"\sr=\"[A-Z]{0,3}(\d{5,12})\"")
"""The reference of a row or cell (the only elements of a sheet with an ``r``) whose number
has five digits or more: the only ones that can be too far down."""
_LAST_ROW = MAX_ROWS + 100  # data rows plus headers, help and the plan sheet's fields
_CHUNK = 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedWorkbook:
    """A workbook that passed the checks: an honest copy, and what each sheet hides."""

    package: bytes
    """The package written afresh from the measured parts (give this to openpyxl)."""
    hidden: dict[str, HiddenLines]
    """What each worksheet part hides, by part name (``xl/worksheets/sheet1.xml``)."""
    sheets: dict[str, ListedSheet]
    """Every sheet the workbook lists, by title: its part and its state (hidden or not)."""


def check_xlsx(data: bytes) -> str | None:
    """Return why *data* is not an acceptable .xlsx workbook, or None when it is."""
    checked = inspect_xlsx(data)
    return checked if isinstance(checked, str) else None


def inspect_xlsx(data: bytes) -> CheckedWorkbook | str:
    """Check *data* as an .xlsx workbook: the reason it is refused, or the checked workbook."""
    if len(data) > MAX_FILE_BYTES:
        return f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB"
    if data.startswith(_OLE2):
        return (
            "not an .xlsx workbook: it is an old Excel 97-2003 file (.xls) or a "
            "password-protected workbook; save it as an Excel workbook (.xlsx) without a password"
        )
    if not data.startswith(_ZIP):
        return "not an .xlsx workbook: the file is not a zip package (is it CSV or text?)"
    try:
        archive = open_package(data)
    except PackageProblem:
        return "not an .xlsx workbook: the zip package is damaged"
    with archive:
        refusal = _check_archive(archive)
        if refusal:
            return refusal
        try:
            parts = read_parts(
                archive,
                part_limit=MAX_UNCOMPRESSED_BYTES,
                total_limit=MAX_UNCOMPRESSED_BYTES,
                max_parts=MAX_ZIP_ENTRIES,
            )
        except PackageProblem as problem:
            return f"the workbook is damaged: {problem}"
    return _checked(parts)


def _checked(parts: list[PartData]) -> CheckedWorkbook | str:
    by_name = {part.name: part for part in parts}
    types = parse_content_types(by_name[CONTENT_TYPES].data)
    main = next((name for name, kind in types.overrides.items() if kind == _XLSX_MAIN), "")
    main = next((name for name in by_name if name.lower() == main), "")
    rels = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    if main not in by_name or rels not in by_name:
        return "the workbook is damaged: its workbook part or its relationships are missing"
    hidden = {}
    try:
        sheets = sheets_of(main, by_name[main].data, by_name[rels].data)
        for part in parts:
            if _is_sheet(part.name):
                hidden[part.name] = hidden_lines(part.data)
    except etree.LxmlError:
        return "the workbook is damaged: a part is not well-formed XML"
    return CheckedWorkbook(honest_package(parts), hidden, sheets)


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_archive(archive: zipfile.ZipFile) -> str | None:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        return f"the workbook has more than {MAX_ZIP_ENTRIES} parts"
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        return (
            f"the workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MiB, "
            "more than a family plan can hold"
        )
    if any(info.flag_bits & 0x1 for info in infos):
        return "the workbook is encrypted; save it without a password"
    names = {info.filename for info in infos}
    if "mimetype" in names and CONTENT_TYPES not in names:
        return (
            "not an .xlsx workbook: it looks like an OpenDocument file (.ods); "
            "save it as an Excel workbook (.xlsx)"
        )
    if CONTENT_TYPES not in names:
        return f"not an .xlsx workbook: the package has no {CONTENT_TYPES}"
    try:
        types = set(content_types(archive, _MAX_CONTENT_TYPES_BYTES).overrides.values())
    except PackageProblem:
        return f"not an .xlsx workbook: its {CONTENT_TYPES} cannot be read"
    if _XLSX_MAIN in types:
        try:
            return _check_row_numbers(archive, infos)
        except DAMAGED:
            return "not an .xlsx workbook: the zip package is damaged"
    for content_type, reason in _OTHER_MAINS.items():
        if content_type.lower() in types:
            return f"not an .xlsx workbook: {reason}"
    return "not an .xlsx workbook: the package holds no spreadsheet"


def _check_row_numbers(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """Refuse a sheet that names a row far below any plan, or holds more rows than one can
    have (empty ones included), before openpyxl walks them.

    openpyxl yields every empty row up to a row's number, so one cell at row 2,000,000,000
    would take hours, and it reads every ``<row/>`` however empty; the sheet XML is scanned
    in chunks for row numbers and rows instead.
    """
    for info in infos:
        if not _is_sheet(info.filename):
            continue
        tail = b""
        rows = 0
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                data = tail + chunk
                for match in _ROW_NUMBER.finditer(data):
                    if int(match.group(1)) > _LAST_ROW:
                        return (
                            f"a sheet has data below row {_LAST_ROW}; a plan has at most "
                            f"{MAX_ROWS} rows per sheet"
                        )
                # a row that ended in the tail was counted with the chunk before
                rows += len(_ROW_START.findall(data)) - len(_ROW_START.findall(tail))
                if rows > _LAST_ROW:
                    return (
                        f"a sheet has more than {_LAST_ROW} rows, empty ones included; a plan "
                        f"has at most {MAX_ROWS} rows per sheet (delete the empty rows below it)"
                    )
                tail = data[-256:]
    return None


_ROW_START = re.compile(rb"<(?:\w+:)?row[\s/>]")
_EMPTY_CELL = re.compile(rb"<(?:\w+:)?c r=\"[A-Z]{1,3}[0-9]{1,7}\"[^<>/]*/>")
"""A cell with its reference (first, as spreadsheets write it) and nothing in it."""
_EMPTY_ROW = re.compile(rb"<((?:\w+:)?)row r=\"[0-9]{1,7}\"[^<>/]*(?:/>|>\s*</\1row>)")
"""A row with its number and no cell in it."""
_COMPACT_FROM = 256 * 1024
"""Sheets larger than this (in bytes, unpacked) are compacted before they are read."""


def without_empty_cells(data: bytes) -> bytes:
    """The workbook *data* with the empty cells and rows of its large sheets left out.

    A spreadsheet writes a cell for every formatted one, so a sheet formatted far down
    holds hundreds of thousands of cells with nothing in them, each of which openpyxl would
    parse. Cells and rows that carry their own reference (``r="B7"``) and hold nothing are
    dropped; every value keeps its place, so reading gives the same plan, in time that
    grows with the cells that hold something. Call after :func:`check_xlsx` accepted *data*.
    """
    with open_package(data) as archive:
        infos = archive.infolist()
        if not any(_is_sheet(i.filename) and i.file_size > _COMPACT_FROM for i in infos):
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
            for info in infos:
                part = archive.read(info)
                if _is_sheet(info.filename) and info.file_size > _COMPACT_FROM:
                    part = _EMPTY_ROW.sub(b"", _EMPTY_CELL.sub(b"", part))
                target.writestr(info.filename, part)
        return out.getvalue()
