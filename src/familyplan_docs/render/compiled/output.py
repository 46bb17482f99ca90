"""Rendering a compiled template: its parts, then the zip package of the document.

A :class:`CompiledTemplate` (made by :func:`.template.compiled_template`)
holds what a render needs; :meth:`CompiledTemplate.start` gives a :class:`RenderJob`, which
renders the parts with tags within one render budget, post-processes them as docxtpl does
(:mod:`.xml`), places images (:mod:`.media`) and writes the package (:mod:`.package`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jinja2 import Template, TemplateError
from lxml import etree

from ..._errors import TemplateRenderError
from ..budget import render_budget
from ..sandbox import refuse_declarations
from .media import KnownImage, MediaParts, PartSink, Rel, add_rels, add_types
from .package import DateTime, Entry, zip_bytes
from .xml import number_drawings, parse_body, post_process, with_context

__all__ = ["CompiledTemplate", "Part", "RenderJob", "core_data", "header_footer_data"]

CONTENT_TYPES = "[Content_Types].xml"


@dataclass(frozen=True)
class Part:
    """One rendered part: its entry, compiled template and what images need from it."""

    entry: str
    partname: str
    template: Template | str
    """The compiled template, or the XML itself when it holds no tags (a plain footer)."""
    source: str
    """The patched XML as compiled (after the ``\\n<w:p`` trick), for error context."""
    rels_entry: str
    rels: Mapping[str, Rel]
    next_shape_id: int


def _render_xml(part: Part, context: Mapping[str, Any]) -> str:
    if isinstance(part.template, str):
        return post_process(part.template)
    try:
        rendered = part.template.render(context)
    except TemplateError as exc:
        raise with_context(exc, part.source) from None
    xml = post_process(rendered)
    refuse_declarations(xml, part.entry)  # before any XML parser sees it
    return xml


_OXML_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
"""python-docx's ``oxml_parser`` without its element classes, which change no byte written:
``parse_xml`` then ``serialize_part_xml`` with it, without loading python-docx."""


def header_footer_data(xml: str) -> bytes:
    """A rendered header or footer as python-docx writes it (docxtpl parses it into one).

    A header or footer that is not XML once rendered (or holds a text too large for the
    parser) raises :class:`TemplateRenderError`; nothing is cut.
    """
    try:
        tree = etree.fromstring(xml.encode("utf-8"), _OXML_PARSER)
        return bytes(etree.tostring(tree, encoding="UTF-8", standalone=True))
    except etree.XMLSyntaxError as exc:
        raise TemplateRenderError(
            f"a header or footer of the document cannot be read once rendered: {exc}"
        ) from None


def core_data(
    core_xml: bytes,
    properties: Iterable[tuple[str, Template | str]],
    context: Mapping[str, Any],
) -> bytes:
    """The core properties part with *properties* rendered, as docxtpl's ``render_properties``.

    Each property is a template or, when it holds no tags, its text.
    """
    from docx.opc.coreprops import CoreProperties  # only for properties with tags
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    core = parse_xml(core_xml)
    props = CoreProperties(core)
    for name, template in properties:
        setattr(props, name, template if isinstance(template, str) else template.render(context))
    return bytes(serialize_part_xml(core))


# --- the compiled template --------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledTemplate:
    """A template patched and compiled once; :meth:`start` begins one render."""

    source: Path
    entries: tuple[Entry, ...]
    """The package in its order; a part without tags already holds its rendered output."""
    body: Part
    body_xml: str
    """The body XML as docxtpl sees it before patching (``DocxTemplate.get_xml``)."""
    document_head: bytes
    document_tail: bytes
    headers_footers: tuple[Part, ...]
    """The headers and footers each render renders (those with tags)."""
    footnotes: tuple[Part, ...]
    """The footnotes parts each render renders (those with tags)."""
    core_entry: str
    properties: tuple[tuple[str, Template | str], ...] | None
    """Each rendered core property: its template, or its text when it holds no tags; None
    when none holds tags (the rendered core properties are then in :attr:`entries`)."""
    images: tuple[KnownImage, ...]
    stamp: DateTime
    """The body's time, given to the entries a render adds."""
    property_sources: tuple[str, ...] = ()
    """The text of each of :attr:`properties` as the template holds it (to keep it as data)."""

    def mentions(self, name: str) -> bool:
        """Whether the body XML holds *name* (e.g. a context name such as an image)."""
        return name in self.body_xml

    def start(self) -> RenderJob:
        """Begin one render; an ``InlineImage`` may be made with the job as its template."""
        return RenderJob(self)

    def render(self, context: Mapping[str, Any], target: str | Path | IO[bytes]) -> None:
        """Render *context* into *target* (a path or a binary file object)."""
        self.start().render(context, target)

    def entry_data(self, name: str) -> bytes:
        """The uncompressed data of the entry *name* (empty when there is none)."""
        for entry in self.entries:
            if entry.name == name:
                return entry.data
        return b""


@dataclass
class RenderJob:
    """One render of a :class:`CompiledTemplate`, standing in for docxtpl's template object.

    ``InlineImage(job, ...)`` works like ``InlineImage(DocxTemplate, ...)``.
    """

    compiled: CompiledTemplate
    current_rendering_part: PartSink | None = None
    _media: MediaParts = field(init=False)
    _sinks: list[tuple[Part, PartSink]] = field(default_factory=list)
    _started: bool = False

    def __post_init__(self) -> None:
        self._media = MediaParts(self.compiled.images)

    def _render_part(self, part: Part, context: Mapping[str, Any]) -> str:
        sink = PartSink(self._media, part.rels, part.next_shape_id)
        self._sinks.append((part, sink))
        self.current_rendering_part = sink
        return _render_xml(part, context)

    def render(
        self,
        context: Mapping[str, Any],
        target: str | Path | IO[bytes],
        *,
        alt_text: str = "",
    ) -> None:
        """Render into *target*; *alt_text* goes on body images that have none.

        A job renders once; :meth:`CompiledTemplate.start` gives a new one.
        """
        if self._started:
            raise RuntimeError("a render job renders once; start a new one")
        self._started = True
        with render_budget():  # the render limits hold for the document as a whole
            data = self._render(context, alt_text)
        if isinstance(target, str | Path):
            Path(target).write_bytes(data)
        else:
            target.write(data)

    def _render(self, context: Mapping[str, Any], alt_text: str) -> bytes:
        compiled = self.compiled
        replaced: dict[str, bytes] = {}

        tree = parse_body(self._render_part(compiled.body, context))
        number_drawings(tree, alt_text)
        replaced[compiled.body.entry] = (
            compiled.document_head + etree.tostring(tree, encoding="UTF-8") + compiled.document_tail
        )
        for part in compiled.headers_footers:
            replaced[part.entry] = header_footer_data(self._render_part(part, context))
        if compiled.properties is not None:
            core = compiled.entry_data(compiled.core_entry)
            replaced[compiled.core_entry] = core_data(core, compiled.properties, context)
        for part in compiled.footnotes:
            replaced[part.entry] = self._render_part(part, context).encode("utf-8")

        added: list[Entry] = []
        if self._media.new:
            added = self._image_entries(replaced)
        self.current_rendering_part = None

        entries = [
            e if e.name not in replaced else e.replaced(replaced.pop(e.name))
            for e in compiled.entries
        ]
        entries += [Entry.make(name, data, compiled.stamp) for name, data in replaced.items()]
        return zip_bytes([*entries, *added])

    def _image_entries(self, replaced: dict[str, bytes]) -> list[Entry]:
        """New media parts, and the relationships and content types that name them."""
        compiled = self.compiled
        for part, sink in self._sinks:
            if not sink.new_rels:
                continue
            existing = replaced.get(part.rels_entry) or compiled.entry_data(part.rels_entry)
            replaced[part.rels_entry] = add_rels(existing, part.partname, sink.new_rels)
        types = compiled.entry_data(CONTENT_TYPES)
        replaced[CONTENT_TYPES] = add_types(types, self._media.new.values())
        return [
            Entry.make(image.partname.lstrip("/"), image.blob, compiled.stamp)
            for image in self._media.new.values()
        ]
