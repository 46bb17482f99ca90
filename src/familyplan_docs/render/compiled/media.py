"""Images of a compiled render: what docxtpl's ``InlineImage`` needs, done as python-docx does.

While a part renders, ``InlineImage(job, ...)`` calls ``job.current_rendering_part``, a
:class:`PartSink`: it adds the image as a media part (:class:`MediaParts`, shared by the
whole document, one part per distinct image), relates the rendered part to it and returns
the ``wp:inline`` XML. After the render, :func:`add_rels` and :func:`add_types` write the
new relationships and content types into the package.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

__all__ = ["KnownImage", "MediaParts", "NewImage", "PartSink", "Rel", "add_rels", "add_types"]

_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


@dataclass(frozen=True)
class Rel:
    """One relationship of a part."""

    reltype: str
    target: str
    """The target partname, or the target reference when external."""
    external: bool


@dataclass(frozen=True)
class KnownImage:
    """An image part the template already holds."""

    partname: str
    sha1: str
    idx: int | None


@dataclass
class NewImage:
    """An image part a render adds."""

    partname: str
    blob: bytes
    content_type: str


@dataclass
class MediaParts:
    """The image parts of one render: the template's, and those the render adds."""

    known: tuple[KnownImage, ...]
    new: dict[str, NewImage] = field(default_factory=dict)
    """The added images by SHA-1, in the order they were added."""

    def partname(self, image: Any) -> str:
        """The partname holding *image*: an existing one with the same bytes, or a new one."""
        for known in self.known:
            if known.sha1 == image.sha1:
                return known.partname
        if image.sha1 in self.new:
            return self.new[image.sha1].partname
        used = [i.idx for i in self.known]
        used += [_partname_idx(i.partname) for i in self.new.values()]
        number = next((n for n in range(1, len(used) + 1) if n not in used), len(used) + 1)
        partname = f"/word/media/image{number}.{image.ext}"
        self.new[image.sha1] = NewImage(partname, image.blob, image.content_type)
        return partname


class PartSink:
    """What ``InlineImage`` calls while a part renders (python-docx's ``StoryPart`` subset)."""

    def __init__(self, media: MediaParts, rels: Mapping[str, Rel], next_shape_id: int) -> None:
        self._media = media
        self._rels = rels
        self._next_shape_id = next_shape_id
        self.new_rels: dict[str, Rel] = {}
        """The relationships the render added, by id."""

    def _next_rid(self) -> str:
        taken = len(self._rels) + len(self.new_rels)
        for n in range(1, taken + 2):
            rid = f"rId{n}"
            if rid not in self._rels and rid not in self.new_rels:
                return rid
        raise AssertionError("unreachable")

    def _relate(self, reltype: str, target: str, external: bool) -> str:
        wanted = Rel(reltype, target, external)
        for rid, rel in (*self._rels.items(), *self.new_rels.items()):
            if rel == wanted:
                return rid
        rid = self._next_rid()
        self.new_rels[rid] = wanted
        return rid

    def relate_to(self, target: str, reltype: str, is_external: bool = False) -> str:
        """Relate this part to an external *target* (hyperlinks of images)."""
        if not is_external:
            raise TypeError("only external targets can be related by reference")
        return self._relate(reltype, target, True)

    def new_pic_inline(self, image_descriptor: Any, width: Any = None, height: Any = None) -> Any:
        """Return a ``wp:inline`` for the image, adding its media part as python-docx would."""
        from docx.image.image import Image  # python-docx only for a document with images
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml.shape import CT_Inline

        image = Image.from_file(image_descriptor)
        partname = self._media.partname(image)
        rid = self._relate(RT.IMAGE, partname, False)
        cx, cy = image.scaled_dimensions(width, height)
        return CT_Inline.new_pic_inline(self._next_shape_id, rid, image.filename, cx, cy)


def _partname_idx(partname: str) -> int | None:
    match = re.match(r"[a-zA-Z]+([0-9]+)$", posixpath.splitext(posixpath.basename(partname))[0])
    return int(match.group(1)) if match else None


def add_rels(existing: bytes, partname: str, new: Mapping[str, Rel]) -> bytes:
    """The relationships part *existing* (or a new one) of *partname* with *new* added."""
    if existing:
        root = etree.fromstring(existing)
    else:
        root = etree.Element(f"{{{_PKG_RELS_NS}}}Relationships", nsmap={None: _PKG_RELS_NS})
    base = posixpath.dirname(partname)
    for rid, rel in new.items():
        element = etree.SubElement(root, f"{{{_PKG_RELS_NS}}}Relationship")
        element.set("Id", rid)
        element.set("Type", rel.reltype)
        if rel.external:
            element.set("Target", rel.target)
            element.set("TargetMode", "External")
        else:
            element.set("Target", posixpath.relpath(rel.target, base))
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))


def add_types(existing: bytes, images: Iterable[NewImage]) -> bytes:
    """``[Content_Types].xml`` *existing* with the content types of *images* added."""
    from docx.opc.spec import default_content_types  # only a document with new images

    default_types = frozenset(default_content_types)
    root = etree.fromstring(existing)
    defaults = {(d.get("Extension") or "").lower() for d in root.iter(f"{{{_CT_NS}}}Default")}
    for image in images:
        ext = posixpath.splitext(image.partname)[1][1:]
        if (ext.lower(), image.content_type) in default_types:
            if ext.lower() not in defaults:
                element = etree.Element(f"{{{_CT_NS}}}Default")
                element.set("Extension", ext)
                element.set("ContentType", image.content_type)
                known = list(root.iter(f"{{{_CT_NS}}}Default"))
                after = [d for d in known if (d.get("Extension") or "").lower() < ext.lower()]
                if after:  # keep the defaults sorted by extension, as python-docx writes them
                    after[-1].addnext(element)
                else:
                    root.insert(0, element)
                defaults.add(ext.lower())
        else:
            element = etree.SubElement(root, f"{{{_CT_NS}}}Override")
            element.set("PartName", image.partname)
            element.set("ContentType", image.content_type)
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))
