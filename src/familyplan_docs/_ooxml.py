"""Looking inside an Office Open XML package (.docx, .xlsx) without trusting it.

One home for what the template guard (:mod:`familyplan_docs.packs.guards`) and the
workbook guard (:mod:`familyplan_docs.workbook.guards`) both need: opening the zip,
counting its entries, reading a part with a cap on what it unpacks to (measured while
reading, never taken from the zip header), and the content types of its parts. Every
failure is a :class:`PackageProblem` whose message the caller puts in its own words.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree

__all__ = [
    "CONTENT_TYPES",
    "DAMAGED",
    "ContentTypes",
    "PackageProblem",
    "content_types",
    "open_package",
    "read_part",
]

CONTENT_TYPES = "[Content_Types].xml"
"""The part every OOXML package has, naming the content type of every other part."""

DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)
"""What reading a damaged zip raises (NotImplementedError: a method or version Python lacks)."""

_CHUNK = 64 * 1024


class PackageProblem(Exception):
    """The package cannot be used; the message says why in a few words."""


def open_package(source: str | Path | bytes) -> zipfile.ZipFile:
    """Open *source* (a file or its bytes) as a zip; :class:`PackageProblem` when damaged."""
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (*DAMAGED, RuntimeError):
        raise PackageProblem("the zip package is damaged") from None


def read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read one part, refusing it as soon as it unpacks to more than *limit* bytes.

    The size is counted while the part is unpacked, so a zip header that understates it
    (a zip bomb) cannot make this read more than *limit* + one chunk.
    """
    if info.flag_bits & 0x1:
        raise PackageProblem(f"the part {info.filename} is encrypted")
    buffer = bytearray()
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                buffer += chunk
                if len(buffer) > limit:
                    raise PackageProblem(
                        f"the part {info.filename} is larger than {limit:,} bytes unpacked"
                    )
    except PackageProblem:
        raise
    except (*DAMAGED, RuntimeError) as exc:  # bad CRC, bad deflate data, encryption
        raise PackageProblem(
            f"the part {info.filename} cannot be read ({type(exc).__name__}); "
            "the package is damaged"
        ) from None
    return bytes(buffer)


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
    data = read_part(archive, info, limit)
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
