"""Compiled templates: a .docx template is patched and compiled once, then rendered many times.

Plain docxtpl re-reads the package, re-parses every part, re-patches the XML and recompiles
the Jinja template on every render. Here that work is done once per template file (path,
modification time, size) and pack, with docxtpl's own code, and kept in memory:

* every zip entry of the template, decompressed and compressed once more (so unchanged
  entries are copied into the output without compressing them again);
* the patched XML of every part docxtpl renders (body, headers, footers, footnotes) compiled
  with the pack's sandboxed, autoescaping environment
  (:func:`familyplan_docs._environment.make_environment`), with docxtpl's ``\\n<w:p`` trick;
* the core properties docxtpl renders (author, comments, identifier, language, subject,
  title) compiled the same way.

A render runs the compiled templates (within one render budget for the whole document),
applies exactly docxtpl's post-processing to each part (the ``{_{`` replacements,
``resolve_listing`` for newlines and tabs, on the paragraphs that hold any, ``fix_tables``
and the ``docPr`` renumbering for the body), places images made by docxtpl's
``InlineImage`` like python-docx does (media part, relationship, content type) and writes
the zip in the template's entry order, replacing only the rendered entries. The result is
the document docxtpl would produce: the same XML in every part it writes, so the same text,
table rows, images, headers, footers and properties (``tests/test_compiled.py`` compares
both engines on every built-in template and sample).

Templates this engine cannot render the way docxtpl would (no core properties part, or
footnotes with tags in a document of several sections, which docxtpl renders once per
section) make :func:`compiled_template` return None; the caller then uses docxtpl.
"""

from __future__ import annotations

import copy
import ctypes
import io
import os
import posixpath
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import docx.oxml.ns
from docx.image.image import Image
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.spec import default_content_types
from docx.oxml.parser import parse_xml
from docx.oxml.shape import CT_Inline
from docxtpl import DocxTemplate
from jinja2 import Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ._environment import make_environment, render_budget
from ._packs import CATALOG, MANIFEST, Pack

__all__ = [
    "CompiledTemplate",
    "RenderJob",
    "clear_cache",
    "compiled_template",
    "environment",
    "release_memory",
]

CACHE_SIZE = 128
"""How many compiled templates a process keeps (the built-in packs hold 42)."""

PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
"""The core properties docxtpl renders (``DocxTemplate.render_properties``)."""

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

_HEADER_FOOTER = (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI)
_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_BODY_MARK = b"<w:body/>"
_PARAGRAPH_IN = re.compile(r"<w:p([ >])")
_PARAGRAPH_OUT = re.compile(r"\n<w:p([ >])")
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
"""How docxtpl's ``resolve_listing`` finds a paragraph."""
_DEFAULT_TYPES = frozenset(default_content_types)


# --- the zip package ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One zip entry, compressed once (``raw``) and copied into every output as it is."""

    name: str
    date_time: tuple[int, int, int, int, int, int]
    external_attr: int
    size: int
    crc: int
    raw: bytes
    method: int

    @property
    def data(self) -> bytes:
        """The uncompressed data (only the few entries a render changes are needed)."""
        return zlib.decompress(self.raw, -15) if self.method == zipfile.ZIP_DEFLATED else self.raw

    @classmethod
    def make(
        cls,
        name: str,
        data: bytes,
        date_time: tuple[int, int, int, int, int, int],
        external_attr: int = 0o600 << 16,
    ) -> _Entry:
        """Compress *data* (deflate, zip's default level) into a new entry."""
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        raw = packer.compress(data) + packer.flush()
        return cls(
            name, date_time, external_attr, len(data), zlib.crc32(data), raw, zipfile.ZIP_DEFLATED
        )


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = min(max(year, 1980), 2107)
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def _zip_bytes(entries: Iterable[_Entry]) -> bytes:
    """Write *entries* as a zip archive (deflated, no zip64: a document is far below 4 GiB)."""
    out = io.BytesIO()
    central: list[bytes] = []
    count = 0
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0 if entry.name.isascii() else 0x800
        dos_date, dos_time = _dos_time(entry.date_time)
        offset = out.tell()
        if offset >= 0xFFFFFFFF or entry.size >= 0xFFFFFFFF:
            raise ValueError("document too large for a zip without zip64")
        out.write(
            struct.pack(
                "<4s2B4HL2L2H",
                b"PK\x03\x04",
                20,
                0,
                flags,
                entry.method,
                dos_time,
                dos_date,
                entry.crc,
                len(entry.raw),
                entry.size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(entry.raw)
        central.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                20,
                3,  # made on Unix, as Python's zipfile writes it
                20,
                0,
                flags,
                entry.method,
                dos_time,
                dos_date,
                entry.crc,
                len(entry.raw),
                entry.size,
                len(name),
                0,
                0,
                0,
                0,
                entry.external_attr,
                offset,
            )
            + name
        )
        count += 1
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


def _read_entries(source: Path) -> list[_Entry]:
    entries = []
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            entries.append(_Entry.make(info.filename, data, info.date_time, info.external_attr))
    return entries


# --- compiled parts -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rel:
    reltype: str
    target: str
    """The target partname, or the target reference when external."""
    external: bool


@dataclass(frozen=True)
class _Part:
    """One rendered part: its entry, compiled template and what images need from it."""

    entry: str
    partname: str
    template: Template | str
    """The compiled template, or the XML itself when it holds no tags (a plain footer)."""
    source: str
    """The patched XML as compiled (after the ``\\n<w:p`` trick), for error context."""
    rels_entry: str
    rels: Mapping[str, _Rel]
    next_shape_id: int


@dataclass(frozen=True)
class _Image:
    partname: str
    sha1: str
    idx: int | None


def _entry_name(partname: str) -> str:
    return partname.lstrip("/")


def _rels_entry(partname: str) -> str:
    folder, name = posixpath.split(partname)
    return _entry_name(posixpath.join(folder, "_rels", name + ".rels"))


def _next_shape_id(element: Any) -> int:
    # python-docx's StoryPart.next_id, evaluated on the part as loaded (as docxtpl does)
    used = [int(v) for v in element.xpath("//@id") if v.isdigit()]
    return max(used) + 1 if used else 1


def _part_rels(part: Any) -> dict[str, _Rel]:
    rels = {}
    for rid, rel in part.rels.items():
        if rel.is_external:
            rels[rid] = _Rel(rel.reltype, rel.target_ref, True)
        else:
            rels[rid] = _Rel(rel.reltype, str(rel.target_part.partname), False)
    return rels


def _with_context(exc: TemplateError, source: str) -> TemplateError:
    """Attach the nearby text of the failing line, as docxtpl's ``render_xml_part`` does."""
    lineno = getattr(exc, "lineno", None)
    if lineno is not None:
        first = max(lineno - 4, 0)
        lines = source.splitlines()[first : first + 7]
        exc.docx_context = [re.sub(r"<[^>]+>", "", line) for line in lines]  # type: ignore[attr-defined]
    return exc


def _compile_xml(env: SandboxedEnvironment, patched: str) -> tuple[Template | str, str]:
    source = _PARAGRAPH_IN.sub(r"\n<w:p\1", patched)
    try:
        return _text_template(env, source), source
    except TemplateError as exc:
        raise _with_context(exc, source) from None


def _text_template(env: SandboxedEnvironment, text: str) -> Template | str:
    """A template for *text*, or *text* itself when Jinja would give it back unchanged."""
    markers = (
        env.block_start_string,
        env.variable_start_string,
        env.comment_start_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        "\r",  # Jinja normalizes newlines
    )
    unchanged = (
        not any(marker and marker in text for marker in markers)
        and env.newline_sequence == "\n"
        and (env.keep_trailing_newline or not text.endswith("\n"))
    )
    return text if unchanged else env.from_string(text)


def _post_process(xml: str) -> str:
    """docxtpl's post-processing of a rendered part (``render_xml_part``)."""
    xml = _PARAGRAPH_OUT.sub(r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _has_listing_chars(xml):
        xml = _PARAGRAPH.sub(_resolve_paragraph, xml)
    return xml


def _has_listing_chars(text: str) -> bool:
    return any(ch in text for ch in _LISTING_CHARS)


def _resolve_paragraph(match: re.Match[str]) -> str:
    """docxtpl's ``resolve_listing``, run only on the paragraphs it would change.

    ``resolve_listing`` rewrites each paragraph (as matched by :data:`_PARAGRAPH`) on its
    own and changes only newlines, tabs, bells and form feeds in its text; a paragraph
    without them comes back as it was, and a paragraph on its own matches itself whole.
    """
    paragraph = match.group(0)
    if not _has_listing_chars(paragraph):
        return paragraph
    return str(DocxTemplate.resolve_listing(None, paragraph))


def _render_part(part: _Part, context: Mapping[str, Any]) -> str:
    if isinstance(part.template, str):
        return _post_process(part.template)
    try:
        rendered = part.template.render(context)
    except TemplateError as exc:
        raise _with_context(exc, part.source) from None
    return _post_process(rendered)


# --- the compiled template --------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledTemplate:
    """A template patched and compiled once; :meth:`start` begins one render."""

    source: Path
    entries: tuple[_Entry, ...]
    body: _Part
    body_xml: str
    """The body XML as docxtpl sees it before patching (``DocxTemplate.get_xml``)."""
    document_head: bytes
    document_tail: bytes
    headers_footers: tuple[_Part, ...]
    footnotes: tuple[_Part, ...]
    core_entry: str
    properties: tuple[tuple[str, Template | str], ...]
    """Each rendered core property: its template, or its text when it holds no tags."""
    images: tuple[_Image, ...]

    def mentions(self, name: str) -> bool:
        """Whether the body XML holds *name* (e.g. a context name such as an image)."""
        return name in self.body_xml

    def start(self) -> RenderJob:
        """Begin one render; an ``InlineImage`` may be made with the job as its template."""
        return RenderJob(self)

    def render(self, context: Mapping[str, Any], target: str | Path | IO[bytes]) -> None:
        """Render *context* into *target* (a path or a binary file object)."""
        self.start().render(context, target)


@dataclass
class _NewImage:
    partname: str
    blob: bytes
    content_type: str


class _PartSink:
    """What ``InlineImage`` calls while a part renders (python-docx's ``StoryPart`` subset)."""

    def __init__(self, job: RenderJob, part: _Part) -> None:
        self._job = job
        self._part = part
        self.new_rels: dict[str, _Rel] = {}

    def _next_rid(self) -> str:
        taken = len(self._part.rels) + len(self.new_rels)
        for n in range(1, taken + 2):
            rid = f"rId{n}"
            if rid not in self._part.rels and rid not in self.new_rels:
                return rid
        raise AssertionError("unreachable")

    def _relate(self, reltype: str, target: str, external: bool) -> str:
        wanted = _Rel(reltype, target, external)
        for rid, rel in (*self._part.rels.items(), *self.new_rels.items()):
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
        image = Image.from_file(image_descriptor)
        partname = self._job.image_part(image)
        rid = self._relate(RT.IMAGE, partname, False)
        cx, cy = image.scaled_dimensions(width, height)
        return CT_Inline.new_pic_inline(self._part.next_shape_id, rid, image.filename, cx, cy)


@dataclass
class RenderJob:
    """One render of a :class:`CompiledTemplate`, standing in for docxtpl's template object.

    ``InlineImage(job, ...)`` works like ``InlineImage(DocxTemplate, ...)``.
    """

    compiled: CompiledTemplate
    current_rendering_part: _PartSink | None = None
    _sinks: list[_PartSink] = field(default_factory=list)
    _new_images: dict[str, _NewImage] = field(default_factory=dict)

    def image_part(self, image: Any) -> str:
        """The partname holding *image*: an existing one with the same bytes, or a new one."""
        for known in self.compiled.images:
            if known.sha1 == image.sha1:
                return known.partname
        if image.sha1 in self._new_images:
            return self._new_images[image.sha1].partname
        used = [i.idx for i in self.compiled.images]
        used += [_partname_idx(i.partname) for i in self._new_images.values()]
        number = next((n for n in range(1, len(used) + 1) if n not in used), len(used) + 1)
        partname = f"/word/media/image{number}.{image.ext}"
        self._new_images[image.sha1] = _NewImage(partname, image.blob, image.content_type)
        return partname

    def _enter(self, part: _Part) -> None:
        sink = _PartSink(self, part)
        self._sinks.append(sink)
        self.current_rendering_part = sink

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
        if self._sinks:
            raise RuntimeError("a render job renders once; start a new one")
        with render_budget():  # the render limits hold for the document as a whole
            data = self._render(context, alt_text)
        if isinstance(target, str | Path):
            Path(target).write_bytes(data)
        else:
            target.write(data)

    def _render(self, context: Mapping[str, Any], alt_text: str) -> bytes:
        compiled = self.compiled
        replaced: dict[str, bytes] = {}

        self._enter(compiled.body)
        body = _render_part(compiled.body, context)
        tree = DocxTemplate.fix_tables(None, body)
        for number, doc_pr in enumerate(
            tree.xpath("//wp:docPr", namespaces=docx.oxml.ns.nsmap), start=1001
        ):
            doc_pr.attrib["id"] = str(number)
            if alt_text and not doc_pr.get("descr"):
                doc_pr.set("descr", alt_text)
        replaced[compiled.body.entry] = (
            compiled.document_head + etree.tostring(tree, encoding="UTF-8") + compiled.document_tail
        )

        for part in compiled.headers_footers:
            self._enter(part)
            xml = _render_part(part, context)
            replaced[part.entry] = serialize_part_xml(parse_xml(xml.encode("utf-8")))

        core = parse_xml(_entry_data(compiled, compiled.core_entry))
        props = CoreProperties(core)
        for name, template in compiled.properties:
            value = template if isinstance(template, str) else template.render(context)
            setattr(props, name, value)
        replaced[compiled.core_entry] = serialize_part_xml(core)

        for part in compiled.footnotes:
            self._enter(part)
            replaced[part.entry] = _render_part(part, context).encode("utf-8")

        added: list[_Entry] = []
        if self._new_images:
            added = self._image_entries(replaced)
        self.current_rendering_part = None

        stamp = next(e.date_time for e in compiled.entries if e.name == compiled.body.entry)
        entries = [
            e
            if e.name not in replaced
            else _Entry.make(e.name, replaced.pop(e.name), e.date_time, e.external_attr)
            for e in compiled.entries
        ]
        entries += [_Entry.make(name, data, stamp) for name, data in replaced.items()]
        return _zip_bytes([*entries, *added])

    def _image_entries(self, replaced: dict[str, bytes]) -> list[_Entry]:
        """New media parts, and the relationships and content types that name them."""
        compiled = self.compiled
        stamp = next(e.date_time for e in compiled.entries if e.name == compiled.body.entry)
        for sink in self._sinks:
            if not sink.new_rels:
                continue
            part = sink._part
            existing = replaced.get(part.rels_entry) or _entry_data(compiled, part.rels_entry)
            replaced[part.rels_entry] = _add_rels(existing, part.partname, sink.new_rels)
        types = _entry_data(compiled, "[Content_Types].xml")
        replaced["[Content_Types].xml"] = _add_types(types, self._new_images.values())
        return [
            _Entry.make(_entry_name(img.partname), img.blob, stamp)
            for img in self._new_images.values()
        ]


def _partname_idx(partname: str) -> int | None:
    match = re.match(r"[a-zA-Z]+([0-9]+)$", posixpath.splitext(posixpath.basename(partname))[0])
    return int(match.group(1)) if match else None


def _entry_data(compiled: CompiledTemplate, name: str) -> bytes:
    for entry in compiled.entries:
        if entry.name == name:
            return entry.data
    return b""


def _add_rels(existing: bytes, partname: str, new: Mapping[str, _Rel]) -> bytes:
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


def _add_types(existing: bytes, images: Iterable[_NewImage]) -> bytes:
    root = etree.fromstring(existing)
    defaults = {(d.get("Extension") or "").lower() for d in root.iter(f"{{{_CT_NS}}}Default")}
    for image in images:
        ext = posixpath.splitext(image.partname)[1][1:]
        if (ext.lower(), image.content_type) in _DEFAULT_TYPES:
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


# --- compiling ------------------------------------------------------------------------------


class _NotCompilable(Exception):
    """The template needs plain docxtpl (see the module docstring)."""


def _compile(source: Path, env: SandboxedEnvironment) -> CompiledTemplate:
    tpl = DocxTemplate(str(source))
    tpl.init_docx()
    document = tpl.docx
    main = document.part
    package = main.package

    body_xml = str(tpl.get_xml())
    template, compiled_source = _compile_xml(env, tpl.patch_xml(body_xml))
    body = _Part(
        entry=_entry_name(main.partname),
        partname=str(main.partname),
        template=template,
        source=compiled_source,
        rels_entry=_rels_entry(main.partname),
        rels=_part_rels(main),
        next_shape_id=_next_shape_id(main.element),
    )
    root = copy.deepcopy(main.element)
    old_body = root.find(docx.oxml.ns.qn("w:body"))
    root.replace(old_body, etree.Element(docx.oxml.ns.qn("w:body")))
    whole = serialize_part_xml(root)
    if whole.count(_BODY_MARK) != 1:
        raise _NotCompilable("the document's body could not be located")
    head, tail = whole.split(_BODY_MARK)

    parts = []
    for uri in _HEADER_FOOTER:
        for _rid, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            if tpl.get_headers_footers_encoding(xml).lower() not in ("utf-8", "utf8"):
                raise _NotCompilable("a header or footer is not UTF-8")
            template, compiled_source = _compile_xml(env, tpl.patch_xml(xml))
            parts.append(
                _Part(
                    entry=_entry_name(part.partname),
                    partname=str(part.partname),
                    template=template,
                    source=compiled_source,
                    rels_entry=_rels_entry(part.partname),
                    rels=_part_rels(part),
                    next_shape_id=_next_shape_id(part.element),
                )
            )

    footnotes = []
    sections = len(document.sections)
    for part in package.parts:
        if part.content_type != FOOTNOTES_CT or not sections:
            continue
        blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
        if sections > 1 and "{" in blob:
            raise _NotCompilable("footnotes with tags in a document of several sections")
        template, compiled_source = _compile_xml(env, tpl.patch_xml(blob))
        footnotes.append(
            _Part(
                entry=_entry_name(part.partname),
                partname=str(part.partname),
                template=template,
                source=compiled_source,
                rels_entry=_rels_entry(part.partname),
                rels=_part_rels(part),
                next_shape_id=1,
            )
        )

    try:
        core_part = package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        raise _NotCompilable("no core properties part") from None
    props = core_part.core_properties
    properties = tuple((name, _text_template(env, getattr(props, name))) for name in PROPERTIES)

    images = tuple(_Image(str(p.partname), p.sha1, p.partname.idx) for p in package.image_parts)
    entries = tuple(_read_entries(source))
    names = {e.name for e in entries}
    needed = [body.entry, _entry_name(core_part.partname), "[Content_Types].xml"]
    needed += [p.entry for p in (*parts, *footnotes)]
    if not all(name in names for name in needed):
        raise _NotCompilable("a part is stored under an unexpected name")
    if core_part.content_type != CT.OPC_CORE_PROPERTIES:
        raise _NotCompilable("unexpected core properties part")
    return CompiledTemplate(
        source=source,
        entries=entries,
        body=body,
        body_xml=body_xml,
        document_head=head,
        document_tail=tail,
        headers_footers=tuple(parts),
        footnotes=tuple(footnotes),
        core_entry=_entry_name(core_part.partname),
        properties=properties,
        images=images,
    )


# --- the cache ------------------------------------------------------------------------------

_lock = threading.Lock()
_templates: OrderedDict[tuple[Any, ...], CompiledTemplate | None] = OrderedDict()
_environments: dict[tuple[Any, ...], SandboxedEnvironment] = {}


def _mtime(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def pack_key(pack: Pack) -> tuple[Any, ...]:
    """What a pack's environment depends on: each pack of the chain, its manifest and catalog."""
    return tuple(
        (
            str(p.path),
            p.manifest.name,
            p.manifest.locale,
            _mtime(p.path / MANIFEST),
            _mtime(p.path / CATALOG),
        )
        for p in pack.chain()
    )


def environment(pack: Pack) -> SandboxedEnvironment:
    """The pack's sandboxed environment, made once per pack (and catalog version)."""
    key = pack_key(pack)
    with _lock:
        env = _environments.get(key)
        if env is None:
            env = _environments[key] = make_environment(pack)
        return env


def compiled_template(source: Path, pack: Pack) -> CompiledTemplate | None:
    """Return *source* compiled for *pack*, compiling it on first use.

    None means the template needs plain docxtpl. A Jinja syntax error raises the
    :class:`jinja2.TemplateSyntaxError` docxtpl would raise (with ``docx_context``).
    """
    stat = os.stat(source)
    key = (str(source), stat.st_mtime_ns, stat.st_size, pack_key(pack))
    with _lock:
        if key in _templates:
            _templates.move_to_end(key)
            return _templates[key]
    env = environment(pack)
    compiled: CompiledTemplate | None
    try:
        compiled = _compile(source, env)
    except _NotCompilable:
        compiled = None
    finally:
        release_memory()
    with _lock:
        _templates[key] = compiled
        while len(_templates) > CACHE_SIZE:
            _templates.popitem(last=False)
    return compiled


def release_memory() -> None:
    """Give freed heap memory back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Loading a package with python-docx and compiling a large template leave tens of MB
    freed but still held by the C allocator; a batch worker calls this after compiling.
    """
    global _trim
    if _trim is None:
        _trim = _find_trim()
    _trim()


def _find_trim() -> Callable[[], object]:
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)


_trim: Callable[[], object] | None = None


def clear_cache() -> None:
    """Forget every compiled template and environment (tests, long-lived processes)."""
    with _lock:
        _templates.clear()
        _environments.clear()
