"""The building blocks of the model: its base class and the kinds of text it holds.

Free text refuses characters a Word document cannot hold; every text is bounded by the
limits in :mod:`familyplan_docs._limits`. Each text type checks exactly what its JSON
Schema says (see :mod:`.formats`), so the schema and the library accept the same texts.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from .._limits import MAX_NAME, MAX_TEXT
from .._text import ILLEGAL_CLASS, XML_ILLEGAL
from .formats import SPACE_CHARS, SPACE_CLASS, Ref
from .ids import Country

__all__ = ["Model", "Name", "OptionalText", "Ref", "Text", "context_country"]


LEGAL_PATTERN = f"^[^{ILLEGAL_CLASS}]*$"
"""Text without the characters XML cannot hold."""

CONTENT_PATTERN = f"^[{SPACE_CLASS}]*[^{ILLEGAL_CLASS}{SPACE_CLASS}][^{ILLEGAL_CLASS}]*$"
"""Text without the characters XML cannot hold, with something besides white space."""


def _clean(value: object, max_length: int) -> str:
    """Refuse what is not text, too long, or holds a character XML cannot hold; strip white
    space around it; line ends (CR LF, CR) become LF."""
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "must be text (a JSON string)")
    if len(value) > max_length:
        raise PydanticCustomError(
            "string_too_long", "is too long: at most {limit} characters", {"limit": max_length}
        )
    match = XML_ILLEGAL.search(value)
    if match:
        code = ord(match.group())
        what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "the control character"
        raise PydanticCustomError(
            "control_character",
            "holds {what} U+{code} at position {pos}, which a document cannot hold; remove it",
            {"what": what, "code": f"{code:04X}", "pos": match.start() + 1},
        )
    value = value.strip(SPACE_CHARS)
    if "\r" in value:  # a document has no carriage return: every line end is a line break
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _required(max_length: int) -> Any:
    def parse(value: Any) -> str:
        text = _clean(value, max_length)
        if not text:
            raise PydanticCustomError("string_blank", "may not be empty")
        return text

    return PlainValidator(parse)


def _required_schema(max_length: int) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": CONTENT_PATTERN}
    )


def _optional(value: Any) -> str | None:
    if value is None:
        return None
    return _clean(value, MAX_TEXT) or None


Text = Annotated[str, _required(MAX_TEXT), _required_schema(MAX_TEXT)]
"""Free text: any Unicode a document can hold, newlines and tabs included; not empty.

Surrounding white space is stripped and line ends are stored as ``\\n`` (CR LF and CR
included)."""

OptionalText = Annotated[
    str | None,
    PlainValidator(_optional),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": MAX_TEXT, "pattern": LEGAL_PATTERN},
                {"type": "null"},
            ]
        }
    ),
]
"""Free text that may be left out; empty or white-space-only text is stored as None.

So a plan reads the same whichever way it says "nothing": a missing key, ``null``, ``""``
or an empty cell of the workbook."""

Name = Annotated[str, _required(MAX_NAME), _required_schema(MAX_NAME)]
"""A name or other short text (a phone number, a place): not empty, at most
:data:`~familyplan_docs._limits.MAX_NAME` characters."""


class Model(BaseModel):
    """The base of every part of the plan: no unknown fields, input never echoed in errors."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


def context_country(info: ValidationInfo) -> Country | None:
    """The plan's country passed as validation context (so ID numbers are checked early)."""
    country = (info.context or {}).get("country") if isinstance(info.context, dict) else None
    return Country(country) if country in {c.value for c in Country} else None
