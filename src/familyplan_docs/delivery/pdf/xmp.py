"""The XMP metadata packet of a PDF/A: reading it, and the few changes the project makes.

PDF/A allows only XMP properties whose schema is predefined or described in the packet's
``pdfaExtension:schemas``. LibreOffice before 24.2 writes ``pdfuaid:part`` without
describing its schema (tdf#157517), which makes its PDF/A-2b + PDF/UA-1 output invalid
PDF/A; :func:`update_xmp` adds that description, and the project's provenance properties
with their own description. The packet is parsed and written with lxml (pikepdf's XMP
editor cannot write the nested extension schema structures).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping

from lxml import etree

__all__ = [
    "DC",
    "PDFAID",
    "PDFUAID",
    "PROVENANCE_NS",
    "PROVENANCE_PREFIX",
    "PROVENANCE_PROPERTIES",
    "RDF",
    "XmpError",
    "declared_namespaces",
    "parse_xmp",
    "simple_values",
    "title_of",
    "update_xmp",
    "used_namespaces",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
PDF = "http://ns.adobe.com/pdf/1.3/"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
XML = "http://www.w3.org/XML/1998/namespace"
X_META = "adobe:ns:meta/"

PROVENANCE_NS = "https://familyplan-docs.example/ns/provenance/1/"
"""The project's XMP namespace for provenance (the schema ``$id`` lives beside it)."""
PROVENANCE_PREFIX = "fpdocs"
PROVENANCE_PROPERTIES: dict[str, str] = {
    "libraryVersion": "Version of familyplan-docs that rendered the document",
    "pack": "Name of the template pack",
    "packVersion": "Version of the template pack",
    "templateSha256": "SHA-256 of the template file the document was rendered from",
    "planSchemaVersion": "Version of the plan schema the library reads",
}
"""The provenance properties (all Text) and their descriptions in the extension schema."""

_PDFUAID_SCHEMA = (
    "PDF/UA identification schema",
    [
        ("part", "Integer", "PDF/UA version identifier"),
        ("amd", "Text", "PDF/UA amendment identifier"),
        ("corr", "Text", "PDF/UA corrigenda identifier"),
    ],
)
_PACKET_HEAD = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_PACKET_TAIL = b'<?xpacket end="w"?>'
_PADDING = (b" " * 99 + b"\n") * 20  # room for in-place edits, as XMP writers leave
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)


class XmpError(ValueError):
    """The XMP packet cannot be read."""


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def parse_xmp(packet: bytes) -> etree._Element:
    """Parse an XMP packet (with or without its ``<?xpacket?>`` wrapper); XmpError if broken."""
    try:
        root = etree.fromstring(packet.strip(b"\x00 \r\n\t"), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise XmpError(f"the XMP packet is not well-formed XML: {exc}") from None
    if root.tag != _q(RDF, "RDF") and root.find(_q(RDF, "RDF")) is None:
        raise XmpError("the XMP packet has no rdf:RDF element")
    return root


def _rdf(root: etree._Element) -> etree._Element:
    found = root if root.tag == _q(RDF, "RDF") else root.find(_q(RDF, "RDF"))
    assert found is not None  # parse_xmp checked it
    return found


def _descriptions(root: etree._Element) -> Iterator[etree._Element]:
    yield from _rdf(root).iterfind(_q(RDF, "Description"))


def simple_values(root: etree._Element) -> dict[str, str]:
    """Every simple property of the packet, as ``{namespace}name`` → text.

    Properties written as attributes of ``rdf:Description`` and as child elements both count.
    """
    values: dict[str, str] = {}
    for description in _descriptions(root):
        for name, value in description.attrib.items():
            if not name.startswith(f"{{{RDF}}}"):
                values[name] = value
        for child in description:
            if isinstance(child.tag, str) and len(child) == 0:
                values[child.tag] = (child.text or "").strip()
    return values


def title_of(root: etree._Element) -> str:
    """The ``dc:title`` (its ``x-default`` entry, else its first), or "" when there is none."""
    for description in _descriptions(root):
        title = description.find(_q(DC, "title"))
        if title is None:
            continue
        entries = title.findall(f"{_q(RDF, 'Alt')}/{_q(RDF, 'li')}")
        for entry in entries:
            if entry.get(_q(XML, "lang")) == "x-default":
                return (entry.text or "").strip()
        if entries:
            return (entries[0].text or "").strip()
    return ""


def used_namespaces(root: etree._Element) -> set[str]:
    """The namespaces of every property the packet uses (the top-level ones)."""
    used: set[str] = set()
    for description in _descriptions(root):
        for name in description.attrib:
            if name.startswith("{") and not name.startswith(f"{{{RDF}}}"):
                used.add(name[1:].split("}", 1)[0])
        for child in description:
            if isinstance(child.tag, str) and child.tag.startswith("{"):
                used.add(child.tag[1:].split("}", 1)[0])
    return used


def declared_namespaces(root: etree._Element) -> set[str]:
    """The namespaces described in ``pdfaExtension:schemas``."""
    return {(e.text or "").strip() for e in root.iter(_q(PDFA_SCHEMA, "namespaceURI"))}


def _describe(
    bag: etree._Element, namespace: str, prefix: str, schema: str, props: list[tuple[str, str, str]]
) -> None:
    item = etree.SubElement(bag, _q(RDF, "li"))
    item.set(_q(RDF, "parseType"), "Resource")
    etree.SubElement(item, _q(PDFA_SCHEMA, "schema")).text = schema
    etree.SubElement(item, _q(PDFA_SCHEMA, "namespaceURI")).text = namespace
    etree.SubElement(item, _q(PDFA_SCHEMA, "prefix")).text = prefix
    sequence = etree.SubElement(etree.SubElement(item, _q(PDFA_SCHEMA, "property")), _q(RDF, "Seq"))
    for name, value_type, description in props:
        prop = etree.SubElement(sequence, _q(RDF, "li"))
        prop.set(_q(RDF, "parseType"), "Resource")
        etree.SubElement(prop, _q(PDFA_PROPERTY, "name")).text = name
        etree.SubElement(prop, _q(PDFA_PROPERTY, "valueType")).text = value_type
        etree.SubElement(prop, _q(PDFA_PROPERTY, "category")).text = "internal"
        etree.SubElement(prop, _q(PDFA_PROPERTY, "description")).text = description


def _extension_bag(rdf: etree._Element) -> etree._Element:
    bag = rdf.find(f".//{_q(PDFA_EXTENSION, 'schemas')}/{_q(RDF, 'Bag')}")
    if bag is not None:
        return bag
    nsmap = {"pdfaExtension": PDFA_EXTENSION, "pdfaSchema": PDFA_SCHEMA}
    nsmap["pdfaProperty"] = PDFA_PROPERTY
    description = etree.SubElement(rdf, _q(RDF, "Description"), nsmap=nsmap)
    description.set(_q(RDF, "about"), "")
    return etree.SubElement(
        etree.SubElement(description, _q(PDFA_EXTENSION, "schemas")), _q(RDF, "Bag")
    )


def _set_title(rdf: etree._Element, title: str) -> None:
    for description in rdf.iterfind(_q(RDF, "Description")):
        for old in description.findall(_q(DC, "title")):
            description.remove(old)
    description = etree.SubElement(rdf, _q(RDF, "Description"), nsmap={"dc": DC})
    description.set(_q(RDF, "about"), "")
    alt = etree.SubElement(etree.SubElement(description, _q(DC, "title")), _q(RDF, "Alt"))
    entry = etree.SubElement(alt, _q(RDF, "li"))
    entry.set(_q(XML, "lang"), "x-default")
    entry.text = title


_INFO_IN_XMP = {
    "/Title": f"{{{DC}}}title",
    "/Author": f"{{{DC}}}creator",
    "/Subject": f"{{{DC}}}description",
    "/Keywords": f"{{{PDF}}}Keywords",
}


def _repair_escaping(rdf: etree._Element, info: Mapping[str, str]) -> None:
    """LibreOffice 7.4 escapes ``&``, ``<`` and ``>`` twice in the XMP copies of the document
    information (``&amp;amp;``): put back the text the Info dictionary holds, where unescaping
    once more gives exactly that text."""
    for key, tag in _INFO_IN_XMP.items():
        expected = info.get(key)
        if not expected:
            continue
        for element in rdf.iter(tag):
            targets = list(element.iter(_q(RDF, "li"))) or [element]
            for target in targets:
                text = target.text or ""
                if text != expected and html.unescape(text) == expected:
                    target.text = expected


def update_xmp(
    packet: bytes,
    *,
    provenance: Mapping[str, str] | None = None,
    title: str | None = None,
    info: Mapping[str, str] | None = None,
) -> bytes:
    """Return *packet* fit for PDF/A, with the provenance values and title given.

    Adds the extension schema description of ``pdfuaid`` when the packet uses it and none
    is there, and of the provenance namespace when *provenance* is given (its keys must be
    :data:`PROVENANCE_PROPERTIES`; values replace earlier ones). *title* replaces
    ``dc:title``. *info* (the Info dictionary: ``/Title`` …) repairs text LibreOffice
    escaped twice. The result is a complete, padded ``<?xpacket?>``. XmpError if the packet
    cannot be read; ValueError for an unknown provenance key.
    """
    unknown = sorted(set(provenance or {}) - set(PROVENANCE_PROPERTIES))
    if unknown:
        raise ValueError(f"unknown provenance properties: {', '.join(unknown)}")
    root = parse_xmp(packet)
    rdf = _rdf(root)
    declared = declared_namespaces(root)
    wanted: list[tuple[str, str, str, list[tuple[str, str, str]]]] = []
    if PDFUAID in used_namespaces(root) and PDFUAID not in declared:
        wanted.append((PDFUAID, "pdfuaid", *_PDFUAID_SCHEMA))
    if provenance and PROVENANCE_NS not in declared:
        props = [(name, "Text", text) for name, text in PROVENANCE_PROPERTIES.items()]
        wanted.append((PROVENANCE_NS, PROVENANCE_PREFIX, "familyplan-docs provenance", props))
    if wanted:
        bag = _extension_bag(rdf)
        for namespace, prefix, schema, props in wanted:
            _describe(bag, namespace, prefix, schema, props)
    if provenance:
        for description in rdf.iterfind(_q(RDF, "Description")):
            for child in list(description):
                if isinstance(child.tag, str) and child.tag.startswith(f"{{{PROVENANCE_NS}}}"):
                    description.remove(child)
        nsmap = {PROVENANCE_PREFIX: PROVENANCE_NS}
        description = etree.SubElement(rdf, _q(RDF, "Description"), nsmap=nsmap)
        description.set(_q(RDF, "about"), "")
        for name in PROVENANCE_PROPERTIES:
            if name in provenance:
                etree.SubElement(description, _q(PROVENANCE_NS, name)).text = provenance[name]
    if info:
        _repair_escaping(rdf, info)
    if title is not None:
        _set_title(rdf, title)
    etree.cleanup_namespaces(root)
    body: bytes = etree.tostring(root, encoding="utf-8")
    return _PACKET_HEAD + body + b"\n" + _PADDING + _PACKET_TAIL
