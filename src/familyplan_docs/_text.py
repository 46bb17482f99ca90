"""Text helpers shared by every layer: folding text for matching, filling pack text safely.

Pack texts (catalog entries, ``pack.toml`` values) come from organizations and are
untrusted, so code never calls ``str.format`` on them: :func:`fill` replaces plain
``{name}`` placeholders and nothing else (no attribute access, no index, no format spec).
:func:`illegal_character` finds a character a document (XML) cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["XML_ILLEGAL", "fill", "illegal_character", "norm", "placeholders"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
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
