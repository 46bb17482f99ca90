"""The structure of the input workbook: its sheets, columns and every catalog id it uses.

Nothing here holds visible text: sheet names, column headers, help texts and instruction
lines are msgids that a pack's ``messages.po`` translates (see :data:`MSGIDS`).

Sheets with many rows (``SHEETS``) have the column headers in row 1, a help row in row 2 and
data from row 3 on. The plan sheet holds single values: one row per field, with the field's
label in column A, its value in column B and help in column C; a field that holds a list
(opening hours) repeats its row.

Lists inside a meeting (absentees, preparation questions) and inside a consent (children,
sources, departments, external parties, young people who sign) go to the "lines" sheets:
each row names the meeting or consent by number, and each column there is a list of its own,
read top to bottom with empty cells skipped. Nothing is joined with separators, so every
character of a value survives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ..model.ids import Country
from ..packs.labels import LABELLED_ENUMS
from ..packs.pack import Pack

FORMAT_VERSION = 2
"""The workbook format this version writes; reading accepts this version and older ones.

Format 2 added custody, signatures per person, the children's views, safety, follow-ups,
the closing and kept versions of goals and agreements (sheets with ``since = 2``); the
columns format 1 had for one consent giver are still read (``legacy``)."""

META_SHEET = "meta"
"""Hidden sheet with the workbook's format version and the pack (locale) it was written in."""

LIST_SHEET = "lists"
"""Hidden sheet with the values of every drop-down list."""

HEADER_ROW = 1
HELP_ROW = 2
FIRST_DATA_ROW = 3
"""Rows of the list sheets: headers, help texts, then the data."""

PLAN_FIRST_ROW = 2
"""The plan sheet: headers in row 1, fields from row 2 on."""

OPENING_HOURS_ROWS = 5
"""The least number of rows the plan sheet offers for opening hours."""

INSTRUCTION_LINES = 14
"""How many lines the instructions sheet has (``workbook.instructions.1`` …)."""


class Kind(StrEnum):
    """How a column's cells are written, checked and read."""

    TEXT = "text"
    LONG = "long"  # free text that wraps
    REF = "ref"  # a short id the user chooses (members, coordinators, network)
    ID_NUMBER = "id_number"  # personal ID number: text, never echoed in a message
    DATE = "date"
    TIME = "time"
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    ENUM = "enum"
    COUNTRY = "country"
    MEMBER = "member"  # a reference to a family member id
    NUMBER = "number"  # the number of a meeting or a consent in its own sheet
    MEETING = "meeting"  # a reference to a meeting number
    CONSENT = "consent"  # a reference to a consent number
    VERSION = "version"  # "1.0", "2.1": text even if typed as a number


@dataclass(frozen=True)
class Column:
    """One column of a list sheet (or one field of the plan sheet)."""

    key: str
    kind: Kind = Kind.TEXT
    width: int = 20
    enum: str | None = None  # a LABELLED_ENUMS key for Kind.ENUM
    help: bool = False
    repeat: bool = False  # plan sheet only: the field holds a list, one row per item
    legacy: bool = False  # read from older workbooks, never written

    @property
    def enum_type(self) -> type[StrEnum]:
        """The enum of an ENUM column."""
        assert self.enum is not None
        return LABELLED_ENUMS[self.enum]


@dataclass(frozen=True)
class Sheet:
    """A sheet with one record per row."""

    key: str
    columns: tuple[Column, ...]
    since: int = 1
    """The workbook format that added the sheet; an older workbook may lack it."""

    @property
    def written(self) -> tuple[Column, ...]:
        """The columns a new workbook has (all but the legacy ones)."""
        return tuple(col for col in self.columns if not col.legacy)

    @property
    def msgid(self) -> str:
        """The catalog id of the sheet's name."""
        return f"workbook.sheet.{self.key}"

    def header_id(self, column: Column) -> str:
        """The catalog id of a column header."""
        return f"workbook.col.{self.key}.{column.key}"

    def help_id(self, column: Column) -> str:
        """The catalog id of a column's help text."""
        return f"workbook.help.{self.key}.{column.key}"

    def column(self, key: str) -> Column:
        """Return the column with *key* (KeyError if there is none)."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


def _c(key: str, kind: Kind = Kind.TEXT, width: int = 20, **kw: object) -> Column:
    return Column(key, kind, width, **kw)  # type: ignore[arg-type]


_LONG = 40
_NAME = 22
_DATE = 13
_PHONE = 16
_MAIL = 26
_CONTACT = (_c("phone", width=_PHONE), _c("email", width=_MAIL))
_TRACKING = (
    _c("id", Kind.REF, 12, help=True),
    _c("progress", Kind.LONG, 30),
    _c("next_step", Kind.LONG, 30),
)
"""The columns that let versions be compared and follow-ups record progress (format 2)."""

SHEETS: tuple[Sheet, ...] = (
    Sheet("members", (
        _c("id", Kind.REF, 16, help=True), _c("first_name", width=_NAME),
        _c("last_name", width=_NAME), _c("role", Kind.ENUM, 16, enum="member_role"),
        _c("relation", width=16), _c("birth_date", Kind.DATE, _DATE),
        _c("national_id", Kind.ID_NUMBER, 16, help=True), _c("language", width=14),
        _c("needs_interpreter", Kind.BOOL, 12), *_CONTACT,
        _c("current_situation", Kind.LONG, _LONG, help=True),
        _c("lives_in_household", Kind.BOOL, 12, help=True),
    )),
    Sheet("custody", (
        _c("custodian", Kind.MEMBER, 16, help=True), _c("child", Kind.MEMBER, 16, help=True),
    ), since=2),
    Sheet("coordinators", (
        _c("id", Kind.REF, 16, help=True), _c("name", width=_NAME),
        _c("profession", width=_NAME), _c("organization", width=_NAME),
        _c("department", width=_NAME), *_CONTACT, _c("lead", Kind.BOOL, 12, help=True),
    )),
    Sheet("goals", (
        _c("goal", Kind.LONG, _LONG, help=True), _c("by_when", Kind.DATE, _DATE),
        _c("who", width=_NAME), _c("status", Kind.ENUM, 16, enum="goal_status"),
        *_TRACKING,
    )),
    Sheet("agreements", (
        _c("content", Kind.LONG, _LONG), _c("responsible", width=_NAME),
        _c("deadline", Kind.DATE, _DATE), _c("status", Kind.ENUM, 16, enum="agreement_status"),
        _c("checked_by", width=_NAME), _c("meeting", Kind.MEETING, 12, help=True),
        *_TRACKING,
    )),
    Sheet("network", (
        _c("id", Kind.REF, 16, help=True), _c("name", width=_NAME),
        _c("group", Kind.ENUM, 20, enum="network_group"), _c("relation", width=18),
        _c("organization", width=_NAME), _c("department", width=_NAME), *_CONTACT,
        _c("contribution", Kind.LONG, _LONG, help=True),
        _c("sector", Kind.ENUM, 20, enum="sector", help=True),
        _c("closeness", Kind.ENUM, 14, enum="closeness", help=True),
    )),
    Sheet("interventions", (
        _c("member", Kind.MEMBER, 16, help=True), _c("plan", Kind.LONG, 34),
        _c("provider", width=_NAME), _c("hours_per_week", Kind.DECIMAL, 10, help=True),
        _c("follow_up", Kind.DATE, _DATE), _c("start", Kind.DATE, _DATE),
        _c("end", Kind.DATE, _DATE),
    )),
    Sheet("action_plans", (
        _c("member", Kind.MEMBER, 16, help=True), _c("intervention", Kind.LONG, 30),
        _c("purpose", Kind.LONG, 30), _c("goal", Kind.LONG, 30),
        _c("responsible", width=_NAME, help=True), _c("who_does_what", Kind.LONG, _LONG),
    )),
    Sheet("meetings", (
        _c("number", Kind.NUMBER, 10, help=True),
        _c("kind", Kind.ENUM, 24, enum="meeting_kind"), _c("date", Kind.DATE, _DATE),
        _c("invited_on", Kind.DATE, _DATE, help=True),
        _c("start_time", Kind.TIME, 9), _c("end_time", Kind.TIME, 9),
        _c("place", width=_NAME), _c("address", Kind.LONG, 28),
        _c("directions", Kind.LONG, 28), _c("leader", width=_NAME),
        _c("family_story", Kind.LONG, _LONG), _c("best_hope", Kind.LONG, _LONG),
        _c("team_dialogue", Kind.LONG, _LONG), _c("next_meeting", Kind.DATE, _DATE),
        _c("notes", Kind.LONG, _LONG), _c("convenor", width=_NAME, help=True),
        _c("minute_taker", width=_NAME), _c("own_plan", Kind.LONG, _LONG, help=True),
        _c("position", Kind.ENUM, 24, enum="services_position", help=True),
        _c("position_by", width=_NAME), _c("position_on", Kind.DATE, _DATE),
        _c("position_reason", Kind.LONG, _LONG),
    )),
    Sheet("participants", (
        _c("meeting", Kind.MEETING, 12, help=True), _c("name", width=_NAME),
        _c("function", width=_NAME), _c("organization", width=_NAME),
        _c("department", width=_NAME), *_CONTACT,
        _c("member", Kind.MEMBER, 16, help=True), _c("role", Kind.LONG, 30),
    )),
    Sheet("agenda", (
        _c("meeting", Kind.MEETING, 12, help=True), _c("title", Kind.LONG, 34),
        _c("minutes", Kind.INT, 10, help=True), _c("lead", width=_NAME),
        _c("notes", Kind.LONG, _LONG),
    )),
    Sheet("rounds", (
        _c("meeting", Kind.MEETING, 12, help=True), _c("name", width=_NAME),
        _c("department", width=_NAME), _c("what_works", Kind.LONG, _LONG),
        _c("challenges", Kind.LONG, _LONG),
    )),
    Sheet("meeting_lines", (
        _c("meeting", Kind.MEETING, 12, help=True), _c("absentee", width=_NAME, help=True),
        _c("preparation_question", Kind.LONG, 50, help=True),
        _c("question", Kind.LONG, 50, help=True),
    )),
    Sheet("consents", (
        _c("number", Kind.NUMBER, 10, help=True),
        _c("kind", Kind.ENUM, 24, enum="consent_kind"),
        _c("giver", Kind.MEMBER, 16, help=True, legacy=True),
        _c("information_types", Kind.LONG, 34),
        _c("purpose", Kind.LONG, 34), _c("valid_until", Kind.DATE, _DATE),
        _c("signed_on", Kind.DATE, _DATE, legacy=True), _c("withdrawn_on", Kind.DATE, _DATE),
    )),
    Sheet("consent_lines", (
        _c("consent", Kind.CONSENT, 12, help=True), _c("child", Kind.MEMBER, 16),
        _c("source", Kind.ENUM, 16, enum="data_source"), _c("department", width=_NAME),
        _c("external_party", width=_NAME), _c("party_contact", width=_NAME, help=True),
        _c("information", width=_NAME, help=True),
        _c("signer", Kind.MEMBER, 16, help=True), _c("signer_signed_on", Kind.DATE, _DATE),
        _c("signer_role", Kind.ENUM, 18, enum="signer_role", help=True),
        _c("signer_interpreter", width=14, help=True),
        _c("young_person", Kind.MEMBER, 16, help=True, legacy=True),
        _c("young_person_signed_on", Kind.DATE, _DATE, legacy=True),
    )),
    Sheet("versions", (
        _c("version", Kind.VERSION, 10, help=True), _c("period_start", Kind.DATE, _DATE),
        _c("period_end", Kind.DATE, _DATE), _c("updated_on", Kind.DATE, _DATE),
        _c("review_date", Kind.DATE, _DATE),
        _c("if_it_goes_differently", Kind.LONG, 50, help=True),
    )),
    Sheet("version_goals", (
        _c("version", Kind.VERSION, 10, help=True),
        _c("goal", Kind.LONG, _LONG), _c("by_when", Kind.DATE, _DATE),
        _c("who", width=_NAME), _c("status", Kind.ENUM, 16, enum="goal_status"),
        *_TRACKING,
    ), since=2),
    Sheet("version_agreements", (
        _c("version", Kind.VERSION, 10, help=True),
        _c("content", Kind.LONG, _LONG), _c("responsible", width=_NAME),
        _c("deadline", Kind.DATE, _DATE), _c("status", Kind.ENUM, 16, enum="agreement_status"),
        _c("checked_by", width=_NAME), _c("meeting", Kind.MEETING, 12),
        *_TRACKING,
    ), since=2),
    Sheet("safety_scales", (
        _c("who", width=_NAME, help=True), _c("score", Kind.INT, 10, help=True),
    ), since=2),
    Sheet("safety_agreements", (
        _c("content", Kind.LONG, _LONG), _c("who", width=_NAME),
        _c("when", Kind.DATE, _DATE), _c("watched_by", width=_NAME),
    ), since=2),
    Sheet("child_views", (
        _c("member", Kind.MEMBER, 16, help=True), _c("recorded_on", Kind.DATE, _DATE),
        _c("recorded_by", width=_NAME), _c("good", Kind.LONG, 30, help=True),
        _c("worries", Kind.LONG, 30), _c("wishes", Kind.LONG, 30),
        _c("helpers", Kind.LONG, 26), _c("to_tell", Kind.LONG, 30),
        _c("shared_with", Kind.LONG, 26, help=True),
    ), since=2),
    Sheet("follow_ups", (
        _c("date", Kind.DATE, _DATE), _c("version", Kind.VERSION, 10, help=True),
        _c("meeting", Kind.MEETING, 12), _c("what_works", Kind.LONG, 30),
        _c("not_yet", Kind.LONG, 30), _c("adjust", Kind.LONG, 30),
        _c("help_needed", Kind.LONG, 30), _c("more_meetings", Kind.BOOL, 12),
        _c("family_words", Kind.LONG, 30), _c("next_date", Kind.DATE, _DATE),
        _c("convened_by", width=_NAME), _c("checked_by", width=_NAME),
    ), since=2),
    Sheet("continuations", (
        _c("what", Kind.LONG, 34, help=True), _c("who", width=_NAME),
        _c("contact", width=_NAME), _c("until", Kind.DATE, _DATE),
    ), since=2),
    Sheet("checklist", (
        _c("step", Kind.ENUM, 50, enum="checklist_step"), _c("done_on", Kind.DATE, _DATE),
        _c("done_by", width=_NAME),
    )),
)  # fmt: skip
SHEET_BY_KEY = {sheet.key: sheet for sheet in SHEETS}

PLAN_SHEET = "plan"
"""The key of the plan sheet (single values); its name is ``workbook.sheet.plan``."""

INSTRUCTIONS_SHEET = "instructions"
"""The key of the instructions sheet; its name is ``workbook.sheet.instructions``."""

PLAN_SECTIONS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    ("plan", (
        _c("country", Kind.COUNTRY, help=True), _c("phase", Kind.ENUM, enum="phase"),
        _c("case_number", help=True),
    )),
    ("organization", (
        _c("organization.name", help=True), _c("organization.programme", help=True),
        _c("organization.address", Kind.LONG), _c("organization.phone"),
        _c("organization.email"), _c("organization.website"),
        _c("organization.opening_hours", help=True, repeat=True),
        _c("organization.timezone", help=True),
        _c("organization.controller", help=True), _c("organization.dpo_name", help=True),
        _c("organization.dpo_email"), _c("organization.dpo_phone"),
        _c("organization.escalation", help=True),
    )),
    ("family", (
        _c("family.name", help=True), _c("family.address", Kind.LONG),
        _c("family.direction", Kind.ENUM, enum="direction", help=True),
        _c("family.self_reliance", Kind.LONG, help=True),
        _c("family.preferred_language", help=True), _c("family.statement", Kind.LONG, help=True),
        _c("family.going_well", Kind.LONG), _c("family.could_be_better", Kind.LONG),
    )),
    ("supporter", (
        _c("supporter.name", help=True), _c("supporter.relation"), _c("supporter.phone"),
        _c("supporter.email"),
    )),
    ("safety", (
        _c("safety.no_worries", Kind.BOOL, help=True), _c("safety.worries", Kind.LONG),
        _c("safety.strengths", Kind.LONG), _c("safety.needed", Kind.LONG),
    )),
    ("closing", (
        _c("closing.date", Kind.DATE, help=True), _c("closing.reached", Kind.LONG),
        _c("closing.helped_most", Kind.LONG), _c("closing.could_be_better", Kind.LONG),
        _c("closing.meetings", Kind.LONG), _c("closing.overview", Kind.LONG),
        _c("closing.rating", Kind.INT, help=True), _c("closing.call_back", Kind.BOOL),
    )),
)  # fmt: skip
"""The plan sheet's sections and fields; keys are dotted paths into the plan."""

PLAN_FIELDS: tuple[Column, ...] = tuple(f for _, fields in PLAN_SECTIONS for f in fields)
PLAN_FIELD_BY_KEY = {f.key: f for f in PLAN_FIELDS}
PLAN_COLUMNS = ("field", "value", "help")
"""The plan sheet's three columns (headers ``workbook.col.plan.<key>``)."""


def field_id(field: Column) -> str:
    """The catalog id of a plan-sheet field label."""
    return f"workbook.field.{field.key}"


def field_help_id(field: Column) -> str:
    """The catalog id of a plan-sheet field's help text."""
    return f"workbook.help.field.{field.key}"


def section_id(section: str) -> str:
    """The catalog id of a plan-sheet section heading."""
    return f"workbook.section.{section}"


YES_ID = "workbook.value.yes"
NO_ID = "workbook.value.no"
INSTRUCTIONS_TITLE_ID = "workbook.instructions.title"
VALIDATION_TITLE_ID = "workbook.validation.title"
VALIDATION_MESSAGE_ID = "workbook.validation.message"


def instruction_ids() -> list[str]:
    """The catalog ids of the instruction lines, in order."""
    return [f"workbook.instructions.{n}" for n in range(1, INSTRUCTION_LINES + 1)]


def _all_msgids() -> tuple[str, ...]:
    ids = [f"workbook.sheet.{INSTRUCTIONS_SHEET}", INSTRUCTIONS_TITLE_ID, *instruction_ids()]
    ids.append(f"workbook.sheet.{PLAN_SHEET}")
    ids += [f"workbook.col.plan.{key}" for key in PLAN_COLUMNS]
    for section, fields in PLAN_SECTIONS:
        ids.append(section_id(section))
        for f in fields:
            ids.append(field_id(f))
            if f.help:
                ids.append(field_help_id(f))
    for sheet in SHEETS:
        ids.append(sheet.msgid)
        for col in sheet.columns:
            ids.append(sheet.header_id(col))
            if col.help:
                ids.append(sheet.help_id(col))
    ids += [YES_ID, NO_ID, VALIDATION_TITLE_ID, VALIDATION_MESSAGE_ID]
    return tuple(dict.fromkeys(ids))


MSGIDS: tuple[str, ...] = _all_msgids()
"""Every catalog id the workbook uses (enum labels come from :mod:`..packs.labels`)."""

MAX_SHEET_TITLE = 31
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(pack: Pack, key: str) -> str:
    """Return the sheet's name in *pack*'s language, made valid for Excel (31 characters)."""
    title = _BAD_TITLE_CHARS.sub("-", pack.gettext(f"workbook.sheet.{key}")).strip(" '")
    return title[:MAX_SHEET_TITLE] or key


def excel_date_format(pattern: str) -> str:
    """Turn a babel (CLDR) date pattern such as ``dd.MM.y`` into an Excel number format."""
    out: list[str] = []
    for token in re.findall(r"(y+|M+|d+|[^yMd]+)", pattern):
        letter = token[0]
        if letter == "y":
            out.append("yyyy")
        elif letter == "M":
            out.append("mm" if len(token) >= 2 else "m")
        elif letter == "d":
            out.append("dd" if len(token) >= 2 else "d")
        elif re.fullmatch(r"[ .,/\-]+", token):
            out.append(token.replace(".", "\\.").replace("-", "\\-").replace("/", "\\/"))
        else:
            return "yyyy\\-mm\\-dd"
    return "".join(out)


def excel_time_format(pattern: str) -> str:
    """Turn a babel (CLDR) 24-hour time pattern such as ``HH.mm`` into an Excel format."""
    separator = "\\." if re.fullmatch(r"H{1,2}\.mm", pattern) else ":"
    return f"hh{separator}mm"


COUNTRIES: tuple[str, ...] = tuple(c.value for c in Country)
