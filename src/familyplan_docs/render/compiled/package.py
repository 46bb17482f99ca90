"""The zip package of a compiled template: entries compressed once, copied into every output.

A template's entries (its parts as :func:`familyplan_docs.packs.guards.load_template` read
and measured them) are compressed once (:func:`read_entries`); a render writes them in the
template's order with :func:`zip_bytes`, compressing only the entries it changed
(:meth:`Entry.make`). Deflate at zip's default level, no zip64 (a document is far below
4 GiB), flags and attributes as Python's :mod:`zipfile` writes them. No entry whose name
points outside the package (``../x``, ``/x``) is ever written.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..._errors import TemplateRenderError
from ..._ooxml import PartData, name_problem

__all__ = ["DateTime", "Entry", "read_entries", "zip_bytes"]

DateTime = tuple[int, int, int, int, int, int]
"""A zip entry's modification time: year, month, day, hour, minute, second."""

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@dataclass(frozen=True)
class Entry:
    """One zip entry, compressed once (``raw``) and copied into every output as it is."""

    name: str
    date_time: DateTime
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
        date_time: DateTime,
        external_attr: int = 0o600 << 16,
    ) -> Entry:
        """Compress *data* (deflate, zip's default level) into a new entry."""
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        raw = packer.compress(data) + packer.flush()
        return cls(
            name, date_time, external_attr, len(data), zlib.crc32(data), raw, zipfile.ZIP_DEFLATED
        )

    def replaced(self, data: bytes) -> Entry:
        """This entry (name, time, attributes) holding *data* instead."""
        return Entry.make(self.name, data, self.date_time, self.external_attr)


def _dos_time(date_time: DateTime) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = min(max(year, 1980), 2107)
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def zip_bytes(entries: Iterable[Entry]) -> bytes:
    """Write *entries* as a zip archive (deflated, no zip64: a document is far below 4 GiB)."""
    out = io.BytesIO()
    central: list[bytes] = []
    count = 0
    for entry in entries:
        problem = name_problem(entry.name)
        if problem:  # the template guard refuses such a part; this holds for any entry
            raise TemplateRenderError(f"the zip entry {entry.name!r} {problem}; not written")
        name = entry.name.encode("utf-8")
        flags = 0 if entry.name.isascii() else 0x800
        dos_date, dos_time = _dos_time(entry.date_time)
        offset = out.tell()
        if offset >= 0xFFFFFFFF or entry.size >= 0xFFFFFFFF:
            raise ValueError("document too large for a zip without zip64")
        out.write(
            _LOCAL.pack(
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
            _CENTRAL.pack(
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
    out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


def read_entries(parts: Iterable[PartData]) -> list[Entry]:
    """Every part of a template, in its order, compressed once more."""
    return [Entry.make(p.name, p.data, p.date_time, p.external_attr) for p in parts]
