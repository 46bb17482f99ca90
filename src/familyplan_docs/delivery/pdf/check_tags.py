"""The structure-tree part of the PDF check: figures, tables, headings, and bold paragraphs.

:func:`check_tags` walks the structure tree once (role map resolved) and returns
``(rule, message)`` pairs for :func:`.check.check_pdf`. The bold-paragraph rule is a
heuristic: it reads the fonts each marked-content sequence is drawn with from the page
content, and reports a short paragraph (outside tables and lists) drawn entirely in a bold
font as a probable heading without a heading style; the tags alone cannot tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

from .finish import struct_kids

__all__ = ["BOLD_PARAGRAPH_MAX_BYTES", "STANDARD_TYPES", "check_tags"]

STANDARD_TYPES = frozenset(
    [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
)
"""The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4)."""

BOLD_PARAGRAPH_MAX_BYTES = 120
"""A paragraph drawn with at most this many glyph bytes, all bold, counts as a heading."""

_HEADING = re.compile(r"^H([1-6])$")
_BOLD = re.compile(r"bold|black|heavy|semibold|demibold", re.IGNORECASE)
_IN_CELL = {"TD", "TH", "Lbl", "LBody", "Caption", "TOCI"}
_TITLES = {"Title", "Subtitle"}  # LibreOffice's Title/Subtitle styles: the document title

Findings = list[tuple[str, str]]


@dataclass
class _Walk:
    role_map: dict[str, str]
    fonts: dict[tuple[tuple[int, int], int], tuple[set[str], int]] | None
    found: Findings = field(default_factory=list)
    headings: list[int] = field(default_factory=list)  # 0 for a plain H
    tables: int = 0
    figures: int = 0
    bold: list[str] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    seen: set[tuple[int, int]] = field(default_factory=set)
    pages: dict[tuple[int, int], int] = field(default_factory=dict)

    def standard(self, element: pikepdf.Dictionary) -> tuple[str, str]:
        raw = str(element.get("/S", "/?"))[1:]
        tag, hops = raw, 0
        while tag not in STANDARD_TYPES and tag in self.role_map and hops < 16:
            tag, hops = self.role_map[tag], hops + 1
        if tag not in STANDARD_TYPES:
            self.unknown.add(raw)
        return raw, tag


def _attributes(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    value = element.get("/A")
    if isinstance(value, pikepdf.Dictionary):
        return [value]
    return (
        [a for a in value if isinstance(a, pikepdf.Dictionary)]
        if isinstance(value, pikepdf.Array)
        else []
    )


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def check_tags(pdf: pikepdf.Pdf, bold_paragraphs: bool = True) -> Findings:
    """Check the structure tree of *pdf*; see the module docstring."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return []
    role_map = tree.get("/RoleMap")
    roles = {
        str(k)[1:]: str(v)[1:]
        for k, v in (role_map.items() if isinstance(role_map, pikepdf.Dictionary) else [])
    }
    walk = _Walk(roles, _mcid_fonts(pdf) if bold_paragraphs else None)
    walk.pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    for top in struct_kids(tree):
        _visit(walk, top, 0, in_cell=False)
    found = walk.found
    found += [
        ("role-map", f"/{raw} is neither standard nor role-mapped") for raw in sorted(walk.unknown)
    ]
    found += _heading_order(walk.headings)
    if walk.bold:
        shown = "; ".join(walk.bold[:5])
        found.append(
            ("bold-paragraphs", f"{len(walk.bold)} short paragraph(s) all in bold: {shown}")
        )
    for number, page in enumerate(pdf.pages, start=1):
        if "/Contents" in page.obj and "/StructParents" not in page.obj:
            found.append(("struct-tree", f"page {number} has no /StructParents (untagged?)"))
    return found


def _visit(walk: _Walk, element: pikepdf.Dictionary, depth: int, *, in_cell: bool) -> None:
    if element.is_indirect:
        if element.objgen in walk.seen:
            walk.found.append(("struct-tree", "an element appears twice in the structure tree"))
            return
        walk.seen.add(element.objgen)
    if depth > 200:
        walk.found.append(("struct-tree", "the structure tree is deeper than 200"))
        return
    raw, tag = walk.standard(element)
    if tag in ("Figure", "Formula"):
        walk.figures += 1
        if not (_text(element.get("/Alt")) or _text(element.get("/ActualText"))):
            walk.found.append(("figure-alt", f"{raw} #{walk.figures} has no /Alt"))
    elif tag == "Table":
        walk.tables += 1
        walk.found += _check_table(walk, element, walk.tables)
    elif tag == "H":
        walk.headings.append(0)
    elif match := _HEADING.match(tag):
        walk.headings.append(int(match.group(1)))
    elif tag == "P" and not in_cell and raw not in _TITLES and walk.fonts is not None:
        text = _bold_text(walk, element)
        if text is not None:
            walk.bold.append(text)
    for child in struct_kids(element):
        _visit(walk, child, depth + 1, in_cell=in_cell or tag in _IN_CELL)


def _cells(walk: _Walk, element: pikepdf.Dictionary) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """(standard tag, element) below a table, not into nested tables."""
    for child in struct_kids(element):
        _raw, tag = walk.standard(child)
        yield tag, child
        if tag != "Table":
            yield from _cells(walk, child)


def _span(cell: pikepdf.Dictionary) -> int:
    for attributes in _attributes(cell):
        if "/ColSpan" in attributes:
            return int(attributes.ColSpan)
    return 1


def _check_table(walk: _Walk, table: pikepdf.Dictionary, number: int) -> Findings:
    found: Findings = []
    cells = list(_cells(walk, table))
    rows = [element for tag, element in cells if tag == "TR"]
    if not rows:
        return [("table-rows", f"table #{number} has no rows (TR)")]
    widths = [
        sum(_span(c) for c in struct_kids(row) if walk.standard(c)[1] in ("TH", "TD"))
        for row in rows
    ]
    if 0 in widths:
        found.append(("table-rows", f"table #{number} has {widths.count(0)} row(s) without cells"))
    elif len(set(widths)) > 1:
        found.append(("table-rows", f"table #{number} has rows of different widths {widths}"))
    headers = [element for tag, element in cells if tag == "TH"]
    if not headers:
        found.append(("table-header", f"table #{number} ({len(rows)} rows) has no header cells"))
    else:
        unscoped = [
            th
            for th in headers
            if "/Headers" not in th
            and not any(a.get("/O") == "/Table" and "/Scope" in a for a in _attributes(th))
        ]
        if unscoped:
            found.append(
                ("table-header-scope", f"table #{number}: {len(unscoped)} TH without /Scope")
            )
    return found


def _heading_order(levels: list[int]) -> Findings:
    if not levels:
        return [("headings", "no headings (H1-H6)")]
    found: Findings = []
    if 0 in levels and any(levels):
        found.append(("heading-order", "plain H and numbered H1-H6 headings are mixed"))
    numbered = [level for level in levels if level]
    if numbered and numbered[0] != 1:
        found.append(("heading-order", f"the first heading is H{numbered[0]}, not H1"))
    for index in range(1, len(numbered)):
        if numbered[index] > numbered[index - 1] + 1:
            found.append(
                (
                    "heading-order",
                    f"heading #{index + 1} is H{numbered[index]} after H{numbered[index - 1]}",
                )
            )
    return found


# -- bold paragraphs -------------------------------------------------------------------------


def _marked(element: pikepdf.Dictionary) -> Iterator[tuple[tuple[int, int], int]]:
    page = element.get("/Pg")
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) and isinstance(page, pikepdf.Dictionary):
            yield page.objgen, int(kid)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            where = kid.get("/Pg", page)
            if isinstance(where, pikepdf.Dictionary) and "/MCID" in kid:
                yield where.objgen, int(kid.MCID)


def _bold_text(walk: _Walk, element: pikepdf.Dictionary) -> str | None:
    """The paragraph's actual text or a placeholder when it is short and all bold, else None."""
    assert walk.fonts is not None
    fonts: set[str] = set()
    size = 0
    pages: set[int] = set()
    for key in _marked(element):
        used, count = walk.fonts.get(key, (set(), 0))
        if count:
            fonts |= used
            size += count
            pages.add(walk.pages.get(key[0], 0))
    if fonts and size <= BOLD_PARAGRAPH_MAX_BYTES and all(_BOLD.search(f) for f in fonts):
        where = f"page {min(pages)}, {size} glyphs"
        return (
            f"{_text(element.get('/ActualText'))} ({where})" if "/ActualText" in element else where
        )
    return None


def _shown(operands: list[pikepdf.Object]) -> int:
    count = 0
    for operand in operands:
        if isinstance(operand, pikepdf.Array):
            count += sum(len(bytes(x)) for x in operand if isinstance(x, pikepdf.String))
        elif isinstance(operand, pikepdf.String):
            count += len(bytes(operand))
    return count


def _mcid_fonts(pdf: pikepdf.Pdf) -> dict[tuple[tuple[int, int], int], tuple[set[str], int]]:
    """(page, MCID) → (the fonts its text is shown with, how many glyph bytes it shows)."""
    result: dict[tuple[tuple[int, int], int], tuple[set[str], int]] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        stack: list[int | None] = []
        font = "?"
        try:
            instructions = pikepdf.parse_content_stream(page)
        except pikepdf.PdfError:
            continue
        for instruction in instructions:
            operands, operator = list(instruction.operands), str(instruction.operator)
            if operator == "BDC":
                props = operands[1] if len(operands) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                stack.append(int(mcid) if mcid is not None else (stack[-1] if stack else None))
            elif operator == "BMC":
                stack.append(stack[-1] if stack else None)
            elif operator == "EMC" and stack:
                stack.pop()
            elif operator == "Tf" and operands and isinstance(fonts, pikepdf.Dictionary):
                entry = fonts.get(str(operands[0]))
                font = (
                    str(entry.get("/BaseFont", "?"))
                    if isinstance(entry, pikepdf.Dictionary)
                    else "?"
                )
            elif operator in ("Tj", "TJ", "'", '"') and stack and stack[-1] is not None:
                key = (page.obj.objgen, stack[-1])
                used, count = result.get(key, (set(), 0))
                used.add(font)
                result[key] = (used, count + _shown(operands))
    return result
