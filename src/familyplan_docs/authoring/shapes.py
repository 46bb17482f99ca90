"""The shape of the template context, taken from the real context.

The shape is taken from the real context (:func:`build_context` of a probe plan that fills
every field of the model, of the bundled samples, and :func:`build_blank_context`), so
``check-templates`` knows every name, nested attribute and list a template may use
without a hand-written list; :mod:`familyplan_docs.authoring.tree` walks templates against it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from ..model.ids import Country
from ..model.plan import FamilyPlan
from ..packs.pack import Pack
from ..render.context import Labels, build_blank_context, build_context
from ..render.values import Blank, Record

# --- shapes ----------------------------------------------------------------------------


class Shape:
    """What a template expression is known to be."""


class _Any(Shape):
    def __repr__(self) -> str:
        return "ANY"


class _Unknown(Shape):
    def __repr__(self) -> str:
        return "UNKNOWN"


ANY: Shape = _Any()
"""Anything goes (an image, a value the checker cannot follow)."""

UNKNOWN: Shape = _Unknown()
"""No information yet (a ``None`` or blank value); merges away, accepts anything at the end."""

REPORTED: Shape = _Any()
"""A problem already reported: nothing more to say about it."""


@dataclass
class RecordShape(Shape):
    """A record with named fields (``family``, a member, a meeting …)."""

    fields: dict[str, Shape] = field(default_factory=dict)


@dataclass
class ListShape(Shape):
    """A list whose elements have the shape ``item``."""

    item: Shape = UNKNOWN


@dataclass
class ValueShape(Shape):
    """A plain value: text, a date, a number, an enum value, yes/no."""

    types: frozenset[type] = frozenset()


@dataclass
class LabelsShape(Shape):
    """``labels`` (prefix ``""``) or one of its sets (``labels.sector``, prefix ``sector``)."""

    prefix: str = ""


def merge(a: Shape, b: Shape) -> Shape:
    """Combine what two samples tell about the same name."""
    if a is UNKNOWN:
        return b
    if b is UNKNOWN:
        return a
    if isinstance(a, RecordShape) and isinstance(b, RecordShape):
        fields = dict(a.fields)
        for name, shape in b.fields.items():
            fields[name] = merge(fields.get(name, UNKNOWN), shape)
        return RecordShape(fields)
    if isinstance(a, ListShape) and isinstance(b, ListShape):
        return ListShape(merge(a.item, b.item))
    if isinstance(a, ValueShape) and isinstance(b, ValueShape):
        return ValueShape(a.types | b.types)
    if isinstance(a, LabelsShape) and isinstance(b, LabelsShape) and a.prefix == b.prefix:
        return a
    return ANY


def shape_of(value: Any, _open: frozenset[int] = frozenset()) -> Shape:
    """Return the shape of one context value.

    Records may point back at each other (a parent's ``custody_children`` hold the child
    whose ``custodians`` hold the parent); a record met again inside itself is ``ANY``.
    """
    if value is None or isinstance(value, Blank):
        return UNKNOWN
    if isinstance(value, Record | dict | list | tuple):
        if id(value) in _open:
            return ANY
        _open = _open | {id(value)}
    if isinstance(value, Record):
        return RecordShape({k: shape_of(v, _open) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return RecordShape({str(k): shape_of(v, _open) for k, v in value.items()})
    if isinstance(value, list | tuple):
        item: Shape = UNKNOWN
        for element in value:
            item = merge(item, shape_of(element, _open))
        return ListShape(item)
    if isinstance(value, Labels):
        return LabelsShape("")
    if isinstance(value, str | int | float | Decimal | date | time | Enum):
        return ValueShape(frozenset({type(value)}))
    return ANY


def context_shape(contexts: Iterable[dict[str, Any]], extra: Iterable[str] = ()) -> RecordShape:
    """Merge the shapes of several contexts; names in *extra* are known with any shape."""
    shape: Shape = RecordShape({name: ANY for name in extra})
    for context in contexts:
        shape = merge(shape, shape_of(context))
    assert isinstance(shape, RecordShape)
    return shape


# --- a probe plan that fills every field ------------------------------------------------


def _probe_value(annotation: Any, name: str, ref: str) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _probe_value(args[0], name, ref)
    if origin in (typing.Union, types.UnionType):
        chosen = next(a for a in args if a is not type(None))
        return _probe_value(chosen, name, ref)
    if origin is typing.Literal:
        return args[0]
    if origin is list:
        item = args[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            # one element per value of the model's choice fields (role, kind, group …)
            return [probe_data(item, ref, i) for i in range(_variants(item))]
        return [_probe_value(item, name, ref)]
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return probe_data(annotation, ref)
        if issubclass(annotation, Enum):
            return next(iter(annotation)).value
        if annotation is bool:
            return True
        if issubclass(annotation, int):
            return 1
        if issubclass(annotation, Decimal | float):
            return 1.5
        if annotation is datetime:
            return "2026-01-05T09:00:00"
        if annotation is date:
            return "2000-01-05" if name == "birth_date" else "2026-01-05"
        if annotation is time:
            return "09:00"
    if name in {"id", "member", "giver", "children", "custody_of"}:
        return ref
    if name == "version":
        return "1.0"
    if name == "email" or name.endswith("_email"):
        return f"{ref}@example.org"
    if name == "timezone":
        return "Europe/Copenhagen"
    return f"{name} text"


def _choices(model: type[BaseModel]) -> list[tuple[str, type[Enum]]]:
    found = []
    for name, info in model.model_fields.items():
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, Enum):
            found.append((name, kind))
    return found


def _variants(model: type[BaseModel]) -> int:
    return max([2, *(len(kind) for _, kind in _choices(model))])


_PROBE_ID = "2110625629"
"""A Danish CPR number that python-stdnum accepts (the probe plan is Danish)."""


def probe_data(model: type[BaseModel], ref: str = "p1", variant: int = 0) -> dict[str, Any]:
    """Input data for *model* with every field set and every reference pointing to *ref*.

    *variant* picks the values of the model's choice fields, so a list holds an element
    per choice (a parent, another adult and a child; every kind of meeting …); from the
    second variant on, an optional reference to a family member is left empty.
    """
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "country":
            continue
        if name == "national_id":
            data[name] = _PROBE_ID
            continue
        if variant and name == "member" and not info.is_required():
            continue
        data[name] = _probe_value(info.annotation, name, ref)
        if name == "id" and variant:
            data[name] = f"{ref}-{variant}"
    for name, kind in _choices(model):
        values = list(kind)
        data[name] = values[variant % len(values)].value
    return data


def _point_at_the_child(data: dict[str, Any]) -> None:
    """Make the probe's custody, consents and children's views refer to its child member,
    and give each consent one signature per capacity, as the model's checks require."""
    members = data["family"]["members"]
    child = next(m["id"] for m in members if m["role"] == "child")
    adults = [m["id"] for m in members if m["role"] != "child"]
    for member in members:
        member["custody_of"] = [] if member["id"] == child else [child]
    for consent in data["consents"]:
        consent["children"] = [child]
        consent["signatures"] = [
            {**consent["signatures"][0], "member": adults[0], "role": "custodian"},
            {**consent["signatures"][0], "member": child, "role": "child"},
            {**consent["signatures"][0], "member": adults[-1], "role": "adult"},
        ]
    for view in data["child_views"]:
        view["member"] = child
    for follow in data["follow_ups"]:
        follow["meeting"] = 1


def probe_plan() -> FamilyPlan | None:
    """A plan with every field of the model filled (None if the model refuses it)."""
    data = probe_data(FamilyPlan)
    data["country"] = Country.DK.value
    for agreement in data["agreements"]:
        agreement["meeting"] = 1
    _point_at_the_child(data)
    try:
        return FamilyPlan.model_validate(data)
    except ValidationError:
        for member in data["family"]["members"]:
            member.pop("national_id", None)
    try:
        return FamilyPlan.model_validate(data)
    except ValidationError:
        return None


def pack_context_shape(
    pack: Pack, plans: Sequence[FamilyPlan], extra: Iterable[str]
) -> RecordShape:
    """The shape of everything a template of *pack* may use: filled (probe, *plans*) and blank."""
    contexts: list[dict[str, Any]] = [build_blank_context(pack)]
    probe = probe_plan()
    for plan in [*([probe] if probe else []), *plans]:
        contexts.append(build_context(plan, pack))
    return context_shape(contexts, extra)


# --- describing shapes ----------------------------------------------------------------


def describe(shape: Shape) -> str:
    """A plain-language name of a shape, for messages and docs/variables.md."""
    if isinstance(shape, RecordShape):
        return "record"
    if isinstance(shape, ListShape):
        inner = describe(shape.item)
        return "list" if shape.item in (ANY, UNKNOWN) else f"list of {inner}s"
    if isinstance(shape, ValueShape):
        names = sorted({_type_name(t) for t in shape.types})
        return " or ".join(names) if names else "value"
    if isinstance(shape, LabelsShape):
        return "labels"
    return "value"


def _type_name(kind: type) -> str:
    if issubclass(kind, bool):
        return "yes/no"
    if issubclass(kind, StrEnum):
        return "choice"
    if issubclass(kind, str):
        return "text"
    if issubclass(kind, datetime):
        return "date and time"
    if issubclass(kind, date):
        return "date"
    if issubclass(kind, time):
        return "time"
    if issubclass(kind, int | float | Decimal):
        return "number"
    return kind.__name__
