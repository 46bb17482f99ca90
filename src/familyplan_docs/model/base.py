"""The building blocks of the model: its base class and the kinds of text it holds.

Free text refuses characters a Word document cannot hold; every text is bounded by the
limits in :mod:`familyplan_docs._limits`.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from .._limits import MAX_NAME, MAX_TEXT
from .ids import Country

__all__ = ["Model", "Name", "OptionalText", "Ref", "Text", "context_country"]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(value: str) -> str:
    """Refuse characters XML cannot hold; line ends (CR LF, CR) become LF."""
    match = _XML_ILLEGAL.search(value)
    if match:
        raise PydanticCustomError(
            "control_character",
            "holds the control character U+{code} at position {pos}, which a document cannot "
            "hold; remove it",
            {"code": f"{ord(match.group()):04X}", "pos": match.start() + 1},
        )
    if "\r" in value:  # a document has no carriage return: every line end is a line break
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_xml_safe)]
"""Free text: any Unicode a document can hold, newlines and tabs included.

Surrounding whitespace is stripped (``str_strip_whitespace``) and line ends are stored
as ``\\n`` (CR LF and CR included)."""


def _blank_is_none(value: str | None) -> str | None:
    return value or None


OptionalText = Annotated[Text | None, AfterValidator(_blank_is_none)]
"""Free text that may be left out; empty or white-space-only text is stored as None.

So a plan reads the same whichever way it says "nothing": a missing key, ``null``, ``""``
or an empty cell of the workbook."""

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_xml_safe)]
Ref = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.-]+$")]
"""A short id used to refer to a family member, coordinator or network member."""


class Model(BaseModel):
    """The base of every part of the plan: no unknown fields, input never echoed in errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)


def context_country(info: ValidationInfo) -> Country | None:
    """The plan's country passed as validation context (so ID numbers are checked early)."""
    country = (info.context or {}).get("country") if isinstance(info.context, dict) else None
    return Country(country) if country in {c.value for c in Country} else None
