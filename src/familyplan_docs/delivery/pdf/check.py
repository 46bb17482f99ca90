"""A structural check of PDF/A-2 + PDF/UA-1 with pikepdf: what can be verified without veraPDF.

:func:`check_pdf` returns one :class:`Finding` per problem, each with a rule id (see
:data:`RULES`), in about 10–30 ms a document. It is not a conformance validator: it checks
the identification, metadata, catalog, fonts and the structure tree (:mod:`.check_tags`),
and leaves out what only a full validator sees — colour spaces, transparency, glyph widths,
whether all content is tagged, reading order, and whether the alt texts and header cells
are the right ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ...render.provenance import PROVENANCE_KEYS
from .check_tags import check_tags
from .xmp import (
    DC,
    PDFAID,
    PDFUAID,
    PROVENANCE_NS,
    XmpError,
    declared_namespaces,
    parse_xmp,
    simple_values,
    title_of,
    used_namespaces,
)

__all__ = ["RULES", "Finding", "check_pdf"]

RULES: dict[str, str] = {
    "file": "opens, not encrypted, no document JavaScript, has a file /ID",
    "pdfa-id": "XMP pdfaid:part 1-3 and pdfaid:conformance A/B/U",
    "pdfa-output-intent": "a GTS_PDFA1 output intent with an ICC profile",
    "pdfa-xmp": "XMP stream unfiltered and well-formed; Info /Title equals dc:title",
    "pdfa-extension-schema": "every XMP namespace used is predefined or described",
    "pdfua-id": "XMP pdfuaid:part 1",
    "title": "dc:title present, not a file name",
    "display-doc-title": "/ViewerPreferences /DisplayDocTitle true",
    "mark-info": "/MarkInfo /Marked true, no /Suspects",
    "struct-tree": "a /StructTreeRoot with /K and /ParentTree; each page with content tagged",
    "lang": "catalog /Lang is a language tag",
    "fonts-embedded": "every font used is embedded",
    "fonts-unicode": "every font maps to Unicode",
    "role-map": "every structure type is standard or role-mapped to one",
    "figure-alt": "every Figure and Formula has /Alt or /ActualText",
    "table-rows": "every Table has rows, no empty row, rows of equal width",
    "table-header": "every Table has header cells (TH)",
    "table-header-scope": "every TH has /Scope or /Headers",
    "headings": "the document has headings H1-H6",
    "heading-order": "the first heading is H1, no level skipped, no plain H mixed in",
    "bold-paragraphs": "no short paragraph set all in bold (a heading without a heading style)",
    "annotations": "annotations tagged, links described, pages with annotations /Tabs /S",
    "provenance": "the provenance values in the XMP",
}
"""Every rule :func:`check_pdf` reports on, with what it checks."""

_PREDEFINED = {
    "http://purl.org/dc/elements/1.1/",
    "http://ns.adobe.com/xap/1.0/",
    "http://ns.adobe.com/xap/1.0/rights/",
    "http://ns.adobe.com/xap/1.0/mm/",
    "http://ns.adobe.com/xap/1.0/bj/",
    "http://ns.adobe.com/xap/1.0/t/pg/",
    "http://ns.adobe.com/xap/1.0/g/img/",
    "http://ns.adobe.com/pdf/1.3/",
    "http://ns.adobe.com/photoshop/1.0/",
    "http://ns.adobe.com/tiff/1.0/",
    "http://ns.adobe.com/exif/1.0/",
    "http://ns.adobe.com/exif/1.0/aux/",
    "http://www.aiim.org/pdfa/ns/id/",
    "http://www.aiim.org/pdfa/ns/extension/",
    "http://www.aiim.org/pdfa/ns/schema#",
    "http://www.aiim.org/pdfa/ns/property#",
    "http://www.aiim.org/pdfa/ns/type#",
    "http://www.aiim.org/pdfa/ns/field#",
}
"""XMP schemas PDF/A (ISO 19005-2, 6.6.2.3) treats as predefined."""

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_STANDARD_ENCODINGS = {"/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding"}
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class Finding:
    """One problem: the rule it breaks (a key of :data:`RULES`) and what was found."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def check_pdf(
    path: str | Path,
    *,
    pdfa: bool = True,
    pdfua: bool = True,
    provenance: bool = False,
    bold_paragraphs: bool = True,
) -> list[Finding]:
    """Return the problems found in the PDF at *path*; an empty list when every check passed.

    *pdfa* and *pdfua* switch the rules of each part; *provenance* asks for the
    provenance values in the XMP; *bold_paragraphs* runs the heuristic for headings
    written as bold paragraphs.
    """
    path = Path(path)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return [Finding("file", "encrypted with a password")]
    except (pikepdf.PdfError, OSError) as exc:
        return [Finding("file", f"cannot be opened: {exc}")]
    with pdf:
        found: list[Finding] = []
        _check_file(pdf, found, pdfa)
        _check_xmp(pdf, path, found, pdfa=pdfa, pdfua=pdfua, provenance=provenance)
        if pdfua:
            _check_catalog(pdf, found)
        _check_fonts(pdf, found)
        if pdfua:
            found += [Finding(rule, message) for rule, message in check_tags(pdf, bold_paragraphs)]
            _check_annotations(pdf, found)
        return found


def _check_file(pdf: pikepdf.Pdf, found: list[Finding], pdfa: bool) -> None:
    if pdf.is_encrypted:
        found.append(Finding("file", "encrypted (PDF/A forbids it)"))
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        found.append(Finding("file", "document-level JavaScript (PDF/A forbids it)"))
    if not pdfa:
        return
    if "/ID" not in pdf.trailer:
        found.append(Finding("file", "the trailer has no /ID"))
    intents = pdf.Root.get("/OutputIntents")
    pdfa_intents = [
        intent
        for intent in (intents if isinstance(intents, pikepdf.Array) else [])
        if isinstance(intent, pikepdf.Dictionary) and intent.get("/S") == "/GTS_PDFA1"
    ]
    if not pdfa_intents:
        found.append(Finding("pdfa-output-intent", "no output intent /GTS_PDFA1"))
    elif not all(isinstance(i.get("/DestOutputProfile"), pikepdf.Stream) for i in pdfa_intents):
        found.append(
            Finding("pdfa-output-intent", "the GTS_PDFA1 output intent has no ICC profile")
        )


def _check_xmp(
    pdf: pikepdf.Pdf, path: Path, found: list[Finding], *, pdfa: bool, pdfua: bool, provenance: bool
) -> None:
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        found.append(Finding("pdfa-xmp" if pdfa else "title", "the catalog has no XMP /Metadata"))
        return
    if pdfa and "/Filter" in stream:
        found.append(Finding("pdfa-xmp", "the XMP stream is compressed (/Filter)"))
    try:
        root = parse_xmp(stream.read_bytes())
    except (XmpError, pikepdf.PdfError) as exc:
        found.append(Finding("pdfa-xmp", f"the XMP cannot be read: {exc}"))
        return
    values = simple_values(root)
    if pdfa:
        part, conformance = values.get(f"{{{PDFAID}}}part"), values.get(f"{{{PDFAID}}}conformance")
        if part not in ("1", "2", "3") or conformance not in ("A", "B", "U"):
            found.append(Finding("pdfa-id", f"pdfaid:part={part!r} conformance={conformance!r}"))
        for namespace in sorted(used_namespaces(root) - _PREDEFINED - declared_namespaces(root)):
            found.append(Finding("pdfa-extension-schema", f"{namespace} is used undescribed"))
    if pdfua and values.get(f"{{{PDFUAID}}}part") != "1":
        found.append(Finding("pdfua-id", f"pdfuaid:part={values.get(f'{{{PDFUAID}}}part')!r}"))
    title = title_of(root)
    if not title:
        found.append(Finding("title", "no dc:title"))
    elif title in (path.name, path.stem) or re.search(r"\.(docx?|odt|pdf)$", title, re.I):
        found.append(Finding("title", f"dc:title {title!r} is a file name"))
    info = pdf.trailer.get("/Info")
    info_title = info.get("/Title") if isinstance(info, pikepdf.Dictionary) else None
    if pdfa and title and info_title is not None and str(info_title) != title:
        found.append(Finding("pdfa-xmp", f"Info /Title {str(info_title)!r} is not dc:title"))
    if provenance:
        for key in PROVENANCE_KEYS:
            if not values.get(f"{{{PROVENANCE_NS}}}{key}"):
                found.append(Finding("provenance", f"the XMP has no {key}"))
    if f"{{{DC}}}title" in values:  # a title written as a simple value is not a language Alt
        found.append(Finding("pdfa-xmp", "dc:title is not a language alternative"))


def _true(value: object) -> bool:
    """Whether a PDF value is the boolean true (pikepdf gives PDF booleans as Python's)."""
    return isinstance(value, bool) and value


def _check_catalog(pdf: pikepdf.Pdf, found: list[Finding]) -> None:
    root = pdf.Root
    mark = root.get("/MarkInfo")
    if not isinstance(mark, pikepdf.Dictionary) or not _true(mark.get("/Marked")):
        found.append(Finding("mark-info", "/MarkInfo /Marked is not true"))
    elif _true(mark.get("/Suspects")):
        found.append(Finding("mark-info", "/MarkInfo /Suspects is true"))
    lang = str(root.get("/Lang") or "").strip()
    if not lang:
        found.append(Finding("lang", "the catalog has no /Lang"))
    elif not _LANG.match(lang):
        found.append(Finding("lang", f"/Lang {lang!r} is not a language tag"))
    prefs = root.get("/ViewerPreferences")
    if not isinstance(prefs, pikepdf.Dictionary) or not _true(prefs.get("/DisplayDocTitle")):
        found.append(Finding("display-doc-title", "/DisplayDocTitle is not true"))
    tree = root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        found.append(Finding("struct-tree", "no /StructTreeRoot (an untagged PDF)"))
        return
    for key in ("/K", "/ParentTree"):
        if key not in tree:
            found.append(Finding("struct-tree", f"the /StructTreeRoot has no {key}"))


def _resources(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """(where, resources) of the pages, their form XObjects, Type3 fonts and annotations."""
    seen: set[tuple[int, int]] = set()

    def visit(where: str, resources: object) -> Iterator[tuple[str, pikepdf.Dictionary]]:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        yield where, resources
        xobjects = resources.get("/XObject")
        for name, xobject in xobjects.items() if isinstance(xobjects, pikepdf.Dictionary) else []:
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                yield from visit(f"{where}, form {name}", xobject.get("/Resources"))
        fonts = resources.get("/Font")
        for name, font in fonts.items() if isinstance(fonts, pikepdf.Dictionary) else []:
            if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == "/Type3":
                yield from visit(f"{where}, Type3 font {name}", font.get("/Resources"))

    for number, page in enumerate(pdf.pages, start=1):
        yield from visit(f"page {number}", page.obj.get("/Resources"))
        annotations = page.obj.get("/Annots")
        for annotation in annotations if isinstance(annotations, pikepdf.Array) else []:
            appearance = (
                annotation.get("/AP") if isinstance(annotation, pikepdf.Dictionary) else None
            )
            if not isinstance(appearance, pikepdf.Dictionary):
                continue
            for key in ("/N", "/R", "/D"):
                entry = appearance.get(key)
                streams = [entry] if isinstance(entry, pikepdf.Stream) else []
                if isinstance(entry, pikepdf.Dictionary) and not isinstance(entry, pikepdf.Stream):
                    streams = [s for s in entry.values() if isinstance(s, pikepdf.Stream)]
                for stream in streams:
                    yield from visit(f"page {number}, annotation", stream.get("/Resources"))


def _check_fonts(pdf: pikepdf.Pdf, found: list[Finding]) -> None:
    reported: set[tuple[str, str]] = set()
    for where, resources in _resources(pdf):
        fonts = resources.get("/Font")
        for font in fonts.values() if isinstance(fonts, pikepdf.Dictionary) else []:
            if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") == "/Type3":
                continue
            base = str(font.get("/BaseFont", "?"))
            target: object = font
            if font.get("/Subtype") == "/Type0":
                descendants = font.get("/DescendantFonts")
                target = descendants[0] if isinstance(descendants, pikepdf.Array) else None
            descriptor = (
                target.get("/FontDescriptor") if isinstance(target, pikepdf.Dictionary) else None
            )
            embedded = isinstance(descriptor, pikepdf.Dictionary) and any(
                key in descriptor for key in _FONT_FILES
            )
            if not embedded and ("embedded", base) not in reported:
                reported.add(("embedded", base))
                found.append(Finding("fonts-embedded", f"{base} ({where}) is not embedded"))
            unicode = "/ToUnicode" in font or (
                font.get("/Subtype") != "/Type0"
                and str(font.get("/Encoding")) in _STANDARD_ENCODINGS
            )
            if not unicode and ("unicode", base) not in reported:
                reported.add(("unicode", base))
                found.append(Finding("fonts-unicode", f"{base} ({where}) has no ToUnicode map"))


def _check_annotations(pdf: pikepdf.Pdf, found: list[Finding]) -> None:
    for number, page in enumerate(pdf.pages, start=1):
        annotations = page.obj.get("/Annots")
        visible = [
            a
            for a in (annotations if isinstance(annotations, pikepdf.Array) else [])
            if isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") != "/Popup"
        ]
        if visible and page.obj.get("/Tabs") != "/S":
            found.append(Finding("annotations", f"page {number} has annotations but no /Tabs /S"))
        for annotation in visible:
            kind = str(annotation.get("/Subtype"))
            if "/StructParent" not in annotation:
                found.append(
                    Finding("annotations", f"a {kind} annotation on page {number} is not tagged")
                )
            if kind == "/Link" and not str(annotation.get("/Contents") or "").strip():
                found.append(Finding("annotations", f"a link on page {number} has no /Contents"))
