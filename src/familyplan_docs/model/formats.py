"""The plan's value formats: one definition for the library and for the JSON Schema.

Each type here checks a value with the same rule its JSON Schema publishes, so the library
accepts a value exactly when the schema does: no coercion (``"yes"`` and ``1`` are not
booleans, ``"1"`` and ``true`` are not numbers, ``0`` is not a date, ``32400`` is not a
time, ``" 1.0"`` is not a version). The regular expressions are written so that ECMA-262
(what JSON Schema specifies, and what ``ajv`` runs) and Python's :mod:`re` read them alike:
explicit ASCII classes, no ``\\d``, ``\\s`` or ``\\w``, no look-around. (Python's
``re.search``, which python-jsonschema uses, also lets ``$`` match before one final
newline; the library follows ECMA-262 and refuses that newline.)

Python callers may also pass the values themselves: a :class:`~datetime.date` (not a
:class:`~datetime.datetime`), a :class:`~datetime.time`, a :class:`~decimal.Decimal`.
"""

from __future__ import annotations

import importlib.resources
import re
from datetime import UTC, date, time, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .._limits import MAX_ITEMS, MAX_NAME
from .._text import ILLEGAL_CLASS

__all__ = [
    "DATE_PATTERN",
    "EMAIL_PATTERN",
    "REF_PATTERN",
    "TIME_PATTERN",
    "VERSION_PATTERN",
    "AgendaMinutes",
    "Bool",
    "Date",
    "Email",
    "HoursPerWeek",
    "HugeNumber",
    "MeetingNumber",
    "Rating",
    "Ref",
    "SafetyScore",
    "Time",
    "TimeZoneName",
    "Version",
    "matches",
    "time_zones",
]

# --- character classes (as the inside of a regular expression's [...]) -----------------------

SPACE_CLASS = (
    "\\t\\n\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
"""White space: what is stripped around a text, and what cannot be a text's only content.

Python's :meth:`str.isspace` characters and JavaScript's ``\\s`` together, without the
control characters among them (U+000B, U+000C, U+001C–U+001F), which are refused."""

SPACE_CHARS = "".join(
    chr(c)
    for c in (
        0x09,
        0x0A,
        0x0D,
        0x20,
        0x85,
        0xA0,
        0x1680,
        *range(0x2000, 0x200B),
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
        0xFEFF,
    )
)
"""The characters of :data:`SPACE_CLASS`, for :meth:`str.strip`."""

# --- patterns ------------------------------------------------------------------------------

REF_PATTERN = "^[A-Za-z0-9_.-]+$"
"""An id (of a member, coordinator, network member): ASCII letters, digits, ``_ . -``."""

VERSION_PATTERN = "^[0-9]+\\.[0-9]+$"
"""A plan version: ``1.0``, ``2.1`` …"""

DATE_PATTERN = (
    "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
    "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
)
"""A date ``YYYY-MM-DD`` from year 0001 (with ``format: date``, which checks the day)."""

TIME_PATTERN = (
    "^([01][0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9])(\\.([0-9]{1,6}))?)?"
    "(Z|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?$"
)
"""A time of day: ``HH:MM`` or ``HH:MM:SS[.ffffff]``, then optionally ``Z`` or ``±HH:MM``."""

_EMAIL_CHAR = f'[^{ILLEGAL_CLASS}{SPACE_CLASS}\\u007f-\\u009f@"(),:;<>\\[\\\\\\]]'
EMAIL_PATTERN = f"^{_EMAIL_CHAR}+@{_EMAIL_CHAR}+\\.{_EMAIL_CHAR}+$"
"""One e-mail address ``local@domain.tld``: no white space, line breaks or control
characters, none of ``@ " ( ) , : ; < > [ \\ ]`` but the one ``@``."""


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # the pattern anchors itself with ^...$; fullmatch gives ECMA-262's reading of $
    return re.compile(pattern.removeprefix("^").removesuffix("$"))


def matches(pattern: str, text: str) -> bool:
    """Whether *text* matches *pattern* as ECMA-262 (and so JSON Schema) reads it."""
    return _compiled(pattern).fullmatch(text) is not None


def _error(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, ctx or None)


# --- numbers ---------------------------------------------------------------------------------


class HugeNumber:
    """A JSON number with more digits than Python converts (see :func:`.load.plan_from_json`).

    It stands in for the number so that the place it was given at is reported.
    """

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"HugeNumber({self.digits} digits)"


def _whole(value: Any) -> int:
    if isinstance(value, HugeNumber):
        raise _error("number_too_large", "is a number with {digits} digits, far too large",
                     digits=value.digits)  # fmt: skip
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error("int_type", "must be a whole number (a JSON number such as 3)")
    if isinstance(value, float):
        if not value.is_integer():
            raise _error("int_type", "must be a whole number, without a fraction")
        return int(value)
    return value


def _whole_between(minimum: int, maximum: int) -> Any:
    def parse(value: Any) -> int:
        number = _whole(value)
        if not minimum <= number <= maximum:
            raise _error(
                "int_range", "must be a whole number from {low} to {high}",
                low=minimum, high=maximum,
            )  # fmt: skip
        return number

    return PlainValidator(parse)


def _integer_schema(minimum: int, maximum: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": maximum})


AgendaMinutes = Annotated[int, _whole_between(0, 600), _integer_schema(0, 600)]
"""The time frame of an agenda item, in whole minutes (JSON ``integer``: ``30`` or ``30.0``)."""

MeetingNumber = Annotated[int, _whole_between(1, MAX_ITEMS), _integer_schema(1, MAX_ITEMS)]
"""The number (1-based) of a meeting in the plan's list of meetings."""

SafetyScore = Annotated[int, _whole_between(0, 10), _integer_schema(0, 10)]
"""A safety scale's score: 0 (not safe at all) to 10 (completely safe)."""

Rating = Annotated[int, _whole_between(1, 10), _integer_schema(1, 10)]
"""A mark from 1 (the worst) to 10 (the best)."""


def _number_out(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _number_between(minimum: int, maximum: int) -> Any:
    def parse(value: Any) -> Decimal:
        if isinstance(value, HugeNumber):
            raise _error("number_too_large", "is a number far too large")
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise _error("number_type", "must be a number (a JSON number such as 7.5)")
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if not amount.is_finite() or not minimum <= amount <= maximum:
            raise _error("number_range", "must be a number from {low} to {high}",
                         low=minimum, high=maximum)  # fmt: skip
        return amount

    return PlainValidator(parse)


HoursPerWeek = Annotated[
    Decimal,
    _number_between(0, 168),
    PlainSerializer(_number_out, return_type=int | float, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 168}),
]
"""Hours a week, from 0 to 168: a JSON number (``7.5``), never text; kept as a Decimal."""


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _error("bool_type", "must be true or false (JSON true or false, not text)")
    return value


Bool = Annotated[bool, PlainValidator(_bool), WithJsonSchema({"type": "boolean"})]
"""``true`` or ``false``, and nothing else."""


# --- dates and times -----------------------------------------------------------------------


def _date(value: Any) -> date:
    if type(value) is date:
        return value
    if not isinstance(value, str) or not matches(DATE_PATTERN, value):
        raise _error("date_format", "must be a date written YYYY-MM-DD, such as 2026-12-10")
    try:
        return date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        raise _error(
            "date_value", "is not a date that exists (check the day of the month)"
        ) from None


Date = Annotated[
    date,
    PlainValidator(_date),
    PlainSerializer(date.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
"""A calendar date ``YYYY-MM-DD``, years 0001 to 9999."""


def _time(value: Any) -> time:
    if isinstance(value, time):
        return value
    match = _compiled(TIME_PATTERN).fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _error(
            "time_format",
            "must be a time of day written HH:MM such as 09:00 (the municipality's local "
            "time), maybe with seconds and a UTC offset, such as 08:00:00Z or 09:00+01:00",
        )
    hour, minute, _, second, _, fraction, zone, sign, off_hour, off_minute = match.groups()
    micro = int((fraction or "").ljust(6, "0") or 0)
    tzinfo = None
    if zone == "Z":
        tzinfo = UTC
    elif zone:
        offset = timedelta(hours=int(off_hour), minutes=int(off_minute))
        tzinfo = timezone(-offset if sign == "-" else offset)
    return time(int(hour), int(minute), int(second or 0), micro, tzinfo=tzinfo)


def _time_out(value: time) -> str:
    if value.second == 0 and value.microsecond == 0 and value.tzinfo is None:
        return value.isoformat("minutes")
    return value.isoformat()


Time = Annotated[
    time,
    PlainValidator(_time),
    PlainSerializer(_time_out, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": TIME_PATTERN,
            "description": "HH:MM (or HH:MM:SS), local time of the municipality; with a UTC "
            "offset (Z, +01:00) the time is converted to the municipality's time zone.",
        }
    ),
]
"""A time of day; with an offset, the plan converts it to the municipality's time zone."""


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zone names a plan may use: those of the ``tzdata`` package, sorted."""
    names = importlib.resources.files("tzdata").joinpath("zones").read_text("utf-8")
    return tuple(sorted(set(names.split())))


def _zone(value: Any) -> str:
    if not isinstance(value, str) or value not in _zone_set():
        raise _error(
            "time_zone",
            "must be an IANA time zone name such as 'Europe/Copenhagen', 'Europe/Amsterdam' "
            "or 'Europe/Stockholm'",
        )
    return value


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(time_zones())


class _ZoneSchema:
    """The time zone enum, made when the schema is (it reads the tzdata package)."""

    def __get_pydantic_json_schema__(self, core: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "enum": list(time_zones())}


TimeZoneName = Annotated[str, PlainValidator(_zone), _ZoneSchema()]
"""An IANA time zone name (``Europe/Copenhagen``)."""


# --- short texts with a shape -----------------------------------------------------------------


def _shaped(pattern: str, kind: str, message: str, max_length: int) -> Any:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise _error("string_type", "must be text (a JSON string)")
        if len(value) > max_length:
            raise _error(
                "string_too_long", "is too long: at most {limit} characters", limit=max_length
            )
        if not matches(pattern, value):
            raise _error(kind, message)
        return value

    return PlainValidator(parse)


def _shape_schema(pattern: str, max_length: int) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": pattern}
    )


Version = Annotated[
    str,
    _shaped(VERSION_PATTERN, "version_format", "must be a version number such as 1.0 or 2.1", 20),
    _shape_schema(VERSION_PATTERN, 20),
]
"""A plan version such as ``2.1``."""

Email = Annotated[
    str,
    _shaped(
        EMAIL_PATTERN,
        "email_format",
        "must be one e-mail address such as name@example.org, without spaces or line breaks",
        MAX_NAME,
    ),
    _shape_schema(EMAIL_PATTERN, MAX_NAME),
]
"""One e-mail address."""

Ref = Annotated[
    str,
    _shaped(
        REF_PATTERN,
        "ref_format",
        "must be a short id of the letters A-Z and a-z, digits and _ . - (such as 'mette' "
        "or 'n1'), without spaces",
        64,
    ),
    _shape_schema(REF_PATTERN, 64),
]
"""A short id used to refer to a family member, coordinator or network member."""
