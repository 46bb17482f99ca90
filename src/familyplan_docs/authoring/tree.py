"""A static walk of a template's Jinja syntax tree against the shape of its context.

:class:`TreeChecker` walks a parsed template and reports unknown variables, attributes,
filters and tests, and attribute access the sandbox forbids, each with the line it sits
on. The shapes it checks against come from :mod:`familyplan_docs.authoring.shapes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.filters import FILTERS as DEFAULT_FILTERS

from .names import (
    FORBIDDEN_ATTRIBUTES,
    ITEM_FILTERS,
    LOOP_ATTRIBUTES,
    NUMBER_FILTERS,
    SAME_FILTERS,
    TEXT_FILTERS,
    expr_text,
    suggest,
    target_names,
)
from .shapes import (
    ANY,
    REPORTED,
    UNKNOWN,
    LabelsShape,
    ListShape,
    RecordShape,
    Shape,
    ValueShape,
    describe,
    merge,
    shape_of,
)

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
        source = expr_text(node.iter)
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
        for name in target_names(node.target):
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
        names = {name: (ANY, how) for name in target_names(target)}
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
                self._report(node, f"unknown test 'is {node.name}'{suggest(node.name, self.tests)}")
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
        message = f"unknown variable '{node.name}'{suggest(node.name, known)}"
        if node.name in self._closed_loops:
            message += f"; '{node.name}' only exists inside its loop, which ends before this place"
        self._report(node, message)
        return REPORTED

    def _attribute(self, node: nodes.Node, base_node: nodes.Node, base: Shape, name: str) -> Shape:
        path = expr_text(base_node)
        if base is REPORTED:
            return REPORTED
        if name.startswith("_") or name in FORBIDDEN_ATTRIBUTES:
            self._report(
                node,
                f"'{path}.{name}' reaches for Python internals, which the sandbox forbids "
                "(names starting with _ and names such as mro are not allowed)",
            )
            return REPORTED
        if isinstance(base, RecordShape):
            if name in base.fields:
                return base.fields[name]
            message = f"unknown variable '{path}.{name}': '{path}' has no '{name}'"
            message += suggest(name, base.fields)
            if base.fields:
                message += f"; it has: {', '.join(sorted(base.fields))}"
            if path == "legal":
                message += f'; add {name} = "…" under [legal] in pack.toml'
            self._report(node, message)
            return REPORTED
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
                        f"{suggest(name, self.label_sets)}; the sets are: "
                        f"{', '.join(sorted(self.label_sets))}",
                    )
                    return REPORTED
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
                f"unknown filter '|{name}'{suggest(name, self.filters)}; this toolbox's "
                f"filters are {ours} (and Jinja's built-in filters)",
            )
            return REPORTED
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
        if name in SAME_FILTERS:
            return base
        if name in ITEM_FILTERS:
            return base.item if isinstance(base, ListShape) else ANY
        if name in TEXT_FILTERS:
            return ValueShape(frozenset({str}))
        if name in NUMBER_FILTERS:
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
