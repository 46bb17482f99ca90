"""Personal ID numbers (CPR, BSN, personnummer): validation with python-stdnum and masking."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from stdnum import exceptions as stdnum_exceptions
from stdnum.dk import cpr
from stdnum.nl import bsn
from stdnum.se import personnummer

from .._text import MASK
from .formats import matches

__all__ = ["ID_PATTERN", "MASK", "Country", "PersonalId", "check_id"]

ID_PATTERN = "^[0-9]([0-9 .+/-]{0,18}[0-9])?$"
"""How an ID number is written: digits, maybe separated by spaces, dots, dashes, ``+`` or
``/`` (``140386-1282``, ``9999.93.021``, ``19860314-1282``)."""


class Country(StrEnum):
    """Countries whose national ID numbers the model validates."""

    DK = "DK"
    NL = "NL"
    SE = "SE"


_MODULES = {Country.DK: cpr, Country.NL: bsn, Country.SE: personnummer}
_ID_NAMES = {Country.DK: "CPR number", Country.NL: "BSN", Country.SE: "personnummer"}


class PersonalId:
    """A national ID number that never shows itself in a repr, str, log line or error.

    Call :meth:`reveal` to get the number itself (for the documents that must carry it);
    :meth:`formatted` gives the country's usual written form.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the number as given, compacted (no spaces)."""
        return self._value

    def formatted(self, country: Country) -> str:
        """Return the number in the country's usual written form."""
        try:
            return str(_MODULES[country].format(self._value))
        except Exception:  # a number valid for another country: show it as given
            return self._value

    def __repr__(self) -> str:
        return f"PersonalId({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PersonalId) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("PersonalId", self._value))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def parse(value: Any) -> PersonalId:
            if isinstance(value, PersonalId):
                return value
            if not isinstance(value, str):
                raise PydanticCustomError("id_type", "an ID number must be text (a JSON string)")
            if not matches(ID_PATTERN, value):
                raise PydanticCustomError(
                    "id_format",
                    "an ID number is written with digits, maybe separated by spaces, dots "
                    "or dashes (such as 010203-1234); 20 characters at most",
                )
            return cls("".join(ch for ch in value if ch.isdigit() or ch == "+"))

        return core_schema.no_info_plain_validator_function(
            parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.reveal(), when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": 20,
            "pattern": ID_PATTERN,
            "description": "National ID number (CPR for DK, BSN for NL, personnummer for SE), "
            "validated for the plan's country. Never shown in logs or errors.",
        }


def check_id(value: PersonalId, country: Country) -> str | None:
    """Return a message (without the number) when *value* is not valid for *country*."""
    module = _MODULES[country]
    try:
        module.validate(value.reveal())
    except stdnum_exceptions.ValidationError as exc:
        reason = {
            stdnum_exceptions.InvalidChecksum: "its check digit is wrong",
            stdnum_exceptions.InvalidLength: "it has the wrong number of digits",
            stdnum_exceptions.InvalidFormat: "it has the wrong format",
            stdnum_exceptions.InvalidComponent: "it holds an impossible date or part",
        }.get(type(exc), "it is not valid")
        return f"not a valid {_ID_NAMES[country]}: {reason}"
    return None
