"""Read a filled input workbook back into a :class:`FamilyPlan`.

Every problem is collected and raised at once as :class:`InputError`, each with its place
``Sheet 'Aftaler', row 7, column 'Frist'`` in the workbook's own language: cells that do not
fit their column (:mod:`.cells`), formulas where a value belongs, references to a
member, meeting or consent that does not exist, and the model's own checks mapped back to the
sheet, row and column they came from. Nothing is printed of a personal ID number.

Only what the coordinator can see is read: a hidden sheet (other than the workbook's own
``lists`` and ``meta``) is refused, and so is a value in a hidden row or column or under a
merged cell (:mod:`.hidden`). The hidden ``meta`` sheet names the workbook's pack by name,
looked up only among the packs the program is configured with (never a folder).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from pydantic import ValidationError

from .._errors import FamilyPlanError, InputError, Problem
from .._ooxml import DAMAGED
from .._text import norm
from ..model.load import validate_plan
from ..model.plan import FamilyPlan
from ..packs.discovery import load_pack, load_pack_named
from ..packs.pack import Pack
from .assemble import Assembler
from .cells import CellError, Vocabulary, convert
from .guards import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    CheckedWorkbook,
    inspect_xlsx,
    without_empty_cells,
)
from .hidden import ListedSheet, column_letter
from .layout import (
    FIRST_DATA_ROW,
    FORMAT_VERSION,
    LIST_SHEET,
    META_SHEET,
    PLAN_FIELD_BY_KEY,
    PLAN_FIRST_ROW,
    PLAN_SHEET,
    SHEETS,
    Column,
    Kind,
    Sheet,
)
from .nested import Place, Record

_DAMAGED: tuple[type[BaseException], ...] = (
    *DAMAGED,  # a damaged zip package
    ElementTree.ParseError,
    DefusedXmlException,
    # openpyxl raises these on a damaged sheet while it is read (bad booleans or dates,
    # a shared-string index out of range, unknown attributes)
    ValueError,
    TypeError,
    KeyError,
    IndexError,
)
with contextlib.suppress(ImportError):  # openpyxl parses with lxml when it is installed
    _DAMAGED += (importlib.import_module("lxml.etree").LxmlError,)

BUILTIN_PACKS = ("nl", "da", "sv")
"""Packs whose labels are also understood in any workbook (a value copied from another)."""


def read_workbook(path: str | Path, *, packs: Sequence[str | Path] = ()) -> FamilyPlan:
    """Read a workbook written by :func:`write_workbook` (and filled in) as a plan.

    The workbook's own pack (recorded in its hidden ``meta`` sheet) gives the sheet names,
    headers and labels; *packs* are extra folders to look for it in. Raises
    :class:`InputError` listing every problem with its sheet, row and column.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError(source, [Problem("", "no such file")])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(
            source, [Problem("", f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")]
        )
    checked = inspect_xlsx(path.read_bytes())
    if isinstance(checked, str):
        raise InputError(source, [Problem("", checked)])
    package = without_empty_cells(checked.package)
    import openpyxl  # only reading a workbook needs it (with numpy, ~0.4 s to import)

    with warnings.catch_warnings():
        # openpyxl warns about parts it ignores (extensions, print settings): not our concern
        warnings.simplefilter("ignore", UserWarning)
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(package), read_only=True, data_only=False, keep_links=False
            )
        except Exception as exc:  # openpyxl raises many kinds on a damaged package
            raise InputError(
                source, [Problem("", f"the workbook cannot be opened ({type(exc).__name__})")]
            ) from None
        try:
            return _Reader(workbook, source, packs, checked).read()
        except _DAMAGED as exc:
            raise InputError(
                source,
                [Problem("", f"the workbook is damaged and cannot be read ({type(exc).__name__})")],
            ) from None
        finally:
            workbook.close()


class _Reader:
    def __init__(
        self,
        workbook: Any,
        source: str,
        packs: Sequence[str | Path],
        checked: CheckedWorkbook,
    ) -> None:
        self.wb = workbook
        self.source = source
        self.packs = packs
        self.checked = checked
        self._reported: dict[str, set[tuple[str, int]]] = {}
        self.cells = 0

    def fail(self, message: str) -> InputError:
        return InputError(self.source, [Problem("", message)])

    def read(self) -> FamilyPlan:
        self._refuse_hidden_sheets()
        meta = self._meta()
        pack = self._pack(meta)
        others = []
        for name in BUILTIN_PACKS:
            if name != pack.name:
                try:
                    others.append(load_pack(name))
                except FamilyPlanError:  # pragma: no cover - a built-in pack is broken
                    continue
        self.vocab = Vocabulary(pack, others)
        out = Assembler(pack, self.vocab)
        self.out = out
        sheets = self._find_sheets(meta, out)
        plan_ws = sheets.get(PLAN_SHEET)
        if plan_ws is not None:
            self._read_plan(plan_ws)
        for sheet in SHEETS:
            ws = sheets.get(sheet.key)
            if ws is not None:
                out.records[sheet.key] = self._read_sheet(sheet, ws)
        data = out.assemble()
        plan: FamilyPlan | None = None
        try:
            plan = validate_plan(data)
        except ValidationError as exc:
            out.add_validation(exc)
        if out.problems or plan is None:
            raise InputError(self.source, out.render())
        return plan

    # -- what the coordinator cannot see ---------------------------------------------------

    def _refuse_hidden_sheets(self) -> None:
        listed = self.checked.sheets
        hidden = [
            ws.title
            for ws in self.wb.worksheets
            if ws.title not in (LIST_SHEET, META_SHEET)
            and (ws.sheet_state != "visible" or _state(listed, ws.title) != "visible")
        ]
        if hidden:
            raise InputError(
                self.source,
                [
                    Problem(
                        f"Sheet {title!r}",
                        "is hidden, so no one filling in the workbook can see what it holds; "
                        "unhide it (right-click a sheet tab → Unhide) and move what belongs "
                        "to the plan to its own sheet, or delete it",
                    )
                    for title in hidden
                ],
            )

    def _hidden_cells(self, ws: Any, key: str, n: int, cells: Any) -> None:
        """Report a value the sheet hides in row *n*: once per row and once per column."""
        sheet = self.checked.sheets.get(ws.title)
        lines = self.checked.hidden.get(sheet.part) if sheet else None
        if lines is None:  # a sheet openpyxl reads that the workbook part does not list
            self._refuse(Place(key), "cannot be matched to its part; the workbook is damaged")
        assert lines is not None
        if not lines.hides_anything:
            return
        reported = self._reported.setdefault(key, set())
        for i, cell in enumerate(cells):
            if _blank(cell.value):
                continue
            column = i + 1
            letter = column_letter(column)
            if lines.row_hidden(n):
                what, spot = "the row is hidden (or too low to read)", ("row", n)
            elif lines.column_hidden(column):
                what, spot = f"column {letter} is hidden (or too narrow to read)", ("col", column)
            elif lines.covered(n, column):
                what, spot = f"the cell {letter}{n} is covered by merged cells", ("cell", n)
            else:
                continue
            if spot in reported:
                continue
            reported.add(spot)
            self.out.problem(
                Place(key, n),
                f"holds a value in column {letter} that cannot be seen: {what}; unhide it "
                "(or unmerge the cells) and check the value, or delete it",
            )

    # -- meta and pack ---------------------------------------------------------------------

    def _meta(self) -> dict[str, Any]:
        if META_SHEET not in self.wb.sheetnames:
            raise self.fail(
                "this workbook was not made by familyplan-docs (it has no hidden 'meta' "
                "sheet); make one with `familyplan-docs workbook` and fill that in"
            )
        meta: dict[str, Any] = {}
        ws = self.wb[META_SHEET]
        ws.reset_dimensions()
        for n, row in enumerate(ws.iter_rows(max_col=2, values_only=True), 1):
            if n > 200:
                break
            key, value = (*row, None, None)[:2]
            if isinstance(key, str):
                meta[key.strip()] = value
        version = meta.get("format_version")
        if isinstance(version, str) and version.strip().isdigit():
            version = int(version.strip())
        if isinstance(version, float) and version.is_integer():
            version = int(version)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self.fail("the hidden 'meta' sheet has no valid format version")
        meta["format_version"] = version
        if version > FORMAT_VERSION:
            raise self.fail(
                f"the workbook has format version {version}, but this version of "
                f"familyplan-docs reads format versions up to {FORMAT_VERSION}; "
                "update familyplan-docs to read it"
            )
        return meta

    def _pack(self, meta: dict[str, Any]) -> Pack:
        name = meta.get("pack")
        locale = meta.get("locale")
        if not isinstance(name, str) or not name.strip():
            raise self.fail("the hidden 'meta' sheet does not say which pack wrote the workbook")
        try:  # by name only: the workbook chooses among the configured packs, never a folder
            return load_pack_named(name.strip(), self.packs)
        except FamilyPlanError as first:
            if isinstance(locale, str) and locale.strip():
                try:
                    return load_pack_named(locale.strip(), self.packs)
                except FamilyPlanError:
                    pass
            raise self.fail(
                f"the workbook was written with the pack {name.strip()!r}"
                + (f" (locale {locale.strip()})" if isinstance(locale, str) else "")
                + f", which cannot be loaded here: {first}; pass its folder with --templates"
            ) from None

    def _find_sheets(self, meta: dict[str, Any], out: Assembler) -> dict[str, Any]:
        by_title = {norm(title): title for title in self.wb.sheetnames}
        found: dict[str, Any] = {}
        since = {sheet.key: sheet.since for sheet in SHEETS}
        for key, candidates in self.vocab.titles.items():
            recorded = meta.get(f"sheet.{key}")
            names = ([recorded] if isinstance(recorded, str) else []) + candidates
            title = next((by_title[norm(n)] for n in names if norm(n) in by_title), None)
            out.titles[key] = title or candidates[0]
            if title is None:
                if since.get(key, 1) <= meta["format_version"]:  # else: newer than the workbook
                    out.problem(Place(key), "the sheet is missing (was it renamed or deleted?)")
            else:
                found[key] = self.wb[title]
        return found

    # -- sheets ----------------------------------------------------------------------------

    def _rows(self, ws: Any, key: str) -> Any:
        """Yield ``(row number, cells)`` of the filled rows; past a limit, refuse the file."""
        from openpyxl.cell.read_only import EMPTY_CELL

        ws.reset_dimensions()
        for n, cells in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), 1):
            if all(c is EMPTY_CELL for c in cells):
                continue  # a row openpyxl fills in for a gap, or one without cells
            filled = sum(1 for c in cells if not _blank(c.value))
            if not filled:
                continue
            self._hidden_cells(ws, key, n, cells)
            if n >= FIRST_DATA_ROW + MAX_ROWS:
                self._refuse(
                    Place(key, n), f"the sheet has more than {MAX_ROWS} rows; split the plan"
                )
            self.cells += filled
            if self.cells > MAX_CELLS:
                self._refuse(
                    Place(key, n), f"the workbook holds more than {MAX_CELLS} filled cells"
                )
            yield n, cells

    def _refuse(self, place: Place, message: str) -> None:
        raise InputError(self.source, [Problem(self.out.where(place), message)])

    def _cell(self, place: Place, column: Column, cell: Any) -> tuple[bool, Any]:
        """Return ``(ok, value)`` for one non-empty cell; a problem is recorded when not ok."""
        if cell.data_type == "f":
            self.out.problem(place, "holds a formula; type the value itself instead")
            return False, None
        if cell.data_type == "e":
            self.out.problem(place, "holds an error value (such as #REF!); type the value itself")
            return False, None
        try:
            return True, convert(column, cell.value, self.vocab)
        except CellError as exc:
            message = str(exc)
            if column.kind is Kind.ID_NUMBER:
                message = "holds something that is not an ID number; type it as text"
            self.out.problem(place, message)
            return False, None

    def _read_plan(self, ws: Any) -> None:
        vocab, out = self.vocab, self.out
        for n, cells in self._rows(ws, PLAN_SHEET):
            if n < PLAN_FIRST_ROW:
                continue
            label = cells[0].value if cells else None
            value_cell = cells[1] if len(cells) > 1 else None
            has_value = value_cell is not None and not _blank(value_cell.value)
            key = vocab.fields.get(norm(str(label))) if isinstance(label, str) else None
            if key is None:
                if has_value and not (isinstance(label, str) and norm(label) in vocab.sections):
                    out.problem(
                        Place(PLAN_SHEET, n),
                        "the label in column A is not one this sheet knows, so the value "
                        "beside it cannot be read; do not change the labels",
                    )
                continue
            field = PLAN_FIELD_BY_KEY[key]
            out.plan_rows.setdefault(key, []).append(n)
            if not has_value:
                continue
            assert value_cell is not None
            ok, value = self._cell(Place(PLAN_SHEET, n, key), field, value_cell)
            if ok and value != "":
                out.plan_values.setdefault(key, []).append((n, value))
            elif not ok:
                out.bad.add(Place(PLAN_SHEET, n, key))

    def _read_sheet(self, sheet: Sheet, ws: Any) -> list[Record]:
        out = self.out
        columns: dict[int, Column] = {}
        headers: dict[str, str] = {}
        unknown: dict[int, str] = {}
        records: list[Record] = []
        for n, cells in self._rows(ws, sheet.key):
            if n == 1:
                for i, cell in enumerate(cells):
                    if _blank(cell.value):
                        continue
                    text = str(cell.value).strip()
                    key = self.vocab.headers[sheet.key].get(norm(text))
                    if key is None or key in headers:
                        unknown[i] = text
                    else:
                        columns[i] = sheet.column(key)
                        headers[key] = text
                out.headers[sheet.key] = headers
                continue
            if n < FIRST_DATA_ROW:
                continue
            record = Record(n)
            for i, cell in enumerate(cells):
                if _blank(cell.value):
                    continue
                column = columns.get(i)
                if column is None:
                    header = unknown.get(i)
                    where = f"the column headed {header!r}" if header else "a column without header"
                    out.problem(
                        Place(sheet.key, n),
                        f"holds a value in {where} (column {i + 1}), which this sheet does "
                        "not have; move it to the right column",
                    )
                    continue
                place = Place(sheet.key, n, column.key)
                ok, value = self._cell(place, column, cell)
                if ok:
                    if value != "":
                        record.values[column.key] = value
                else:
                    record.bad.add(column.key)
                    out.bad.add(place)
            if record.values or record.bad:
                records.append(record)
        return records


def _state(sheets: dict[str, ListedSheet], title: str) -> str:
    """A sheet's state as the workbook part lists it (a sheet it does not list: visible)."""
    sheet = sheets.get(title)
    return sheet.state if sheet is not None else "visible"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
