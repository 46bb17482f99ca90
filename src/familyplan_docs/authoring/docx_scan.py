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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError

from .._errors import PackError
from ..packs.guards import load_template
from .docx_parts import MARK_RE, Para, Part, marked_line_places, prepare, template_parts
from .tags import (
    BLOCKS,
    CELL_TAG_RE,
    MIDDLES,
    OPENER_RE,
    PREFIXED_RE,
    QUOTES,
    SPACED_PREFIX_RE,
    STATEMENT_RE,
    STRING_RE,
    TAG_RE,
    TYPOGRAPHIC,
    Tag,
    closing_place,
    hint,
    is_inline_set,
    never_closed,
    placeholder_for,
    unit_name,
)
from .tree import TreeChecker

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


# --- the scan ---------------------------------------------------------------------------

_TOO_DEEP = (
    "the tags (if, for, macro …) are nested too deeply to be read; a template nests a few "
    "levels, not hundreds"
)


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
            doc = Document(load_template(path).honest())  # the parts as the guard measured them
            parts = list(template_parts(doc))
        except PackError as exc:
            result.problems.append(DocProblem("", "", str(exc)))
            return result
        except Exception as exc:  # an organization's file may be anything
            result.problems.append(
                DocProblem("", "", f"cannot be read as a Word document (.docx): {exc}")
            )
            return result
        for part in parts:
            prepare(part)
            try:
                self._scan_part(part, result)
            except RecursionError:
                result.problems.append(DocProblem(part.name, "", _TOO_DEEP))
        try:
            self._scan_properties(doc, result)
        except RecursionError:
            result.problems.append(DocProblem("properties", "", _TOO_DEEP))
        return result

    # -- one part

    def _scan_part(self, part: Part, result: DocScan) -> None:
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

    def _tracked_changes(self, part: Part, report: Callable[[int, str], None]) -> None:
        for para in part.paras:
            if para.tracked:
                report(
                    para.place,
                    "the document holds tracked changes; accept or reject all of them "
                    "(Review → Accept all changes) before using it as a template",
                )
                return

    def _tags(self, part: Part, report: Callable[[int, str], None]) -> list[Tag]:
        tags: list[Tag] = []
        paras = part.paras
        for i, para in enumerate(paras):
            text = para.text
            for match in TAG_RE.finditer(text):
                tags.append(self._make_tag(match.group(), para, report))
            rest = TAG_RE.sub("", text)
            opener = OPENER_RE.search(rest)
            if opener:
                closes = closing_place(paras, i, rest[opener.start() :])
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

    def _make_tag(self, raw: str, para: Para, report: Callable[[int, str], None]) -> Tag:
        code = STRING_RE.sub("", raw)  # a dash inside '…' is text the author wants
        flagged = False
        for char, instead in TYPOGRAPHIC.items():
            if char in code:
                flagged = True
                name = "a no-break space" if char in "\u00a0\u2009\u202f" else f"'{char}'"
                report(
                    para.place,
                    f"the tag {raw} holds {name}, put there by Word's AutoCorrect; type "
                    f"{instead} instead (or paste the tag as plain text)",
                )
        text = raw
        for char, plain in QUOTES.items():
            text = text.replace(char, plain)
        tag = Tag(text=text, para=para, jinja=text, flagged=flagged)
        spaced = SPACED_PREFIX_RE.match(text)
        if spaced:
            tag.flagged = True
            report(
                para.place,
                f"write {{%{spaced.group(1)} without a space after {{%: '{text[:40]}' is not "
                "a tag docxtpl knows",
            )
        prefixed = PREFIXED_RE.match(text)
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
        statement = STATEMENT_RE.match(tag.jinja)
        if statement:
            tag.keyword = statement.group(1)
        return tag

    def _prefixes(self, part: Part, tags: list[Tag], report: Callable[[int, str], None]) -> None:
        for tag in tags:
            para = tag.para
            cell_tag = CELL_TAG_RE.match(tag.jinja)
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
            for char, plain in QUOTES.items():
                unit = unit.replace(char, plain)
            rest = unit.replace(tag.text, "", 1)
            if rest.strip():
                report(
                    para.place,
                    f"{tag.text} replaces its whole {what}, so '{rest.strip()[:40]}' next to "
                    f"it is lost when rendering; put it in a {what} of its own",
                )

    def _structure(
        self, tags: list[Tag], report: Callable[[int, str], None]
    ) -> list[tuple[str, int]]:
        """Match block tags and report mismatches.

        Returns the skeleton: every tag that parses, as Jinja sees it, with its place, and
        blocks closed where the author forgot to, so variables can be checked with loop
        variables in scope.
        """
        stack: list[tuple[Tag, str]] = []
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
            if kw in BLOCKS and not (kw == "set" and is_inline_set(tag.jinja)):
                if ok:
                    stack.append((tag, f"{{% end{kw} %}}"))
                    skeleton.append((tag.jinja, place))
                else:
                    placeholder = placeholder_for(tag)
                    stack.append((tag, "{% endfor %}" if kw == "for" else "{% endif %}"))
                    skeleton.append((placeholder, place))
            elif kw in MIDDLES:
                if not stack or stack[-1][0].keyword not in MIDDLES[kw]:
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
                    report(unclosed.para.place, never_closed(unclosed))
                    skeleton.append((end, place))
                opener, end = stack.pop()
                self._same_kind(opener, tag, report)
                skeleton.append((end, place))
            elif ok:
                cell_tag = CELL_TAG_RE.match(tag.jinja)
                if cell_tag and cell_tag.group(1) in {"vm", "hm"}:
                    continue
                source = f"{{{{ {cell_tag.group(2)} }}}}" if cell_tag else tag.jinja
                skeleton.append((source, place))
        for unclosed, end in reversed(stack):
            report(unclosed.para.place, never_closed(unclosed))
            skeleton.append((end, unclosed.para.place))
        return skeleton

    def _same_kind(self, opener: Tag, tag: Tag, report: Callable[[int, str], None]) -> None:
        if opener.prefix != tag.prefix:
            want = f"{{%{opener.prefix} " if opener.prefix else "{% "
            report(
                tag.para.place,
                f"{tag.text} belongs to {opener.text} but is a different kind of tag: docxtpl "
                f"removes the {unit_name(opener.prefix)} only for one of them; write "
                f"{want}{tag.keyword} %}}",
            )
        elif opener.prefix == "tr" and opener.para.table != tag.para.table:
            report(
                tag.para.place,
                f"{tag.text} closes {opener.text} of another table; a row loop must start and "
                "end in the same table",
            )

    def _tag_syntax(self, tag: Tag) -> str | None:
        key = f"{tag.keyword}\0{tag.jinja}"
        if key not in self._syntax:
            self._syntax[key] = self._parse_tag(tag)
        message = self._syntax[key]
        return None if message is None else f"{tag.text}: {message}"

    def _parse_tag(self, tag: Tag) -> str | None:
        source = tag.jinja
        kw = tag.keyword
        cell_tag = CELL_TAG_RE.match(source)
        if cell_tag:
            name, arg = cell_tag.groups()
            if name in {"vm", "hm"}:
                return None
            source = f"{{{{ {arg} }}}}"
        elif kw in MIDDLES:
            source = f"{{% if true %}}{source}{{% endif %}}"
        elif kw.startswith("end") or kw == "raw":
            return None
        elif kw in BLOCKS and not (kw == "set" and is_inline_set(source)):
            source = f"{source}{{% end{kw} %}}"
        try:
            self.env.parse(source)
        except TemplateSyntaxError as exc:
            return f"{exc.message}{hint(exc.message or '')}"
        return None

    def _variables(
        self,
        part: Part,
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
                report(place, f"{exc.message}{hint(exc.message or '')}")
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

    def _as_rendered(self, part: Part, report: Callable[[int, str], None], *, quiet: bool) -> None:
        patched = DocxTemplate.patch_xml(None, part.marked)
        source = MARK_RE.sub(lambda m: "\n" + m.group(0), patched)
        line_places = marked_line_places(source)

        def place_of(pos: int) -> int:
            return line_places[source.count("\n", 0, pos)]

        for match in TAG_RE.finditer(source):
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
            report(index, f"{exc.message}{hint(exc.message or '')}")

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


def _unique(problems: list[DocProblem]) -> list[DocProblem]:
    return list(dict.fromkeys(problems))
