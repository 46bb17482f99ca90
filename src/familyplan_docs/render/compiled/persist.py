"""Compiled templates kept across processes: their data in the cache, their Jinja as bytecode.

A :class:`~.output.CompiledTemplate` is stored as data only (JSON and byte strings, never
pickle): the zip entries compressed once, the patched XML of each part, relationships,
images and the fixed outputs (:func:`dump`). Loading it (:func:`load`) makes each part's
Jinja template again from its patched XML through :func:`template`, which keeps the
compiled Python code in Jinja's own bytecode format through a :class:`jinja2.BytecodeCache`
(:class:`StoreBytecodeCache`) on the same authenticated store, so a warm process neither
opens the .docx with python-docx, nor patches XML, nor parses and compiles Jinja.

Keys: the template file's bytes (SHA-256), the provenance the documents carry, the limits
the file was checked under, the package's code
(:func:`familyplan_docs._cache.package_fingerprint`), the versions of the libraries whose
work is kept, and what Jinja's compilation depends on in the environment
(:func:`environment_signature`). Bytecode is loaded only after the store has checked the
entry's HMAC (Jinja's own loader unpickles and unmarshals; neither is safe on foreign data).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ... import _cache
from ...packs.guards import template_limits
from .bytecode import engine, environment_signature, template
from .media import KnownImage, Rel
from .output import CompiledTemplate, Part
from .package import Entry

__all__ = ["COMPILED", "DamagedEntry", "dump", "load", "template_key"]

COMPILED = "compiled"
_PLAIN = b"plain"
"""The entry of a template the engine cannot compile (plain docxtpl renders it)."""


def template_key(data: bytes, env: SandboxedEnvironment, provenance: str) -> str:
    """The key of the template file holding *data*, compiled in *env* with *provenance*.

    The limits a template is checked under are in the key too: an entry stands for a
    template that passed :func:`~familyplan_docs.packs.guards.check_template` under them.
    """
    limits = repr(template_limits())
    return _cache.digest(COMPILED, engine(), environment_signature(env), limits, provenance, data)


# --- compiled templates as data -------------------------------------------------------------


class _Blobs:
    def __init__(self) -> None:
        self.items: list[bytes] = []

    def add(self, data: bytes | str) -> int:
        self.items.append(data.encode("utf-8") if isinstance(data, str) else data)
        return len(self.items) - 1


def _part(part: Part, blobs: _Blobs) -> dict[str, Any]:
    return {
        "entry": part.entry,
        "partname": part.partname,
        "template": not isinstance(part.template, str),  # else the template is the source
        "source": blobs.add(part.source),
        "rels_entry": part.rels_entry,
        "rels": {rid: [r.reltype, r.target, r.external] for rid, r in part.rels.items()},
        "next_shape_id": part.next_shape_id,
    }


def dump(compiled: CompiledTemplate | None) -> bytes:
    """*compiled* as data (no code): a JSON head and the byte strings it indexes."""
    if compiled is None:
        return _PLAIN
    blobs = _Blobs()
    head = {
        "entries": [
            [e.name, list(e.date_time), e.external_attr, e.size, e.crc, e.method, blobs.add(e.raw)]
            for e in compiled.entries
        ],
        "body": _part(compiled.body, blobs),
        "body_xml": blobs.add(compiled.body_xml),
        "document_head": blobs.add(compiled.document_head),
        "document_tail": blobs.add(compiled.document_tail),
        "headers_footers": [_part(p, blobs) for p in compiled.headers_footers],
        "footnotes": [_part(p, blobs) for p in compiled.footnotes],
        "core_entry": compiled.core_entry,
        "properties": None
        if compiled.properties is None
        else [
            [name, not isinstance(value, str), blobs.add(text)]
            for (name, value), text in zip(
                compiled.properties, compiled.property_sources, strict=True
            )
        ],
        "images": [[i.partname, i.sha1, i.idx] for i in compiled.images],
        "stamp": list(compiled.stamp),
    }
    head_bytes = json.dumps(head, separators=(",", ":")).encode("utf-8")
    sizes = [len(b) for b in blobs.items]
    out = [struct.pack("<II", len(head_bytes), len(sizes)), struct.pack(f"<{len(sizes)}I", *sizes)]
    return b"".join([*out, head_bytes, *blobs.items])


class DamagedEntry(ValueError):
    """A cache entry that is not what :func:`dump` writes (the caller compiles instead)."""


def _blobs(data: bytes) -> tuple[dict[str, Any], list[bytes]]:
    try:
        head_size, count = struct.unpack_from("<II", data, 0)
        sizes = struct.unpack_from(f"<{count}I", data, 8)
        offset = 8 + 4 * count
        head = json.loads(data[offset : offset + head_size])
        offset += head_size
        blobs = []
        for size in sizes:
            blobs.append(data[offset : offset + size])
            offset += size
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise DamagedEntry(str(exc)) from None
    if offset != len(data) or not isinstance(head, dict):
        raise DamagedEntry("sizes do not add up")
    return head, blobs


def load(data: bytes, source: Path, env: SandboxedEnvironment) -> CompiledTemplate | None:
    """The compiled template *data* (from :func:`dump`) holds, its Jinja made for *env*.

    Raises :class:`DamagedEntry` when *data* is not such an entry.
    """
    if data == _PLAIN:
        return None
    head, blobs = _blobs(data)
    try:
        return _build(head, blobs, source, env)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise DamagedEntry(f"{type(exc).__name__}: {exc}") from None


def _text(blobs: list[bytes], index: int) -> str:
    return blobs[index].decode("utf-8")


def _load_part(item: dict[str, Any], blobs: list[bytes], env: SandboxedEnvironment) -> Part:
    source = _text(blobs, item["source"])
    return Part(
        entry=str(item["entry"]),
        partname=str(item["partname"]),
        template=template(env, source) if item["template"] else source,
        source=source,
        rels_entry=str(item["rels_entry"]),
        rels={str(rid): Rel(str(t), str(g), bool(x)) for rid, (t, g, x) in item["rels"].items()},
        next_shape_id=int(item["next_shape_id"]),
    )


def _build(
    head: dict[str, Any], blobs: list[bytes], source: Path, env: SandboxedEnvironment
) -> CompiledTemplate:
    entries = tuple(
        Entry(str(n), tuple(d), int(a), int(s), int(c), blobs[r], int(m))
        for n, d, a, s, c, m, r in head["entries"]
    )
    properties = head["properties"]
    return CompiledTemplate(
        source=source,
        entries=entries,
        body=_load_part(head["body"], blobs, env),
        body_xml=_text(blobs, head["body_xml"]),
        document_head=blobs[head["document_head"]],
        document_tail=blobs[head["document_tail"]],
        headers_footers=tuple(_load_part(p, blobs, env) for p in head["headers_footers"]),
        footnotes=tuple(_load_part(p, blobs, env) for p in head["footnotes"]),
        core_entry=str(head["core_entry"]),
        properties=None
        if properties is None
        else tuple(
            (str(name), template(env, _text(blobs, i)) if is_tpl else _text(blobs, i))
            for name, is_tpl, i in properties
        ),
        images=tuple(KnownImage(str(p), str(s), i) for p, s, i in head["images"]),
        stamp=tuple(head["stamp"]),
    )
