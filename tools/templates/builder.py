"""Builds the built-in Word templates with python-docx: one place for the house style.

The built-in packs' ``.docx`` files are generated from ``kinds/<kind>.py`` (structure and
Jinja tags) and ``text/<lang>/<kind>.toml`` (every sentence, in the pack's language), so
the three languages share one structure. Organizations do not need this: they edit the
generated ``.docx`` files in Word or LibreOffice.

House style: Arial (Liberation Sans in LibreOffice), built-in Title/Heading styles in
order, tables with a shaded header row that repeats on every page, a header with the
organization's name, a footer with the confidentiality mark and "page X of Y", the pack's
language on every run, the document title in the core properties.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_AFTER_TBL_BORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
"""What follows ``w:tblBorders`` in ``w:tblPr`` (ECMA-376 Part 1, 17.4.60)."""

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
HEADER_FILL = "DCE6F0"
LABEL_FILL = "F2F5F9"
FONT = "Arial"
TABLE_FONT_PT = 9.5


def _set_cell_fill(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _row_flag(row: _Row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _field(paragraph: Paragraph, instruction: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "17")
    r_pr.append(size)
    run.append(r_pr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


class DocBuilder:
    """A Word template under construction, in the house style.

    Every text argument may hold Jinja tags; each paragraph's text goes into one run so
    that a tag is never split. Use ``control()`` for ``{%p ... %}`` lines.
    """

    def __init__(
        self,
        *,
        language: str,
        title: str,
        common: dict[str, str],
        landscape: bool = False,
    ) -> None:
        self.doc = Document()
        self.common = common
        self._setup_styles(language)
        self._setup_page(landscape)
        props = self.doc.core_properties
        props.title = title
        props.language = language
        props.author = "familyplan-docs"
        props.subject = common.get("subject", "")
        props.keywords = ""
        props.comments = ""

    # --- set-up ------------------------------------------------------------------------

    def _setup_styles(self, language: str) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(4)
        normal.paragraph_format.line_spacing = 1.1
        r_pr = normal.element.get_or_add_rPr()
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            r_pr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        # the pack's language on the document defaults, so every run inherits it
        defaults = styles.element.find(qn("w:docDefaults"))
        assert defaults is not None
        rpr_default = defaults.find(qn("w:rPrDefault"))
        assert rpr_default is not None
        default_rpr = rpr_default.find(qn("w:rPr"))
        assert default_rpr is not None
        lang = default_rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            default_rpr.append(lang)
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)
        lang.set(qn("w:bidi"), "ar-SA")
        for name, size in (
            ("Title", 22),
            ("Heading 1", 15),
            ("Heading 2", 12.5),
            ("Heading 3", 11),
        ):
            style = styles[name]
            style.font.name = FONT
            style.font.size = Pt(size)
            style.font.color.rgb = ACCENT
            style.font.bold = True
            style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
            rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
            if rfonts is not None:
                for attr in list(rfonts.attrib):
                    del rfonts.attrib[attr]
                for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                    rfonts.set(qn(attr), FONT)
        title = styles["Title"]
        title.font.italic = False
        p_pr = title.element.get_or_add_pPr()
        for border in p_pr.findall(qn("w:pBdr")):
            p_pr.remove(border)
        subtitle = styles["Subtitle"]
        subtitle.font.name = FONT
        sub_fonts = subtitle.element.get_or_add_rPr().find(qn("w:rFonts"))
        if sub_fonts is not None:  # drop the theme fonts so Arial applies everywhere
            for attr in list(sub_fonts.attrib):
                del sub_fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                sub_fonts.set(qn(attr), FONT)
        subtitle.font.size = Pt(12)
        subtitle.font.italic = False
        subtitle.font.color.rgb = RGBColor(0x40, 0x40, 0x40)

    def _setup_page(self, landscape: bool) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.0))
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
        section.header_distance, section.footer_distance = Cm(1.0), Cm(0.9)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(self.common["header"])
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        mark = footer.add_run(f"{self.common['confidential']}  ·  {self.common['page']} ")
        mark.font.size = Pt(8.5)
        _field(footer, "PAGE")
        footer.add_run(f" {self.common['of']} ").font.size = Pt(8.5)
        _field(footer, "NUMPAGES")

    @property
    def text_width(self) -> float:
        """The width between the margins, in cm."""
        section = self.doc.sections[0]
        return float((section.page_width - section.left_margin - section.right_margin) / 360000)

    # --- text --------------------------------------------------------------------------

    def title(self, text: str, subtitle: str | None = None) -> None:
        """The document's title (built-in Title style), with an optional subtitle."""
        self.doc.add_paragraph(text, style="Title")
        if subtitle:
            self.doc.add_paragraph(subtitle, style="Subtitle")

    def heading(self, text: str, level: int = 1) -> None:
        """A built-in heading; keep levels in order (1, then 2 …)."""
        self.doc.add_paragraph(text, style=f"Heading {level}")

    def para(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        style: str | None = None,
        align: str | None = None,
    ) -> Paragraph:
        """A paragraph with one run (so Jinja tags inside stay whole)."""
        p = self.doc.add_paragraph(style=style)
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
        if align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def rich(self, *parts: tuple[str, bool]) -> Paragraph:
        """A paragraph of runs given as (text, bold) pairs; a tag must stay in one part."""
        p = self.doc.add_paragraph()
        for text, bold in parts:
            p.add_run(text).bold = bold or None
        return p

    def field(self, label: str, value: str) -> Paragraph:
        """``Label: value`` with the label in bold."""
        return self.rich((f"{label}: ", True), (value, False))

    def control(self, tag: str) -> None:
        """A paragraph-level Jinja line such as ``{%p if x %}`` (removed when rendered)."""
        self.doc.add_paragraph(tag)

    def bullets(self, items: Sequence[str], style: str = "List Bullet") -> None:
        """A bulleted list (built-in List Bullet style)."""
        for item in items:
            self.doc.add_paragraph(item, style=style)

    def numbered(self, items: Sequence[str]) -> None:
        """A numbered list (built-in List Number style)."""
        self.bullets(items, style="List Number")

    def bullet_loop(self, loop: str, item: str, style: str = "List Bullet") -> None:
        """One bullet per element: ``loop`` like ``g in goals``, ``item`` the bullet text."""
        self.control(f"{{%p for {loop} %}}")
        self.doc.add_paragraph(item, style=style)
        self.control("{%p endfor %}")

    def page_break(self) -> None:
        """Start a new page."""
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def image(self, expr: str) -> None:
        """A centred paragraph holding an image variable such as ``{{ network_map_image }}``."""
        p = self.doc.add_paragraph(expr)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # --- tables ------------------------------------------------------------------------

    def _table(self, cols: int, widths: Sequence[float] | None) -> Table:
        table = self.doc.add_table(rows=0, cols=cols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        if widths is None:
            widths = [self.text_width / cols] * cols
        scale = self.text_width / sum(widths)
        self._widths = [Cm(w * scale) for w in widths]
        for col, width in zip(table.columns, self._widths, strict=True):
            col.width = width
        return table

    def _add_row(self, table: Table, cells: Sequence[str], *, header: bool = False) -> _Row:
        row = table.add_row()
        _row_flag(row, "w:cantSplit")
        for cell, text, width in zip(row.cells, cells, self._widths, strict=True):
            cell.width = width
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(2)
            p.paragraph_format.line_spacing = 1.0
            run = p.add_run(text)
            run.font.size = Pt(TABLE_FONT_PT)
            if header:
                run.bold = True
                _set_cell_fill(cell, HEADER_FILL)
        if header:
            _row_flag(row, "w:tblHeader")
        return row

    def table(
        self,
        headers: Sequence[str],
        cells: Sequence[str],
        *,
        loop: str | None = None,
        widths: Sequence[float] | None = None,
    ) -> Table:
        """A table with a repeating header row and one data row per loop element.

        ``loop`` is the Jinja for-clause (``a in agreements``) and ``cells`` the data row;
        without ``loop`` the single data row is fixed. Widths are relative.
        """
        self._keep_with_table()
        table = self._table(len(headers), widths)
        self._add_row(table, headers, header=True)
        if loop:
            self._add_row(table, [f"{{%tr for {loop} %}}", *[""] * (len(headers) - 1)])
        data = self._add_row(table, cells)
        data.height = Cm(0.75)  # at least: room to write by hand on a blank form
        if loop:
            self._add_row(table, ["{%tr endfor %}", *[""] * (len(headers) - 1)])
        self.doc.add_paragraph()
        return table

    def _keep_with_table(self) -> None:
        """Keep the paragraph just before a table on the same page as the table's header."""
        body = self.doc.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1]
        if last.tag == qn("w:p"):
            Paragraph(last, self.doc._body).paragraph_format.keep_with_next = True

    def fields_table(
        self, rows: Sequence[tuple[str, str]], widths: Sequence[float] = (1, 2)
    ) -> Table:
        """A two-column table of label / value pairs, labels shaded."""
        table = self._table(2, widths)
        for label, value in rows:
            row = self._add_row(table, [label, value])
            row.cells[0].paragraphs[0].runs[0].bold = True
            _set_cell_fill(row.cells[0], LABEL_FILL)
        self.doc.add_paragraph()
        return table

    def note_box(self, label: str, *, value: str = "", height_cm: float = 4.0) -> Table:
        """A framed box with a bold label, to write in by hand (or filled with *value*)."""
        table = self._table(1, None)
        head = self._add_row(table, [label])
        head.cells[0].paragraphs[0].runs[0].bold = True
        _set_cell_fill(head.cells[0], LABEL_FILL)
        body = self._add_row(table, [value])
        body.height = Cm(height_cm)
        self.doc.add_paragraph()
        return table

    def signature(self, labels: Sequence[str]) -> Table:
        """A signature block: one column per label, a line to sign above each label."""
        table = self._table(len(labels), None)
        space = table.add_row()
        space.height = Cm(1.4)
        labels_row = table.add_row()
        for cell, label, width in zip(labels_row.cells, labels, self._widths, strict=True):
            cell.width = width
            cell.paragraphs[0].add_run(label).font.size = Pt(9)
        for cell in space.cells:
            cell.width = cell.width
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "single" if edge == "insideH" else "nil")
            el.set(qn("w:sz"), "6")
            borders.append(el)
        for existing in tbl_pr.findall(qn("w:tblBorders")):
            tbl_pr.remove(existing)
        # in the place ECMA-376 gives it (CT_TblPr): after w:tblInd, before w:shd …
        tbl_pr.insert_element_before(borders, *_AFTER_TBL_BORDERS)
        self.doc.add_paragraph()
        return table

    def save(self, path: Path) -> None:
        """Write the template; drop python-docx's empty first paragraph if unused.

        python-docx's base template also carries ``word/stylesWithEffects.xml``, an old
        copy of its en-US styles that Word 2010 wrote beside ``styles.xml``: stale here
        (it lacks every style the builder makes), so its relationship goes and with it the
        part and its content-type override, which python-docx writes only for parts it saves.
        """
        body = self.doc.element.body
        first = body[0]
        if first.tag == qn("w:p") and not "".join(first.itertext()).strip():
            body.remove(first)
        rels = self.doc.part.rels
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == _STYLES_WITH_EFFECTS]:
            del rels[r_id]
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))

    # --- forms: tick boxes, signature lines, room to write ---------------------------------
    # (added for the consent forms and the later kinds; the methods above are the house style)

    def tick_loop(self, loop: str, ticked: str, label: str) -> None:
        """One line per element of *loop*: ☒ when the Jinja test *ticked* holds, else ☐.

        ``tick_loop("d in c.department_options", "d.ticked", "{{ d.name }}")`` prints
        every option, so what was *not* agreed shows as well as what was.
        """
        self.control(f"{{%p for {loop} %}}")
        p = self.para(f"{{{{ '☒' if {ticked} else '☐' }}}}  {label}")
        p.paragraph_format.left_indent = Cm(0.3)
        p.paragraph_format.space_after = Pt(2)
        self.control("{%p endfor %}")

    def tick_row(self, options: Sequence[tuple[str, str]]) -> Paragraph:
        """Options on one line, each after its box: (label, Jinja test ticking it, or "")."""
        parts = []
        for label, ticked in options:
            box = f"{{{{ '☒' if {ticked} else '☐' }}}}" if ticked else "☐"
            parts.append(f"{box} {label}")
        return self.para("     ".join(parts))

    def signature_lines(
        self,
        headers: Sequence[str],
        cells: Sequence[str],
        *,
        loop: str,
        widths: Sequence[float],
        height_cm: float = 1.3,
    ) -> Table:
        """One row per signer (*loop*): a printed name in the first columns, and room to
        write the date and sign by hand in the last two (never filled in from data)."""
        self._keep_with_table()
        table = self._table(len(headers), widths)
        self._add_row(table, headers, header=True)
        self._add_row(table, [f"{{%tr for {loop} %}}", *[""] * (len(headers) - 1)])
        row = self._add_row(table, cells)
        row.height = Cm(height_cm)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        self._add_row(table, ["{%tr endfor %}", *[""] * (len(headers) - 1)])
        for each in table.rows[:-1]:
            for cell in each.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        self.doc.add_paragraph()
        return table

    def writing_lines(self, count: int, *, label: str = "", height_cm: float = 0.9) -> Table:
        """*count* ruled lines to write on by hand, under an optional bold *label*."""
        table = self._table(1, None)
        if label:
            head = self._add_row(table, [label])
            head.cells[0].paragraphs[0].runs[0].bold = True
        for _ in range(count):
            self._add_row(table, [""]).height = Cm(height_cm)
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "dotted" if edge in ("insideH", "bottom") else "nil")
            el.set(qn("w:sz"), "6")
            el.set(qn("w:color"), "808080")
            borders.append(el)
        for existing in tbl_pr.findall(qn("w:tblBorders")):
            tbl_pr.remove(existing)
        tbl_pr.insert_element_before(borders, *_AFTER_TBL_BORDERS)  # where ECMA-376 puts it
        self.doc.add_paragraph()
        return table

    def keep_together(self, table: Table) -> None:
        """Keep *table* on one page (each row keeps with the next)."""
        for row in list(table.rows)[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
