"""Write the localized input workbook (.xlsx), blank or pre-filled from a plan.

The structure is in :mod:`.layout`; reading it back is :mod:`.read`.
Every visible text comes from the pack's catalog; drop-down lists come from a hidden list
sheet through defined names, so long lists and member ids work in Excel and LibreOffice.
No value is ever written as a formula (OWASP CSV/formula injection).
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, not with the package
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.worksheet import Worksheet

from .._errors import InputError, Problem
from .._files import atomic_save
from ..model.plan import ChecklistStep, FamilyPlan
from ..packs.labels import LABELLED_ENUMS, label_id
from ..packs.pack import Pack
from .guards import MAX_ROWS
from .layout import (
    COUNTRIES,
    FIRST_DATA_ROW,
    FORMAT_VERSION,
    HEADER_ROW,
    HELP_ROW,
    INSTRUCTIONS_SHEET,
    INSTRUCTIONS_TITLE_ID,
    LIST_SHEET,
    META_SHEET,
    NO_ID,
    OPENING_HOURS_ROWS,
    PLAN_COLUMNS,
    PLAN_FIRST_ROW,
    PLAN_SECTIONS,
    PLAN_SHEET,
    SHEETS,
    VALIDATION_MESSAGE_ID,
    VALIDATION_TITLE_ID,
    YES_ID,
    Column,
    Kind,
    Sheet,
    excel_date_format,
    excel_time_format,
    field_help_id,
    field_id,
    instruction_ids,
    section_id,
    sheet_title,
)
from .rows import plan_rows, plan_values

LAST_INPUT_ROW = FIRST_DATA_ROW + MAX_ROWS - 1
"""Drop-downs and reference lists reach down to this row."""

CELL_MAX_UTF16 = 32_767
"""The most a spreadsheet cell holds, in UTF-16 code units (Excel's limit; Calc cuts there)."""
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
"""An underscore that Excel and Calc would read as the start of an OOXML character escape
(``_x0041_`` is A); every one is written as ``_x005F_``, also one ending such an escape."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Text that begins with one of these is stored with a quote prefix, never as a formula."""


@dataclass(frozen=True)
class _Styles:
    """The workbook's cell styles (made on first use: openpyxl loads only to write a workbook)."""

    locked: Protection
    unlocked: Protection
    header_font: Font
    header_fill: PatternFill
    help_font: Font
    section_font: Font
    title_font: Font
    wrap_top: Alignment
    top: Alignment


@functools.cache
def _styles() -> _Styles:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    return _Styles(
        locked=Protection(locked=True),
        unlocked=Protection(locked=False),
        header_font=Font(bold=True),
        header_fill=PatternFill("solid", fgColor="DDE4EE"),
        help_font=Font(italic=True, color="555555", size=9),
        section_font=Font(bold=True, size=12),
        title_font=Font(bold=True, size=14),
        wrap_top=Alignment(wrap_text=True, vertical="top"),
        top=Alignment(vertical="top"),
    )


_TEXT_FORMAT = "@"
_TEXT_KINDS = {Kind.TEXT, Kind.LONG, Kind.REF, Kind.ID_NUMBER, Kind.MEMBER, Kind.VERSION}


def write_workbook(pack: Pack, out: str | Path, plan: FamilyPlan | None = None) -> Path:
    """Write the input workbook in *pack*'s language to *out*, pre-filled from *plan*.

    The file is written to a temporary file beside *out* and moved into place, so a failed
    run leaves nothing half-written. Returns *out*.
    """
    workbook = _Writer(pack, plan).build()

    def save(tmp: Path) -> None:
        # made in memory, then written in one go: openpyxl leaves its zip open when a write
        # fails (a full disk), and it would try again when collected
        data = io.BytesIO()
        workbook.save(data)
        tmp.write_bytes(data.getvalue())

    return atomic_save(out, save, suffix=".xlsx")


def list_name(key: str) -> str:
    """The defined name of a drop-down list (``fp_<key>``)."""
    return f"fp_{key}"


class _Writer:
    def __init__(self, pack: Pack, plan: FamilyPlan | None) -> None:
        self.pack = pack
        self.plan = plan
        from openpyxl import Workbook

        self.wb = Workbook()
        self.date_format = excel_date_format(pack.locale.date_formats["short"].pattern)
        self.time_format = excel_time_format(pack.locale.time_formats["short"].pattern)
        self.titles = {sheet.key: sheet_title(pack, sheet.key) for sheet in SHEETS}
        self.titles[PLAN_SHEET] = sheet_title(pack, PLAN_SHEET)
        self.titles[INSTRUCTIONS_SHEET] = sheet_title(pack, INSTRUCTIONS_SHEET)
        self.too_long: list[Problem] = []

    def t(self, msgid: str) -> str:
        return self.pack.gettext(msgid)

    def build(self) -> Workbook:
        """The whole workbook; :class:`InputError` if a text is too long for a cell."""
        instructions = self.wb.active
        assert instructions is not None
        self._instructions(instructions)
        self._plan_sheet(self.wb.create_sheet(self.titles[PLAN_SHEET]))
        rows = plan_rows(self.plan) if self.plan is not None else _blank_rows()
        for sheet in SHEETS:
            self._list_sheet(sheet, self.wb.create_sheet(self.titles[sheet.key]), rows[sheet.key])
        self._lists(self.wb.create_sheet(LIST_SHEET))
        self._meta(self.wb.create_sheet(META_SHEET))
        if self.too_long:
            raise InputError("workbook", self.too_long)
        self.wb.active = 0
        self.wb.properties.creator = "familyplan-docs"
        self.wb.properties.language = self.pack.language_tag
        return self.wb

    # -- sheets ----------------------------------------------------------------------------

    def _instructions(self, ws: Worksheet) -> None:
        ws.title = self.titles[INSTRUCTIONS_SHEET]
        ws.column_dimensions["A"].width = 110
        title = ws.cell(1, 1, self.t(INSTRUCTIONS_TITLE_ID))
        title.font = _styles().title_font
        for n, msgid in enumerate(instruction_ids(), start=3):
            text = self.t(msgid)
            cell = ws.cell(n, 1, text)
            cell.alignment = _styles().wrap_top
            ws.row_dimensions[n].height = 15 * _lines(text, 110)
        ws.sheet_view.showGridLines = False
        _protect(ws)

    def _plan_sheet(self, ws: Worksheet) -> None:
        for col, (key, width) in enumerate(zip(PLAN_COLUMNS, (40, 46, 60), strict=True), 1):
            self._header(ws.cell(HEADER_ROW, col), self.t(f"workbook.col.plan.{key}"))
            ws.column_dimensions[_column_letter(col)].width = width
        values = plan_values(self.plan) if self.plan is not None else self._blank_values()
        row = PLAN_FIRST_ROW
        for section, fields in PLAN_SECTIONS:
            heading = ws.cell(row, 1, self.t(section_id(section)))
            heading.font = _styles().section_font
            row += 1
            for field in fields:
                value = values.get(field.key)
                items: list[Any] = list(value or []) if field.repeat else [value]
                if field.repeat:
                    items += [None] * max(0, OPENING_HOURS_ROWS - len(items))
                for item in items:
                    label = ws.cell(row, 1, self.t(field_id(field)))
                    label.font = _styles().header_font
                    label.alignment = _styles().top
                    cell = ws.cell(row, 2)
                    self._value(cell, field, item)
                    cell.protection = _styles().unlocked
                    cell.alignment = _styles().wrap_top
                    height = _height(item, 46, 15, 8)
                    if field.help:
                        hint = ws.cell(row, 3, self.t(field_help_id(field)))
                        hint.font = _styles().help_font
                        hint.alignment = _styles().wrap_top
                        height = max(height, _height(hint.value, 72, 12, 4))
                    ws.row_dimensions[row].height = height
                    self._validation(ws, field, f"B{row}")
                    row += 1
        ws.freeze_panes = f"A{PLAN_FIRST_ROW}"
        _protect(ws)

    def _list_sheet(self, sheet: Sheet, ws: Worksheet, rows: list[dict[str, Any]]) -> None:
        header_height = help_height = 15.0
        for n, column in enumerate(sheet.written, 1):
            letter = _column_letter(n)
            self._header(ws.cell(HEADER_ROW, n), self.t(sheet.header_id(column)))
            help_cell = ws.cell(HELP_ROW, n, self.t(sheet.help_id(column)) if column.help else None)
            help_cell.font = _styles().help_font
            help_cell.alignment = _styles().wrap_top
            help_cell.protection = _styles().locked
            header = self.t(sheet.header_id(column))
            header_height = max(header_height, _height(header, column.width, 15, 3))
            help_height = max(help_height, _height(help_cell.value, column.width * 6 // 5, 12, 10))
            dim = ws.column_dimensions[letter]
            dim.width = column.width
            dim.protection = _styles().unlocked
            dim.number_format = self._number_format(column)
            dim.alignment = _styles().wrap_top if column.kind is Kind.LONG else _styles().top
            self._validation(ws, column, f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_INPUT_ROW}")
        ws.row_dimensions[HEADER_ROW].height = header_height
        ws.row_dimensions[HELP_ROW].height = help_height
        for r, record in enumerate(rows, FIRST_DATA_ROW):
            height = 15.0
            for n, column in enumerate(sheet.written, 1):
                value = record.get(column.key)
                if value is None:
                    continue
                cell = ws.cell(r, n)
                self._value(cell, column, value)
                cell.protection = _styles().unlocked
                if column.kind is Kind.LONG:
                    cell.alignment = _styles().wrap_top
                    height = max(height, _height(value, column.width, 15, 8))
                else:
                    cell.alignment = _styles().top
            if height > 15:
                ws.row_dimensions[r].height = height
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        _protect(ws)

    def _lists(self, ws: Worksheet) -> None:
        lists: dict[str, list[str]] = {
            key: [self.t(label_id(v)) for v in enum] for key, enum in LABELLED_ENUMS.items()
        }
        lists["yes_no"] = [self.t(YES_ID), self.t(NO_ID)]
        lists["country"] = [self._country(code) for code in COUNTRIES]
        for n, (key, labels) in enumerate(lists.items(), 1):
            letter = _column_letter(n)
            ws.cell(1, n, key)
            for r, label in enumerate(labels, 2):
                _text(ws.cell(r, n), label)
            ref = f"{LIST_SHEET}!${letter}$2:${letter}${len(labels) + 1}"
            self.wb.defined_names[list_name(key)] = _defined_name(list_name(key), ref)
        for key in ("members", "meetings", "consents"):  # the first column of those sheets
            title = _quote_sheetname(self.titles[key])
            ref = f"{title}!$A${FIRST_DATA_ROW}:$A${LAST_INPUT_ROW}"
            self.wb.defined_names[list_name(key)] = _defined_name(list_name(key), ref)
        ws.sheet_state = "hidden"
        _protect(ws)

    def _meta(self, ws: Worksheet) -> None:
        rows: list[tuple[str, Any]] = [
            ("format_version", FORMAT_VERSION),
            ("pack", self.pack.name),
            ("locale", str(self.pack.locale)),
            ("generator", f"familyplan-docs {_version()}"),
        ]
        rows += [(f"sheet.{key}", title) for key, title in self.titles.items()]
        for r, (key, value) in enumerate(rows, 1):
            ws.cell(r, 1, key)
            if isinstance(value, str):
                _text(ws.cell(r, 2), value)
            else:
                ws.cell(r, 2, value)
        ws.sheet_state = "hidden"
        _protect(ws)

    # -- cells -----------------------------------------------------------------------------

    def _header(self, cell: Cell, text: str) -> None:
        _text(cell, text)
        cell.font = _styles().header_font
        cell.fill = _styles().header_fill
        cell.alignment = _styles().wrap_top
        cell.protection = _styles().locked

    def _number_format(self, column: Column) -> str:
        if column.kind is Kind.DATE:
            return self.date_format
        if column.kind is Kind.TIME:
            return self.time_format
        if column.kind in _TEXT_KINDS:
            return _TEXT_FORMAT
        return "General"

    def _value(self, cell: Cell, column: Column, value: Any) -> None:
        cell.number_format = self._number_format(column)
        if value is None:
            return
        kind = column.kind
        if kind is Kind.ENUM:
            _text(cell, self.t(label_id(value)))
        elif kind is Kind.COUNTRY:
            _text(cell, self._country(str(value)))
        elif kind is Kind.BOOL:
            _text(cell, self.t(YES_ID if value else NO_ID))
        elif kind is Kind.ID_NUMBER:
            _text(cell, value.reveal())
        elif isinstance(value, date | time | int | Decimal) and not isinstance(value, bool):
            cell.value = value
        else:
            text = str(value)
            units = len(text.encode("utf-16-le")) // 2
            if units > CELL_MAX_UTF16:  # a spreadsheet would cut it: refuse, never lose text
                place = f"Sheet {cell.parent.title!r}, cell {cell.coordinate}"
                self.too_long.append(
                    Problem(
                        place,
                        f"this text is {units:,} UTF-16 code units long and a spreadsheet cell "
                        f"holds at most {CELL_MAX_UTF16:,}; shorten it or keep the plan as JSON",
                    )
                )
                return
            _text(cell, text)

    def _country(self, code: str) -> str:
        return str(self.pack.locale.territories.get(code, code))

    def _validation(self, ws: Worksheet, column: Column, ref: str) -> None:
        source = _list_key(column)
        if source is None:
            return
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(
            type="list",
            formula1=list_name(source),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=self.t(VALIDATION_TITLE_ID),
            error=self.t(VALIDATION_MESSAGE_ID),
        )
        ws.add_data_validation(dv)
        dv.add(ref)

    def _blank_values(self) -> dict[str, Any]:
        territory = self.pack.locale.territory
        return {"country": territory} if territory in COUNTRIES else {}


def _list_key(column: Column) -> str | None:
    return {
        Kind.ENUM: column.enum,
        Kind.BOOL: "yes_no",
        Kind.COUNTRY: "country",
        Kind.MEMBER: "members",
        Kind.MEETING: "meetings",
        Kind.CONSENT: "consents",
    }.get(column.kind)


def _blank_rows() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {sheet.key: [] for sheet in SHEETS}
    rows["checklist"] = [{"step": step} for step in ChecklistStep]
    return rows


def _text(cell: Cell, text: str) -> None:
    """Store *text* as a string cell, exactly as it reads.

    Text that looks like a formula gets a quote prefix; text that looks like an OOXML
    character escape (``_x0041_``) has its underscore escaped (``_x005F_x0041_``), as
    Excel writes it, so spreadsheets show it literally (openpyxl's reader undoes this).
    """
    cell.value = _LOOKS_ESCAPED.sub("_x005F_", text)
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def _protect(ws: Worksheet) -> None:
    """Protect the sheet without a password (unlocked cells stay editable); print it wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.insertRows = False
    protection.deleteRows = False


def _height(text: Any, width: int, line: int, most: int) -> float:
    """A row height (points) that shows *text* wrapped at *width*, at most *most* lines."""
    if not isinstance(text, str) or not text:
        return 0.0
    return float(line * min(most, _lines(text, width)))


def _lines(text: str, width: int) -> int:
    return sum(max(1, -(-len(part) // max(width - 2, 1))) for part in text.split("\n"))


def _version() -> str:
    try:
        return version("familyplan-docs")
    except PackageNotFoundError:  # pragma: no cover - a source checkout without metadata
        return "0"


def _column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(number))


def _quote_sheetname(title: str) -> str:
    from openpyxl.utils import quote_sheetname

    return str(quote_sheetname(title))


def _defined_name(name: str, ref: str) -> Any:
    from openpyxl.workbook.defined_name import DefinedName

    return DefinedName(name, attr_text=ref)
