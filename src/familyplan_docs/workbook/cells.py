"""Reading single cells of the input workbook: forgiving where a person expects it, strict
where it matters.

Forgiving: surrounding spaces, a date typed as text in the locale's short format or as ISO
``2025-04-03``, a number typed as text (``2,5`` in Danish, ``2.5``), an enum value given as
its label in the workbook's pack, as the English id, or as the label of another built-in
pack. Strict: a date that does not exist, a value not in the list, the wrong type.
Messages never repeat the value of a personal ID number cell.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from babel.dates import format_date, parse_date
from babel.numbers import NumberFormatError, parse_decimal

from .._text import norm
from ..packs.labels import LABELLED_ENUMS, label_id
from ..packs.pack import Pack
from .layout import (
    COUNTRIES,
    NO_ID,
    PLAN_FIELDS,
    PLAN_SECTIONS,
    PLAN_SHEET,
    SHEETS,
    YES_ID,
    Column,
    Kind,
    field_id,
    section_id,
    sheet_title,
)


class CellError(Exception):
    """A cell holds something that does not fit its column; the message says what."""


class Vocabulary:
    """Everything a workbook's labels may be: its own pack's, English ids, other packs'."""

    def __init__(self, pack: Pack, others: list[Pack]) -> None:
        self.pack = pack
        chain = [pack, *others]
        self.enums: dict[str, dict[str, StrEnum]] = {}
        for key, enum in LABELLED_ENUMS.items():
            table: dict[str, StrEnum] = {}
            for value in enum:
                _add(table, pack.gettext(label_id(value)), value)
                _add(table, value.value, value)
                _add(table, value.value.replace("_", " "), value)
            for other in others:
                for value in enum:
                    _add(table, other.gettext(label_id(value)), value)
            self.enums[key] = table
        self.booleans: dict[str, bool] = {}
        for p in chain:
            _add(self.booleans, p.gettext(YES_ID), True)
            _add(self.booleans, p.gettext(NO_ID), False)
        for word, flag in (
            ("yes", True),
            ("no", False),
            ("true", True),
            ("false", False),
            ("1", True),
            ("0", False),
            ("x", True),
        ):
            _add(self.booleans, word, flag)
        self.countries: dict[str, str] = {}
        for code in COUNTRIES:
            _add(self.countries, code, code)
            for p in chain:
                _add(self.countries, str(p.locale.territories.get(code, code)), code)
        self.headers: dict[str, dict[str, str]] = {}
        for sheet in SHEETS:
            headers: dict[str, str] = {}
            for col in sheet.columns:
                _add(headers, pack.gettext(sheet.header_id(col)), col.key)
                _add(headers, col.key, col.key)
            for other in others:
                for col in sheet.columns:
                    _add(headers, other.gettext(sheet.header_id(col)), col.key)
            self.headers[sheet.key] = headers
        self.fields: dict[str, str] = {}
        self.sections: set[str] = set()
        for p in chain:
            for field in PLAN_FIELDS:
                _add(self.fields, p.gettext(field_id(field)), field.key)
                _add(self.fields, field.key, field.key)
            self.sections.update(norm(p.gettext(section_id(s))) for s, _ in PLAN_SECTIONS)
        self.titles: dict[str, list[str]] = {}
        for key in [PLAN_SHEET, *(s.key for s in SHEETS)]:
            self.titles[key] = list(dict.fromkeys([sheet_title(p, key) for p in chain] + [key]))
        self.date_example = format_date(date(2025, 4, 3), "short", locale=pack.locale)

    def choices(self, column: Column) -> str:
        """The labels a user may choose from, for a message."""
        if column.kind is Kind.COUNTRY:
            codes = COUNTRIES
            return ", ".join(str(self.pack.locale.territories.get(c, c)) for c in codes)
        if column.kind is Kind.BOOL:
            return f"{self.pack.gettext(YES_ID)}, {self.pack.gettext(NO_ID)}"
        return ", ".join(self.pack.gettext(label_id(v)) for v in column.enum_type)


def _add(table: dict[str, Any], label: str, value: Any) -> None:
    table.setdefault(norm(label), value)


_DATE_TEXT = re.compile(r"^\d{1,4}[./\- ]+\d{1,2}[./\- ]+\d{1,4}$")
_TIME_TEXT = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")
_INT_TEXT = re.compile(r"^[+-]?\d+$")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_EXCEL_EPOCH_DAYS = {date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)}


def convert(column: Column, value: Any, vocab: Vocabulary) -> Any:
    """Turn a non-empty cell value into the model's value for *column*, or raise CellError."""
    kind = column.kind
    if kind in (Kind.TEXT, Kind.LONG, Kind.REF, Kind.MEMBER):
        return _text(value)
    if kind is Kind.ID_NUMBER:
        return _id_number(value)
    if kind is Kind.DATE:
        return _date(value, vocab)
    if kind is Kind.TIME:
        return _time(value)
    if kind in (Kind.INT, Kind.NUMBER, Kind.MEETING, Kind.CONSENT):
        number = _int(value)
        if kind is not Kind.INT and number < 1:
            raise CellError(f"{number} is not a number from 1 up")
        return number
    if kind is Kind.DECIMAL:
        return _decimal(value, vocab)
    if kind is Kind.VERSION:
        return _version(value)
    if kind is Kind.BOOL:
        return _choice(value, vocab.booleans, column, vocab)
    if kind is Kind.COUNTRY:
        return _choice(value, vocab.countries, column, vocab)
    assert column.enum is not None
    return _choice(value, vocab.enums[column.enum], column, vocab)


_ESCAPED_UNDERSCORE = "_x005F_"


def _text(value: Any) -> str:
    if isinstance(value, str):
        # _x005F_ is an escaped underscore (OOXML): openpyxl decodes it in shared strings,
        # as Excel and Calc write them, but not in inline strings, as openpyxl writes them
        return value.replace(_ESCAPED_UNDERSCORE, "_").strip()
    if isinstance(value, bool):
        raise CellError("holds TRUE or FALSE; text belongs here")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    raise CellError("holds a value that is not text")


def _id_number(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise CellError("holds something that is not an ID number; type it as text")


def _date(value: Any, vocab: Vocabulary) -> date:
    if isinstance(value, datetime):
        if value.time() != time():
            raise CellError("holds a date with a time of day; a date alone belongs here")
        return value.date()
    if isinstance(value, date):
        return value
    hint = f"type a date such as {vocab.date_example}"
    if isinstance(value, time):
        raise CellError(f"holds a time of day, not a date; {hint}")
    if isinstance(value, bool | int | float):
        raise CellError(f"holds the number {value}, not a date; {hint}")
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if _DATE_TEXT.match(text):
        try:
            return parse_date(text, locale=vocab.pack.locale, format="short")
        except ValueError:
            raise CellError(f"{text!r} is not a date that exists") from None
        except Exception:  # babel's ParseError and friends
            pass
    raise CellError(f"{text!r} is not a date; {hint}")


def _time(value: Any) -> time:
    if isinstance(value, datetime):
        if value.date() in _EXCEL_EPOCH_DAYS:
            return value.time()
        raise CellError("holds a date; a time of day such as 14:30 belongs here")
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = _TIME_TEXT.match(text)
        if match:
            hour, minute, second = (int(g) if g else 0 for g in match.groups())
            try:
                return time(hour, minute, second)
            except ValueError:
                raise CellError(f"{text!r} is not a time that exists") from None
        raise CellError(f"{text!r} is not a time of day; type it like 14:30")
    raise CellError("holds something that is not a time of day; type it like 14:30")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("holds TRUE or FALSE; a whole number belongs here")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if _INT_TEXT.match(text):
            return int(text)
        raise CellError(f"{value.strip()!r} is not a whole number")
    if isinstance(value, float):
        raise CellError(f"{value} is not a whole number")
    raise CellError("holds something that is not a whole number")


def _decimal(value: Any, vocab: Vocabulary) -> Decimal:
    if isinstance(value, bool):
        raise CellError("holds TRUE or FALSE; a number belongs here")
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        try:
            return Decimal(parse_decimal(text, locale=vocab.pack.locale, strict=True))
        except (NumberFormatError, InvalidOperation, ValueError):
            pass
        if _PLAIN_DECIMAL.match(text):
            return Decimal(text)
        raise CellError(f"{value.strip()!r} is not a number")
    raise CellError("holds something that is not a number")


def _version(value: Any) -> str:
    if isinstance(value, bool):
        raise CellError("holds TRUE or FALSE; a version such as 2.1 belongs here")
    if isinstance(value, int):
        return f"{value}.0"
    if isinstance(value, float):
        return str(value)
    return _text(value)


def _choice(value: Any, table: dict[str, Any], column: Column, vocab: Vocabulary) -> Any:
    text = _text(value)
    found = table.get(norm(text))
    if found is None:
        raise CellError(f"{text!r} is not in the list; choose one of: {vocab.choices(column)}")
    return found
