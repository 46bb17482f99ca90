"""Looking inside an Office Open XML package (.docx, .xlsx) without trusting it.

One home for what the template guard (:mod:`familyplan_docs.packs.guards`) and the
workbook guard (:mod:`familyplan_docs.workbook.guards`) both need: opening the zip,
counting its entries, checking their names, reading a part with a cap on what it unpacks
to (measured while reading, never taken from the zip header), reading every part that way
(:func:`read_parts`) into an honest copy of the package (:func:`honest_package`, whose
headers say what the parts really hold, so a library that trusts them is safe), and the
content types of its parts. Every failure is a :class:`PackageProblem` whose message the
caller puts in its own words.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree

__all__ = [
    "CONTENT_TYPES",
    "DAMAGED",
    "WP_NS",
    "ContentTypes",
    "PackageProblem",
    "PartData",
    "PartTooLarge",
    "content_types",
    "honest_package",
    "name_problem",
    "open_package",
    "parse_content_types",
    "read_part",
    "read_parts",
]

CONTENT_TYPES = "[Content_Types].xml"
"""The part every OOXML package has, naming the content type of every other part."""

WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
"""The namespace of a drawing's place in the text (``wp:inline``, ``wp:docPr``)."""

DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)
"""What reading a damaged zip raises (NotImplementedError: a method or version Python lacks)."""

_CHUNK = 64 * 1024


class PackageProblem(Exception):
    """The package cannot be used; the message says why in a few words."""


class PartTooLarge(PackageProblem):
    """A part unpacks to more than it may."""


def open_package(source: str | Path | bytes) -> zipfile.ZipFile:
    """Open *source* (a file or its bytes) as a zip; :class:`PackageProblem` when damaged."""
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (*DAMAGED, RuntimeError):
        raise PackageProblem("the zip package is damaged") from None


def read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read one part, refusing it as soon as it unpacks to more than *limit* bytes.

    The size is counted while the part is unpacked, never taken from the zip header: a
    deflated or stored part is unpacked here from its raw bytes, and one that holds more
    (or less) than its header declares, or whose CRC does not match, is refused as
    damaged; so a zip bomb that understates its size cannot make this read more than
    *limit* + one chunk.
    """
    if info.flag_bits & 0x1:
        raise PackageProblem(f"the part {info.filename} is encrypted")
    if info.file_size > limit:
        raise PartTooLarge(f"the part {info.filename} is larger than {limit:,} bytes unpacked")
    try:
        raw = _raw_data(archive, info)
        if raw is None:  # another compression method: zipfile unpacks it, in chunks
            return _read_by_zipfile(archive, info, limit)
        data = _unpack(info, raw, limit)
    except PackageProblem:
        raise
    except (*DAMAGED, RuntimeError) as exc:  # bad deflate data, a header cut short
        raise PackageProblem(
            f"the part {info.filename} cannot be read ({type(exc).__name__}); "
            "the package is damaged"
        ) from None
    if zlib.crc32(data) != info.CRC:
        raise PackageProblem(
            f"the part {info.filename} cannot be read (bad CRC); the package is damaged"
        )
    return data


def _raw_data(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The raw (compressed) bytes of a deflated or stored part; None for other methods."""
    fp = archive.fp
    methods = (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)
    if info.compress_type not in methods or fp is None or not fp.seekable():
        return None
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise PackageProblem(
            f"the part {info.filename} has no valid header; the package is damaged"
        )
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_length + extra_length)
    raw = fp.read(info.compress_size)
    if len(raw) < info.compress_size:
        raise PackageProblem(f"the part {info.filename} is cut short; the package is damaged")
    return raw


def _unpack(info: zipfile.ZipInfo, raw: bytes, limit: int) -> bytes:
    declared = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    else:
        data = _inflate(info.filename, raw, min(limit, declared) + 1)
    if len(data) > limit:
        raise PartTooLarge(f"the part {info.filename} is larger than {limit:,} bytes unpacked")
    if len(data) != declared:
        raise PackageProblem(
            f"the part {info.filename} unpacks to {'more' if len(data) > declared else 'less'} "
            f"than its header declares ({declared:,} bytes); the package is damaged"
        )
    return data


def _inflate(name: str, raw: bytes, most: int) -> bytes:
    """Inflate *raw*, stopping once more than *most* - 1 bytes have come out."""
    inflater = zlib.decompressobj(-15)
    out = bytearray()
    view = memoryview(raw)
    position = 0
    pending = b""
    while not inflater.eof and len(out) < most:
        if pending:
            chunk = pending
        elif position < len(view):
            chunk = bytes(view[position : position + _CHUNK])
            position += _CHUNK
        else:
            break
        out += inflater.decompress(chunk, min(_CHUNK, most - len(out)))
        pending = inflater.unconsumed_tail
    if len(out) < most and not inflater.eof:
        raise PackageProblem(f"the part {name} is cut short; the package is damaged")
    return bytes(out)


def _read_by_zipfile(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    buffer = bytearray()
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            buffer += chunk
            if len(buffer) > limit:
                raise PartTooLarge(
                    f"the part {info.filename} is larger than {limit:,} bytes unpacked"
                )
    return bytes(buffer)


def name_problem(name: str) -> str | None:
    """Why *name* cannot name a part of a package, or None when it can.

    A part lives inside the package: no absolute name (``/x``, ``C:x``), no ``..`` or
    empty segment, no backslash and no control character, so no entry can be written
    (or later unpacked) outside the package.
    """
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute name"
    if "\\" in name or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return "holds a backslash or a control character"
    segments = name.split("/")
    if any(segment in ("", ".", "..") for segment in segments[:-1]) or segments[-1] in (".", ".."):
        return "points outside its folder ('..', '.' or an empty folder name)"
    return None


@dataclass(frozen=True)
class PartData:
    """One part of a package, read whole and measured: its name, time, attributes and data."""

    name: str
    date_time: tuple[int, int, int, int, int, int]
    external_attr: int
    data: bytes


def read_parts(
    archive: zipfile.ZipFile, *, part_limit: int, total_limit: int, max_parts: int
) -> list[PartData]:
    """Read every part of *archive*, measured while it unpacks; refuse a package over a limit.

    At most *max_parts* parts, each at most *part_limit* bytes unpacked and all together at
    most *total_limit*; a part name outside the package (:func:`name_problem`) or used twice,
    an encrypted part and a damaged one (bad CRC, bad data) are refused. Nothing more than
    the limits (and one read chunk) is ever unpacked, whatever the zip headers say.
    """
    infos = archive.infolist()
    if len(infos) > max_parts:
        raise PackageProblem(f"the package has more than {max_parts:,} parts")
    if sum(info.file_size for info in infos) > total_limit:  # honest bombs: refused unread
        raise PartTooLarge(f"the package unpacks to more than {total_limit:,} bytes")
    seen: set[str] = set()
    parts = []
    total = 0
    for info in infos:
        problem = name_problem(info.filename)
        if problem:
            raise PackageProblem(f"the part name {info.filename!r} {problem}")
        if info.filename.lower() in seen:
            raise PackageProblem(f"the part {info.filename} is in the package twice")
        seen.add(info.filename.lower())
        if info.is_dir():
            continue
        room = total_limit - total
        try:
            data = read_part(archive, info, min(part_limit, room))
        except PartTooLarge:
            if room >= part_limit:
                raise
            raise PartTooLarge(f"the package unpacks to more than {total_limit:,} bytes") from None
        total += len(data)
        parts.append(PartData(info.filename, info.date_time, info.external_attr, data))
    return parts


def honest_package(parts: list[PartData], *, compress: bool = False) -> bytes:
    """The package of *parts* written afresh, its headers true to what the parts hold.

    Libraries that read a part in one call trust the zip header (``zipfile.read`` unpacks
    everything before it cuts to the declared size); given this copy they unpack only what
    :func:`read_parts` measured. Stored (fast) unless *compress* (deflated, for a file).
    """
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", method) as archive:
        for part in parts:
            info = zipfile.ZipInfo(part.name, _valid_time(part.date_time))
            info.external_attr = part.external_attr
            archive.writestr(info, part.data)
    return out.getvalue()


def _valid_time(
    date_time: tuple[int, int, int, int, int, int],
) -> tuple[int, int, int, int, int, int]:
    year, month, day, hour, minute, second = date_time
    if not (1980 <= year <= 2107 and 1 <= month <= 12 and 1 <= day <= 31):
        return (1980, 1, 1, 0, 0, 0)
    return (year, month, day, min(hour, 23), min(minute, 59), min(second, 59))


@dataclass(frozen=True)
class ContentTypes:
    """The content types a package declares: per file extension, and per part name."""

    defaults: dict[str, str]
    overrides: dict[str, str]

    def of(self, name: str) -> str:
        """The (lower-case) content type of the part *name*, or "" when none is declared."""
        lowered = name.lower().lstrip("/")
        leaf = lowered.rsplit("/", 1)[-1]
        suffix = leaf.rsplit(".", 1)[-1] if "." in leaf else ""
        return self.overrides.get(lowered, self.defaults.get(suffix, ""))


def content_types(archive: zipfile.ZipFile, limit: int) -> ContentTypes:
    """Read and parse ``[Content_Types].xml`` (with defusedxml, at most *limit* bytes)."""
    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        raise PackageProblem(f"the package has no {CONTENT_TYPES}") from None
    return parse_content_types(read_part(archive, info, limit))


def parse_content_types(data: bytes) -> ContentTypes:
    """Parse the bytes of ``[Content_Types].xml`` (with defusedxml)."""
    try:
        root = SafeElementTree.fromstring(data)
    except Exception:  # defusedxml refusals and parse errors
        raise PackageProblem(f"its {CONTENT_TYPES} cannot be read") from None
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root.iter():
        content_type = (element.get("ContentType") or "").lower()
        if element.tag.endswith("Default"):
            defaults[(element.get("Extension") or "").lower()] = content_type
        elif element.tag.endswith("Override"):
            overrides[(element.get("PartName") or "").lstrip("/").lower()] = content_type
    return ContentTypes(defaults, overrides)
