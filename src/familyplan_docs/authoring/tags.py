"""Tags as an author types them in Word: the patterns, the typographic traps, and messages.

docxtpl's own tags (``{%tr``, ``{%tc``, ``{%p``, ``{%r``) and Jinja's are recognized here;
:class:`Tag` is one tag found in a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .docx_parts import Para

__all__ = [
    "BLOCKS",
    "CELL_TAG_RE",
    "MIDDLES",
    "OPENER_RE",
    "PREFIXED_RE",
    "QUOTES",
    "SPACED_PREFIX_RE",
    "STATEMENT_RE",
    "STRING_RE",
    "TAG_RE",
    "TYPOGRAPHIC",
    "Tag",
    "closing_place",
    "hint",
    "is_inline_set",
    "never_closed",
    "placeholder_for",
    "unit_name",
]

TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
OPENER_RE = re.compile(r"\{[{%#]")
PREFIXED_RE = re.compile(r"^\{([%{])(tr|tc|p|r)\s+(.*?)\s*[%}]\}$", re.DOTALL)
SPACED_PREFIX_RE = re.compile(r"^\{%[-+]?\s+(tr|tc|p|r)\s")
STATEMENT_RE = re.compile(r"^\{%[-+]?\s*(\w+)")
CELL_TAG_RE = re.compile(r"^\{%\s*(colspan|cellbg|vm|hm)\b\s*(.*?)\s*%\}$", re.DOTALL)
TYPOGRAPHIC = {
    "„": 'a straight quote "',
    "‟": 'a straight quote "',
    "«": 'a straight quote "',
    "»": 'a straight quote "',
    "‚": "a straight quote '",
    "–": "a plain hyphen -",
    "—": "a plain hyphen -",
    "…": "three dots ...",
    "\u00a0": "a plain space",
    "\u2009": "a plain space",
    "\u202f": "a plain space",
}
STRING_RE = re.compile(r"'[^']*'|\"[^\"]*\"|[‘’][^‘’]*[‘’]|[“”][^“”]*[“”]")
QUOTES = {"“": '"', "”": '"', "‘": "'", "’": "'"}
BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw", "set"}
MIDDLES = {"else": {"if", "for"}, "elif": {"if"}}


@dataclass
class Tag:
    text: str
    """The tag as the author typed it (quotes normalized like docxtpl)."""
    para: Para
    prefix: str = ""
    keyword: str = ""
    jinja: str = ""
    """The tag as Jinja will see it (prefix removed)."""
    flagged: bool = False
    """Already reported as mistyped, so its syntax error would say nothing new."""


def closing_place(paras: list[Para], start: int, rest: str) -> int | None:
    closer = {"{{": "}}", "{%": "%}", "{#": "#}"}[rest[:2]]
    for para in paras[start + 1 :]:
        if closer in para.text:
            return para.place
    return None


def is_inline_set(source: str) -> bool:
    return "=" in source.replace("==", "")


def placeholder_for(tag: Tag) -> str:
    if tag.keyword == "for":
        match = re.search(r"for\s+([\w\s,]+?)\s+in\b", tag.jinja)
        return f"{{% for {match.group(1) if match else '_'} in [] %}}"
    return "{% if true %}"


def never_closed(tag: Tag) -> str:
    end = f"{{%{tag.prefix} end{tag.keyword} %}}" if tag.prefix else f"{{% end{tag.keyword} %}}"
    return f"{tag.text} is never closed: add {end} where the block ends"


def unit_name(prefix: str) -> str:
    return {"tr": "table row", "tc": "table cell", "p": "paragraph"}.get(prefix, "text")


def hint(message: str) -> str:
    tag = re.search(r"unknown tag '(\w+)'", message)
    if not tag:
        return ""
    name = tag.group(1)
    if name in {"tr", "tc", "p", "r"}:
        where = unit_name(name)
        return f" (write {{%{name} … %}} with no space after {{%, and use it in a {where})"
    if name in {"colspan", "cellbg", "vm", "hm"}:
        return " (this docxtpl tag only works inside a table cell)"
    if name in {"break", "continue", "do"}:
        return " (this Jinja extension is not switched on for document templates)"
    return ""
