"""The render budget: what one render of a template may cost, checked while it runs.

A render runs within a :class:`RenderBudget` (:func:`render_budget`) of time, characters
made, loop turns, list sizes and number sizes (:mod:`familyplan_docs._limits`); going over
raises :class:`RenderLimitError`. What a call, operator or filter would cost is predicted
before it runs by :mod:`.predict` (with the estimates of :mod:`.costs`), which refuses it
when it would go over; the sandboxed environment (:mod:`familyplan_docs.render.sandbox`)
calls those checks.
"""

from __future__ import annotations

import re
import time as time_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.utils import generate_lorem_ipsum

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


def over(what: str, limit: int) -> RenderLimitError:
    return RenderLimitError(f"the template makes {what} larger than the limit of {limit:,}")


def size_of(value: Any) -> int:
    """The characters of a text a template made (other values count nothing)."""
    return len(value) if isinstance(value, str | bytes) else 0


def check_chars(chars: int) -> None:
    """Refuse making *chars* more characters when the render has not that many left."""
    budget = active_budget.get()
    limit = _limits.RENDER_MAX_CHARS if budget is None else budget.max_chars - budget.chars
    if chars > limit:
        raise over("text", _limits.RENDER_MAX_CHARS)


def check_items(items: int) -> None:
    """Refuse a list or mapping of *items* entries when that is over the limit."""
    if items > _limits.RENDER_MAX_ITEMS:
        raise over("a list", _limits.RENDER_MAX_ITEMS)


def check_int(value: Any) -> None:
    """Refuse a whole number larger than the limit (in bits)."""
    if isinstance(value, int) and value.bit_length() > _limits.RENDER_MAX_INT_BITS:
        raise over("a number (in bits)", _limits.RENDER_MAX_INT_BITS)


def is_int(value: Any) -> bool:
    """Whether *value* is a whole number (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_sized(value: Any) -> None:
    """Refuse a list, mapping or number a template made that is over its limit.

    (Text is counted by :meth:`RenderBudget.produce`.)
    """
    if isinstance(value, list | tuple | dict | set | frozenset):
        check_items(len(value))
    else:
        check_int(value)


NUMBER_RUN = re.compile(r"\d[\d -]{4,}\d")
"""A run of digits that could be an ID number: left out of messages."""


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
    if not (is_int(n) and is_int(max)) or n > 100 or max > 1_000:
        raise RenderLimitError("lipsum() makes at most 100 paragraphs of up to 1,000 words")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)
