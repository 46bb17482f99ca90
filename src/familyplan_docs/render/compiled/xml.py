"""The XML side of the compiled engine: docxtpl's compiling and post-processing of a part.

Each function does what docxtpl's ``render_xml_part`` and ``fix_tables`` do, with the same
result, only without the work that would change nothing: a part is compiled with the
``\\n<w:p`` trick (:func:`compile_xml`), and after a render the trick is undone, escaped
tags are restored and newlines and tabs in the text become Word's breaks and tabs
(:func:`post_process`); the body is then parsed, its tables checked (:func:`parse_body`)
and its drawings numbered (:func:`number_drawings`).
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..._errors import TemplateRenderError
from ..._ooxml import WP_NS
from .bytecode import template

__all__ = [
    "compile_xml",
    "number_drawings",
    "parse_body",
    "post_process",
    "text_template",
    "with_context",
]

_PARAGRAPH_IN = re.compile(r"<w:p([ >])")
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
"""How docxtpl's ``resolve_listing`` finds a paragraph."""
_TAG_IN_START_TAG = re.compile(r"<w:p [^>]*<")
"""A paragraph start tag with a ``<`` inside (only in broken XML; see :func:`_listings`)."""
_PARAGRAPH_END = "</w:p>"


# --- compiling ------------------------------------------------------------------------------


def with_context(exc: TemplateError, source: str) -> TemplateError:
    """Attach the nearby text of the failing line, as docxtpl's ``render_xml_part`` does."""
    lineno = getattr(exc, "lineno", None)
    if lineno is not None:
        first = max(lineno - 4, 0)
        lines = source.splitlines()[first : first + 7]
        exc.docx_context = [re.sub(r"<[^>]+>", "", line) for line in lines]  # type: ignore[attr-defined]
    return exc


def compile_xml(env: SandboxedEnvironment, patched: str) -> tuple[Template | str, str]:
    """Compile a part's patched XML with docxtpl's ``\\n<w:p`` trick; also return the source."""
    source = _PARAGRAPH_IN.sub(r"\n<w:p\1", patched)
    try:
        return text_template(env, source), source
    except TemplateError as exc:
        raise with_context(exc, source) from None


def text_template(env: SandboxedEnvironment, text: str) -> Template | str:
    """A template for *text*, or *text* itself when Jinja would give it back unchanged."""
    markers = (
        env.block_start_string,
        env.variable_start_string,
        env.comment_start_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        "\r",  # Jinja normalizes newlines
    )
    unchanged = (
        not any(marker and marker in text for marker in markers)
        and env.newline_sequence == "\n"
        and (env.keep_trailing_newline or not text.endswith("\n"))
    )
    return text if unchanged else template(env, text)


# --- after a render -------------------------------------------------------------------------


def post_process(xml: str) -> str:
    """docxtpl's post-processing of a rendered part (``render_xml_part``).

    The ``\\n`` before each paragraph goes again (``re.sub(r"\\n<w:p([ >])", ...)`` as two
    plain replacements: the same result), ``{_{`` and its kin become tags once more (only
    when there is a brace at all), and :func:`_listings` does ``resolve_listing``.
    """
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    if "{" in xml or "}" in xml:
        for escaped, tag in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            xml = xml.replace(escaped, tag)
    return _listings(xml)


def _listings(xml: str) -> str:
    """docxtpl's ``resolve_listing``, run only on the paragraphs it would change.

    ``resolve_listing`` rewrites each paragraph (as matched by :data:`_PARAGRAPH`, left to
    right) and changes only newlines, tabs, bells and form feeds in its text. So only the
    paragraphs around those characters are looked for: from the end of the last
    ``</w:p>`` before one, the scan finds the paragraph docxtpl's scan finds, since every
    match it could have started earlier ends at or before that ``</w:p>``. That holds
    unless a start tag has a ``<`` inside (broken XML); then every paragraph is scanned.
    """
    upcoming = {ch: xml.find(ch) for ch in _LISTING_CHARS}
    if all(at < 0 for at in upcoming.values()):
        return xml
    if _TAG_IN_START_TAG.search(xml):
        return _PARAGRAPH.sub(_resolve_paragraph, xml)

    def next_char(start: int) -> int:
        for ch, at in upcoming.items():
            if 0 <= at < start:
                upcoming[ch] = xml.find(ch, start)
        found = [at for at in upcoming.values() if at >= 0]
        return min(found) if found else -1

    out: list[str] = []
    done = 0  # xml[:done] is in out
    synced = 0  # docxtpl's scan passes here: no match of it spans this position
    at = next_char(0)
    while at >= 0:
        closed = xml.rfind(_PARAGRAPH_END, synced, at)
        match = _PARAGRAPH.search(xml, closed + len(_PARAGRAPH_END) if closed >= 0 else synced)
        if match is None:
            break
        if match.start() <= at:  # the paragraph holding the character
            out += (xml[done : match.start()], _resolve_paragraph(match))
            done = synced = match.end()
        else:  # the character is outside every paragraph
            synced = match.start()
        at = next_char(synced)
    out.append(xml[done:])
    return "".join(out)


def _resolve_paragraph(match: re.Match[str]) -> str:
    """docxtpl's ``resolve_listing`` of one paragraph (it matches itself whole)."""
    paragraph = match.group(0)
    if not any(ch in paragraph for ch in _LISTING_CHARS):
        return paragraph
    from docxtpl import DocxTemplate  # only for a paragraph it changes (a cold start)

    return str(DocxTemplate.resolve_listing(None, paragraph))


def parse_body(xml: str) -> Any:
    """The rendered body parsed, as docxtpl's ``fix_tables`` returns it.

    ``fix_tables`` changes a table only when a row has more cells than the grid has
    columns, or every row spans fewer; tables are checked for that first, and docxtpl's
    own code runs only for a document where it would change something (or fail).
    """
    # huge_tree: libxml2 otherwise stops a text at 10,000,000 characters, and with recover
    # it would cut the document short without a word (the render budget bounds the size)
    tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True, huge_tree=True))
    if _tables_need_fixing(tree):
        from docxtpl import DocxTemplate  # only for a document it changes (a cold start)

        fixed = DocxTemplate.fix_tables(None, xml)
        if _text_size(fixed) != _text_size(tree):  # docxtpl's own parser cut a huge text
            raise TemplateRenderError(
                f"the document holds a text of more than {_LIBXML_TEXT_LIMIT:,} characters in "
                "one place, more than docxtpl's table fix-up reads; it is refused rather "
                "than cut short (split the text, or give the table a column per cell)"
            )
        return fixed
    return tree


_LIBXML_TEXT_LIMIT = 10_000_000
"""The longest text libxml2 reads in one piece without ``huge_tree`` (XML_MAX_TEXT_LENGTH)."""


def _text_size(tree: Any) -> int:
    return sum(len(text) for text in tree.itertext()) if tree is not None else 0


def _tables_need_fixing(tree: Any) -> bool:
    """Whether ``fix_tables`` would change (or fail on) a table of *tree*; as it reads them."""
    w = None if tree is None else tree.nsmap.get("w")
    if w is None:
        return True
    table_tag, grid_tag, column_tag, row_tag, cell_tag, props_tag, span_tag, val = (
        f"{{{w}}}{name}"
        for name in ("tbl", "tblGrid", "gridCol", "tr", "tc", "tcPr", "gridSpan", "val")
    )
    for table in tree.iter(table_tag):
        grid = table.find(grid_tag)
        if grid is None:
            return True
        columns = len(grid.findall(column_tag))
        widest = 0
        for row in table.iter(row_tag):  # nested tables' rows too, as fix_tables counts them
            cells = width = 0
            for cell in row:
                if cell.tag != cell_tag:
                    continue
                cells += 1
                span = _first_grandchild(cell, props_tag, span_tag)
                if span is None:
                    width += 1
                    continue
                value = span.get(val)
                if value is None or not (value.isascii() and value.isdigit()):
                    return True  # let docxtpl's ``int()`` read (or refuse) it
                width += int(value)
            if cells > columns:
                return True
            widest = max(widest, width)
        if widest < columns:
            return True
    return False


def _first_grandchild(element: Any, child_tag: str, grandchild_tag: str) -> Any:
    """``element.find(child_tag)`` then ``.find(grandchild_tag)``, None when either is missing."""
    for child in element:
        if child.tag == child_tag:
            for grandchild in child:
                if grandchild.tag == grandchild_tag:
                    return grandchild
            return None
    return None


def number_drawings(tree: Any, alt_text: str = "") -> None:
    """Number the drawings from 1001 (docxtpl's ``fix_docpr_ids``); *alt_text* where none."""
    for number, doc_pr in enumerate(tree.iter(f"{{{WP_NS}}}docPr"), start=1001):
        doc_pr.attrib["id"] = str(number)
        if alt_text and not doc_pr.get("descr"):
            doc_pr.set("descr", alt_text)
