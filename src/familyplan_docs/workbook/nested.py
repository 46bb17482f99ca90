"""The workbook rows that become lists inside other parts of the plan: the consent lines,
custody, the kept goals and agreements of earlier versions, and the lists of the safety
section and the closing. A part of :class:`.assemble.Assembler`, kept apart to stay short."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..packs.pack import Pack
from .layout import PLAN_FIELDS, PLAN_SHEET, SHEET_BY_KEY, SHEETS

Loc = tuple[str | int, ...]
_SHEET_ORDER = {key: n for n, key in enumerate([PLAN_SHEET, *(s.key for s in SHEETS)])}


@dataclass(frozen=True)
class Place:
    """A sheet (by key), optionally a row number and a column (or plan field) key."""

    sheet: str
    row: int | None = None
    column: str | None = None

    def order(self) -> tuple[int, int, int]:
        if self.sheet == PLAN_SHEET:
            keys = [f.key for f in PLAN_FIELDS]
        else:
            keys = [c.key for c in SHEET_BY_KEY[self.sheet].columns]
        col = keys.index(self.column) if self.column in keys else -1
        return _SHEET_ORDER.get(self.sheet, 99), self.row or 0, col


@dataclass
class Record:
    """One filled row of a list sheet: its converted values and the columns that failed."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)


_PART_LISTS = (
    ("safety_scales", "safety", "scales"),
    ("safety_agreements", "safety", "agreements"),
    ("continuations", "closing", "continues"),
)
"""Sheets whose rows are a list inside a part of the plan sheet."""


class NestedRows:
    """What the assembler shares with its nested-list sheets: recording problems and places,
    column headers, and turning the rows of those sheets into plan data."""

    pack: Pack
    records: dict[str, list[Record]]
    places: dict[Loc, Place]
    titles: dict[str, str]
    headers: dict[str, dict[str, str]]
    problems: list[tuple[Place, str]]

    def problem(self, place: Place, message: str) -> None:
        self.problems.append((place, message))

    def _register(
        self, loc: Loc, sheet: str, record: Record, rename: dict[str, str] | None = None
    ) -> None:
        self.places[loc] = Place(sheet, record.row)
        for col in SHEET_BY_KEY[sheet].columns:
            name = (rename or {}).get(col.key, col.key)
            self.places[(*loc, name)] = Place(sheet, record.row, col.key)

    def _no_such(self, sheet: str, record: Record, column: str, number: int) -> None:
        target = "meetings" if column == "meeting" else "consents"
        self.problem(
            Place(sheet, record.row, column),
            f"there is no number {number} in sheet {self.titles.get(target, target)!r}",
        )

    def _owner(
        self, sheet: str, record: Record, column: str, numbered: dict[int, Any]
    ) -> int | None:
        number = record.values.get(column)
        if number is None:
            if column not in record.bad:
                self.problem(Place(sheet, record.row, column), "fill in which one this row is for")
            return None
        if number not in numbered:
            self._no_such(sheet, record, column, number)
            return None
        return list(numbered).index(number)

    def header(self, sheet: str, column: str) -> str:
        found = self.headers.get(sheet, {}).get(column)
        if found:
            return found
        return self.pack.gettext(SHEET_BY_KEY[sheet].header_id(SHEET_BY_KEY[sheet].column(column)))

    def _consent_lines(self, consents: dict[int, tuple[Record, dict[str, Any]]]) -> None:
        values = [v for _, v in consents.values()]
        simple = (
            ("child", "children"),
            ("source", "sources"),
            ("department", "departments"),
            ("information", "information"),
        )
        pairs: tuple[tuple[str, dict[str, str], str, str], ...] = (
            ("external_party", {"party_contact": "contact"}, "external_parties", "name"),
            (
                "signer",
                {
                    "signer_signed_on": "signed_on",
                    "signer_role": "role",
                    "signer_interpreter": "interpreter",
                },
                "signatures",
                "member",
            ),
            ("young_person", {"young_person_signed_on": "signed_on"}, "young_people", "member"),
        )
        for record in self.records["consent_lines"]:
            pos = self._owner("consent_lines", record, "consent", consents)
            if pos is None:
                continue
            got = record.values
            for column, name in simple:
                if column in got:
                    items = values[pos].setdefault(name, [])
                    self.places[("consents", pos, name, len(items))] = Place(
                        "consent_lines", record.row, column
                    )
                    items.append(got[column])
            for main, extras, name, main_field in pairs:
                if main not in got:
                    for extra in extras:
                        if extra in got:
                            header = self.header("consent_lines", main)
                            self.problem(
                                Place("consent_lines", record.row, extra),
                                f"belongs to a name in column {header!r} of the same row, "
                                "which is empty",
                            )
                    continue
                items = values[pos].setdefault(name, [])
                loc = ("consents", pos, name, len(items))
                self.places[loc] = Place("consent_lines", record.row, main)
                self.places[(*loc, main_field)] = Place("consent_lines", record.row, main)
                item = {main_field: got[main]}
                for extra, field_name in extras.items():
                    self.places[(*loc, field_name)] = Place("consent_lines", record.row, extra)
                    if extra in got:
                        item[field_name] = got[extra]
                items.append(item)

    def _custody(self, members: list[dict[str, Any]]) -> None:
        """Each row of the custody sheet adds a child to a custodian's ``custody_of``."""
        position = {m.get("id"): i for i, m in enumerate(members)}
        for record in self.records["custody"]:
            custodian, child = record.values.get("custodian"), record.values.get("child")
            if custodian is None or child is None:
                if not record.bad:
                    missing = "custodian" if custodian is None else "child"
                    self.problem(Place("custody", record.row, missing), "fill in this cell")
                continue
            i = position.get(custodian)
            if i is None:  # reported by _check_members
                continue
            items = members[i].setdefault("custody_of", [])
            self.places[("family", "members", i, "custody_of", len(items))] = Place(
                "custody", record.row, "child"
            )
            items.append(child)

    def _version_items(self, versions: list[dict[str, Any]], meetings: dict[int, int]) -> None:
        """The kept goals and agreements of each version, by its number; *meetings* maps a
        meeting's number in the workbook to its position in the plan."""
        index = {v.get("version"): i for i, v in enumerate(versions)}
        for sheet, name in (("version_goals", "goals"), ("version_agreements", "agreements")):
            for record in self.records[sheet]:
                values = dict(record.values)
                number = values.pop("version", None)
                if number is None:
                    if "version" not in record.bad:
                        self.problem(
                            Place(sheet, record.row, "version"), "fill in which version this is"
                        )
                    continue
                i = index.get(number)
                if i is None:
                    title = self.titles.get("versions", "versions")
                    self.problem(
                        Place(sheet, record.row, "version"),
                        f"there is no version {number} in sheet {title!r}",
                    )
                    continue
                if "meeting" in values:
                    position = meetings.get(values["meeting"])
                    if position is None:
                        self._no_such(sheet, record, "meeting", values.pop("meeting"))
                    else:
                        values["meeting"] = position + 1
                items = versions[i].setdefault(name, [])
                self._register(("versions", i, name, len(items)), sheet, record)
                items.append(values)

    def _parts(self, data: dict[str, Any]) -> None:
        """Rows that belong to the safety section and to the closing."""
        for sheet, part, name in _PART_LISTS:
            rows = self.records[sheet]
            if not rows:
                continue
            target = data.setdefault(part, {})
            items = target.setdefault(name, [])
            for record in rows:
                self._register((part, name, len(items)), sheet, record)
                items.append(dict(record.values))
