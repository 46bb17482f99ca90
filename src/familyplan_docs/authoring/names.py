"""What the template walk knows about names: forbidden and loop attributes, filter results,
and the small helpers that turn syntax-tree nodes into text for messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from jinja2 import nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
)

__all__ = [
    "FORBIDDEN_ATTRIBUTES",
    "ITEM_FILTERS",
    "LOOP_ATTRIBUTES",
    "NUMBER_FILTERS",
    "SAME_FILTERS",
    "TEXT_FILTERS",
    "expr_text",
    "suggest",
    "target_names",
]

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

# filters whose result has the shape of their input, or of an element of it
SAME_FILTERS = frozenset(
    {"default", "d", "list", "sort", "reverse", "unique", "selectattr", "rejectattr",
     "select", "reject", "batch", "slice", "blank_rows"}
)  # fmt: skip
ITEM_FILTERS = frozenset({"first", "last", "random", "min", "max"})
TEXT_FILTERS = frozenset(
    {"date", "time", "number", "label", "text", "joined", "join", "string", "upper", "lower",
     "title", "capitalize", "trim", "striptags", "e", "escape", "forceescape", "format",
     "replace", "truncate", "wordwrap", "center", "indent", "urlize", "urlencode", "tojson",
     "filesizeformat", "pprint", "xmlattr"}
)  # fmt: skip
NUMBER_FILTERS = frozenset({"length", "count", "wordcount", "int", "float", "abs", "round", "sum"})


def target_names(target: nodes.Node) -> Iterator[str]:
    if isinstance(target, nodes.Name):
        yield target.name
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            yield from target_names(item)


def expr_text(node: nodes.Node | None) -> str:
    """A short source-like text of a name/attribute chain, for messages."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{expr_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg
        key = repr(arg.value) if isinstance(arg, nodes.Const) else "…"
        return f"{expr_text(node.node)}[{key}]"
    if isinstance(node, nodes.Filter):
        return f"{expr_text(node.node)}|{node.name}"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"


def suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=2, cutoff=0.7)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
