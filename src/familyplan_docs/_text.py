"""Text helpers shared by every layer: folding text for matching, filling pack text safely.

Pack texts (catalog entries, ``pack.toml`` values) come from organizations and are
untrusted, so code never calls ``str.format`` on them: :func:`fill` replaces plain
``{name}`` placeholders and nothing else (no attribute access, no index, no format spec).
:func:`illegal_character` finds a character a document (XML) cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "ILLEGAL_CLASS",
    "MASK",
    "XML_ILLEGAL",
    "fill",
    "illegal_character",
    "mask_id_numbers",
    "norm",
    "placeholders",
]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

MASK = "•••"
"""What stands in a message for a personal ID number."""

_NUMBER_RUN = re.compile(r"(?<!\d)\d(?:[ .+/-]?\d)+(?!\d)")
"""Digits, each pair maybe separated by one space, dot, dash, plus or slash."""

ILLEGAL_CLASS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ud800-\\udfff\\ufffe\\uffff"
"""The characters XML cannot hold, as the inside of a regular expression's ``[...]``
(written so that Python, JSON Schema and ECMAScript read it alike)."""

XML_ILLEGAL = re.compile(f"[{ILLEGAL_CLASS}]")
"""The characters an XML document (so a Word document or a workbook cell) cannot hold."""


def norm(text: str) -> str:
    """Fold *text* for matching names and labels: whitespace collapsed, case ignored."""
    return " ".join(text.split()).casefold()


def fill(template: str, values: Mapping[str, object]) -> str:
    """Replace the ``{name}`` placeholders of *template* with *values*.

    Only a plain name in braces is a placeholder; a name *values* does not hold stays as
    written, and anything else in braces (``{a.b}``, ``{0}``, ``{x:>9}``) is left as text.
    So an organization's translation can never raise, read attributes or blow up memory.
    """
    return _PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template
    )


def placeholders(template: str) -> set[str]:
    """Return the placeholder names *template* uses (for checking a pack's catalog)."""
    return set(_PLACEHOLDER.findall(template))


def mask_id_numbers(text: str) -> str:
    """*text* with everything that could be a personal ID number replaced by :data:`MASK`.

    A CPR number, BSN or personnummer has 9 to 12 digits, written with or without
    separators (``140386-1282``, ``9999.93.021``, ``19860314 1282``); a run of 9 or more
    digits is masked whatever its separators, and a run of 8 digits without any (a BSN
    written without its leading zero). Dates (``2026-12-10``, ``10.12.2026``) and short
    numbers stay readable.
    """
    if not any(ch.isdigit() for ch in text):
        return text

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        digits = sum(ch.isdigit() for ch in run)
        return MASK if digits >= 9 or (digits == 8 and run.isdigit()) else run

    return _NUMBER_RUN.sub(replace, text)


def illegal_character(text: str) -> str | None:
    """Say which character of *text* XML cannot hold, and where; None when there is none.

    For example ``"the control character U+0001 at position 3"`` (positions count from 1).
    """
    match = XML_ILLEGAL.search(text)
    if match is None:
        return None
    code = ord(match.group())
    what = "control character" if code < 0x20 else "character"
    return f"the {what} U+{code:04X} at position {match.start() + 1}"
