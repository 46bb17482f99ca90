"""The parts of a Word template as the checker reads them: numbered places, marked XML.

Every table, row, cell and paragraph of a part gets a place (``table 2, row 3, cell 1``)
and a marker comment before it, so a Jinja line number in docxtpl's patched XML leads
back to where the author finds it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docxtpl import DocxTemplate
from lxml import etree

__all__ = ["MARK_RE", "Para", "Part", "W", "marked_line_places", "prepare", "template_parts"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARK = "fpd:"
MARK_RE = re.compile(r"<!--fpd:(\d+)-->")
_TRACKED = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")


@dataclass
class Para:
    place: int
    text: str
    tracked: bool
    table: int | None
    row: int | None
    cell: int | None


@dataclass
class Part:
    name: str
    root: Any
    places: list[str] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)
    paras: list[Para] = field(default_factory=list)
    units: dict[tuple[str, int], str] = field(default_factory=dict)
    """Text of each row ("row", id) and cell ("cell", id), to see what a tag replaces."""
    marked: str = ""

    def where(self, index: int) -> str:
        """A place as the author finds it: ``table 2, row 3, cell 1 ("text …")``."""
        if index < 0 or index >= len(self.places):
            return ""
        snippet = " ".join(self.snippets[index].split())
        if len(snippet) > 60:
            snippet = snippet[:57] + "…"
        return f'{self.places[index]} ("{snippet}")' if snippet else self.places[index]


def _own_text(p: Any, tag: str) -> str:
    parts = []
    for el in p.iter(tag):
        ancestor = el.getparent()
        while ancestor is not None and ancestor.tag != f"{W}p":
            ancestor = ancestor.getparent()
        if ancestor is p:
            parts.append(el.text or "")
    return "".join(parts)


class _Walker:
    """Numbers tables, rows, cells and paragraphs and puts a marker before each."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.tables = 0
        self.paragraphs = 0
        self.ids = 0

    def _mark(self, el: Any, label: str, snippet: str) -> int:
        index = len(self.part.places)
        self.part.places.append(label)
        self.part.snippets.append(snippet)
        el.addprevious(etree.Comment(f"{_MARK}{index}"))
        return index

    def walk(self, el: Any, ctx: dict[str, Any]) -> None:
        for child in list(el):
            tag = child.tag
            if tag == f"{W}tbl":
                self.tables += 1
                label = f"table {self.tables}"
                self._mark(child, label, "")
                self.walk(child, {"table": self.tables, "label": label, "rows": [0]})
            elif tag == f"{W}tr" and "rows" in ctx:
                ctx["rows"][0] += 1
                self.ids += 1
                label = f"{ctx['label']}, row {ctx['rows'][0]}"
                texts = [_cell_text(tc) for tc in child.iter(f"{W}tc")]
                self.part.units[("row", self.ids)] = "".join(texts)
                self._mark(child, label, " | ".join(t for t in texts if t))
                self.walk(child, {**ctx, "row": self.ids, "label": label, "cells": [0]})
            elif tag == f"{W}tc" and "cells" in ctx:
                ctx["cells"][0] += 1
                self.ids += 1
                label = f"{ctx['label']}, cell {ctx['cells'][0]}"
                self.part.units[("cell", self.ids)] = _cell_text(child)
                self._mark(child, label, _cell_text(child))
                inner = {k: v for k, v in ctx.items() if k != "rows"}
                self.walk(child, {**inner, "cell": self.ids, "label": label, "paras": [0]})
            elif tag == f"{W}p":
                self._paragraph(child, ctx)
            else:
                self.walk(child, ctx)

    def _paragraph(self, p: Any, ctx: dict[str, Any]) -> None:
        text = _own_text(p, f"{W}t")
        if "paras" in ctx:
            ctx["paras"][0] += 1
            n = ctx["paras"][0]
            label = ctx["label"] + (f", paragraph {n}" if n > 1 else "")
        elif "box" in ctx:
            label = ctx["label"]
        else:
            self.paragraphs += 1
            label = f"paragraph {self.paragraphs}"
        index = self._mark(p, label, text)
        self.part.paras.append(
            Para(
                place=index,
                text=text,
                tracked=any(True for _ in p.iter(*_TRACKED)),
                table=ctx.get("table"),
                row=ctx.get("row"),
                cell=ctx.get("cell"),
            )
        )
        # text boxes hold paragraphs of their own
        box = {"label": f"{label}, text box", "box": True}
        for child in list(p):
            self.walk(child, box)


def _cell_text(tc: Any) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t"))


def template_parts(doc: Any) -> Iterator[Part]:
    yield Part("body", copy.deepcopy(doc.element.body))
    for uri, name in ((DocxTemplate.HEADER_URI, "header"), (DocxTemplate.FOOTER_URI, "footer")):
        rels = sorted(
            (r for r in doc.part.rels.values() if r.reltype == uri and r.target_part.blob),
            key=lambda r: str(r.target_part.partname),
        )
        for i, rel in enumerate(rels, start=1):
            label = name if len(rels) == 1 else f"{name} {i}"
            yield Part(label, etree.fromstring(rel.target_part.blob))
    for part in doc.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            yield Part("footnotes", etree.fromstring(part.blob))


def prepare(part: Part) -> None:
    _Walker(part).walk(part.root, {})
    part.marked = etree.tostring(part.root, encoding="unicode")


def marked_line_places(source: str) -> list[int]:
    places = []
    current = -1
    for line in source.split("\n"):
        match = MARK_RE.match(line)
        if match:
            current = int(match.group(1))
        places.append(current)
    return places
