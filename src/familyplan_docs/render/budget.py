"""The render budget: what one render of a template may cost, checked while it runs.

A render runs within a :class:`RenderBudget` (:func:`render_budget`) of time, characters
made, loop turns, list sizes and number sizes (:mod:`familyplan_docs._limits`); calls,
operators and filters whose result would go over are refused before they run, and going
over raises :class:`RenderLimitError`. The sandboxed environment
(:mod:`familyplan_docs.render.sandbox`) calls the checks here.
"""

from __future__ import annotations

import functools
import re
import time as time_module
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup, soft_str

from .. import _limits

# --- the render budget ---------------------------------------------------------------------


class RenderLimitError(SecurityError):
    """A template went over a render limit: time, size, loop turns, list or number size.

    A :class:`jinja2.exceptions.SecurityError`, so every caller that handles what the
    sandbox forbids handles this too.
    """


@dataclass
class RenderBudget:
    """What one render may still spend; made by :func:`render_budget`."""

    seconds: float
    deadline: float
    max_chars: int
    max_iterations: int
    chars: int = 0
    iterations: int = 0

    @classmethod
    def start(cls, seconds: float | None = None, deadline: float | None = None) -> RenderBudget:
        """A fresh budget with the limits of :mod:`._limits` (read now, so tests may lower them).

        It runs out *seconds* from now, or at *deadline* (``time.monotonic()``) when given.
        """
        span = _limits.RENDER_SECONDS if seconds is None else seconds
        return cls(
            seconds=span,
            deadline=time_module.monotonic() + span if deadline is None else deadline,
            max_chars=_limits.RENDER_MAX_CHARS,
            max_iterations=_limits.RENDER_MAX_ITERATIONS,
        )

    def check_time(self) -> None:
        """Raise :class:`RenderLimitError` when the render has run out of time."""
        if time_module.monotonic() > self.deadline:
            raise RenderLimitError(
                f"the document took longer than {self.seconds:g} seconds to render; "
                "the template does too much work (a loop too long?)"
            )

    def produce(self, chars: int) -> None:
        """Count *chars* characters made; raise when the document would grow too large."""
        self.chars += chars
        if self.chars > self.max_chars:
            raise RenderLimitError(
                f"the template makes more than {self.max_chars:,} characters of text; "
                "the document would be too large"
            )

    def loop(self, iterable: Any) -> Iterator[Any]:
        """Iterate *iterable*, counting every turn against the budget."""
        for item in iterable:
            self.iterations += 1
            if self.iterations > self.max_iterations:
                raise RenderLimitError(
                    f"the template's loops turn more than {self.max_iterations:,} times; "
                    "the document would be too large"
                )
            if not self.iterations & 0xFF:
                self.check_time()
            yield item


active_budget: ContextVar[RenderBudget | None] = ContextVar(
    "familyplan_render_budget", default=None
)


@contextmanager
def render_budget(
    seconds: float | None = None, *, deadline: float | None = None
) -> Iterator[RenderBudget]:
    """Render within one budget: every template rendered inside shares it.

    Wrap everything that renders one document (body, headers, footers, properties) in
    ``with render_budget():`` so the limits hold for the document as a whole. Outside of
    one, each ``Template.render`` call gets a budget of its own. Nested calls reuse the
    budget already running. The budget lives in a context variable, so one environment
    may serve many renders, one after the other or in several threads. A *deadline*
    (``time.monotonic()``) continues the time of an earlier budget.
    """
    active = active_budget.get()
    if active is not None:
        yield active
        return
    budget = RenderBudget.start(seconds, deadline)
    token = active_budget.set(budget)
    try:
        yield budget
    finally:
        active_budget.reset(token)


def _over(what: str, limit: int) -> RenderLimitError:
    return RenderLimitError(f"the template makes {what} larger than the limit of {limit:,}")


def size_of(value: Any) -> int:
    """The characters of a text a template made (other values count nothing)."""
    return len(value) if isinstance(value, str | bytes) else 0


def _check_chars(chars: int) -> None:
    budget = active_budget.get()
    limit = _limits.RENDER_MAX_CHARS if budget is None else budget.max_chars - budget.chars
    if chars > limit:
        raise _over("text", _limits.RENDER_MAX_CHARS)


def _check_items(items: int) -> None:
    if items > _limits.RENDER_MAX_ITEMS:
        raise _over("a list", _limits.RENDER_MAX_ITEMS)


def check_int(value: Any) -> None:
    if isinstance(value, int) and value.bit_length() > _limits.RENDER_MAX_INT_BITS:
        raise _over("a number (in bits)", _limits.RENDER_MAX_INT_BITS)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_sized(value: Any) -> None:
    """Refuse a list, mapping or number a template made that is over its limit.

    (Text is counted by :meth:`RenderBudget.produce`.)
    """
    if isinstance(value, list | tuple | dict | set | frozenset):
        _check_items(len(value))
    else:
        check_int(value)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
NUMBER_RUN = re.compile(r"\d[\d -]{4,}\d")


def _check_width(text: str | None) -> None:
    if text and text.isdigit() and (len(text) > 9 or int(text) > _limits.RENDER_MAX_CHARS):
        raise _over("a padded text", _limits.RENDER_MAX_CHARS)


def _check_width_args(args: Iterable[Any]) -> None:
    for arg in args:
        if _is_int(arg) and abs(arg) > _limits.RENDER_MAX_CHARS:
            raise _over("a padded text", _limits.RENDER_MAX_CHARS)


def _check_percent(fmt: Any, args: Iterable[Any]) -> None:
    """Refuse ``%`` formatting (``'%9999999999s' % x``, ``'%*s' % (n, x)``) that pads hugely."""
    if not isinstance(fmt, str | bytes):
        return
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    stars = False
    for width, precision in _PERCENT_SPEC.findall(text):
        _check_width(width)
        _check_width(precision)
        stars = stars or "*" in (width, precision)
    if stars:  # widths given as arguments
        _check_width_args(args)


def _check_format(fmt: Any, args: Iterable[Any]) -> None:
    """Refuse ``str.format`` (``'{:>9999999999}'``, ``'{:>{}}'``) that pads hugely."""
    if not isinstance(fmt, str):
        return
    nested = False
    for spec in _FORMAT_SPEC.findall(fmt):
        for digits in re.findall(r"\d+", re.sub(r"\{[^{}]*\}", "", spec)):
            _check_width(digits)
        nested = nested or "{" in spec
    if nested:  # widths given as arguments
        _check_width_args(args)


def predict_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``**``, ``+`` and ``%`` whose result would be over a limit."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | bytes | list | tuple) and _is_int(times):
                made = len(seq) * max(times, 0)
                if isinstance(seq, str | bytes):
                    _check_chars(made)
                else:
                    _check_items(made)
        bits = _limits.RENDER_MAX_INT_BITS
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > bits + 1:
            raise _over("a number (in bits)", bits)
    elif operator == "**":
        bits = _limits.RENDER_MAX_INT_BITS
        growing = _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1
        if growing and right * (abs(left).bit_length() - 1) > bits:
            raise _over("a number (in bits)", bits)
    elif operator == "+":
        if isinstance(left, str | bytes) and isinstance(right, str | bytes):
            _check_chars(len(left) + len(right))
        elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
            _check_items(len(left) + len(right))
    elif operator == "%":
        values = right if isinstance(right, tuple) else (right,)
        if isinstance(right, dict):
            values = tuple(right.values())
        _check_percent(left, values)


_PADDING = frozenset({"center", "ljust", "rjust", "zfill"})


def bound_method(obj: Any) -> tuple[Any, str]:
    """The object and method name of a bound method (also a sandbox-wrapped ``format``)."""
    target = getattr(obj, "__wrapped__", obj)
    return getattr(target, "__self__", None), getattr(target, "__name__", "")


def predict_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse calls of text and list methods whose result would be over a limit."""
    owner, name = bound_method(obj)
    if isinstance(owner, str | bytes):
        if name in _PADDING:
            for arg in (*args, *kwargs.values()):
                if _is_int(arg):
                    _check_chars(arg)
        elif name == "expandtabs":
            size = next((a for a in (*args, *kwargs.values()) if _is_int(a)), 8)
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            _check_chars(len(owner) + tabs * size)
        elif name == "replace" and len(args) >= 2:
            _predict_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
        elif name == "join" and args and hasattr(args[0], "__len__"):
            _check_chars(len(owner) * len(args[0]))
        elif name in ("format", "format_map"):
            values = list(args) + list(kwargs.values())
            if name == "format_map" and args and isinstance(args[0], dict):
                values = list(args[0].values())
            _check_format(owner, values)


def _predict_replace(text: Any, old: Any, new: Any, count: Any) -> None:
    if not (isinstance(old, type(text)) and isinstance(new, type(text))):
        return
    most = len(text) + 1 if not old else len(text) // len(old)
    if _is_int(count) and count >= 0:
        most = min(most, count)
    _check_chars(len(text) + most * max(len(new) - len(old), 0))


def after_call(obj: Any, result: Any) -> None:
    """Count what a call made; refuse a list or mapping a method made too large."""
    budget = active_budget.get()
    if budget is not None:
        budget.produce(size_of(result))
    owner, _ = bound_method(obj)
    if isinstance(owner, list | dict | set):
        _check_items(len(owner))
    _check_sized(result)


def _predict_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse filter calls whose result would be over a limit."""
    value = args[0] if args else None
    rest = (*args[1:], *kwargs.values())
    if name == "center":
        for arg in rest:
            if _is_int(arg):
                _check_chars(arg)
    elif name == "indent" and isinstance(value, str):
        width = args[1] if len(args) > 1 else kwargs.get("width", 4)
        per_line = len(width) if isinstance(width, str) else width if _is_int(width) else 0
        _check_chars(len(value) + (value.count("\n") + 1) * max(per_line, 0))
    elif name == "format":
        _check_percent(value, rest)
    elif name == "replace" and len(args) >= 3:
        count = args[3] if len(args) > 3 else kwargs.get("count", -1)
        _predict_replace(str(value), str(args[1]), str(args[2]), count)
    elif name in ("batch", "slice"):
        for arg in rest:
            if _is_int(arg) and arg > _limits.RENDER_MAX_RANGE:
                raise _over("a list of rows", _limits.RENDER_MAX_RANGE)
    elif name == "join" and isinstance(value, Sized):
        sep = args[1] if len(args) > 1 else kwargs.get("d", "")
        if isinstance(sep, str):
            _check_chars(len(sep) * len(value))
    elif name == "wordwrap" and isinstance(value, str):
        _check_chars(len(value) * 2)


def guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so it is bounded by the render budget (same name, same behaviour)."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = active_budget.get()
        if budget is not None:
            budget.check_time()
        _predict_filter(name, args[skip:], kwargs)
        result = func(*args, **kwargs)
        if budget is not None:
            budget.produce(size_of(result))
        _check_sized(result)
        return result

    return guarded


def safe_range(*args: int) -> range:
    """``range()`` for templates: at most :data:`._limits.RENDER_MAX_RANGE` numbers."""
    numbers = range(*args)
    if len(numbers) > _limits.RENDER_MAX_RANGE:
        raise RenderLimitError(
            f"range() of {len(numbers):,} numbers is longer than templates may make "
            f"({_limits.RENDER_MAX_RANGE:,})"
        )
    return numbers


def safe_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    """jinja2's ``lipsum()``, bounded to 100 paragraphs of up to 1,000 words."""
    if not (_is_int(n) and _is_int(max)) or n > 100 or max > 1_000:
        raise RenderLimitError("lipsum() makes at most 100 paragraphs of up to 1,000 words")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _join_parts(parts: list[str]) -> None:
    total = sum(len(part) for part in parts)
    _check_chars(total)
    budget = active_budget.get()
    if budget is not None:
        budget.produce(total)


def str_join(seq: Iterable[Any]) -> str:
    """jinja2's ``~`` on plain text, bounded by the render budget."""
    parts = [str(item) for item in seq]
    _join_parts(parts)
    return "".join(parts)


def markup_join(seq: Iterable[Any]) -> str:
    """jinja2's ``~`` with autoescape, bounded by the render budget."""
    parts = [soft_str(item) for item in seq]
    _join_parts(parts)
    if any(hasattr(part, "__html__") for part in parts):
        return Markup("").join(parts)
    return "".join(parts)
