"""The sandboxed Jinja environment of a pack: autoescape, babel filters and value printing.

Every ``{{ value }}`` goes through :func:`_finalize`: ``None`` prints nothing, dates, times
and numbers print in the pack's locale through babel, enum values print their label from
the pack's catalog, and braces are written as character references so no text from the
data can ever be read as a template tag.
"""

from __future__ import annotations

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

from ._labels import LABELLED_ENUMS, label_id
from ._packs import Pack


class Blank:
    """Stands for any value in a blank form: prints nothing, iterates as empty rows.

    Attribute and item access give another :class:`Blank`, so a template written for a
    filled plan renders as a form with its headings, labels and empty rows to write on.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: int = 3) -> None:
        self._rows = rows

    def __getattr__(self, name: str) -> Blank:
        if name.startswith("__"):
            raise AttributeError(name)
        return Blank(self._rows)

    def __getitem__(self, key: object) -> Blank:
        return Blank(self._rows)

    def __iter__(self) -> Any:
        return iter([Blank(self._rows) for _ in range(self._rows)])

    def __len__(self) -> int:
        return self._rows

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Blank)

    def __hash__(self) -> int:
        return 0


class Formatter:
    """Formats values for a document in one pack's locale and catalog."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.locale: Locale = pack.locale

    def date(self, value: Any, fmt: str = "medium") -> str:
        """A date in the pack's locale; *fmt* is short, medium, long, full or a CLDR pattern."""
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


def _protect(text: str) -> Markup:
    """Escape *text* for XML and write braces and percent signs as character references."""
    escaped = str(escape(text))
    escaped = escaped.replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
    return Markup(escaped)


def make_environment(pack: Pack) -> SandboxedEnvironment:
    """Return the sandboxed, autoescaping environment used to render *pack*'s templates.

    Filters: ``date(fmt)``, ``time(fmt)``, ``number(fmt)``, ``label``, ``text``,
    ``joined(sep)``.
    """
    fmt = Formatter(pack)

    def finalize(value: Any) -> Any:
        if hasattr(value, "__html__"):  # markup made by the engine (images, rich text)
            return value
        return _protect(fmt.text(value))

    env = SandboxedEnvironment(
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
    return env
