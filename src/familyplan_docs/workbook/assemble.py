"""Put the rows read from a workbook together into plan data, and map every problem (the
reader's own and the model's) to its sheet, row and column in the workbook's language."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .._errors import Problem
from ..packs.pack import Pack
from .cells import Vocabulary
from .layout import (
    PLAN_FIELD_BY_KEY,
    PLAN_FIELDS,
    PLAN_SHEET,
    SHEETS,
    field_id,
)
from .nested import NestedRows, Place, Record

Loc = tuple[str | int, ...]
_SHEET_ORDER = {key: n for n, key in enumerate([PLAN_SHEET, *(s.key for s in SHEETS)])}


_PLAIN = {
    "child_views": ("child_views",),
    "follow_ups": ("follow_ups",),
    "coordinators": ("coordinators",),
    "goals": ("goals",),
    "agreements": ("agreements",),
    "network": ("network",),
    "interventions": ("interventions",),
    "versions": ("versions",),
    "checklist": ("checklist",),
}
_MEETING_LISTS = {"participants": "participants", "agenda": "agenda", "rounds": "rounds"}
_OPTIONAL_PARTS = ("supporter", "safety", "closing")
"""Parts of the plan sheet that are left out of the plan when none of their fields is filled."""


class Assembler(NestedRows):
    """Collects what the reader found, builds the plan data and renders the problems."""

    def __init__(self, pack: Pack, vocab: Vocabulary) -> None:
        self.pack = pack
        self.vocab = vocab
        self.titles: dict[str, str] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.records: dict[str, list[Record]] = {s.key: [] for s in SHEETS}
        self.plan_values: dict[str, list[tuple[int, Any]]] = {}
        self.plan_rows: dict[str, list[int]] = {}
        self.problems: list[tuple[Place, str]] = []
        self.bad: set[Place] = set()
        self.places: dict[Loc, Place] = {}

    # -- building the data -----------------------------------------------------------------

    def _rows(self, sheet: str, loc: Loc) -> list[dict[str, Any]]:
        self.places[loc] = Place(sheet)
        out = []
        for i, record in enumerate(self.records[sheet]):
            self._register((*loc, i), sheet, record)
            out.append(dict(record.values))
        return out

    def assemble(self) -> dict[str, Any]:
        data = self._plan_sheet()
        data["family"]["members"] = self._rows("members", ("family", "members"))
        for sheet, loc in _PLAIN.items():
            data[loc[0]] = self._rows(sheet, loc)
        meetings = self._numbered("meetings", "meeting")
        consents = self._numbered("consents", "consent")
        data["meetings"] = [values for _, values in meetings.values()]
        data["consents"] = [values for _, values in consents.values()]
        positions = {number: pos for pos, number in enumerate(meetings)}
        for i, agreement in enumerate(data["agreements"]):
            if "meeting" in agreement:
                number = agreement["meeting"]
                if number in positions:
                    agreement["meeting"] = positions[number] + 1
                else:
                    self._no_such("agreements", self.records["agreements"][i], "meeting", number)
                    del agreement["meeting"]
        data["action_plans"] = self._action_plans()
        self._meeting_children(meetings)
        self._consent_lines(consents)
        self._custody(data["family"]["members"])
        self._version_items(data["versions"], positions)
        self._parts(data)
        self._check_members()
        self._check_ids()
        return data

    def _plan_sheet(self) -> dict[str, Any]:
        data: dict[str, Any] = {"organization": {}, "family": {}}
        optional: dict[str, dict[str, Any]] = {part: {} for part in _OPTIONAL_PARTS}
        for part in ("organization", "family", *_OPTIONAL_PARTS):
            self.places[(part,)] = Place(PLAN_SHEET)
        for f in PLAN_FIELDS:
            rows = self.plan_rows.get(f.key, [])
            values = self.plan_values.get(f.key, [])
            loc: Loc = tuple(f.key.split("."))
            self.places[loc] = Place(PLAN_SHEET, rows[0] if rows else None, f.key)
            if f.repeat:
                for j, (row, _) in enumerate(values):
                    self.places[(*loc, j)] = Place(PLAN_SHEET, row, f.key)
            if not values:
                continue
            if not f.repeat and len(values) > 1:
                self.problem(Place(PLAN_SHEET, values[1][0], f.key), "this field appears twice")
            value: Any = [v for _, v in values] if f.repeat else values[0][1]
            if len(loc) == 1:
                data[str(loc[0])] = value
            else:
                part = str(loc[0])
                target = optional[part] if part in optional else data[part]
                target[str(loc[1])] = value
        for part, filled in optional.items():
            if filled:
                data[part] = filled
        return data

    def _numbered(self, sheet: str, what: str) -> dict[int, tuple[Record, dict[str, Any]]]:
        self.places[(sheet,)] = Place(sheet)
        out: dict[int, tuple[Record, dict[str, Any]]] = {}
        for pos, record in enumerate(self.records[sheet]):
            values = dict(record.values)
            number = values.pop("number", None)
            if number is None:
                if "number" in record.bad:
                    continue
                number = pos + 1
                if number in out:
                    self.problem(Place(sheet, record.row, "number"), f"fill in the {what} number")
                    continue
            if number in out:
                self.problem(
                    Place(sheet, record.row, "number"), f"the {what} number {number} is used twice"
                )
                continue
            self._register((sheet, len(out)), sheet, record)
            out[number] = (record, values)
        return out

    def _meeting_children(self, meetings: dict[int, tuple[Record, dict[str, Any]]]) -> None:
        values = [v for _, v in meetings.values()]
        for sheet, name in _MEETING_LISTS.items():
            for record in self.records[sheet]:
                pos = self._owner(sheet, record, "meeting", meetings)
                if pos is None:
                    continue
                items = values[pos].setdefault(name, [])
                self._register(("meetings", pos, name, len(items)), sheet, record)
                items.append({k: v for k, v in record.values.items() if k != "meeting"})
        for record in self.records["meeting_lines"]:
            pos = self._owner("meeting_lines", record, "meeting", meetings)
            if pos is None:
                continue
            for column, name in (
                ("absentee", "absentees"),
                ("preparation_question", "preparation_questions"),
                ("question", "questions"),
            ):
                if column in record.values:
                    items = values[pos].setdefault(name, [])
                    loc = ("meetings", pos, name, len(items))
                    self.places[loc] = Place("meeting_lines", record.row, column)
                    items.append(record.values[column])

    def _action_plans(self) -> list[dict[str, Any]]:
        self.places[("action_plans",)] = Place("action_plans")
        plans: list[dict[str, Any]] = []
        last_member: Any = None
        for record in self.records["action_plans"]:
            got = dict(record.values)
            member = got.pop("member", None)
            if member is None and "member" not in record.bad:
                if last_member is None:
                    self.problem(
                        Place("action_plans", record.row, "member"), "fill in whose plan this is"
                    )
                    continue
                member = last_member
            if member is None:
                continue
            if member != last_member or not plans:
                plans.append({"member": member, "items": []})
                self.places[("action_plans", len(plans) - 1)] = Place("action_plans", record.row)
                self.places[("action_plans", len(plans) - 1, "member")] = Place(
                    "action_plans", record.row, "member"
                )
                last_member = member
            items = plans[-1]["items"]
            if got or record.bad - {"member"}:
                self._register(
                    ("action_plans", len(plans) - 1, "items", len(items)), "action_plans", record
                )
                items.append(got)
        return plans

    def _check_members(self) -> None:
        known = {r.values["id"] for r in self.records["members"] if "id" in r.values}
        members = self.titles.get("members", "members")
        id_header = self.header("members", "id")
        for sheet in SHEETS:
            member_columns = [c.key for c in sheet.columns if c.kind.value == "member"]
            for record in self.records[sheet.key]:
                for key in member_columns:
                    ref = record.values.get(key)
                    if ref is not None and ref not in known:
                        self.problem(
                            Place(sheet.key, record.row, key),
                            f"{ref!r} is not an id in sheet {members!r} (column {id_header!r})",
                        )

    def _check_ids(self) -> None:
        """Report an id used twice now: the model checks it only once every field is valid."""
        for sheet in ("members", "network"):
            seen: set[str] = set()
            for record in self.records[sheet]:
                ref = record.values.get("id")
                if ref in seen:
                    self.problem(Place(sheet, record.row, "id"), f"id {ref!r} is used twice")
                if isinstance(ref, str):
                    seen.add(ref)

    # -- the model's errors ----------------------------------------------------------------

    def add_validation(self, exc: ValidationError) -> None:
        for err in exc.errors(include_input=False, include_url=False):
            loc: Loc = tuple(err["loc"])
            if err["type"] == "plan_references":
                for sub_loc, message in (err.get("ctx") or {}).get("problems", []):
                    self._model_problem((*loc, *sub_loc), message)
                continue
            self._model_problem(loc, _friendly(err["type"], err["msg"], loc))

    def _model_problem(self, loc: Loc, message: str) -> None:
        for n in range(len(loc), -1, -1):
            place = self.places.get(loc[:n])
            if place is not None:
                break
        else:
            place = Place(PLAN_SHEET)
        taken = {p for p, _ in self.problems} | self.bad
        if place in taken:
            return
        self.problem(place, message)

    # -- rendering -------------------------------------------------------------------------

    def render(self) -> list[Problem]:
        ordered = sorted(dict.fromkeys(self.problems), key=lambda pm: pm[0].order())
        return [Problem(self.where(place), message) for place, message in ordered]

    def where(self, place: Place) -> str:
        title = self.titles.get(place.sheet) or self.pack.gettext(f"workbook.sheet.{place.sheet}")
        text = f"Sheet {title!r}"
        if place.sheet == PLAN_SHEET:
            if place.column is not None:
                label = self.pack.gettext(field_id(PLAN_FIELD_BY_KEY[place.column]))
                value = self.pack.gettext("workbook.col.plan.value")
                if place.row is None:
                    return f"{text}, field {label!r}"
                return f"{text}, row {place.row}, column {value!r} ({label})"
        elif place.column is not None:
            header = self.header(place.sheet, place.column)
            if place.row is None:
                return f"{text}, column {header!r}"
            return f"{text}, row {place.row}, column {header!r}"
        return f"{text}, row {place.row}" if place.row is not None else text


def _friendly(kind: str, message: str, loc: Loc) -> str:
    if kind == "missing":
        return "this cell must be filled in"
    if kind == "version_format":
        return "write the version as two numbers with a dot, such as 1.0 or 2.1"
    if kind == "ref_format":
        return "use only the letters A-Z and a-z (no accents), digits and . _ - (no spaces)"
    if kind == "too_short" and loc and isinstance(loc[-1], str):
        return "at least one row must be filled in"
    if kind == "string_blank":
        return "this cell must be filled in"
    return message
