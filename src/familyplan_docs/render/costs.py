"""What one operation of a template will cost, known before it runs, and holding it to that.

The render budget (:mod:`.budget`) is checked between the calls a template makes; these
helpers make it hold *inside* one call as well:

* :func:`text_size` — how long ``str(value)`` would be, counted without making it (a list
  of a million references to one long text would otherwise be written out whole);
* :func:`compare_cost` — how many characters ``a == b``, ``a in b`` or a sort compares
  (equal but distinct long texts are compared character by character);
* :func:`bounded` — an iterator that refuses to yield more items than a list may hold, so a
  generator turned into a list never grows past the limit;
* :func:`deadline` — runs a call with a trace function that stops Python code running
  inside it (``textwrap``, ``pprint``, the ``punycode`` codec …) when the render's time
  is up; C code is never slow enough to matter once its input is bounded.

Every walk stops as soon as it is past its limit, so the estimate itself costs little.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from datetime import time as time_of_day
from decimal import Decimal
from types import FrameType
from typing import Any

from jinja2.runtime import Undefined
from jinja2.utils import Namespace

from .. import _limits
from .budget import RenderBudget, active_budget, over
from .values import Blank, Record

__all__ = [
    "LARGE",
    "bounded",
    "compare_cost",
    "deadline",
    "is_large",
    "sort_cost",
    "text_size",
]

LARGE = 10_000
"""A value with more items or characters than this gets the costly checks (and the trace)."""

_CONTAINERS = (list, tuple, set, frozenset, dict)


def _namespace_items(value: Namespace) -> dict[str, Any]:
    try:
        attrs: dict[str, Any] = object.__getattribute__(value, "_Namespace__attrs")
    except AttributeError:
        return {}
    return attrs


def text_size(value: Any, limit: int) -> int:
    """About how many characters ``str(value)`` makes; counting stops just past *limit*.

    Texts inside a container count as their ``repr`` may: up to 4 characters per
    character (10 when not ASCII), since escapes grow them.
    """
    total = 0
    pending: list[tuple[Any, bool]] = [(value, False)]
    seen: set[int] = set()
    while pending and total <= limit:
        item, nested = pending.pop()
        if isinstance(item, str):  # Markup, enum values and text
            if nested:
                total += len(item) * (4 if item.isascii() else 10) + 2
            else:
                total += len(item)
        elif isinstance(item, bytes):
            total += len(item) * 4 + 3
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() * 30103 // 100000 + 2
        elif isinstance(item, (*_CONTAINERS, Namespace)):
            if id(item) in seen:  # a list holding itself prints as [...]
                total += 5
                continue
            seen.add(id(item))
            if isinstance(item, Namespace):
                item = _namespace_items(item)
            if isinstance(item, dict):
                total += 2 + 4 * len(item)
                for key, entry in item.items():
                    pending.append((key, True))
                    pending.append((entry, True))
                    if len(pending) > _limits.RENDER_MAX_ITEMS:
                        return limit + 1
            else:
                total += 2 + 2 * len(item)
                pending.extend((entry, True) for entry in item)
        elif isinstance(item, Record):
            total += 10 + sum(len(name) + 2 for name in vars(item))
        elif isinstance(item, Blank | Undefined):
            continue
        elif isinstance(item, float | Decimal | date | time_of_day):
            total += 40
        else:  # functions, macros, generators: a short description
            total += 100
    return total


def is_large(*values: Any) -> bool:
    """Whether any of *values* is a text or collection of more than :data:`LARGE` entries."""
    sized = (str, bytes, *_CONTAINERS)
    return any(isinstance(value, sized) and len(value) > LARGE for value in values)


def _pair_cost(left: Any, right: Any, op: str) -> int:
    """The characters one comparison of two texts costs (equality stops at a length mismatch)."""
    if left is right:
        return 1
    if isinstance(left, str | bytes) and isinstance(right, str | bytes):
        if op in ("eq", "ne") and len(left) != len(right):
            return 1
        return min(len(left), len(right)) + 1
    return 1


def compare_cost(left: Any, right: Any, op: str, limit: int) -> int:
    """About how many characters ``left <op> right`` compares; counting stops past *limit*.

    *op* is one of Jinja's operator names (``eq``, ``ne``, ``lt`` …, ``in``, ``notin``).
    Lists are compared item by item (each item's identity first, as Python does); ``in``
    on a list compares *left* with every item.
    """
    if op in ("in", "notin"):
        if isinstance(right, list | tuple):
            total = 0
            for item in right:
                total += _deep_cost(left, item, "eq", limit - total)
                if total > limit:
                    break
            return total
        return 1
    return _deep_cost(left, right, op, limit)


def _deep_cost(left: Any, right: Any, op: str, limit: int) -> int:
    total = 0
    pending = [(left, right)]
    while pending and total <= limit:
        a, b = pending.pop()
        if a is b:
            total += 1
        elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
            if op in ("eq", "ne") and len(a) != len(b):
                total += 1
            else:
                total += 1
                pending.extend(zip(a, b, strict=False))
        elif isinstance(a, dict) and isinstance(b, dict):
            total += 1
            pending.extend((a[key], b[key]) for key in a if key in b)
        else:
            total += _pair_cost(a, b, op)
    return total


def sort_cost(items: Any, limit: int) -> int:
    """About how many characters sorting (or finding the distinct items of) *items* compares."""
    if not isinstance(items, list | tuple | set | frozenset | dict):
        return 0
    count = len(items)
    rounds = max(count.bit_length(), 1)
    return text_size(items, limit // rounds + 1) * rounds


def bounded(iterable: Iterable[Any], room: int, what: str = "a list") -> Iterator[Any]:
    """Iterate *iterable*, refusing to go past *room* items (and checking the clock)."""
    budget = active_budget.get()
    for count, item in enumerate(iterable, 1):
        if count > room:
            raise over(what, _limits.RENDER_MAX_ITEMS)
        if budget is not None and not count & 0xFFF:
            budget.check_time()
        yield item


@contextmanager
def deadline(budget: RenderBudget | None) -> Iterator[None]:
    """Run the block so that Python code inside it stops when *budget*'s time is up.

    A trace function (this thread only, for the block only) checks the clock every few
    hundred lines and raises :class:`RenderLimitError` inside the code it traces.
    """
    if budget is None:
        yield
        return
    ends = budget.deadline
    ticks = 0

    def check(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal ticks
        ticks += 1
        if not ticks & 0xFF and time.monotonic() > ends:
            budget.check_time()  # raises, with the budget's own message
        return check

    previous = sys.gettrace()
    sys.settrace(check)
    try:
        yield
    finally:
        sys.settrace(previous)
