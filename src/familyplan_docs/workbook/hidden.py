"""Where a sheet hides cells from the coordinator: hidden rows and columns, merged cells.

A workbook is read for what the coordinator sees and checks, so a value the coordinator
cannot see must not reach a plan. The reader (openpyxl, read-only) does not report hidden
rows and columns, so each sheet's XML is read here once more with lxml (entities never
expanded, no DTD, nothing fetched) for what hides a cell:

* a row that is hidden, or so low (under :data:`MIN_ROW_POINTS` points) that its text
  cannot be seen, and every row of a sheet whose rows are hidden by default;
* a column that is hidden or narrower than :data:`MIN_COLUMN_WIDTH` characters, and every
  column of a sheet whose columns are that narrow by default;
* a cell covered by a merged range (only the range's first cell shows its value).

:func:`hidden_lines` gives a :class:`HiddenLines` per sheet; the reader refuses a value
in any of those places, naming the sheet, row and column.
"""

from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass, field

from lxml import etree

__all__ = [
    "MIN_COLUMN_WIDTH",
    "MIN_ROW_POINTS",
    "HiddenLines",
    "ListedSheet",
    "column_letter",
    "hidden_lines",
    "sheets_of",
]

MIN_ROW_POINTS = 3.0
"""A row lower than this (in points; the default is 15) shows no readable text."""

MIN_COLUMN_WIDTH = 1.0
"""A column narrower than this (in characters; the default is about 8.4) shows no text."""

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


@dataclass
class HiddenLines:
    """What one sheet hides: rows, column ranges and merged ranges (1-based, inclusive)."""

    rows: set[int] = field(default_factory=set)
    columns: list[tuple[int, int]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges as (first row, first column, last row, last column)."""
    rows_by_default: bool = False
    """Rows are hidden unless a row says otherwise (``zeroHeight``)."""
    shown_rows: set[int] = field(default_factory=set)
    columns_by_default: bool = False
    shown_columns: list[tuple[int, int]] = field(default_factory=list)
    _sweep_row: int | None = field(default=None, repr=False)
    _next_merge: int = field(default=0, repr=False)
    _active: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

    def row_hidden(self, row: int) -> bool:
        """Whether *row* cannot be seen."""
        if self.rows_by_default:
            return row not in self.shown_rows
        return row in self.rows

    def column_hidden(self, column: int) -> bool:
        """Whether *column* cannot be seen."""
        if self.columns_by_default:
            return not any(first <= column <= last for first, last in self.shown_columns)
        return any(first <= column <= last for first, last in self.columns)

    def covered(self, row: int, column: int) -> bool:
        """Whether the cell is inside a merged range but not its first cell.

        Rows are asked in increasing order (as a sheet is read): the merged ranges are
        swept once, so a sheet with many of them costs little.
        """
        if not self.merged:
            return False
        if self._sweep_row is None or row < self._sweep_row:
            self.merged.sort()
            self._next_merge, self._active = 0, []
        self._sweep_row = row
        while self._next_merge < len(self.merged) and self.merged[self._next_merge][0] <= row:
            self._active.append(self.merged[self._next_merge])
            self._next_merge += 1
        self._active = [m for m in self._active if m[2] >= row]
        return any(
            left <= column <= right and (row, column) != (top, left)
            for top, left, _bottom, right in self._active
        )

    @property
    def hides_anything(self) -> bool:
        """Whether the sheet hides any cell at all."""
        hides = self.rows or self.columns or self.merged
        return bool(hides) or self.rows_by_default or self.columns_by_default


def column_letter(column: int) -> str:
    """The letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _cell(ref: str) -> tuple[int, int] | None:
    match = _REF.match(ref.strip().upper())
    return (int(match.group(2)), _column_number(match.group(1))) if match else None


def hidden_lines(sheet_xml: bytes) -> HiddenLines:
    """What the worksheet part *sheet_xml* hides (see the module docstring).

    Raises :class:`lxml.etree.LxmlError` when the part is not well-formed XML.
    """
    found = HiddenLines()
    next_row = 1
    events = etree.iterparse(
        io.BytesIO(sheet_xml),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    for event, element in events:
        name = _local(element.tag)
        if event == "end":
            if name in ("row", "col", "mergeCell"):
                element.clear(keep_tail=False)  # a sheet may be large: keep memory flat
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
            continue
        if name == "sheetFormatPr":
            found.rows_by_default = _true(element.get("zeroHeight"))
            width = _number(element.get("defaultColWidth"))
            found.columns_by_default = width is not None and width < MIN_COLUMN_WIDTH
        elif name == "row":
            given = (element.get("r") or "").strip()
            number = int(given) if given.isdigit() else next_row
            next_row = number + 1
            height = _number(element.get("ht"))
            low = height is not None and height < MIN_ROW_POINTS
            if _true(element.get("hidden")) or low:
                found.rows.add(number)
            elif height is not None:
                found.shown_rows.add(number)
        elif name == "col":
            first, last = _number(element.get("min")), _number(element.get("max"))
            if first is None or last is None:
                continue
            span = (int(first), int(last))
            width = _number(element.get("width"))
            narrow = width is not None and width < MIN_COLUMN_WIDTH
            if _true(element.get("hidden")) or narrow:
                found.columns.append(span)
            elif width is not None:
                found.shown_columns.append(span)
        elif name == "mergeCell":
            first_cell, _, last_cell = (element.get("ref") or "").partition(":")
            start, end = _cell(first_cell), _cell(last_cell or first_cell)
            if start and end:
                found.merged.append((*start, *end))
    return found


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class ListedSheet:
    """A sheet as the workbook part lists it: its part and whether it is shown."""

    part: str
    state: str
    """``visible``, ``hidden`` or ``veryHidden``."""


def sheets_of(workbook_part: str, workbook_xml: bytes, rels_xml: bytes) -> dict[str, ListedSheet]:
    """Every sheet the workbook part lists, by title: its worksheet part and its state.

    Raises :class:`lxml.etree.LxmlError` when a part is not well-formed XML.
    """
    folder = posixpath.dirname(workbook_part)
    targets = {}
    for element in etree.fromstring(rels_xml, parser=_PARSER).iter():
        if _local(element.tag) == "Relationship" and element.get("Id"):
            target = element.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            targets[element.get("Id")] = posixpath.normpath(path)
    found = {}
    for element in etree.fromstring(workbook_xml, parser=_PARSER).iter():
        if _local(element.tag) != "sheet":
            continue
        rid = element.get(f"{{{_RELATIONSHIPS}}}id") or ""
        state = (element.get("state") or "visible").strip()
        found[element.get("name") or ""] = ListedSheet(targets.get(rid, ""), state)
    return found
