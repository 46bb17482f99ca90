"""Filters bounded by the render budget: each call's result and work predicted before it runs.

:func:`guard_filter` wraps every filter of the environment (jinja2's and the pack's own):
it checks the clock, refuses a call whose result would be over a limit of the render
budget (:mod:`.budget`) or whose work would be over
:data:`~familyplan_docs._limits.RENDER_MAX_CALL_WORK`, counts a generator it is given as it
is read (so ``|list`` or ``|sort`` never holds more than a list may), runs Python-level
work on large input under the render's deadline (:func:`.costs.deadline`) and counts what
it made. ``|sum`` with a list or tuple to start from is replaced by :func:`bounded_sum`,
which joins in one pass (Python's ``sum`` of lists copies the growing list each time).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from jinja2 import pass_environment
from jinja2.environment import Environment
from jinja2.filters import make_attrgetter, sync_do_sum

from .. import _limits
from .budget import (
    RenderLimitError,
    active_budget,
    check_chars,
    check_items,
    check_sized,
    is_int,
    over,
    size_of,
)
from .costs import bounded, deadline, is_large, sort_cost, text_size
from .predict import check_percent, check_text_size, check_work, predict_replace, remaining_chars

__all__ = ["MAX_PATTERN", "bounded_sum", "guard_filter"]

MAX_PATTERN = 200
"""The longest date, time or number pattern a template may pass to ``|date`` and its kin."""

_LISTING = frozenset({"list", "sort", "batch", "slice", "groupby", "join", "sum"})
"""Filters that turn a text into a list of its characters."""
_ITERATING = _LISTING | frozenset(
    {"unique", "reverse", "dictsort", "first", "last", "min", "max", "map", "select"}
    | {"reject", "selectattr", "rejectattr", "random", "items", "length", "count"}
    | {"tojson", "joined"}
)
"""Filters that read their input item by item: a generator given to them is counted."""
_SORTING = frozenset({"sort", "unique", "groupby", "dictsort", "min", "max"})
_SPLITTING = frozenset({"title", "wordcount", "urlize", "striptags", "wordwrap"})
"""Filters that split a text into a list of words inside (so at most a list's worth)."""
_GROWTH = {"escape": 5, "e": 5, "forceescape": 5, "urlencode": 12, "tojson": 6, "urlize": 10}
_GROWTH |= dict.fromkeys(("upper", "lower", "capitalize", "title"), 3)
_STRINGIFYING = frozenset(_GROWTH) | frozenset(
    {"string", "safe", "trim", "truncate", "wordwrap", "wordcount", "center", "indent"}
    | {"replace", "striptags", "pprint", "text", "xmlattr", "label"}
)
"""Filters that write their input out as text (``str(value)``) before working on it."""
_PATTERNS = frozenset({"date", "time", "number"})


def _check_filter(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a filter call whose result or work would be over a limit."""
    rest = (*args, *kwargs.values())
    if name in _STRINGIFYING:
        check_text_size(value, _GROWTH.get(name, 1))
    if isinstance(value, str | bytes):
        splits = name in _LISTING or name in _SPLITTING
        if splits and len(value) > _limits.RENDER_MAX_ITEMS:
            raise RenderLimitError(
                f"|{name} would split a text of {len(value):,} characters into more parts than "
                f"a list may hold ({_limits.RENDER_MAX_ITEMS:,})"
            )
    elif name in _SORTING:
        check_work(sort_cost(value, _limits.RENDER_MAX_CALL_WORK), f"|{name}")
    if name == "center":
        for arg in rest:
            if is_int(arg):
                check_chars(arg)
    elif name == "indent" and isinstance(value, str):
        width = args[0] if args else kwargs.get("width", 4)
        per_line = len(width) if isinstance(width, str) else width if is_int(width) else 0
        check_chars(len(value) + (value.count("\n") + 1) * max(per_line, 0))
    elif name == "format":
        check_percent(value, rest)
    elif name == "replace" and len(args) >= 2:
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        predict_replace(str(value), str(args[0]), str(args[1]), count)
    elif name in ("batch", "slice"):
        for arg in rest:
            if is_int(arg) and arg > _limits.RENDER_MAX_RANGE:
                raise over("a list of rows", _limits.RENDER_MAX_RANGE)
    elif name in ("join", "joined") and isinstance(value, Sized) and not isinstance(value, str):
        sep = args[0] if args else kwargs.get("d", kwargs.get("sep", ""))
        _check_join(value, sep if isinstance(sep, str) else "")
    elif name == "wordwrap" and isinstance(value, str):
        _check_wordwrap(value, args, kwargs)
    elif name in _PATTERNS:
        pattern = args[0] if args else kwargs.get("fmt")
        if isinstance(pattern, str) and len(pattern) > MAX_PATTERN:
            raise over(f"a |{name} pattern (in characters)", MAX_PATTERN)


def _check_wordwrap(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """textwrap copies the rest of a long word for every line it breaks off: n² / width."""
    width = args[0] if args else kwargs.get("width", 79)
    wrap = args[2] if len(args) > 2 else kwargs.get("wrapstring")
    width = width if is_int(width) and width > 0 else 1
    check_work(len(text) * len(text) // width, "|wordwrap")
    lines = len(text) // width + text.count("\n") + 1
    check_chars(len(text) + lines * (len(wrap) if isinstance(wrap, str) else 1))


def _check_join(items: Any, sep: str) -> None:
    room = remaining_chars()
    total = len(sep) * max(len(items) - 1, 0)
    for item in items:
        total += len(item) if isinstance(item, str) else text_size(item, room - total + 1)
        if total > room:
            raise over("text", _limits.RENDER_MAX_CHARS)


def _is_iterator(value: Any) -> bool:
    return isinstance(value, Iterator) and not isinstance(value, Sized)


def guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so it is bounded by the render budget (same name, same behaviour)."""
    if name == "sum":
        func = bounded_sum
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = active_budget.get()
        if budget is not None:
            budget.check_time()
        if len(args) > skip:
            value, rest = args[skip], args[skip + 1 :]
            _check_filter(name, value, rest, kwargs)
            if name in _ITERATING and _is_iterator(value):
                args = (*args[:skip], bounded(value, _limits.RENDER_MAX_ITEMS), *rest)
        if is_large(*args[skip:], *kwargs.values()):
            with deadline(budget):
                result = func(*args, **kwargs)
        else:
            result = func(*args, **kwargs)
        if budget is not None:
            budget.produce(size_of(result))
        check_sized(result)
        return result

    return guarded


@pass_environment
def bounded_sum(
    environment: Environment,
    iterable: Iterable[Any],
    attribute: str | int | None = None,
    start: Any = 0,
) -> Any:
    """jinja2's ``|sum``; lists and tuples are joined in one pass, never past the list limit."""
    if not isinstance(start, list | tuple):
        return sync_do_sum(environment, iterable, attribute, start)  # numbers
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    joined = list(start)
    for item in iterable:
        if type(item) is not type(start):
            raise TypeError(
                f'can only concatenate {type(start).__name__} (not "{type(item).__name__}") '
                f"to {type(start).__name__}"
            )
        check_items(len(joined) + len(item))
        joined.extend(item)
    return joined if isinstance(start, list) else tuple(joined)
