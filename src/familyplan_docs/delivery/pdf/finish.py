"""Finishing a PDF LibreOffice wrote: proof of PDF/A + PDF/UA, provenance, table header scope.

LibreOffice 7.4 writes PDF/A-2b marked PDF/UA-1, with three gaps this step closes in one
pikepdf pass (about 15 ms a document):

* it ignores a misspelt or untyped export option without an error, so a PDF without its
  ``pdfaid``/``pdfuaid`` identification is treated as a failed conversion;
* it writes ``pdfuaid`` without the extension schema PDF/A requires (fixed in 24.2);
* it gives every header cell ``/Scope /Column``, also the label cells of a key/value row,
  which get ``/Scope /Row`` here.

LibreOffice 7.4 also escapes ``&``, ``<`` and ``>`` twice in the XMP title (``&amp;amp;``),
which is repaired from the document information dictionary. A compressed stream whose data
ends in a carriage return reads, to a strict validator, as one byte shorter than its
``/Length`` (the CR looks like part of the line end before ``endstream``); such streams
(about one font program in twenty documents) are stored uncompressed.

The document's provenance (its custom properties, :mod:`familyplan_docs.render.provenance`;
LibreOffice does not carry them into the PDF) goes into the XMP with its own extension
schema, so the file stays valid PDF/A.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import cast

import pikepdf
from defusedxml import ElementTree as SafeElementTree

from ... import _ooxml
from ..._errors import ConversionError
from ...render.provenance import CUSTOM_PART, PROPERTY_PREFIX, PROVENANCE_KEYS
from .xmp import PDFAID, PDFUAID, XmpError, parse_xmp, simple_values, update_xmp

__all__ = [
    "docx_provenance",
    "end_streams_without_cr",
    "finish_pdf",
    "fix_table_scopes",
    "struct_kids",
]

_CUSTOM_LIMIT = 1024 * 1024
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def docx_provenance(document: Path) -> dict[str, str]:
    """The provenance custom properties of a .docx (empty when it has none or is no .docx)."""
    if document.suffix.lower() != ".docx":
        return {}
    try:
        with _ooxml.open_package(document) as archive:
            info = archive.getinfo(CUSTOM_PART)
            data = _ooxml.read_part(archive, info, _CUSTOM_LIMIT)
        root = SafeElementTree.fromstring(data)
    except (KeyError, _ooxml.PackageProblem, *_ooxml.DAMAGED):
        return {}
    except Exception:  # defusedxml refusals and parse errors: no provenance to carry
        return {}
    values = {}
    for prop in root.iter(f"{_CUSTOM_NS}property"):
        name = prop.get("name") or ""
        key = name.removeprefix(PROPERTY_PREFIX)
        if name.startswith(PROPERTY_PREFIX) and key in PROVENANCE_KEYS and len(prop):
            values[key] = (prop[0].text or "").strip()
    return values


_DICTIONARY = pikepdf.ObjectType.dictionary


def struct_kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The structure elements below *element* (marked-content and object references left out)."""
    kids = element.get("/K")
    # type codes, not isinstance with pikepdf's Dictionary (slow): trees have thousands
    if not isinstance(kids, pikepdf.Object):
        return []  # None, or a single MCID
    items = [kids] if kids._type_code == _DICTIONARY else kids
    if kids._type_code not in (_DICTIONARY, pikepdf.ObjectType.array):
        return []
    return [
        cast(pikepdf.Dictionary, kid)
        for kid in items
        if isinstance(kid, pikepdf.Object)
        and kid._type_code == _DICTIONARY
        and "/S" in kid
        and kid.get("/Type") not in (pikepdf.Name.MCR, pikepdf.Name.OBJR)
    ]


def _attributes(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    value = element.get("/A")
    if isinstance(value, pikepdf.Dictionary):
        return [value]
    if isinstance(value, pikepdf.Array):
        return [a for a in value if isinstance(a, pikepdf.Dictionary)]
    return []


_NO_TABLES_BELOW = frozenset(
    {"/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Span", "/Link", "/Figure"}
    | {"/Formula", "/Lbl", "/Quote", "/Note", "/Code"}
)
"""Structure types below which no table is looked for."""


def _rows(root: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    """The table rows (TR) of the structure tree, not looking inside paragraphs and the like."""
    role_map = root.get("/RoleMap")
    roles = {str(k): str(v) for k, v in role_map.items()} if role_map is not None else {}
    stack = struct_kids(root)
    seen: set[tuple[int, int]] = set()
    while stack:
        element = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        raw = str(element.get("/S"))
        tag = roles.get(raw, raw)
        if tag == "/TR":
            yield element
            stack.extend(c for c in struct_kids(element) if c.get("/S") in ("/TH", "/TD"))
        elif tag not in _NO_TABLES_BELOW:
            stack.extend(struct_kids(element))


def fix_table_scopes(pdf: pikepdf.Pdf) -> int:
    """Give header cells in rows that also hold data cells ``/Scope /Row``; return how many."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return 0
    changed = 0
    for element in _rows(root):
        cells = struct_kids(element)
        tags = {cell.get("/S") for cell in cells}
        if pikepdf.Name.TH not in tags or pikepdf.Name.TD not in tags:
            continue
        for cell in cells:
            if cell.get("/S") != pikepdf.Name.TH:
                continue
            attributes = _attributes(cell)
            table = next((a for a in attributes if a.get("/O") == pikepdf.Name.Table), None)
            if table is None:
                table = pikepdf.Dictionary(O=pikepdf.Name.Table)
                cell.A = pikepdf.Array([*attributes, table]) if attributes else table
            if table.get("/Scope") != pikepdf.Name.Row:
                table.Scope = pikepdf.Name.Row
                changed += 1
    return changed


def end_streams_without_cr(pdf: pikepdf.Pdf) -> int:
    """Store every Flate stream whose compressed data ends in CR uncompressed (when its data
    does not end in CR itself); return how many were changed.

    The last bytes of a Flate stream are the checksum of its data, so compressing again
    cannot change them. Save the file with ``compress_streams=False`` to keep it so (what
    LibreOffice wrote is compressed already).
    """
    changed = 0
    for obj in pdf.objects:
        # the type code, not isinstance: this loop sees every object of the file
        if not isinstance(obj, pikepdf.Object) or obj._type_code != pikepdf.ObjectType.stream:
            continue  # (indirect integers come as Python ints)
        if obj.get("/Filter") != pikepdf.Name.FlateDecode:
            continue
        if "/DecodeParms" in obj or not obj.read_raw_bytes().endswith(b"\r"):
            continue
        data = obj.read_bytes()
        if not data.endswith(b"\r"):
            obj.write(data)  # no filter: the data as it is
            changed += 1
    return changed


def _check_identification(values: Mapping[str, str], name: str) -> None:
    part = values.get(f"{{{PDFAID}}}part")
    conformance = values.get(f"{{{PDFAID}}}conformance")
    ua = values.get(f"{{{PDFUAID}}}part")
    if part not in ("2", "3") or conformance not in ("A", "B", "U") or ua != "1":
        raise ConversionError(
            f"{name}: LibreOffice did not write PDF/A-2 + PDF/UA-1 (pdfaid:part={part!r}, "
            f"pdfaid:conformance={conformance!r}, pdfuaid:part={ua!r}); it ignores export "
            "options it does not know, so this LibreOffice may be too old (7.4 or later "
            "is needed)"
        )


def finish_pdf(path: Path, *, provenance: Mapping[str, str] | None = None) -> None:
    """Check and finish the PDF at *path* in place (see the module docstring).

    Raises :class:`ConversionError` naming the file when it is not a readable PDF/A-2 +
    PDF/UA-1 as LibreOffice writes it.
    """
    try:
        pdf = pikepdf.open(path, allow_overwriting_input=True)
    except (pikepdf.PdfError, OSError) as exc:
        raise ConversionError(f"{path.name}: LibreOffice wrote no readable PDF: {exc}") from None
    with pdf:
        metadata = pdf.Root.get("/Metadata")
        if not isinstance(metadata, pikepdf.Stream):
            _check_identification({}, path.name)
            return
        try:
            packet = metadata.read_bytes()
            _check_identification(simple_values(parse_xmp(packet)), path.name)
            info = {str(k): str(v) for k, v in pdf.docinfo.items() if isinstance(v, pikepdf.String)}
            metadata.write(update_xmp(packet, provenance=provenance or None, info=info))
        except XmpError as exc:
            raise ConversionError(f"{path.name}: {exc}") from None
        fix_table_scopes(pdf)
        end_streams_without_cr(pdf)
        # keep the header version, the /ID and the XMP as written (no pikepdf metadata sync)
        pdf.save(path, fix_metadata_version=False, compress_streams=False)
