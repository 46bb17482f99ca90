"""Compiled templates: a .docx template is patched and compiled once, then rendered many times.

Plain docxtpl re-reads the package, re-parses every part, re-patches the XML and recompiles
the Jinja template on every render. Here that work is done once per template file (path,
modification time, size) and pack, with docxtpl's own code, and kept in memory:

* every zip entry of the template, decompressed and compressed once more (so unchanged
  entries are copied into the output without compressing them again;
  :mod:`familyplan_docs.render.compiled.package`);
* the patched XML of every part docxtpl renders (body, headers, footers, footnotes) compiled
  with the pack's sandboxed, autoescaping environment
  (:func:`familyplan_docs.render.environment.make_environment`), with docxtpl's ``\\n<w:p`` trick;
* the core properties docxtpl renders (author, comments, identifier, language, subject,
  title) compiled the same way;
* the output of every part that holds no tags (a plain footer, the core properties of most
  templates), rendered and compressed once, since it is the same in every document.

A render runs the compiled templates (within one render budget for the whole document),
applies exactly docxtpl's post-processing to each part (the ``{_{`` replacements,
``resolve_listing`` for newlines and tabs, on the paragraphs that hold any, ``fix_tables``
and the ``docPr`` renumbering for the body; :mod:`familyplan_docs.render.compiled.xml`), places
images made by docxtpl's ``InlineImage`` like python-docx does (media part, relationship,
content type; :mod:`familyplan_docs.render.compiled.media`) and writes the zip in the template's
entry order, replacing only the rendered entries. The result is the document docxtpl would
produce: the same XML in every part it writes, so the same text, table rows, images,
headers, footers and properties (``tests/render/test_compiled.py`` compares both engines on every
built-in template and sample).

Templates this engine cannot render the way docxtpl would (no core properties part, or
footnotes with tags in a document of several sections, which docxtpl renders once per
section) make :func:`compiled_template` return None; the caller then uses docxtpl.
"""

from __future__ import annotations

import copy
import ctypes
import json
import os
import posixpath
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ... import _cache
from ..._errors import PackError
from ...packs.guards import TemplatePackage, check_template, read_template
from ...packs.pack import CATALOG, MANIFEST, Pack
from ..environment import make_environment
from ..provenance import CONTENT_TYPES as _TYPES
from ..provenance import CUSTOM_PART, PACKAGE_RELS, provenance, with_provenance
from . import persist
from .media import KnownImage, Rel
from .output import (
    CONTENT_TYPES,
    CompiledTemplate,
    Part,
    RenderJob,
    core_data,
    header_footer_data,
)
from .package import Entry, read_entries
from .xml import compile_xml, post_process, text_template

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

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

_BODY_MARK = b"<w:body/>"

_post_process = post_process  # the names tests import from this module
_text_template = text_template


# --- compiling ------------------------------------------------------------------------------


def _entry_name(partname: str) -> str:
    return partname.lstrip("/")


def _rels_entry(partname: str) -> str:
    folder, name = posixpath.split(partname)
    return _entry_name(posixpath.join(folder, "_rels", name + ".rels"))


def _next_shape_id(element: Any) -> int:
    # python-docx's StoryPart.next_id, evaluated on the part as loaded (as docxtpl does)
    used = [int(v) for v in element.xpath("//@id") if v.isdigit()]
    return max(used) + 1 if used else 1


def _part_rels(part: Any) -> dict[str, Rel]:
    rels = {}
    for rid, rel in part.rels.items():
        if rel.is_external:
            rels[rid] = Rel(rel.reltype, rel.target_ref, True)
        else:
            rels[rid] = Rel(rel.reltype, str(rel.target_part.partname), False)
    return rels


class _NotCompilable(Exception):
    """The template needs plain docxtpl (see the module docstring)."""


def _story_part(
    env: SandboxedEnvironment,
    tpl: DocxTemplate,
    part: Any,
    xml: str,
    next_shape_id: int | None = None,
) -> Part:
    """A part's patched, compiled template; shapes numbered on from the part's own."""
    template, compiled_source = compile_xml(env, tpl.patch_xml(xml))
    return Part(
        entry=_entry_name(part.partname),
        partname=str(part.partname),
        template=template,
        source=compiled_source,
        rels_entry=_rels_entry(part.partname),
        rels=_part_rels(part),
        next_shape_id=_next_shape_id(part.element) if next_shape_id is None else next_shape_id,
    )


def _fixed_output(part: Part, make: Callable[[str], bytes]) -> bytes | None:
    """The output of a part without tags, made once; None when it has tags or fails.

    A part whose output fails to be made is left to each render, to fail there as before.
    """
    if not isinstance(part.template, str):
        return None
    try:
        return make(post_process(part.template))
    except Exception:
        return None


def _with_provenance(entries: list[Entry], pack: Pack, source: Path) -> list[Entry]:
    """The entries with the document's provenance as custom properties (the same in every
    document rendered from *source* by *pack*)."""
    wanted = (CUSTOM_PART, _TYPES, PACKAGE_RELS)
    changed = with_provenance(
        {e.name: e.data for e in entries if e.name in wanted}, provenance(pack, source)
    )
    out = [e.replaced(changed.pop(e.name)) if e.name in changed else e for e in entries]
    stamp = out[0].date_time if out else (1980, 1, 1, 0, 0, 0)
    return out + [Entry.make(name, data, stamp) for name, data in changed.items()]


def _compile(
    source: Path, env: SandboxedEnvironment, pack: Pack, template: TemplatePackage
) -> CompiledTemplate:
    # python-docx and docxtpl only here: a process whose templates come from the persistent
    # cache renders without loading them (README "Cold start")
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.ns import qn
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(template.honest())
    tpl.init_docx()
    document = tpl.docx
    main = document.part
    package = main.package

    body_xml = str(tpl.get_xml())
    body = _story_part(env, tpl, main, body_xml)
    root = copy.deepcopy(main.element)
    old_body = root.find(qn("w:body"))
    root.replace(old_body, etree.Element(qn("w:body")))
    whole = serialize_part_xml(root)
    if whole.count(_BODY_MARK) != 1:
        raise _NotCompilable("the document's body could not be located")
    head, tail = whole.split(_BODY_MARK)

    parts = []
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for _rid, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            if tpl.get_headers_footers_encoding(xml).lower() not in ("utf-8", "utf8"):
                raise _NotCompilable("a header or footer is not UTF-8")
            parts.append(_story_part(env, tpl, part, xml))

    footnotes = []
    sections = len(document.sections)
    for part in package.parts:
        if part.content_type != FOOTNOTES_CT or not sections:
            continue
        blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
        if sections > 1 and "{" in blob:
            raise _NotCompilable("footnotes with tags in a document of several sections")
        footnotes.append(_story_part(env, tpl, part, blob, next_shape_id=1))

    try:
        core_part = package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        raise _NotCompilable("no core properties part") from None
    props = core_part.core_properties
    texts = tuple(str(getattr(props, name)) for name in PROPERTIES)
    properties = tuple(
        (name, text_template(env, text)) for name, text in zip(PROPERTIES, texts, strict=True)
    )

    images = tuple(KnownImage(str(p.partname), p.sha1, p.partname.idx) for p in package.image_parts)
    entries = _with_provenance(read_entries(template.parts), pack, source)
    names = {e.name for e in entries}
    core_entry = _entry_name(core_part.partname)
    needed = [body.entry, core_entry, CONTENT_TYPES]
    needed += [p.entry for p in (*parts, *footnotes)]
    if not all(name in names for name in needed):
        raise _NotCompilable("a part is stored under an unexpected name")
    if core_part.content_type != CT.OPC_CORE_PROPERTIES:
        raise _NotCompilable("unexpected core properties part")

    fixed = {p.entry: _fixed_output(p, header_footer_data) for p in parts}
    fixed |= {p.entry: _fixed_output(p, str.encode) for p in footnotes}
    if all(isinstance(value, str) for _name, value in properties):
        entry = next(e for e in entries if e.name == core_entry)
        try:
            fixed[core_entry] = core_data(entry.data, properties, {})
        except Exception:  # left to each render, to fail there as before
            fixed[core_entry] = None
    outputs = {name: data for name, data in fixed.items() if data is not None}
    return CompiledTemplate(
        source=source,
        entries=tuple(e.replaced(outputs[e.name]) if e.name in outputs else e for e in entries),
        body=body,
        body_xml=body_xml,
        document_head=head,
        document_tail=tail,
        headers_footers=tuple(p for p in parts if p.entry not in outputs),
        footnotes=tuple(p for p in footnotes if p.entry not in outputs),
        core_entry=core_entry,
        properties=None if core_entry in outputs else properties,
        images=images,
        stamp=next(e.date_time for e in entries if e.name == body.entry),
        property_sources=texts,
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
    :class:`jinja2.TemplateSyntaxError` docxtpl would raise (with ``docx_context``); tags
    nested too deeply raise one too; a file that is not a usable Word document raises
    :class:`PackError`.
    """
    stat = os.stat(source)
    key = (str(source), stat.st_mtime_ns, stat.st_size, pack_key(pack))
    with _lock:
        if key in _templates:
            _templates.move_to_end(key)
            return _templates[key]
    env = environment(pack)
    compiled = _kept_or_compiled(source, env, pack)
    with _lock:
        _templates[key] = compiled
        while len(_templates) > CACHE_SIZE:
            _templates.popitem(last=False)
    return compiled


def _kept_or_compiled(
    source: Path, env: SandboxedEnvironment, pack: Pack
) -> CompiledTemplate | None:
    """*source* compiled for *env*: from the persistent cache, or compiled (and kept there).

    The file is read once, as the pack's own regular file (:func:`read_template`). An entry
    is kept only for bytes that passed every check of
    :func:`~familyplan_docs.packs.guards.check_template` under the same limits and code
    (both are in the key), so a hit stands for that check; a miss checks the very bytes read.
    """
    data = read_template(source)
    store = _cache.store()
    key = ""
    if store is not None:
        key = persist.template_key(data, env, _provenance_key(pack, source))
        kept = store.get(persist.COMPILED, key)
        if kept is not None:
            try:
                return persist.load(kept, source, env)
            except persist.DamagedEntry:
                pass  # compiled again below, and the entry replaced
    template = check_template(source, data)  # measured and checked: PackError
    compiled: CompiledTemplate | None
    try:
        compiled = _compile(source, env, pack, template)
    except _NotCompilable:
        compiled = None
    except (TemplateError, PackError):
        raise
    except RecursionError:
        raise TemplateSyntaxError(
            "the template nests its tags (if, for, macro …) too deeply to be read", lineno=1
        ) from None
    except Exception as exc:  # python-docx and docxtpl fail in many ways on a damaged file
        raise PackError(
            f"{source}: cannot be read as a Word document ({type(exc).__name__}: {exc}); "
            "open it in Word and save it again"
        ) from None
    finally:
        release_memory()
    if store is not None:
        store.put(persist.COMPILED, key, persist.dump(compiled))
    return compiled


def _provenance_key(pack: Pack, source: Path) -> str:
    """What a kept template depends on besides its bytes: the provenance it carries."""
    return json.dumps(provenance(pack, source), sort_keys=True)


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
