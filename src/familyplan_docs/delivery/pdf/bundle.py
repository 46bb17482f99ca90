"""The case file: a family's finished PDFs merged into one bookmarked PDF/A-2b + PDF/UA-1.

The first PDF is the base (its output intent, mark info, viewer preferences and XMP stay);
every other one's pages are appended and its structure tree grafted in: each document's
``/Document`` element becomes a ``/Part`` (with the document's own ``/Lang``) under one new
``/Document``, its parent-tree entries are renumbered into one combined ``/ParentTree`` and
its role map merged. The outline has one entry per document, titled with the document's own
``dc:title``, with the document's heading bookmarks below it. Subset font names are made
unique per document (LibreOffice names the first subset of every file ``BAAAAA+…``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..._kinds import KINDS
from .finish import struct_kids
from .xmp import PROVENANCE_NS, parse_xmp, simple_values, title_of, update_xmp

__all__ = ["BUNDLE_NAME", "MSGIDS", "merge_bundle", "toolbox_order"]

BUNDLE_NAME = "bundle.pdf"
"""The case file's name in the output folder."""

MSGIDS: tuple[str, ...] = ("bundle.title", "bundle.title_blank")
"""Catalog ids: the case file's title; ``bundle.title`` takes ``{family}``."""

_SUBSET = re.compile(r"^/([A-Z]{6})\+(.+)$")


@dataclass
class _Outline:
    title: str
    page: int | None
    children: list[_Outline] = field(default_factory=list)


def toolbox_order(pdfs: Sequence[Path]) -> list[Path]:
    """The PDFs in the order of the toolbox (``KINDS``, by file stem); others after, by name."""
    rank = {kind: number for number, kind in enumerate(KINDS)}
    return sorted(pdfs, key=lambda p: (rank.get(p.stem, len(rank)), p.name))


def _number_tree(node: object, depth: int = 0) -> dict[int, pikepdf.Object]:
    found: dict[int, pikepdf.Object] = {}
    if not isinstance(node, pikepdf.Dictionary) or depth > 32:
        return found
    nums = node.get("/Nums")
    if isinstance(nums, pikepdf.Array):
        for index in range(0, len(nums) - 1, 2):
            found[int(nums[index])] = nums[index + 1]
    kids = node.get("/Kids")
    for kid in kids if isinstance(kids, pikepdf.Array) else []:
        found.update(_number_tree(kid, depth + 1))
    return found


def _outline(pdf: pikepdf.Pdf) -> list[_Outline]:
    pages: dict[tuple[int, int], int] = {
        page.obj.objgen: number for number, page in enumerate(pdf.pages)
    }

    def convert(items: Sequence[pikepdf.OutlineItem]) -> list[_Outline]:
        result = []
        for item in items:
            destination: object = item.destination
            action = item.action
            if destination is None and action is not None and action.get("/S") == "/GoTo":
                destination = action.get("/D")
            page = None
            if isinstance(destination, pikepdf.Array) and len(destination):
                target = destination[0]
                if isinstance(target, pikepdf.Dictionary):
                    page = pages.get(target.objgen)
            result.append(_Outline(item.title or "", page, convert(item.children)))
        return result

    try:
        with pdf.open_outline() as outline:
            return convert(outline.root)
    except (pikepdf.PdfError, pikepdf.OutlineStructureError, TypeError, ValueError):
        return []  # a broken outline is dropped; the document's own entry stays


def _items(entries: Sequence[_Outline], offset: int) -> Iterator[pikepdf.OutlineItem]:
    for entry in entries:
        item = pikepdf.OutlineItem(entry.title, (entry.page or 0) + offset)
        item.children.extend(_items(entry.children, offset))
        yield item


def _fonts(resources: object, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    fonts = resources.get("/Font")
    for font in fonts.values() if isinstance(fonts, pikepdf.Dictionary) else []:
        if isinstance(font, pikepdf.Dictionary) and font.objgen not in seen:
            seen.add(font.objgen)
            yield font
            descendants = font.get("/DescendantFonts")
            for child in descendants if isinstance(descendants, pikepdf.Array) else []:
                if isinstance(child, pikepdf.Dictionary):
                    yield child
    xobjects = resources.get("/XObject")
    for xobject in xobjects.values() if isinstance(xobjects, pikepdf.Dictionary) else []:
        form = isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form"
        if form and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), seen)


def _retag(name: object, number: int) -> pikepdf.Name | None:
    match = _SUBSET.match(str(name))
    if not match:
        return None
    value = number * 26**3 + sum((ord(c) - 65) * 26**i for i, c in enumerate(match.group(1)[:3]))
    letters = []
    for _ in range(6):
        value, rest = divmod(value, 26)
        letters.append(chr(65 + rest))
    return pikepdf.Name(f"/{''.join(letters)}+{match.group(2)}")


def _retag_fonts(pages: Sequence[pikepdf.Page], number: int) -> None:
    """Give document *number*'s subset fonts tags of their own (deterministic)."""
    seen: set[tuple[int, int]] = set()
    for page in pages:
        for font in _fonts(page.obj.get("/Resources"), seen):
            new = _retag(font.get("/BaseFont"), number)
            if new is not None:
                font.BaseFont = new
            descriptor = font.get("/FontDescriptor")
            if isinstance(descriptor, pikepdf.Dictionary):
                new = _retag(descriptor.get("/FontName"), number)
                if new is not None:
                    descriptor.FontName = new


def _agreed(so_far: Mapping[str, str] | None, values: Mapping[str, str]) -> dict[str, str]:
    prefix = f"{{{PROVENANCE_NS}}}"
    mine = {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
    if so_far is None:
        return mine
    return {k: v for k, v in so_far.items() if mine.get(k) == v}


class _Merger:
    def __init__(self, base: pikepdf.Pdf) -> None:
        self.pdf = base
        self.kids = pikepdf.Array()
        self.nums = pikepdf.Array()
        self.role_map = pikepdf.Dictionary()
        self.next_key = 0
        self.top = base.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document)
        )

    def graft(self, source: pikepdf.Pdf, first: int) -> None:
        """Graft *source*'s structure tree; its pages are the bundle's from index *first*."""
        found = source.Root.get("/StructTreeRoot")
        if not isinstance(found, pikepdf.Dictionary):
            return
        tree = found if source is self.pdf else self.pdf.copy_foreign(found)
        assert isinstance(tree, pikepdf.Dictionary)
        renumbered: dict[int, int] = {}
        for key, value in sorted(_number_tree(tree.get("/ParentTree")).items()):
            renumbered[key] = self.next_key
            self.nums.append(self.next_key)
            self.nums.append(value)
            self.next_key += 1
        for page in list(self.pdf.pages)[first : first + len(source.pages)]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = renumbered.get(int(page.obj.StructParents), 0)
            annotations = page.obj.get("/Annots")
            for annotation in annotations if isinstance(annotations, pikepdf.Array) else []:
                if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                    annotation.StructParent = renumbered.get(int(annotation.StructParent), 0)
        role_map = tree.get("/RoleMap")
        for role, standard in role_map.items() if isinstance(role_map, pikepdf.Dictionary) else []:
            self.role_map[role] = standard
        lang = source.Root.get("/Lang")
        for kid in struct_kids(tree):
            kid.P = self.top
            if kid.get("/S") == pikepdf.Name.Document:
                kid.S = pikepdf.Name.Part
            if lang is not None and "/Lang" not in kid:
                kid.Lang = pikepdf.String(str(lang))
            self.kids.append(kid)

    def finish(self) -> None:
        self.top.K = self.kids
        root = self.pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructTreeRoot,
                K=self.top,
                ParentTree=self.pdf.make_indirect(pikepdf.Dictionary(Nums=self.nums)),
                ParentTreeNextKey=self.next_key,
                RoleMap=self.role_map,
            )
        )
        self.top.P = root
        self.pdf.Root.StructTreeRoot = root


def merge_bundle(
    pdfs: Sequence[Path],
    target: Path,
    *,
    title: str,
    lang: str | None = None,
) -> Path:
    """Merge finished PDF/A documents into *target*, one bookmark per document, in the order
    given (see :func:`toolbox_order`); *title* is the case file's title, *lang* its language.

    The case file's provenance is what every document's provenance agrees on (the template
    hash differs per document, so it is left out). ValueError when *pdfs* is empty.
    """
    if not pdfs:
        raise ValueError("a case file needs at least one document")
    entries: list[_Outline] = []
    provenance: dict[str, str] | None = None
    with pikepdf.open(pdfs[0]) as bundle:
        merger = _Merger(bundle)
        for number, path in enumerate(pdfs):
            source = bundle if number == 0 else pikepdf.open(path)
            try:
                first = 0 if number == 0 else len(bundle.pages)
                if number:
                    bundle.pages.extend(source.pages)
                    _retag_fonts(list(bundle.pages)[first:], number)
                merger.graft(source, first)
                metadata = source.Root.get("/Metadata")
                xmp = parse_xmp(metadata.read_bytes()) if metadata is not None else None
                name = title_of(xmp) if xmp is not None else ""
                provenance = _agreed(provenance, simple_values(xmp) if xmp is not None else {})
                entries.append(_Outline(name or path.stem, first, _outline(source)))
            finally:
                if source is not bundle:
                    source.close()
        merger.finish()
        root = bundle.Root
        if lang:
            root.Lang = pikepdf.String(lang)
        with bundle.open_outline() as outline:
            outline.root.clear()
            for entry in entries:
                item = pikepdf.OutlineItem(entry.title, entry.page or 0)
                item.children.extend(_items(entry.children, entry.page or 0))
                outline.root.append(item)
        root.PageMode = pikepdf.Name.UseOutlines
        bundle.docinfo[pikepdf.Name.Title] = pikepdf.String(title)
        packet = root.Metadata.read_bytes()
        root.Metadata.write(update_xmp(packet, provenance=provenance or None, title=title))
        # the parts' streams are compressed already (see finish.end_streams_without_cr)
        bundle.save(target, fix_metadata_version=False, compress_streams=False)
    return target
