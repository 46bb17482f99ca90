"""Provenance: what made a document, written into its custom properties (``docProps/custom.xml``).

Every rendered .docx says which library version rendered it, with which pack (name and
version), from which template file (its SHA-256) and for which plan schema version. Word
shows them under File › Properties › Custom; the PDF step copies them into the PDF's XMP
(:mod:`familyplan_docs.delivery.pdf.finish`). Both engines add them the same way, on the
zip's parts: :func:`with_provenance` changes ``docProps/custom.xml`` (kept with any other
custom property the template has), the package relationships and the content types.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from lxml import etree

from .._version import __version__
from ..model.version import SCHEMA_VERSION
from ..packs.pack import Pack

__all__ = [
    "CUSTOM_PART",
    "PROPERTY_PREFIX",
    "PROVENANCE_KEYS",
    "add_provenance_to_zip",
    "library_version",
    "provenance",
    "read_custom_properties",
    "with_provenance",
]

PROVENANCE_KEYS = ("libraryVersion", "pack", "packVersion", "templateSha256", "planSchemaVersion")
"""The provenance values, in order; the PDF's XMP uses the same names."""

PROPERTY_PREFIX = "familyplan-docs."
"""Custom property names are the keys with this prefix (``familyplan-docs.packVersion``)."""

CUSTOM_PART = "docProps/custom.xml"
CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"

_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id of user-defined properties
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def library_version() -> str:
    """The familyplan-docs version (:mod:`familyplan_docs._version`, which the build reads too).

    Never read from the installed packages' metadata: importing ``importlib.metadata`` alone
    costs a fresh process tens of milliseconds.
    """
    return __version__


@lru_cache(maxsize=256)
def _sha256(path: str, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def provenance(pack: Pack, template: Path) -> dict[str, str]:
    """The provenance of a document rendered by *pack* from the file *template*."""
    stat = os.stat(template)
    return {
        "libraryVersion": library_version(),
        "pack": pack.name,
        "packVersion": pack.manifest.version,
        "templateSha256": _sha256(str(template), stat.st_mtime_ns, stat.st_size),
        "planSchemaVersion": SCHEMA_VERSION,
    }


def read_custom_properties(data: bytes) -> dict[str, str]:
    """The text values of a ``docProps/custom.xml`` part, by property name."""
    root = etree.fromstring(data, _PARSER)
    values = {}
    for prop in root.iterfind(f"{{{_CUSTOM_NS}}}property"):
        name = prop.get("name")
        if name is not None and len(prop):
            values[name] = prop[0].text or ""
    return values


def _custom_xml(existing: bytes | None, values: Mapping[str, str]) -> bytes:
    names = {PROPERTY_PREFIX + key: value for key, value in values.items()}
    if existing:
        root = etree.fromstring(existing, _PARSER)
        for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
            if prop.get("name") in names:
                root.remove(prop)
    else:
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    used = [int(p.get("pid") or 0) for p in root.iterfind(f"{{{_CUSTOM_NS}}}property")]
    pid = max([1, *used]) + 1  # pid 0 and 1 are reserved
    for name, value in names.items():
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property")
        prop.set("fmtid", _FMTID)
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
        pid += 1
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _with_override(types: bytes) -> bytes:
    root = etree.fromstring(types, _PARSER)
    for override in root.iterfind(f"{{{_CT_NS}}}Override"):
        if override.get("PartName") == "/" + CUSTOM_PART:
            return types
    override = etree.SubElement(root, f"{{{_CT_NS}}}Override")
    override.set("PartName", "/" + CUSTOM_PART)
    override.set("ContentType", _CUSTOM_TYPE)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _with_relationship(rels: bytes) -> bytes:
    root = etree.fromstring(rels, _PARSER)
    ids = set()
    for rel in root.iterfind(f"{{{_RELS_NS}}}Relationship"):
        if rel.get("Type") == _CUSTOM_REL:
            return rels
        ids.add(rel.get("Id"))
    number = 1
    while f"rIdCustom{number}" in ids:
        number += 1
    rel = etree.SubElement(root, f"{{{_RELS_NS}}}Relationship")
    rel.set("Id", f"rIdCustom{number}")
    rel.set("Type", _CUSTOM_REL)
    rel.set("Target", CUSTOM_PART)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def with_provenance(parts: Mapping[str, bytes], values: Mapping[str, str]) -> dict[str, bytes]:
    """The parts to replace or add so that a package carries *values* as custom properties.

    *parts* holds at least ``[Content_Types].xml`` and ``_rels/.rels``, and
    ``docProps/custom.xml`` when the package has one; the result holds those three.
    """
    return {
        CUSTOM_PART: _custom_xml(parts.get(CUSTOM_PART), values),
        CONTENT_TYPES: _with_override(parts[CONTENT_TYPES]),
        PACKAGE_RELS: _with_relationship(parts[PACKAGE_RELS]),
    }


def add_provenance_to_zip(data: bytes, values: Mapping[str, str]) -> bytes:
    """A .docx (its bytes) with *values* as custom properties; the entries keep their order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = set(source.namelist())
        wanted = {
            n: source.read(n) for n in (CUSTOM_PART, CONTENT_TYPES, PACKAGE_RELS) if n in names
        }
        changed = with_provenance(wanted, values)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                body = changed.pop(info.filename, None)
                target.writestr(info, source.read(info) if body is None else body)
            for name, body in changed.items():
                target.writestr(name, body)
    return out.getvalue()
