"""The shape of the template context, and a static walk of a template's Jinja syntax tree.

The shape is taken from the real context (:func:`build_context` of a probe plan that fills
every field of the model, of the bundled samples, and :func:`build_blank_context`), so
``check-templates`` knows every name, nested attribute and list a template may use
without a hand-written list. :func:`check_tree` walks a parsed template and reports unknown
variables, attributes, filters and tests, and attribute access the sandbox forbids, each
with the line it sits on.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from jinja2 import nodes
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
)
from pydantic import BaseModel, ValidationError

from ._context import build_blank_context, build_context
from ._ids import Country
from ._model import FamilyPlan
from ._packs import Pack
from ._values import Blank, Record

FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "mro",
        *UNSAFE_GENERATOR_ATTRIBUTES,
        *UNSAFE_COROUTINE_ATTRIBUTES,
        *UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
        "tb_frame",
        "tb_next",
        "f_back",
        "f_builtins",
        "f_code",
        "f_globals",
        "f_locals",
        "co_code",
    }
)
"""Attribute names the sandbox refuses besides every name that starts with ``_``."""

LOOP_ATTRIBUTES = frozenset(
    {
        "index", "index0", "revindex", "revindex0", "first", "last", "length", "cycle",
        "depth", "depth0", "previtem", "nextitem", "changed",
    }
)  # fmt: skip

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
_REPORTED: Shape = _Any()  # a problem already reported: nothing more to say about it
"""No information yet (a ``None`` or blank value); merges away, accepts anything at the end."""


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


def shape_of(value: Any) -> Shape:
    """Return the shape of one context value."""
    from ._context import _Labels

    if value is None or isinstance(value, Blank):
        return UNKNOWN
    if isinstance(value, Record):
        return RecordShape({k: shape_of(v) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return RecordShape({str(k): shape_of(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        item: Shape = UNKNOWN
        for element in value:
            item = merge(item, shape_of(element))
        return ListShape(item)
    if isinstance(value, _Labels):
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
            return "1.5"
        if annotation is datetime:
            return "2026-01-05T09:00:00"
        if annotation is date:
            return "2000-01-05" if name == "birth_date" else "2026-01-05"
        if annotation is time:
            return "09:00"
    if name in {"id", "member", "giver", "children"}:
        return ref
    if name == "version":
        return "1.0"
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


def probe_plan() -> FamilyPlan | None:
    """A plan with every field of the model filled (None if the model refuses it)."""
    data = probe_data(FamilyPlan)
    data["country"] = Country.DK.value
    for agreement in data["agreements"]:
        agreement["meeting"] = 1
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


# --- the walk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem found in a template, with its line in the parsed source."""

    lineno: int
    message: str


@dataclass
class _Scope:
    names: dict[str, tuple[Shape, str]]
    """Local names: shape and a description such as "an element of 'goals'"."""
    in_loop: bool = False

    def child(self, **names: tuple[Shape, str]) -> _Scope:
        return _Scope({**self.names, **names}, self.in_loop)


# filters whose result has the shape of their input, or of an element of it
_SAME = frozenset(
    {"default", "d", "list", "sort", "reverse", "unique", "selectattr", "rejectattr",
     "select", "reject", "batch", "slice"}
)  # fmt: skip
_ITEM = frozenset({"first", "last", "random", "min", "max"})
_TEXT = frozenset(
    {"date", "time", "number", "label", "text", "joined", "join", "string", "upper", "lower",
     "title", "capitalize", "trim", "striptags", "e", "escape", "forceescape", "format",
     "replace", "truncate", "wordwrap", "center", "indent", "urlize", "urlencode", "tojson",
     "filesizeformat", "pprint", "xmlattr"}
)  # fmt: skip
_NUMBER = frozenset({"length", "count", "wordcount", "int", "float", "abs", "round", "sum"})


class TreeChecker:
    """Walks a template's syntax tree against a context shape and a set of filters/tests."""

    def __init__(
        self,
        shape: RecordShape,
        filters: Iterable[str],
        tests: Iterable[str],
        label_ids: Iterable[str],
    ) -> None:
        self.shape = shape
        self.filters = frozenset(filters)
        self.tests = frozenset(tests)
        self.label_ids = frozenset(label_ids)
        self.label_sets = frozenset(i.split(".", 1)[0] for i in self.label_ids if "." in i)
        self.findings: list[Finding] = []
        self.used: dict[str, int] = {}
        """Top-level context names the template uses, with the first line."""
        self.labels_used: dict[str, int] = {}
        """Catalog ids used through ``labels.<set>.<value>``, with the first line."""
        self._closed_loops: dict[str, int] = {}

    # -- reporting

    def _report(self, node: nodes.Node, message: str) -> None:
        self.findings.append(Finding(node.lineno, message))

    # -- statements

    def check(self, template: nodes.Template) -> list[Finding]:
        """Walk *template*; return the findings (also kept in :attr:`findings`)."""
        self._body(template.body, _Scope({}))
        return self.findings

    def _body(self, body: Sequence[nodes.Node], scope: _Scope) -> _Scope:
        for node in body:
            scope = self._stmt(node, scope)
        return scope

    def _stmt(self, node: nodes.Node, scope: _Scope) -> _Scope:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self._expr(child, scope)
            return scope
        if isinstance(node, nodes.For):
            return self._for(node, scope)
        if isinstance(node, nodes.If):
            self._expr(node.test, scope)
            self._body(node.body, scope)
            for elif_ in node.elif_:
                self._expr(elif_.test, scope)
                self._body(elif_.body, scope)
            self._body(node.else_, scope)
            return scope
        if isinstance(node, nodes.Assign):
            value = self._expr(node.node, scope)
            return self._bind(node.target, value, "set here", scope)
        if isinstance(node, nodes.AssignBlock):
            self._body(node.body, scope)
            return self._bind(node.target, ValueShape(frozenset({str})), "set here", scope)
        if isinstance(node, nodes.With):
            inner = scope
            for target, expr in zip(node.targets, node.values, strict=False):
                inner = self._bind(target, self._expr(expr, scope), "set by with", inner)
            self._body(node.body, inner)
            return scope
        if isinstance(node, nodes.Macro | nodes.CallBlock):
            return self._macro(node, scope)
        if isinstance(node, nodes.FilterBlock):
            self._expr(node.filter, scope)
            self._body(node.body, scope)
            return scope
        if isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            what = type(node).__name__.lower().replace("fromimport", "from … import")
            self._report(
                node, f"{{% {what} %}} cannot be used in a Word template (there is nothing to load)"
            )
            return scope
        if isinstance(node, nodes.ExprStmt):
            self._expr(node.node, scope)
            return scope
        if isinstance(node, nodes.Block | nodes.Scope | nodes.ScopedEvalContextModifier):
            self._body(node.body, scope)
            return scope
        for sub in node.iter_child_nodes():
            if isinstance(sub, nodes.Expr):
                self._expr(sub, scope)
            else:
                self._stmt(sub, scope)
        return scope

    def _for(self, node: nodes.For, scope: _Scope) -> _Scope:
        iterable = self._expr(node.iter, scope)
        source = _expr_text(node.iter)
        if isinstance(iterable, ListShape):
            item = iterable.item
        elif isinstance(iterable, RecordShape):
            self._report(
                node.iter,
                f"'{source}' is a single record, not a list: it cannot be repeated with for",
            )
            item = ANY
        elif isinstance(iterable, ValueShape) and not any(
            issubclass(t, str) for t in iterable.types
        ):
            self._report(node.iter, f"'{source}' is a {describe(iterable)}, not a list")
            item = ANY
        else:
            item = ANY
        inner = self._bind(node.target, item, f"an element of '{source}'", scope)
        inner = inner.child(loop=(RecordShape({a: ANY for a in LOOP_ATTRIBUTES}), "the loop"))
        inner.in_loop = True
        if node.test is not None:
            self._expr(node.test, inner)
        self._body(node.body, inner)
        self._body(node.else_, scope)
        for name in _target_names(node.target):
            if name not in scope.names:
                self._closed_loops.setdefault(name, node.lineno)
        return scope

    def _macro(self, node: nodes.Macro | nodes.CallBlock, scope: _Scope) -> _Scope:
        if isinstance(node, nodes.CallBlock):
            self._expr(node.call, scope)
        for default in node.defaults:
            self._expr(default, scope)
        params = {a.name: (ANY, "a parameter") for a in node.args}
        specials = {n: (ANY, "a macro name") for n in ("varargs", "kwargs", "caller")}
        self._body(node.body, scope.child(**params, **specials))
        if isinstance(node, nodes.Macro):
            return scope.child(**{node.name: (ANY, "a macro")})
        return scope

    def _bind(self, target: nodes.Node, value: Shape, how: str, scope: _Scope) -> _Scope:
        if isinstance(target, nodes.Name):
            return scope.child(**{target.name: (value, how)})
        if isinstance(target, nodes.NSRef):
            self._expr(nodes.Name(target.name, "load", lineno=target.lineno), scope)
            return scope
        names = {name: (ANY, how) for name in _target_names(target)}
        return scope.child(**names)

    # -- expressions

    def _expr(self, node: nodes.Node, scope: _Scope) -> Shape:
        if isinstance(node, nodes.Name):
            return self._name(node, scope)
        if isinstance(node, nodes.Getattr):
            base = self._expr(node.node, scope)
            return self._attribute(node, node.node, base, node.attr)
        if isinstance(node, nodes.Getitem):
            base = self._expr(node.node, scope)
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                return self._attribute(node, node.node, base, arg.value)
            self._expr(arg, scope)
            if isinstance(base, ListShape):
                return base.item
            if isinstance(base, ValueShape) and any(issubclass(t, str) for t in base.types):
                return base
            return ANY
        if isinstance(node, nodes.Filter):
            return self._filter(node, scope)
        if isinstance(node, nodes.Test):
            self._expr(node.node, scope)
            self._args(node, scope)
            if node.name not in self.tests:
                self._report(
                    node, f"unknown test 'is {node.name}'{_suggest(node.name, self.tests)}"
                )
            return ValueShape(frozenset({bool}))
        if isinstance(node, nodes.Call):
            self._expr(node.node, scope)
            self._args(node, scope)
            self._format_call(node)
            if isinstance(node.node, nodes.Name) and node.node.name == "dict":
                fields = {k.key: self._expr(k.value, scope) for k in node.kwargs}
                return RecordShape(fields)
            return ANY
        if isinstance(node, nodes.Const):
            return shape_of(node.value) if node.value is not None else UNKNOWN
        if isinstance(node, nodes.TemplateData):
            return ValueShape(frozenset({str}))
        if isinstance(node, nodes.List | nodes.Tuple):
            item: Shape = UNKNOWN
            for element in node.items:
                item = merge(item, self._expr(element, scope))
            return ListShape(item)
        if isinstance(node, nodes.Dict):
            for pair in node.items:
                self._expr(pair.key, scope)
                self._expr(pair.value, scope)
            return ANY
        if isinstance(node, nodes.CondExpr):
            self._expr(node.test, scope)
            first = self._expr(node.expr1, scope)
            second = self._expr(node.expr2, scope) if node.expr2 is not None else UNKNOWN
            return merge(first, second)
        if isinstance(node, nodes.Concat):
            for child in node.nodes:
                self._expr(child, scope)
            return ValueShape(frozenset({str}))
        if isinstance(node, nodes.And | nodes.Or):
            # "a or b" is a or b, not yes/no: the fallback of a value
            return merge(self._expr(node.left, scope), self._expr(node.right, scope))
        if isinstance(node, nodes.Compare | nodes.Not):
            for operand in node.iter_child_nodes():
                self._expr(operand, scope)
            return ValueShape(frozenset({bool}))
        for other in node.iter_child_nodes():
            self._expr(other, scope)
        return ANY

    def _args(self, node: nodes.Filter | nodes.Test | nodes.Call, scope: _Scope) -> None:
        for arg in node.args:
            self._expr(arg, scope)
        for kwarg in node.kwargs:
            self._expr(kwarg.value, scope)
        if node.dyn_args is not None:
            self._expr(node.dyn_args, scope)
        if node.dyn_kwargs is not None:
            self._expr(node.dyn_kwargs, scope)

    def _name(self, node: nodes.Name, scope: _Scope) -> Shape:
        if node.name in scope.names:
            return scope.names[node.name][0]
        if node.name in self.shape.fields:
            self.used.setdefault(node.name, node.lineno)
            return self.shape.fields[node.name]
        if node.name == "loop":
            self._report(node, "'loop' only exists inside a {% for %} … {% endfor %} loop")
            return ANY
        known = set(self.shape.fields) | set(scope.names)
        message = f"unknown variable '{node.name}'{_suggest(node.name, known)}"
        if node.name in self._closed_loops:
            message += f"; '{node.name}' only exists inside its loop, which ends before this place"
        self._report(node, message)
        return _REPORTED

    def _attribute(self, node: nodes.Node, base_node: nodes.Node, base: Shape, name: str) -> Shape:
        path = _expr_text(base_node)
        if base is _REPORTED:
            return _REPORTED
        if name.startswith("_") or name in FORBIDDEN_ATTRIBUTES:
            self._report(
                node,
                f"'{path}.{name}' reaches for Python internals, which the sandbox forbids "
                "(names starting with _ and names such as mro are not allowed)",
            )
            return _REPORTED
        if isinstance(base, RecordShape):
            if name in base.fields:
                return base.fields[name]
            message = f"unknown variable '{path}.{name}': '{path}' has no '{name}'"
            message += _suggest(name, base.fields)
            if base.fields:
                message += f"; it has: {', '.join(sorted(base.fields))}"
            if path == "legal":
                message += f'; add {name} = "…" under [legal] in pack.toml'
            self._report(node, message)
            return _REPORTED
        if isinstance(base, ListShape):
            if hasattr(list, name):
                return ANY
            self._report(
                node,
                f"'{path}' is a list, so '{path}.{name}' does not exist: repeat it with "
                f"{{% for x in {path} %}} … x.{name} … or use a filter such as {path}|first",
            )
            return ANY
        if isinstance(base, ValueShape):
            if base.types and not any(hasattr(t, name) for t in base.types):
                self._report(
                    node,
                    f"'{path}' is a {describe(base)}; it has no '{name}'",
                )
                return ANY
            return ANY
        if isinstance(base, LabelsShape):
            if not base.prefix:
                if name not in self.label_sets:
                    self._report(
                        node,
                        f"'labels.{name}' is not a set of labels in messages.po"
                        f"{_suggest(name, self.label_sets)}; the sets are: "
                        f"{', '.join(sorted(self.label_sets))}",
                    )
                    return _REPORTED
                return LabelsShape(name)
            msgid = f"{base.prefix}.{name}"
            self.labels_used.setdefault(msgid, node.lineno)
            return ValueShape(frozenset({str}))
        return ANY

    def _filter(self, node: nodes.Filter, scope: _Scope) -> Shape:
        base = self._expr(node.node, scope) if node.node is not None else ANY
        self._args(node, scope)
        name = node.name
        if name not in self.filters:
            ours = ", ".join(sorted(self.filters - set(DEFAULT_FILTERS)))
            self._report(
                node,
                f"unknown filter '|{name}'{_suggest(name, self.filters)}; this toolbox's "
                f"filters are {ours} (and Jinja's built-in filters)",
            )
            return _REPORTED
        if name == "safe":
            self._report(
                node,
                "the filter '|safe' switches off escaping: text with & or < from the plan "
                "would break the document; leave it out",
            )
        if name == "attr" and node.args:
            arg = node.args[0]
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                return self._attribute(node, node.node or node, base, arg.value)
        if name == "map":
            for kwarg in node.kwargs:
                if kwarg.key == "attribute" and isinstance(kwarg.value, nodes.Const):
                    item = base.item if isinstance(base, ListShape) else ANY
                    attr = str(kwarg.value.value).split(".")[0]
                    return ListShape(self._attribute(node, node.node or node, item, attr))
            return ListShape(ANY)
        if name in {"selectattr", "rejectattr", "sort", "groupby", "sum", "unique"}:
            self._check_attribute_args(node, base)
        if name in _SAME:
            return base
        if name in _ITEM:
            return base.item if isinstance(base, ListShape) else ANY
        if name in _TEXT:
            return ValueShape(frozenset({str}))
        if name in _NUMBER:
            return ValueShape(frozenset({int}))
        return ANY

    def _check_attribute_args(self, node: nodes.Filter, base: Shape) -> None:
        item = base.item if isinstance(base, ListShape) else ANY
        consts: list[nodes.Expr] = [a for a in node.args[:1] if isinstance(a, nodes.Const)]
        consts += [k.value for k in node.kwargs if k.key == "attribute"]
        for const in consts:
            if isinstance(const, nodes.Const) and isinstance(const.value, str):
                self._attribute(node, node.node or node, item, const.value.split(".")[0])

    def _format_call(self, node: nodes.Call) -> None:
        target = node.node
        if (
            isinstance(target, nodes.Getattr)
            and target.attr in {"format", "format_map"}
            and isinstance(target.node, nodes.Const)
            and isinstance(target.node.value, str)
            and ("._" in target.node.value or "[_" in target.node.value)
        ):
            self._report(
                node, "the format string reaches for Python internals, which the sandbox forbids"
            )


def _target_names(target: nodes.Node) -> Iterator[str]:
    if isinstance(target, nodes.Name):
        yield target.name
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            yield from _target_names(item)


def _expr_text(node: nodes.Node | None) -> str:
    """A short source-like text of a name/attribute chain, for messages."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_expr_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg
        key = repr(arg.value) if isinstance(arg, nodes.Const) else "…"
        return f"{_expr_text(node.node)}[{key}]"
    if isinstance(node, nodes.Filter):
        return f"{_expr_text(node.node)}|{node.name}"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=2, cutoff=0.7)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
