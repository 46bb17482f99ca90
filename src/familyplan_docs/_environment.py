"""The sandboxed Jinja environment of a pack: autoescape, babel filters and value printing.

Every ``{{ value }}`` goes through :func:`_finalize`: ``None`` prints nothing, dates, times
and numbers print in the pack's locale through babel, enum values print their label from
the pack's catalog, and braces are written as character references so no text from the
data can ever be read as a template tag.
"""

from __future__ import annotations

import decimal
import functools
import re
import time as time_module
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from types import BuiltinMethodType, CodeType, MethodType
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from jinja2 import ChainableUndefined, Environment, Template, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateRuntimeError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup, escape, soft_str

from . import _limits
from ._labels import LABELLED_ENUMS, label_id
from ._packs import Pack
from ._shared import SharedValueChanged, changes_shared
from ._values import Blank, Record

MEMO_SIZE = 4096
"""How many formatted dates and whole numbers a :class:`Formatter` remembers."""


class Formatter:
    """Formats values for a document in one pack's locale and catalog.

    Plain dates and whole numbers are formatted by babel once and remembered (a family's
    documents print the same few again and again).
    """

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.locale: Locale = pack.locale
        self._memo: dict[tuple[type, object, str | None], str] = {}

    def _remember(self, key: tuple[type, object, str | None], text: str) -> str:
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = text
        return text

    def date(self, value: Any, fmt: str = "medium") -> str:
        """A date in the pack's locale; *fmt* is short, medium, long, full or a CLDR pattern."""
        if type(value) is date and type(fmt) is str:
            key = (date, value, fmt)
            known = self._memo.get(key)
            if known is not None:
                return known
            return self._remember(key, str(format_date(value, fmt, locale=self.locale)))
        if isinstance(value, datetime):
            return str(format_datetime(value, fmt, locale=self.locale))
        if isinstance(value, date):
            return str(format_date(value, fmt, locale=self.locale))
        return "" if value is None or isinstance(value, Blank) else str(value)

    def time(self, value: Any, fmt: str = "short") -> str:
        """A time of day in the pack's locale."""
        if isinstance(value, time):
            return str(format_time(value, fmt, locale=self.locale))
        return "" if value is None or isinstance(value, Blank) else str(value)

    def number(self, value: Any, fmt: str | None = None) -> str:
        """A number in the pack's locale (decimal separator, grouping)."""
        if type(value) is int and (fmt is None or type(fmt) is str):
            key = (int, value, fmt)
            known = self._memo.get(key)
            if known is not None:
                return known
            return self._remember(key, str(format_decimal(value, format=fmt, locale=self.locale)))
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return str(format_decimal(value, format=fmt, locale=self.locale))
        return "" if value is None or isinstance(value, Blank) else str(value)

    def label(self, value: Any) -> str:
        """The catalog label of an enum value, a bool (``bool.true``) or a ``set.value`` id."""
        if isinstance(value, StrEnum) and type(value) in LABELLED_ENUMS.values():
            return self.pack.gettext(label_id(value))
        if isinstance(value, bool):
            return self.pack.gettext(f"bool.{str(value).lower()}")
        if isinstance(value, str) and "." in value:
            return self.pack.gettext(value)
        return "" if value is None or isinstance(value, Blank) else str(value)

    def joined(self, values: Any, sep: str = ", ") -> str:
        """The non-empty values of a list as text, joined by *sep* (", " by default)."""
        if isinstance(values, Blank):
            return ""
        texts = (self.text(v) for v in values)
        return sep.join(t for t in texts if t)

    def text(self, value: Any) -> str:
        """Any value as the text a document shows."""
        if value is None or isinstance(value, Blank):
            return ""
        if isinstance(value, bool | StrEnum):
            return self.label(value)
        if isinstance(value, datetime | date):
            return self.date(value)
        if isinstance(value, time):
            return self.time(value)
        if isinstance(value, int | float | Decimal):
            return self.number(value)
        return str(value)


_SPECIAL = re.compile(r"[&<>\"'{}%]")
"""The characters :func:`_protect` writes as references (``markupsafe.escape`` and more)."""


def _protect(text: str) -> Markup:
    """Escape *text* for XML and write braces and percent signs as character references."""
    if type(text) is str and _SPECIAL.search(text) is None:  # most text: nothing to escape
        return Markup(text)
    escaped = str(escape(text))
    escaped = escaped.replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
    return Markup(escaped)


def make_environment(pack: Pack) -> SandboxedEnvironment:
    """Return the sandboxed, autoescaping environment used to render *pack*'s templates.

    Filters: ``date(fmt)``, ``time(fmt)``, ``number(fmt)``, ``label``, ``text``,
    ``joined(sep)``. Every render runs within a budget (:func:`render_budget`): time,
    characters made, loop turns, list sizes and numbers are bounded
    (:mod:`familyplan_docs._limits`), and going over raises :class:`RenderLimitError`.
    """
    fmt = Formatter(pack)

    def finalize(value: Any) -> Any:
        if type(value) is str:  # most values: text as it is (what ``fmt.text`` gives back)
            out = _protect(value)
        elif hasattr(value, "__html__"):  # markup made by the engine (images, rich text)
            return value
        else:
            out = _protect(fmt.text(value))
        budget = _active.get()
        if budget is not None:
            budget.produce(len(out))
        return out

    env = BudgetedEnvironment(
        autoescape=True,
        finalize=finalize,
        keep_trailing_newline=True,
        undefined=ChainableUndefined,
    )
    env.filters.update(
        date=fmt.date,
        time=fmt.time,
        number=fmt.number,
        label=fmt.label,
        text=fmt.text,
        joined=fmt.joined,
    )
    env.filters = {name: _guard_filter(name, func) for name, func in env.filters.items()}
    return env


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


_active: ContextVar[RenderBudget | None] = ContextVar("familyplan_render_budget", default=None)


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
    active = _active.get()
    if active is not None:
        yield active
        return
    budget = RenderBudget.start(seconds, deadline)
    token = _active.set(budget)
    try:
        yield budget
    finally:
        _active.reset(token)


def _over(what: str, limit: int) -> RenderLimitError:
    return RenderLimitError(f"the template makes {what} larger than the limit of {limit:,}")


def _size(value: Any) -> int:
    """The characters of a text a template made (other values count nothing)."""
    return len(value) if isinstance(value, str | bytes) else 0


def _check_chars(chars: int) -> None:
    budget = _active.get()
    limit = _limits.RENDER_MAX_CHARS if budget is None else budget.max_chars - budget.chars
    if chars > limit:
        raise _over("text", _limits.RENDER_MAX_CHARS)


def _check_items(items: int) -> None:
    if items > _limits.RENDER_MAX_ITEMS:
        raise _over("a list", _limits.RENDER_MAX_ITEMS)


def _check_int(value: Any) -> None:
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
        _check_int(value)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_NUMBER_RUN = re.compile(r"\d[\d -]{4,}\d")


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


def _predict_binop(operator: str, left: Any, right: Any) -> None:
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


def _bound(obj: Any) -> tuple[Any, str]:
    """The object and method name of a bound method (also a sandbox-wrapped ``format``)."""
    target = getattr(obj, "__wrapped__", obj)
    return getattr(target, "__self__", None), getattr(target, "__name__", "")


def _predict_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse calls of text and list methods whose result would be over a limit."""
    owner, name = _bound(obj)
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


def _after_call(obj: Any, result: Any) -> None:
    """Count what a call made; refuse a list or mapping a method made too large."""
    budget = _active.get()
    if budget is not None:
        budget.produce(_size(result))
    owner, _ = _bound(obj)
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


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so it is bounded by the render budget (same name, same behaviour)."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = _active.get()
        if budget is not None:
            budget.check_time()
        _predict_filter(name, args[skip:], kwargs)
        result = func(*args, **kwargs)
        if budget is not None:
            budget.produce(_size(result))
        _check_sized(result)
        return result

    return guarded


def _safe_range(*args: int) -> range:
    """``range()`` for templates: at most :data:`._limits.RENDER_MAX_RANGE` numbers."""
    numbers = range(*args)
    if len(numbers) > _limits.RENDER_MAX_RANGE:
        raise RenderLimitError(
            f"range() of {len(numbers):,} numbers is longer than templates may make "
            f"({_limits.RENDER_MAX_RANGE:,})"
        )
    return numbers


def _safe_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    """jinja2's ``lipsum()``, bounded to 100 paragraphs of up to 1,000 words."""
    if not (_is_int(n) and _is_int(max)) or n > 100 or max > 1_000:
        raise RenderLimitError("lipsum() makes at most 100 paragraphs of up to 1,000 words")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _join_parts(parts: list[str]) -> None:
    total = sum(len(part) for part in parts)
    _check_chars(total)
    budget = _active.get()
    if budget is not None:
        budget.produce(total)


def _str_join(seq: Iterable[Any]) -> str:
    """jinja2's ``~`` on plain text, bounded by the render budget."""
    parts = [str(item) for item in seq]
    _join_parts(parts)
    return "".join(parts)


def _markup_join(seq: Iterable[Any]) -> str:
    """jinja2's ``~`` with autoescape, bounded by the render budget."""
    parts = [soft_str(item) for item in seq]
    _join_parts(parts)
    if any(hasattr(part, "__html__") for part in parts):
        return Markup("").join(parts)
    return "".join(parts)


class BudgetedTemplate(Template):
    """A template whose renders run within a render budget (:func:`render_budget`)."""

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        """As jinja2's, with ``~`` (text joining) bounded by the budget."""
        namespace: dict[str, Any] = {"environment": environment, "__file__": code.co_filename}
        exec(code, namespace)  # jinja2's own compiled template code, as Template.from_code
        namespace["str_join"] = _str_join
        namespace["markup_join"] = _markup_join
        template = cls._from_namespace(environment, namespace, globals)
        template._uptodate = uptodate
        return template

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render within the running budget, or within a budget of its own.

        A Python error inside the template (``{{ 1/0 }}``) becomes a
        :class:`jinja2.TemplateRuntimeError` naming it; long numbers in its message are
        left out, so no ID number from the data can show.
        """
        with render_budget():
            try:
                return super().render(*args, **kwargs)
            except RecursionError:
                raise RenderLimitError(
                    "the template calls itself (a macro or recursive loop) too deeply"
                ) from None
            except MemoryError:
                raise RenderLimitError("the template needs more memory than there is") from None
            except TemplateError:
                raise
            except Exception as exc:  # an untrusted template may fail in any way
                message = _NUMBER_RUN.sub("…", str(exc))  # never an ID number from the data
                raise TemplateRuntimeError(f"{type(exc).__name__}: {message}") from None


class BudgetedEnvironment(SandboxedEnvironment):
    """jinja2's sandbox, with every render bounded in time, size, loop turns and numbers.

    Every ``{% for %}`` loop counts its turns (the compiler wraps its iterable in
    :meth:`budget_loop`); calls, attribute and item access check the clock; ``*``, ``**``,
    ``+``, ``%``, ``~``, filters and text methods that would make a huge value are refused
    before they run; output is counted as it is joined. All limits are in
    :mod:`familyplan_docs._limits`.
    """

    template_class = BudgetedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _safe_range
        self.globals["lipsum"] = _safe_lipsum

    def budget_loop(self, iterable: Any) -> Any:
        """The iterable of a ``{% for %}`` loop, counted against the running budget."""
        budget = _active.get()
        return iterable if budget is None else budget.loop(iterable)

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        for loop in source.find_all(nodes.For):
            if not _is_budgeted(loop.iter):
                loop.iter = nodes.Call(
                    nodes.EnvironmentAttribute("budget_loop"),
                    [loop.iter],
                    [],
                    None,
                    None,
                    lineno=loop.iter.lineno,
                )
        return super()._generate(source, name, filename, defer_init)

    def concat(self, pieces: Iterable[str]) -> str:
        """Join rendered output, counting it against the budget piece by piece."""
        budget = _active.get()
        if budget is None:
            return "".join(pieces)
        room = budget.max_chars - budget.chars
        out: list[str] = []
        total = 0
        for piece in pieces:
            total += len(piece)
            if total > room:
                budget.produce(total)  # raises
            out.append(piece)
            if not len(out) & 0x3FF:
                budget.check_time()
        budget.produce(total)
        return "".join(out)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call from a template: check the clock, refuse huge results, count what is made.

        A call that would change a list of a shared context is not made
        (:mod:`familyplan_docs._shared`).
        """
        budget = _active.get()
        if budget is not None:
            budget.check_time()
            if isinstance(obj, LoopContext) and args:  # ``loop(children)`` of a recursive loop
                args = (budget.loop(args[0]), *args[1:])
        if changes_shared(*_bound(obj), args):  # the caller renders again, unshared
            raise SharedValueChanged(*((budget.seconds, budget.deadline) if budget else ()))
        _predict_call(obj, args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        _after_call(obj, result)
        return result

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**``, ``+`` and ``%``, refused when the result would be over a limit."""
        budget = _active.get()
        if budget is not None:
            budget.check_time()
        _predict_binop(operator, left, right)
        try:
            result = super().call_binop(context, operator, left, right)
        except (OverflowError, decimal.Overflow):
            raise RenderLimitError("the template computes a number too large") from None
        if budget is not None and isinstance(result, str | bytes | list | tuple):
            budget.produce(len(result))
        _check_int(result)
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Attribute access from a template, checking the clock.

        A field of a :class:`Record` (most lookups) is read from the record directly: for
        a public name that is what the sandbox's checks give, and they are skipped.
        """
        budget = _active.get()
        if budget is not None:
            budget.check_time()
        if type(obj) is Record and not attribute.startswith("_"):
            value = vars(obj).get(attribute, _MISSING)
            if value is not _MISSING and not isinstance(value, _METHODS):
                return value
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Item access from a template, checking the clock; a slice counts what it makes."""
        budget = _active.get()
        if budget is not None:
            budget.check_time()
        result = super().getitem(obj, argument)
        if budget is not None and isinstance(argument, slice):
            budget.produce(_size(result))
        return result


_MISSING = object()
_METHODS = (MethodType, BuiltinMethodType)
"""Values the sandbox's ``getattr`` may wrap (``str.format``): never read directly."""


def _is_budgeted(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.EnvironmentAttribute)
        and node.node.name == "budget_loop"
    )
