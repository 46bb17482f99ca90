"""Reads one Word template the way docxtpl will, and finds every problem with its place.

Each part (body, header, footer, footnotes, document properties) is read twice:

* as the author sees it, paragraph by paragraph: tags left open or running into the next
  paragraph, typographic characters from AutoCorrect inside a tag, docxtpl's ``{%tr``,
  ``{%tc`` and ``{%p`` tags in the wrong place or with other content next to them, blocks
  opened and closed with different kinds of tag, each tag's own Jinja syntax, and then the
  variables, filters and attributes of all tags together (:class:`TreeChecker`);
* as docxtpl renders it: the XML after ``DocxTemplate.patch_xml``, with a marker before
  every table, row, cell and paragraph so a Jinja line number leads back to its place.
  A tag that patch_xml could not join (Word formatting inside it) or a syntax error only
  visible there is reported at that place.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError
from lxml import etree

from ._check_tree import TreeChecker

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARK = "fpd:"
_MARK_RE = re.compile(r"<!--fpd:(\d+)-->")
_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPENER_RE = re.compile(r"\{[{%#]")
_PREFIXED_RE = re.compile(r"^\{([%{])(tr|tc|p|r)\s+(.*?)\s*[%}]\}$", re.DOTALL)
_SPACED_PREFIX_RE = re.compile(r"^\{%[-+]?\s+(tr|tc|p|r)\s")
_STATEMENT_RE = re.compile(r"^\{%[-+]?\s*(\w+)")
_CELL_TAG_RE = re.compile(r"^\{%\s*(colspan|cellbg|vm|hm)\b\s*(.*?)\s*%\}$", re.DOTALL)
_TYPOGRAPHIC = {
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
_STRING_RE = re.compile(r"'[^']*'|\"[^\"]*\"|[‘’][^‘’]*[‘’]|[“”][^“”]*[“”]")
_QUOTES = {"“": '"', "”": '"', "‘": "'", "’": "'"}
_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw", "set"}
_MIDDLES = {"else": {"if", "for"}, "elif": {"if"}}
_TRACKED = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


@dataclass(frozen=True)
class DocProblem:
    """A problem in one part of a document, at a place (empty for the whole part)."""

    part: str
    place: str
    message: str
    order: int = field(default=0, compare=False)
    """Position in the part, so problems are listed in reading order."""


@dataclass
class DocScan:
    """What scanning one document found."""

    problems: list[DocProblem] = field(default_factory=list)
    used: dict[str, str] = field(default_factory=dict)
    """Top-level context names the document uses, with the first place."""
    labels_used: dict[str, str] = field(default_factory=dict)
    """Catalog ids used as ``labels.<set>.<value>``, with the first place."""

    @property
    def clean(self) -> bool:
        """True when nothing at all was found (so rendering it is worth trying)."""
        return not self.problems


# --- reading the parts ------------------------------------------------------------------


@dataclass
class _Para:
    place: int
    text: str
    tracked: bool
    table: int | None
    row: int | None
    cell: int | None


@dataclass
class _Part:
    name: str
    root: Any
    places: list[str] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)
    paras: list[_Para] = field(default_factory=list)
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

    def __init__(self, part: _Part) -> None:
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
            _Para(
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


def _parts(doc: Any) -> Iterator[_Part]:
    yield _Part("body", copy.deepcopy(doc.element.body))
    for uri, name in ((DocxTemplate.HEADER_URI, "header"), (DocxTemplate.FOOTER_URI, "footer")):
        rels = sorted(
            (r for r in doc.part.rels.values() if r.reltype == uri and r.target_part.blob),
            key=lambda r: str(r.target_part.partname),
        )
        for i, rel in enumerate(rels, start=1):
            label = name if len(rels) == 1 else f"{name} {i}"
            yield _Part(label, etree.fromstring(rel.target_part.blob))
    for part in doc.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            yield _Part("footnotes", etree.fromstring(part.blob))


def _prepare(part: _Part) -> None:
    _Walker(part).walk(part.root, {})
    part.marked = etree.tostring(part.root, encoding="unicode")


# --- the scan ---------------------------------------------------------------------------


@dataclass
class _Tag:
    text: str
    """The tag as the author typed it (quotes normalized like docxtpl)."""
    para: _Para
    prefix: str = ""
    keyword: str = ""
    jinja: str = ""
    """The tag as Jinja will see it (prefix removed)."""
    flagged: bool = False
    """Already reported as mistyped, so its syntax error would say nothing new."""


class DocumentScanner:
    """Scans documents against one environment and one context shape."""

    def __init__(self, env: Environment, make_checker: Callable[[], TreeChecker]) -> None:
        self.env = env
        self.make_checker = make_checker
        self._syntax: dict[str, str | None] = {}

    def scan(self, path: Path) -> DocScan:
        """Scan the document at *path*; a file that is not a .docx is one problem."""
        result = DocScan()
        try:
            doc = Document(str(path))
            parts = list(_parts(doc))
        except Exception as exc:  # an organization's file may be anything
            result.problems.append(
                DocProblem("", "", f"cannot be read as a Word document (.docx): {exc}")
            )
            return result
        for part in parts:
            _prepare(part)
            self._scan_part(part, result)
        self._scan_properties(doc, result)
        return result

    # -- one part

    def _scan_part(self, part: _Part, result: DocScan) -> None:
        found: list[DocProblem] = []

        def report(index: int, message: str) -> None:
            found.append(DocProblem(part.name, part.where(index), message, index))

        self._tracked_changes(part, report)
        tags = self._tags(part, report)
        self._prefixes(part, tags, report)
        skeleton = self._structure(tags, report)
        for tag in tags:
            if tag.flagged or tag.keyword == "raw":
                continue
            message = self._tag_syntax(tag)
            if message:
                report(tag.para.place, message)
        self._variables(part, skeleton, report, result, quiet=bool(found))
        self._as_rendered(part, report, quiet=bool(found))
        result.problems += sorted(_unique(found), key=lambda p: p.order)

    def _tracked_changes(self, part: _Part, report: Callable[[int, str], None]) -> None:
        for para in part.paras:
            if para.tracked:
                report(
                    para.place,
                    "the document holds tracked changes; accept or reject all of them "
                    "(Review → Accept all changes) before using it as a template",
                )
                return

    def _tags(self, part: _Part, report: Callable[[int, str], None]) -> list[_Tag]:
        tags: list[_Tag] = []
        paras = part.paras
        for i, para in enumerate(paras):
            text = para.text
            for match in _TAG_RE.finditer(text):
                tags.append(self._make_tag(match.group(), para, report))
            rest = _TAG_RE.sub("", text)
            opener = _OPENER_RE.search(rest)
            if opener:
                closes = _closing_place(paras, i, rest[opener.start() :])
                start = rest[opener.start() : opener.start() + 30]
                if closes is None:
                    report(para.place, f"the tag '{start}…' is never closed")
                else:
                    report(
                        para.place,
                        f"the tag '{start}…' runs on into {part.where(closes)}; keep a tag "
                        "within one paragraph (docxtpl would merge the paragraphs)",
                    )
        return tags

    def _make_tag(self, raw: str, para: _Para, report: Callable[[int, str], None]) -> _Tag:
        code = _STRING_RE.sub("", raw)  # a dash inside '…' is text the author wants
        flagged = False
        for char, instead in _TYPOGRAPHIC.items():
            if char in code:
                flagged = True
                name = "a no-break space" if char in "\u00a0\u2009\u202f" else f"'{char}'"
                report(
                    para.place,
                    f"the tag {raw} holds {name}, put there by Word's AutoCorrect; type "
                    f"{instead} instead (or paste the tag as plain text)",
                )
        text = raw
        for char, plain in _QUOTES.items():
            text = text.replace(char, plain)
        tag = _Tag(text=text, para=para, jinja=text, flagged=flagged)
        spaced = _SPACED_PREFIX_RE.match(text)
        if spaced:
            tag.flagged = True
            report(
                para.place,
                f"write {{%{spaced.group(1)} without a space after {{%: '{text[:40]}' is not "
                "a tag docxtpl knows",
            )
        prefixed = _PREFIXED_RE.match(text)
        if prefixed:
            tag.prefix = prefixed.group(2)
            brace = prefixed.group(1)
            inner = prefixed.group(3)
            tag.jinja = f"{{% {inner} %}}" if brace == "%" else f"{{{{ {inner} }}}}"
            if "%" in inner or "}" in inner:
                report(
                    para.place,
                    f"docxtpl cannot read % or }} inside {{{brace}{tag.prefix} … "
                    f"{'%}' if brace == '%' else '}}'}: compute the value first with "
                    "{% set x = … %} in a tag of its own",
                )
        statement = _STATEMENT_RE.match(tag.jinja)
        if statement:
            tag.keyword = statement.group(1)
        return tag

    def _prefixes(self, part: _Part, tags: list[_Tag], report: Callable[[int, str], None]) -> None:
        for tag in tags:
            para = tag.para
            cell_tag = _CELL_TAG_RE.match(tag.jinja)
            if cell_tag and para.cell is None:
                report(
                    para.place,
                    f"{{% {cell_tag.group(1)} %}} only works inside a table cell",
                )
            if tag.prefix and tag.text.startswith("{{"):
                report(
                    para.place,
                    f"{tag.text}: {{{{{tag.prefix} … }}}} is for rich text and sub-documents, "
                    "which this toolbox's data does not hold; the value would be lost: "
                    "write {{ … }}",
                )
                continue
            if not tag.prefix or tag.prefix == "r":
                continue
            if tag.prefix == "tr" and para.row is None:
                report(para.place, f"{tag.text} is only allowed in a table row")
                continue
            if tag.prefix == "tc" and para.cell is None:
                report(para.place, f"{tag.text} is only allowed in a table cell")
                continue
            if tag.prefix == "tr":
                unit = part.units.get(("row", para.row or 0), "")
                what = "row"
            elif tag.prefix == "tc":
                unit = part.units.get(("cell", para.cell or 0), "")
                what = "cell"
            else:
                unit, what = para.text, "paragraph"
            for char, plain in _QUOTES.items():
                unit = unit.replace(char, plain)
            rest = unit.replace(tag.text, "", 1)
            if rest.strip():
                report(
                    para.place,
                    f"{tag.text} replaces its whole {what}, so '{rest.strip()[:40]}' next to "
                    f"it is lost when rendering; put it in a {what} of its own",
                )

    def _structure(
        self, tags: list[_Tag], report: Callable[[int, str], None]
    ) -> list[tuple[str, int]]:
        """Match block tags and report mismatches.

        Returns the skeleton: every tag that parses, as Jinja sees it, with its place, and
        blocks closed where the author forgot to, so variables can be checked with loop
        variables in scope.
        """
        stack: list[tuple[_Tag, str]] = []
        skeleton: list[tuple[str, int]] = []
        raw_open = False
        for tag in tags:
            kw, place = tag.keyword, tag.para.place
            if raw_open:
                raw_open = kw != "endraw"
                continue
            if kw == "raw":
                raw_open = True
                continue
            if tag.text.startswith("{#"):
                continue
            ok = self._tag_syntax(tag) is None
            if kw in _BLOCKS and not (kw == "set" and _is_inline_set(tag.jinja)):
                if ok:
                    stack.append((tag, f"{{% end{kw} %}}"))
                    skeleton.append((tag.jinja, place))
                else:
                    placeholder = _placeholder(tag)
                    stack.append((tag, "{% endfor %}" if kw == "for" else "{% endif %}"))
                    skeleton.append((placeholder, place))
            elif kw in _MIDDLES:
                if not stack or stack[-1][0].keyword not in _MIDDLES[kw]:
                    report(place, f"{tag.text} is not inside an {{% if %}} block")
                    continue
                self._same_kind(stack[-1][0], tag, report)
                if ok:
                    skeleton.append((tag.jinja, place))
            elif kw.startswith("end") and kw != "end":
                name = kw[3:]
                depth = next(
                    (i for i in range(len(stack) - 1, -1, -1) if stack[i][0].keyword == name),
                    None,
                )
                if depth is None:
                    report(place, f"{tag.text} has no opening {{% {name} … %}} before it")
                    continue
                while len(stack) > depth + 1:
                    unclosed, end = stack.pop()
                    report(unclosed.para.place, _never_closed(unclosed))
                    skeleton.append((end, place))
                opener, end = stack.pop()
                self._same_kind(opener, tag, report)
                skeleton.append((end, place))
            elif ok:
                cell_tag = _CELL_TAG_RE.match(tag.jinja)
                if cell_tag and cell_tag.group(1) in {"vm", "hm"}:
                    continue
                source = f"{{{{ {cell_tag.group(2)} }}}}" if cell_tag else tag.jinja
                skeleton.append((source, place))
        for unclosed, end in reversed(stack):
            report(unclosed.para.place, _never_closed(unclosed))
            skeleton.append((end, unclosed.para.place))
        return skeleton

    def _same_kind(self, opener: _Tag, tag: _Tag, report: Callable[[int, str], None]) -> None:
        if opener.prefix != tag.prefix:
            want = f"{{%{opener.prefix} " if opener.prefix else "{% "
            report(
                tag.para.place,
                f"{tag.text} belongs to {opener.text} but is a different kind of tag: docxtpl "
                f"removes the {_unit(opener.prefix)} only for one of them; write "
                f"{want}{tag.keyword} %}}",
            )
        elif opener.prefix == "tr" and opener.para.table != tag.para.table:
            report(
                tag.para.place,
                f"{tag.text} closes {opener.text} of another table; a row loop must start and "
                "end in the same table",
            )

    def _tag_syntax(self, tag: _Tag) -> str | None:
        key = f"{tag.keyword}\0{tag.jinja}"
        if key not in self._syntax:
            self._syntax[key] = self._parse_tag(tag)
        message = self._syntax[key]
        return None if message is None else f"{tag.text}: {message}"

    def _parse_tag(self, tag: _Tag) -> str | None:
        source = tag.jinja
        kw = tag.keyword
        cell_tag = _CELL_TAG_RE.match(source)
        if cell_tag:
            name, arg = cell_tag.groups()
            if name in {"vm", "hm"}:
                return None
            source = f"{{{{ {arg} }}}}"
        elif kw in _MIDDLES:
            source = f"{{% if true %}}{source}{{% endif %}}"
        elif kw.startswith("end") or kw == "raw":
            return None
        elif kw in _BLOCKS and not (kw == "set" and _is_inline_set(source)):
            source = f"{source}{{% end{kw} %}}"
        try:
            self.env.parse(source)
        except TemplateSyntaxError as exc:
            return f"{exc.message}{_hint(exc.message or '')}"
        return None

    def _variables(
        self,
        part: _Part,
        lines: list[tuple[str, int]],
        report: Callable[[int, str], None],
        result: DocScan,
        *,
        quiet: bool,
    ) -> None:
        text = "\n".join(source.replace("\n", " ") for source, _ in lines)
        try:
            tree = self.env.parse(text)
        except TemplateSyntaxError as exc:
            if not quiet:
                index = (exc.lineno or 1) - 1
                place = lines[index][1] if 0 <= index < len(lines) else -1
                report(place, f"{exc.message}{_hint(exc.message or '')}")
            return
        checker = self.make_checker()
        for finding in checker.check(tree):
            index = finding.lineno - 1
            report(lines[index][1] if 0 <= index < len(lines) else -1, finding.message)
        for name, lineno in checker.used.items():
            result.used.setdefault(name, f"[{part.name}] {part.where(lines[lineno - 1][1])}")
        for msgid, lineno in checker.labels_used.items():
            where = part.where(lines[lineno - 1][1])
            result.labels_used.setdefault(msgid, f"[{part.name}] {where}")

    def _as_rendered(self, part: _Part, report: Callable[[int, str], None], *, quiet: bool) -> None:
        patched = DocxTemplate.patch_xml(None, part.marked)
        source = _MARK_RE.sub(lambda m: "\n" + m.group(0), patched)
        line_places = _line_places(source)

        def place_of(pos: int) -> int:
            return line_places[source.count("\n", 0, pos)]

        for match in _TAG_RE.finditer(source):
            tag = match.group()
            if re.search(r"<(/?w:|!--)", tag):
                visible = re.sub(r"<[^>]*>|\n", "", tag)
                report(
                    place_of(match.start()),
                    f"the tag {visible} is split by Word formatting that docxtpl cannot join; "
                    "delete it and type it again in one go (or paste it as plain text)",
                )
                return
        if quiet:
            return
        try:
            self.env.parse(source)
        except TemplateSyntaxError as exc:
            line = (exc.lineno or 1) - 1
            index = line_places[line] if 0 <= line < len(line_places) else -1
            report(index, f"{exc.message}{_hint(exc.message or '')}")

    def _scan_properties(self, doc: Any, result: DocScan) -> None:
        props = doc.core_properties
        for name in _PROPERTIES:
            value = getattr(props, name, "") or ""
            if "{" not in value:
                continue
            try:
                tree = self.env.parse(value)
            except TemplateSyntaxError as exc:
                result.problems.append(DocProblem("properties", name, f"{value}: {exc.message}"))
                continue
            checker = self.make_checker()
            for finding in checker.check(tree):
                result.problems.append(DocProblem("properties", name, finding.message))


# --- helpers ----------------------------------------------------------------------------


def _closing_place(paras: list[_Para], start: int, rest: str) -> int | None:
    closer = {"{{": "}}", "{%": "%}", "{#": "#}"}[rest[:2]]
    for para in paras[start + 1 :]:
        if closer in para.text:
            return para.place
    return None


def _line_places(source: str) -> list[int]:
    places = []
    current = -1
    for line in source.split("\n"):
        match = _MARK_RE.match(line)
        if match:
            current = int(match.group(1))
        places.append(current)
    return places


def _is_inline_set(source: str) -> bool:
    return "=" in source.replace("==", "")


def _placeholder(tag: _Tag) -> str:
    if tag.keyword == "for":
        match = re.search(r"for\s+([\w\s,]+?)\s+in\b", tag.jinja)
        return f"{{% for {match.group(1) if match else '_'} in [] %}}"
    return "{% if true %}"


def _never_closed(tag: _Tag) -> str:
    end = f"{{%{tag.prefix} end{tag.keyword} %}}" if tag.prefix else f"{{% end{tag.keyword} %}}"
    return f"{tag.text} is never closed: add {end} where the block ends"


def _unit(prefix: str) -> str:
    return {"tr": "table row", "tc": "table cell", "p": "paragraph"}.get(prefix, "text")


def _hint(message: str) -> str:
    tag = re.search(r"unknown tag '(\w+)'", message)
    if not tag:
        return ""
    name = tag.group(1)
    if name in {"tr", "tc", "p", "r"}:
        return f" (write {{%{name} … %}} with no space after {{%, and use it in a {_unit(name)})"
    if name in {"colspan", "cellbg", "vm", "hm"}:
        return " (this docxtpl tag only works inside a table cell)"
    if name in {"break", "continue", "do"}:
        return " (this Jinja extension is not switched on for document templates)"
    return ""


def _unique(problems: list[DocProblem]) -> list[DocProblem]:
    return list(dict.fromkeys(problems))
