"""Tool 4: the flyer for the family — one A4 page in large type, with a pictogram.

The programme's name in a band at the top (the organization's logo and name are in the
page header, as on every document), the headline, what the offer is beside a drawing of a
family, what the coordinator does with the family, a box asking the family to call, and
whom to call (the team's phone and the coordinators), and where to find the team: address,
e-mail, website and opening hours.
No confidentiality mark and no page number: the flyer is handed out and holds no family
data. A blank flyer keeps lines to write the organization's details on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from templates.builder import ACCENT, LABEL_FILL, DocBuilder, set_table_borders

PICTURE = Path(__file__).resolve().parents[1] / "art" / "family.png"
"""The pictogram (``tools/templates/art/draw_family.py`` draws it)."""
BODY_PT = 12
"""Large type: the flyer's body text."""
HEADING_PT = 16
PICTURE_CM = 4.8


def _no_borders(table: Table) -> None:
    """Take every border off *table* (a layout grid, not a form)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    set_table_borders(tbl_pr, borders)


def _fill(cell: _Cell, colour: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shd)


def _grid(
    b: DocBuilder, widths: Sequence[float], *, borders: bool = False
) -> tuple[list[_Cell], list[_Cell]]:
    """A layout table with columns *widths* (cm): a header row and a body row, to write
    into; their cells. The header row (repeated on a new page, a TH in the PDF) holds the
    headings of the columns below it, so the table has header cells as PDF/UA asks."""
    table = b._table(len(widths), widths)
    rows = [table.add_row(), table.add_row()]
    for row, flags in zip(rows, (("w:tblHeader", "w:cantSplit"), ("w:cantSplit",)), strict=True):
        trpr = row._tr.get_or_add_trPr()
        for flag in flags:
            mark = OxmlElement(flag)
            mark.set(qn("w:val"), "true")
            trpr.append(mark)
        for cell, width in zip(row.cells, b._widths, strict=True):
            cell.width = width
    if not borders:
        _no_borders(table)
    b.doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return list(rows[0].cells), list(rows[1].cells)


def _write(
    cell: _Cell,
    text: str,
    *,
    style: str | None = None,
    size: float | None = None,
    bold: bool = False,
    colour: RGBColor | None = None,
) -> Paragraph:
    """A paragraph at the end of *cell* (its first, empty one is used first)."""
    first = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and not first.runs:
        p = first
        if style:
            p.style = style
    else:
        p = cell.add_paragraph(style=style)
    run = p.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return p


def _shade(paragraph: Paragraph, colour: str) -> None:
    """Give *paragraph* a background of *colour* (a band across the text's width)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    paragraph._p.get_or_add_pPr().insert_element_before(
        shd, "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
        "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
        "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange",
    )  # fmt: skip


def _no_inner_line(top: _Cell, below: _Cell) -> None:
    """No line between the header cell *top* and the cell *below* it: one box."""
    for cell, edge in ((top, "bottom"), (below, "top")):
        borders = OxmlElement("w:tcBorders")
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_pr.insert_element_before(
            borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
            "w:vAlign", "w:hideMark",
        )  # fmt: skip


def _footer(b: DocBuilder) -> None:
    """No mark and no page number: a flyer is one public page."""
    footer = b.doc.sections[0].footer.paragraphs[0]
    for child in list(footer._p):
        if child.tag != qn("w:pPr"):
            footer._p.remove(child)


def _styles(b: DocBuilder) -> None:
    styles = b.doc.styles
    styles["Normal"].font.size = Pt(BODY_PT)
    styles["Normal"].paragraph_format.space_after = Pt(3)
    for name, size in (("Heading 1", HEADING_PT), ("Heading 2", 13.5)):
        styles[name].font.size = Pt(size)
        styles[name].paragraph_format.space_before = Pt(8)
        styles[name].paragraph_format.space_after = Pt(3)
    styles["Title"].font.size = Pt(24)
    section = b.doc.sections[0]  # no footer: the page may reach further down
    section.top_margin, section.bottom_margin = Cm(1.7), Cm(1.2)
    section.footer_distance = Cm(0.5)


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the flyer template (plain language, addressed to the family)."""
    _styles(b)
    _footer(b)

    b.control("{%p if blank or organization.programme %}")
    # the programme's name in a band above the title: part of the title block (Subtitle)
    band = b.para("{{ organization.programme }}", style="Subtitle", size=15, bold=True)
    band.runs[0].font.color.rgb = ACCENT
    spacing = OxmlElement("w:spacing")  # the letters as in body text, not spread as a subtitle's
    spacing.set(qn("w:val"), "0")
    band.runs[0]._r.get_or_add_rPr().insert_element_before(
        spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
        "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
        "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
    )  # fmt: skip
    _shade(band, LABEL_FILL)
    band.paragraph_format.space_before = Pt(3)
    band.paragraph_format.space_after = Pt(6)
    b.control("{%p endif %}")
    b.title(t["title"])

    (head, _), (text, picture) = _grid(b, [11.2, PICTURE_CM + 0.6])
    head.merge(_)  # the heading spans the text and the picture
    _write(head, t["offer_heading"], style="Heading 1").paragraph_format.space_before = Pt(0)
    _write(text, t["offer_text"])
    _write(text, t["offer_goal"])
    picture.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    shape = picture.paragraphs[0].add_run().add_picture(str(PICTURE), width=Cm(PICTURE_CM))
    shape._inline.docPr.set("descr", t["picture_alt"])
    shape._inline.docPr.set("title", t["picture_alt"])

    b.heading(t["coordinator_heading"])
    b.para(t["coordinator_text"])
    b.para(t["coordinator_with_you"])
    b.bullets(t["coordinator_points"])

    (top,), (box,) = _grid(b, [1], borders=True)
    _no_inner_line(top, box)
    for cell in (top, box):
        _fill(cell, LABEL_FILL)
    _write(top, t["meet_heading"], style="Heading 1").paragraph_format.space_before = Pt(2)
    _write(box, t["meet_text"])
    call = _write(box, f"{t['call']}: ", size=16, bold=True, colour=ACCENT)
    call.add_run("{{ organization.phone }}").font.size = Pt(16)
    call.runs[-1].bold = True
    call.runs[-1].font.color.rgb = ACCENT
    _write(box, t["coordinators_heading"], style="Heading 2").paragraph_format.keep_with_next = True
    _write(box, t["coordinators_intro"]).paragraph_format.keep_with_next = True
    box.add_paragraph("{%p for c in coordinators|blank_rows(2) %}")
    box.add_paragraph(
        "{{ [[c.name, c.profession]|joined, c.phone]|joined(': ') }}", style="List Bullet"
    )
    box.add_paragraph("{%p endfor %}")

    (where_head, hours_head), (where, hours) = _grid(b, [10.2, 7.2])
    _write(where_head, t["find_heading"], style="Heading 1")
    for label, value in (
        (t["address"], "{{ organization.address }}"),
        (t["email"], "{{ organization.email }}"),
        (t["website"], "{{ organization.website }}"),
    ):
        p = _write(where, f"{label}:", bold=True)
        p.runs[0].add_break()  # the value on a line of its own, at a smaller size
        p.add_run(value).font.size = Pt(BODY_PT - 1)
    _write(hours_head, t["hours_heading"], style="Heading 1")
    hours.paragraphs[0].add_run("{%p for h in organization.opening_hours|blank_rows(2) %}")
    hours.add_paragraph("{{ h }}", style="List Bullet")
    hours.add_paragraph("{%p endfor %}")
    end = hours.add_paragraph().paragraph_format  # the cell keeps a paragraph with no hours
    end.space_before, end.space_after, end.line_spacing = Pt(0), Pt(0), Pt(1)
