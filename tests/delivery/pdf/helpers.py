"""What the PDF tests share: hard texts, small documents, and synthetic tagged PDFs."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pikepdf
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from familyplan_docs.delivery.pdf.xmp import update_xmp

DANISH = "Familiens plan: Æ Ø Å æ ø å"
ARABIC = "خطة العائلة"
DUTCH = 'Gezinsplan & <IJsselmeer> "citaat"'
# pdftotext wraps right-to-left runs in directional marks; they are not part of the text.
BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def make_docx(path: Path, *paragraphs: str, pages: int = 1) -> Path:
    """Write a small .docx with a heading and ``paragraphs`` repeated on ``pages`` pages."""
    document = docx.Document()
    document.core_properties.title = f"Dokument {path.stem}"
    document.add_heading(path.stem, level=1)
    for page in range(pages):
        if page:
            document.add_page_break()
        for text in paragraphs:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def make_accessible_docx(path: Path, title: str, language: str = "da-DK") -> Path:
    """A .docx that should give a PDF passing every rule: core title, language, headings in
    order, a key/value table with header cells and a table with a header row."""
    document = docx.Document()
    document.core_properties.title = title
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    run_defaults.append(lang)
    heading_cell = document.styles.add_style("Table Heading", WD_STYLE_TYPE.PARAGRAPH)
    heading_cell.base_style = document.styles["Normal"]
    document.add_heading(title, level=1)
    document.add_paragraph(DANISH)
    document.add_heading("Aftaler", level=2)
    facts = document.add_table(rows=2, cols=2)
    facts.style = "Table Grid"
    for row, (label, value) in enumerate([("Dato", "12. januar"), ("Sted", "Rådhuset")]):
        facts.cell(row, 0).text = label
        facts.cell(row, 0).paragraphs[0].style = heading_cell
        facts.cell(row, 1).text = value
    grid = document.add_table(rows=3, cols=2)
    grid.style = "Table Grid"
    header = grid.rows[0]._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    header.append(mark)
    for row, cells in enumerate([("Hvem", "Hvad"), ("Anna", "Ringer"), ("Bo", "Skriver")]):
        for column, text in enumerate(cells):
            grid.cell(row, column).text = text
    document.add_heading("Netværk", level=2)
    document.add_paragraph(DUTCH)
    document.save(str(path))
    return path


def make_xlsx(folder: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Mål", "Hvornår", "Timer"])
    sheet.append([DANISH, date(2025, 3, 14), 4.5])
    sheet.append([ARABIC, date(2025, 12, 31), 12])
    path = folder / "plan.xlsx"
    workbook.save(path)
    workbook.close()
    return path


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").translate(BIDI_MARKS)


# -- synthetic tagged PDFs for the checker -------------------------------------------------------

Node = tuple[str, Any]
"""A structure element to build: (type, children) where a child is a Node, an MCID (int)
or, for a Figure, the alt text (str); TH/TD children may be {"scope": "Row"}."""

GOOD_XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Familiens plan</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>"""


def tagged_pdf(
    path: Path,
    tree: Sequence[Node],
    *,
    texts: Sequence[tuple[str, str]] = (("Helvetica", "Familiens plan"),),
    xmp: str = GOOD_XMP,
    lang: str | None = "da-DK",
    marked: bool = True,
    display_title: bool = True,
    describe: bool = True,
) -> Path:
    """A one-page tagged PDF: *texts* are shown as marked content MCID 0, 1, … each in its
    font, and *tree* is the structure below /Document. Not embedded fonts: the checker
    reports them, and tests look at the rules they are about. *describe* adds the extension
    schemas PDF/A needs to the XMP (:func:`update_xmp`)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    fonts = pikepdf.Dictionary()
    lines = []
    for number, (font, text) in enumerate(texts):
        name = f"/F{number}"
        fonts[name] = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name(f"/{font}"),
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        lines.append(
            f"/P <</MCID {number}>> BDC BT {name} 12 Tf 72 {700 - 20 * number} Td "
            f"({escaped}) Tj ET EMC"
        )
    page.obj.Resources = pikepdf.Dictionary(Font=fonts)
    page.obj.Contents = pdf.make_stream("\n".join(lines).encode("latin-1"))
    page.obj.StructParents = 0
    parents = pikepdf.Array([None] * len(texts))
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))

    def build(node: Node, parent: pikepdf.Dictionary) -> pikepdf.Dictionary:
        kind, children = node
        element = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(f"/{kind}"), P=parent)
        )
        kids = pikepdf.Array()
        for child in children:
            if isinstance(child, int):
                kids.append(child)
                element.Pg = page.obj
                parents[child] = element
            elif isinstance(child, str):
                element.Alt = pikepdf.String(child)
            elif isinstance(child, dict):
                element.A = pikepdf.Dictionary(
                    O=pikepdf.Name.Table, Scope=pikepdf.Name(f"/{child['scope']}")
                )
            else:
                kids.append(build(child, element))
        element.K = kids
        return element

    document = build(("Document", list(tree)), root)
    root.K = document
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array([0, parents])))
    root.ParentTreeNextKey = 1
    pdf.Root.StructTreeRoot = root
    if marked:
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    if lang:
        pdf.Root.Lang = pikepdf.String(lang)
    if display_title:
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    packet = f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>{xmp}<?xpacket end="w"?>'
    data = update_xmp(packet.encode("utf-8")) if describe else packet.encode("utf-8")
    pdf.Root.Metadata = pdf.make_stream(data, Type=pikepdf.Name.Metadata)
    pdf.Root.Metadata.Subtype = pikepdf.Name.XML
    icc = pdf.make_stream(b"not a real profile", N=3)
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, DestOutputProfile=icc
            )
        ]
    )
    pdf.docinfo["/Title"] = "Familiens plan"
    pdf.save(path, compress_streams=False)
    return path
