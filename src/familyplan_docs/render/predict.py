"""Predicting what a template's operators, method calls and comparisons cost, before they run.

The sandbox (:mod:`.sandbox`) asks here before each ``*``, ``**``, ``+``, ``%``, ``~``,
comparison and call of a method: a result over a limit of the render budget
(:mod:`.budget`) is refused before it is made, and so is work over
:data:`~familyplan_docs._limits.RENDER_MAX_CALL_WORK` characters in one step (comparing equal
long texts a million times, a quadratic codec). Calls that turn a text or a generator
into a list are made so they cannot grow past the limit (``split`` with a ``maxsplit``,
generators through :func:`.costs.bounded`). Filters are guarded by :mod:`.filters`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from markupsafe import Markup, soft_str

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
from .costs import bounded, compare_cost, sort_cost, text_size

__all__ = [
    "after_call",
    "bound_method",
    "check_format",
    "check_percent",
    "check_text_size",
    "check_work",
    "markup_join",
    "predict_binop",
    "predict_compare",
    "predict_replace",
    "prepare_call",
    "remaining_chars",
    "str_join",
]

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_QUADRATIC_CODECS = frozenset({"punycode", "idna"})
_QUADRATIC_MOST = 1_000
"""The longest text a codec whose work grows with the square of its input may take."""
_ERRORS_GROWTH = {"namereplace": 100, "xmlcharrefreplace": 10, "backslashreplace": 10}
_PADDING = frozenset({"center", "ljust", "rjust", "zfill"})
_CASES = frozenset({"upper", "lower", "casefold", "swapcase", "title", "capitalize"})
_GROWING = frozenset(
    {"extend", "update", "union", "intersection", "difference", "symmetric_difference"}
)
_SEARCHING = frozenset({"count", "index", "remove"})


def remaining_chars() -> int:
    """How many more characters the running render may make."""
    budget = active_budget.get()
    return _limits.RENDER_MAX_CHARS if budget is None else budget.max_chars - budget.chars


def check_text_size(value: Any, times: int = 1) -> None:
    """Refuse writing *value* out as text (*times* over) when that is too much."""
    if isinstance(value, str):
        check_chars(len(value) * times)
        return
    room = remaining_chars()
    if text_size(value, room // max(times, 1) + 1) * times > room:
        raise over("text", _limits.RENDER_MAX_CHARS)


def check_work(work: int, what: str) -> None:
    """Refuse one step of *work* characters over :data:`RENDER_MAX_CALL_WORK`."""
    if work > _limits.RENDER_MAX_CALL_WORK:
        raise RenderLimitError(
            f"{what} would handle more than {_limits.RENDER_MAX_CALL_WORK:,} characters in one "
            "step; the template does too much work at once"
        )


# --- formatting -------------------------------------------------------------------------------


def _check_width(text: str | None) -> None:
    if text and text.isdigit() and (len(text) > 9 or int(text) > _limits.RENDER_MAX_CHARS):
        raise over("a padded text", _limits.RENDER_MAX_CHARS)


def _check_width_args(args: Iterable[Any]) -> None:
    for arg in args:
        if is_int(arg) and abs(arg) > _limits.RENDER_MAX_CHARS:
            raise over("a padded text", _limits.RENDER_MAX_CHARS)


def check_percent(fmt: Any, args: Iterable[Any]) -> None:
    """Refuse ``%`` formatting that pads hugely (``'%9999999999s'``) or writes out too much."""
    if not isinstance(fmt, str | bytes):
        return
    args = list(args)
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    stars = False
    for width, precision in _PERCENT_SPEC.findall(text):
        _check_width(width)
        _check_width(precision)
        stars = stars or "*" in (width, precision)
    if stars:  # widths given as arguments
        _check_width_args(args)
    check_text_size(args)


def check_format(fmt: Any, args: Iterable[Any]) -> None:
    """Refuse ``str.format`` that pads hugely (``'{:>9999999999}'``) or writes out too much."""
    if not isinstance(fmt, str):
        return
    args = list(args)
    nested = False
    for spec in _FORMAT_SPEC.findall(fmt):
        for digits in re.findall(r"\d+", re.sub(r"\{[^{}]*\}", "", spec)):
            _check_width(digits)
        nested = nested or "{" in spec
    if nested:  # widths given as arguments
        _check_width_args(args)
    fields = fmt.count("{")
    if fields and args:  # each field may write out the largest argument
        room = remaining_chars()
        largest = max(text_size(arg, room // fields + 1) for arg in args)
        if largest * fields + len(fmt) > room:
            raise over("text", _limits.RENDER_MAX_CHARS)


# --- operators ------------------------------------------------------------------------------


def predict_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``**``, ``+`` and ``%`` whose result would be over a limit."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | bytes | list | tuple) and is_int(times):
                made = len(seq) * max(times, 0)
                if isinstance(seq, str | bytes):
                    check_chars(made)
                else:
                    check_items(made)
        bits = _limits.RENDER_MAX_INT_BITS
        if is_int(left) and is_int(right) and left.bit_length() + right.bit_length() > bits + 1:
            raise over("a number (in bits)", bits)
    elif operator == "**":
        bits = _limits.RENDER_MAX_INT_BITS
        growing = is_int(left) and is_int(right) and right > 0 and abs(left) > 1
        if growing and right * (abs(left).bit_length() - 1) > bits:
            raise over("a number (in bits)", bits)
    elif operator == "+":
        if isinstance(left, str | bytes) and isinstance(right, str | bytes):
            check_chars(len(left) + len(right))
        elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
            check_items(len(left) + len(right))
    elif operator == "%":
        values = right if isinstance(right, tuple) else (right,)
        if isinstance(right, dict):
            values = tuple(right.values())
        check_percent(left, values)


def predict_compare(operator: str, left: Any, right: Any) -> None:
    """Refuse a comparison (``==``, ``<``, ``in`` …) that would compare too many characters."""
    containers = (list, tuple, dict)
    if isinstance(left, containers) or isinstance(right, containers):
        work = compare_cost(left, right, operator, _limits.RENDER_MAX_CALL_WORK)
        check_work(work, "a comparison")


# --- calls of methods -----------------------------------------------------------------------


def bound_method(obj: Any) -> tuple[Any, str]:
    """The object and method name of a bound method (also a sandbox-wrapped ``format``)."""
    target = getattr(obj, "__wrapped__", obj)
    return getattr(target, "__self__", None), getattr(target, "__name__", "")


def _is_iterator(value: Any) -> bool:
    return isinstance(value, Iterator) and not isinstance(value, Sized)


def _bounded_args(args: tuple[Any, ...], room: int) -> tuple[Any, ...]:
    return tuple(bounded(a, room) if _is_iterator(a) else a for a in args)


def prepare_call(
    obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Refuse a call whose result or work would be over a limit; give the arguments to use.

    The arguments come back changed only where that bounds the call without changing its
    result: a generator passed to a builtin is counted as it is read
    (:func:`.costs.bounded`), and ``split`` gets a ``maxsplit`` just past the list limit.
    """
    owner, name = bound_method(obj)
    room = _limits.RENDER_MAX_ITEMS
    if isinstance(owner, str | bytes):
        return _text_method(owner, name, args, kwargs)
    if isinstance(owner, list | dict | set | type) or type(obj).__module__ == "builtins":
        if isinstance(owner, Sized) and name in _GROWING:
            sizes = [len(a) for a in (*args, *kwargs.values()) if isinstance(a, Sized)]
            check_items(len(owner) + sum(sizes))
            room = max(room - len(owner), 0)
        if isinstance(owner, list) and name in _SEARCHING and args:
            check_work(compare_cost(args[0], owner, "in", _limits.RENDER_MAX_CALL_WORK), name)
        if isinstance(owner, list) and name == "sort":
            check_work(sort_cost(owner, _limits.RENDER_MAX_CALL_WORK), "sort")
        if name == "fromkeys" and args and isinstance(args[0], Sized):
            check_items(len(args[0]))
        if isinstance(owner, int) and name == "to_bytes":
            length = args[0] if args else kwargs.get("length", 1)
            if is_int(length):
                check_chars(length)
        big = args and isinstance(args[0], Sized) and len(args[0]) * 8 > _limits.RENDER_MAX_INT_BITS
        if owner is int and name == "from_bytes" and big:
            raise over("a number (in bits)", _limits.RENDER_MAX_INT_BITS)
        return _bounded_args(args, room), kwargs
    return args, kwargs


def _text_method(
    owner: str | bytes, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    size = len(owner)
    values = (*args, *kwargs.values())
    if name in _PADDING:
        for arg in values:
            if is_int(arg):
                check_chars(arg)
    elif name == "expandtabs":
        tab = next((a for a in values if is_int(a)), 8)
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        check_chars(size + tabs * tab)
    elif name == "replace" and len(args) >= 2:
        predict_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
    elif name == "join" and args:
        return (_predict_join(owner, args[0]), *args[1:]), kwargs
    elif name in ("format", "format_map"):
        if name == "format_map" and args and isinstance(args[0], dict):
            values = tuple(args[0].values())
        check_format(owner, values)
    elif name in ("split", "rsplit"):
        return _bounded_split(args, kwargs)
    elif name == "splitlines" and size > _limits.RENDER_MAX_ITEMS:
        breaks = _LINE_BREAKS if isinstance(owner, str) else ("\n", "\r")
        text = owner if isinstance(owner, str) else owner.decode("latin-1")
        check_items(sum(text.count(ch) for ch in breaks) + 1)
    elif name in ("encode", "decode"):
        _predict_codec(owner, name, args, kwargs)
    elif name == "translate" and args and isinstance(owner, str):
        check_chars(size * _longest_mapping(args[0]))
    elif name in _CASES:
        check_chars(size * 3)  # ß → SS, and a few characters become three
    elif name in ("striptags", "unescape") and isinstance(owner, Markup):
        check_items(size)  # a list of its parts, at most one per character
    return args, kwargs


def predict_replace(text: Any, old: Any, new: Any, count: Any) -> None:
    """Refuse a replacement whose result would be over the text limit."""
    if not (isinstance(old, type(text)) and isinstance(new, type(text))):
        return
    most = len(text) + 1 if not old else len(text) // len(old)
    if is_int(count) and count >= 0:
        most = min(most, count)
    check_chars(len(text) + most * max(len(new) - len(old), 0))


def _predict_join(separator: str | bytes, items: Any) -> Any:
    if _is_iterator(items):
        items = list(bounded(items, _limits.RENDER_MAX_ITEMS))
    if isinstance(items, list | tuple | set | frozenset | dict):
        room = remaining_chars()
        total = len(separator) * max(len(items) - 1, 0)
        for item in items:
            total += len(item) if isinstance(item, str | bytes) else 0
            if total > room:
                raise over("text", _limits.RENDER_MAX_CHARS)
    elif isinstance(items, str | bytes):
        check_chars(len(separator) * len(items) + len(items))
    return items


def _bounded_split(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``split`` that cannot make more parts than a list may hold (checked after the call)."""
    limit = _limits.RENDER_MAX_ITEMS
    given = args[1] if len(args) > 1 else kwargs.get("maxsplit", -1)
    if is_int(given) and 0 <= given <= limit:
        return args, kwargs
    kwargs = {**kwargs, "maxsplit": limit}
    return args[:1], kwargs


def _codec(name: Any) -> str:
    try:
        return codecs.lookup(name if isinstance(name, str) else "utf-8").name
    except LookupError:
        return ""


def _predict_codec(
    owner: str | bytes, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    codec = _codec(args[0] if args else kwargs.get("encoding", "utf-8"))
    errors = args[1] if len(args) > 1 else kwargs.get("errors", "strict")
    if codec in _QUADRATIC_CODECS and len(owner) > _QUADRATIC_MOST:
        raise RenderLimitError(
            f"the {codec} codec takes at most {_QUADRATIC_MOST:,} characters (its work grows "
            f"with the square of the text), not {len(owner):,}"
        )
    growth = _ERRORS_GROWTH.get(errors, 1) if isinstance(errors, str) else 1
    check_chars(len(owner) * (10 if method == "encode" else 4) * growth)


def _longest_mapping(table: Any) -> int:
    """The longest text a ``str.translate`` table maps one character to (at least 1)."""
    values: Iterable[Any] = ()
    if isinstance(table, dict):
        values = table.values()
    elif isinstance(table, list | tuple | str):
        values = table
    return max((len(v) for v in values if isinstance(v, str)), default=1) or 1


def after_call(obj: Any, result: Any) -> None:
    """Count what a call made; refuse a list or mapping a method made too large."""
    budget = active_budget.get()
    if budget is not None:
        budget.produce(size_of(result))
    owner, _ = bound_method(obj)
    if isinstance(owner, list | dict | set):
        check_items(len(owner))
    check_sized(result)  # a split gets a maxsplit just past the limit: refused here


# --- joining with ``~`` -----------------------------------------------------------------------


def _join_parts(seq: Iterable[Any], convert: Callable[[Any], str]) -> list[str]:
    """Every item as text, refusing before one that would make the join too long."""
    room = remaining_chars()
    parts = []
    total = 0
    for item in seq:
        if not isinstance(item, str):
            check_text_size(item)
        part = convert(item)
        total += len(part)
        if total > room:
            raise over("text", _limits.RENDER_MAX_CHARS)
        parts.append(part)
    budget = active_budget.get()
    if budget is not None:
        budget.produce(total)
    return parts


def str_join(seq: Iterable[Any]) -> str:
    """jinja2's ``~`` on plain text, bounded by the render budget."""
    return "".join(_join_parts(seq, str))


def markup_join(seq: Iterable[Any]) -> str:
    """jinja2's ``~`` with autoescape, bounded by the render budget."""
    parts = _join_parts(seq, soft_str)
    if any(hasattr(part, "__html__") for part in parts):
        return Markup("").join(parts)
    return "".join(parts)
