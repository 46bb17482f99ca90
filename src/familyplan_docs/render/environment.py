"""The sandboxed Jinja environment of a pack: autoescape, babel filters and value printing.

Every ``{{ value }}`` goes through :func:`_finalize`: ``None`` prints nothing, dates, times
and numbers print in the pack's locale through babel, enum values print their label from
the pack's catalog, and braces are written as character references so no text from the
data can ever be read as a template tag. The environment is the budgeted sandbox of
:mod:`.sandbox`; what a render may cost is in :mod:`.budget`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..packs.labels import LABELLED_ENUMS, label_id
from ..packs.pack import Pack
from .budget import active_budget, safe_range
from .filters import guard_filter
from .predict import check_text_size
from .sandbox import BudgetedEnvironment
from .values import Blank

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

    def date(self, value: Any, fmt: str | None = None) -> str:
        """A date in the pack's locale; *fmt* is short, medium, long, full or a CLDR pattern,
        else the pack's ``[style] date``, else medium."""
        if fmt is None:
            fmt = self.pack.style.date or "medium"
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

    def time(self, value: Any, fmt: str | None = None) -> str:
        """A time of day in the pack's locale: *fmt* (short, medium or a CLDR pattern), else
        the pack's ``[style] time`` pattern, else the locale's short time."""
        if isinstance(value, time):
            pattern = fmt if type(fmt) is str else self.pack.style.time or "short"
            return str(format_time(value, pattern, locale=self.locale))
        return "" if value is None or isinstance(value, Blank) else str(value)

    def time_range(self, start: Any, end: Any = None) -> str:
        """A meeting's time as the pack writes it: ``time.range`` with a start and an end
        (e.g. "kl. 09.00–11.00"), ``time.at`` with a start only; nothing without a start."""
        if not isinstance(start, time):
            return "" if start is None or isinstance(start, Blank) else str(start)
        if isinstance(end, time):
            values = {"start": self.time(start), "end": self.time(end)}
            return self.pack.format("time.range", values)
        return self.pack.format("time.at", {"start": self.time(start)})

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
        return sep.join([t for t in texts if t])

    def blank_rows(self, values: Any, count: int) -> Any:
        """On a blank form *count* empty rows to write in; on a filled document the list itself.

        ``{%tr for a in agreements|blank_rows(10) %}`` gives a blank form ten rows to write
        on (every element a :class:`Blank`) and a filled document one row per agreement.
        """
        if isinstance(values, Blank):
            return [Blank() for _ in safe_range(count)]
        return values

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
    ``joined(sep)``, ``time_range(end)``, ``blank_rows(count)``. Every render runs within a budget
    (:func:`._budget.render_budget`): time, characters made, loop turns, list sizes and
    numbers are bounded (:mod:`familyplan_docs._limits`), and going over raises
    :class:`._budget.RenderLimitError`.
    """
    fmt = Formatter(pack)

    def finalize(value: Any) -> Any:
        if type(value) is str:  # most values: text as it is (what ``fmt.text`` gives back)
            out = _protect(value)
        elif hasattr(value, "__html__"):  # markup made by the engine (images, rich text)
            return value
        else:
            check_text_size(value)  # a list of a million long texts is not written out
            out = _protect(fmt.text(value))
        budget = active_budget.get()
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
        time_range=fmt.time_range,
        blank_rows=fmt.blank_rows,
    )
    env.filters = {name: guard_filter(name, func) for name, func in env.filters.items()}
    return env
