"""A pack's language conventions: the ``[style]`` and ``[glossary]`` tables of ``pack.toml``.

One term per concept, one form of address, the language's quotation marks and the way it
writes a time of day are decisions of the pack, written down as data::

    [style]
    date = "long"             # babel format (short, medium, long, full or a CLDR pattern) for
                              # a date in documents: "long" writes the month in full
    time = "HH.mm"            # CLDR pattern (babel) for a time of day in documents
    quotes = ["»", "«"]       # the opening and closing quotation marks the texts use
    address = "du"            # the one form of address to the reader (documentation)
    avoid = ["De", "Dem"]     # whole words, case-sensitive, no document may contain

    [glossary]                # one term per concept, and the names it must not get
    coordinator = { term = "familiekoordinator", avoid = ["casemanager"] }

The documents use ``date`` and ``time`` when a template does not name a format;
:meth:`LanguageStyle.problems`
finds every breach of the rest in a rendered text (the built-in packs are held to it by
their tests, and an organization's pack can be checked the same way). A pack that
``extends`` another inherits both tables and overrides them key by key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.dates import PATTERN_CHARS, parse_pattern, tokenize_pattern

from .._errors import PackError

__all__ = ["STYLE_TABLES", "LanguageStyle", "Term", "parse_style"]

STYLE_TABLES = ("style", "glossary")
"""The ``pack.toml`` tables this module reads (kept as they are in the manifest)."""

_STYLE_KEYS = {"date", "time", "quotes", "address", "avoid"}
_TERM_KEYS = {"term", "avoid"}
_QUOTE_MARKS = "\"'«»‹›„“”‘’‚「」『』"
"""Every character used as a quotation mark by some language."""
_MAX_WORDS = 200


@dataclass(frozen=True)
class Term:
    """One concept of the glossary: the term the pack uses, and the names it must not get."""

    concept: str
    term: str
    avoid: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageStyle:
    """The pack's language conventions (all optional: an empty style checks nothing)."""

    date: str | None = None
    """The format of a date (short, medium, long, full or a CLDR pattern); None: medium."""
    time: str | None = None
    """A CLDR pattern for a time of day, e.g. ``HH.mm``; None: the locale's short time."""
    quotes: tuple[str, str] | None = None
    """The opening and closing quotation marks the pack's texts use."""
    address: str | None = None
    """The form of address to the reader, for people reading the pack (``u``, ``du`` …)."""
    avoid: tuple[str, ...] = ()
    """Whole words (case-sensitive) that no document of the pack may contain."""
    glossary: tuple[Term, ...] = field(default=())

    def problems(self, text: str) -> list[str]:
        """Every breach of the conventions in *text* (a rendered document), as a sentence.

        Avoided words count only as whole words: case-sensitive for ``avoid``, any case for
        the glossary. Quotation marks other than the pack's own are reported (the
        apostrophe ``'`` and the typographic apostrophe ``’`` are allowed, since words use
        them); so is a time of day written with a colon when the pack's pattern has none.
        """
        found: list[str] = []
        for word in self.avoid:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                found.append(f"the word {word!r}, which the pack avoids")
        for entry in self.glossary:
            for word in entry.avoid:
                pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
                if re.search(pattern, text, flags=re.IGNORECASE):
                    found.append(f"{word!r} where the pack's term is {entry.term!r}")
        if self.quotes is not None:
            allowed = set(self.quotes) | {"'", "’"}
            for mark in sorted(set(text) & set(_QUOTE_MARKS) - allowed):
                found.append(f"the quotation mark {mark!r} (the pack uses {''.join(self.quotes)})")
        if self.time is not None and ":" not in self.time:
            clock = re.search(r"(?<![\d:])([01]?\d|2[0-3]):[0-5]\d(?![\d:])", text)
            if clock:
                found.append(f"the time {clock.group()!r} (the pack writes {self.time!r})")
        return found


def parse_style(tables: Mapping[str, Any], where: str) -> LanguageStyle:
    """Check and parse the raw tables (merged through ``extends``).

    Raises :class:`PackError` naming the file (*where*) and the key of the first problem.
    """
    style = _table(tables.get("style"), where, "style")
    unknown = sorted(set(style) - _STYLE_KEYS)
    if unknown:
        raise PackError(f"{where}: [style] has unknown key(s): {', '.join(unknown)}")
    day = _text(style.get("date"), where, "style.date")
    if day is not None and not _pattern_of(day, _DATE_FIELDS):
        raise PackError(f"{where}: style.date {day!r} is not a date format")
    time = _text(style.get("time"), where, "style.time")
    if time is not None and not _pattern_of(time, _TIME_FIELDS):
        raise PackError(f"{where}: style.time {time!r} is not a CLDR time pattern")
    quotes = style.get("quotes")
    if quotes is not None and (
        not isinstance(quotes, list)
        or len(quotes) != 2
        or not all(isinstance(q, str) and len(q) == 1 for q in quotes)
    ):
        raise PackError(f'{where}: style.quotes must be two characters, e.g. ["»", "«"]')
    glossary = []
    for concept, entry in _table(tables.get("glossary"), where, "glossary").items():
        entry = _table(entry, where, f"glossary.{concept}")
        unknown = sorted(set(entry) - _TERM_KEYS)
        if unknown:
            raise PackError(f"{where}: glossary.{concept} has unknown key(s): {', '.join(unknown)}")
        term = _text(entry.get("term"), where, f"glossary.{concept}.term")
        if not term:
            raise PackError(f"{where}: glossary.{concept} needs a term")
        avoid = _words(entry.get("avoid"), where, f"glossary.{concept}.avoid")
        glossary.append(Term(concept, term, avoid))
    return LanguageStyle(
        date=day,
        time=time,
        quotes=(quotes[0], quotes[1]) if quotes else None,
        address=_text(style.get("address"), where, "style.address"),
        avoid=_words(style.get("avoid"), where, "style.avoid"),
        glossary=tuple(glossary),
    )


_TIME_FIELDS = frozenset("abBhHKkmsSAzZOvVXx")
"""CLDR pattern letters of a time of day (and its zone)."""
_DATE_FIELDS = frozenset(PATTERN_CHARS) - _TIME_FIELDS
"""CLDR pattern letters of a date: every other letter babel formats."""


def _pattern_of(pattern: str, fields: frozenset[str]) -> bool:
    """Whether babel reads *pattern* as a CLDR pattern made of *fields* only.

    Checked with babel's own pattern parser, without loading any locale's data (which
    would cost every process that loads the pack tens of milliseconds).
    """
    try:
        parse_pattern(pattern)  # field lengths babel cannot format
        tokens = tokenize_pattern(pattern)
    except Exception:  # babel raises several kinds on a bad pattern
        return False
    return all(kind != "field" or value[0] in fields for kind, value in tokens)


def _table(value: Any, where: str, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PackError(f"{where}: {key} must be a table")
    return value


def _text(value: Any, where: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise PackError(f"{where}: {key} must be a short text")
    return value


def _words(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or len(value) > _MAX_WORDS
        or not all(isinstance(w, str) and w.strip() and len(w) <= 100 for w in value)
    ):
        raise PackError(f"{where}: {key} must be a list of words")
    return tuple(value)
