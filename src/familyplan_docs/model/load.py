"""Validating plan data: JSON text or plain data in, a :class:`FamilyPlan` or located problems out.

Reading a plan from a file (JSON or a filled workbook) is :func:`familyplan_docs.load_plan`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from .. import _limits
from .._errors import InputError, Problem
from .formats import HugeNumber
from .plan import FamilyPlan

__all__ = [
    "BEYOND_SCHEMA",
    "json_path",
    "json_schema",
    "plan_from_json",
    "problems_from_validation",
    "validate_plan",
]


def json_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """Return a JSONPath-like place such as ``$.family.members[2].birth_date``."""
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """Turn a pydantic error into problems with JSON paths; input values are never shown."""
    problems: list[Problem] = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = tuple(err["loc"])
        if err["type"] == "plan_references":
            ctx: dict[str, Any] = err.get("ctx") or {}
            for sub_loc, message in ctx.get("problems", []):
                problems.append(Problem(json_path(loc + tuple(sub_loc)), message))
            continue
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "this field is not part of the plan (check its spelling)"
        problems.append(Problem(json_path(loc), message))
    return problems


def validate_plan(data: Any) -> FamilyPlan:
    """Validate plain data as a plan, checking ID numbers alongside every other field.

    The plan's country is passed as validation context, so an invalid ID number is
    reported together with all other problems (pydantic runs whole-plan checks only
    when every field is valid).
    """
    country = data.get("country") if isinstance(data, dict) else None
    return FamilyPlan.model_validate(data, context={"country": country})


def plan_from_json(text: str | bytes, source: str = "<json>") -> FamilyPlan:
    """Validate a JSON document as a :class:`FamilyPlan`.

    Raises :class:`InputError` listing every problem with its JSON path.
    """
    if len(text) > _limits.MAX_JSON_BYTES:
        raise InputError(
            source, [Problem("$", f"the file is larger than {_limits.MAX_JSON_BYTES // 2**20} MiB")]
        )
    try:
        data = json.loads(text, parse_int=_parse_int, parse_constant=_refuse_constant)
    except _NotJson as exc:
        raise InputError(source, [Problem("$", str(exc))]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            source,
            [Problem(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}")],
        ) from None
    except UnicodeDecodeError:
        raise InputError(source, [Problem("$", "the file is not UTF-8 text")]) from None
    except RecursionError:
        raise InputError(source, [Problem("$", "the JSON is nested too deeply")]) from None
    try:
        return validate_plan(data)
    except ValidationError as exc:
        raise InputError(source, problems_from_validation(exc)) from None


class _NotJson(ValueError):
    """A value JSON does not have (``NaN``, ``Infinity``), which Python's parser allows."""


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"not valid JSON: {name} is not a JSON value (write a number or null)")


def _parse_int(digits: str) -> int | HugeNumber:
    # Python refuses to convert numbers of more than 4,300 digits (a defence against slow
    # conversion); such a number is kept as a stand-in so its place can be reported
    if len(digits) > _limits.MAX_NUMBER_DIGITS:
        return HugeNumber(len(digits.lstrip("-")))
    return int(digits)


BEYOND_SCHEMA = (
    "Beyond what this schema says, a plan is checked for what JSON Schema cannot express: "
    "ids are unique and every reference names a family member or a meeting the plan has; "
    "a national ID number is valid for the plan's country (check digit, date); a meeting "
    "time given with a UTC offset falls within the years 1 to 9999 in the municipality's "
    "time zone. Regular expressions are ECMA-262, as JSON Schema says: $ is the end of the "
    "text. Formats (date) are meant to be checked."
)
"""The checks the library makes beyond the schema; the schema's description says them."""


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of :class:`FamilyPlan` (draft 2020-12).

    The library accepts a plan exactly when the schema does (formats checked), apart from
    the checks of :data:`BEYOND_SCHEMA`.
    """
    schema = FamilyPlan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://familyplan-docs.example/schema/familyplan-1.json"
    schema["description"] = f"{schema.get('description', '')}\n\n{BEYOND_SCHEMA}".strip()
    return schema
