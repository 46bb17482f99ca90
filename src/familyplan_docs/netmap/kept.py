"""The network map's slow, unchanging work kept across processes: drawn rings and fonts.

Drawing the rings with matplotlib and finding the installed fonts through matplotlib's
font manager cost a fresh process most of a second (matplotlib's import alone is a few
tenths). Both results are kept in the persistent cache (:mod:`familyplan_docs._cache`,
authenticated entries) as data: the rings as a lossless PNG, the fonts as file paths
with the code points each can draw. A warm process draws a map without importing
matplotlib. The results are exactly those made without the cache, so a map is the same
image either way.

Fonts are looked up again when the package's code changes, when a chosen font file
changes or goes, and once a day (so a newly installed font is found within a day, as
soon as matplotlib's own font list has it).
"""

from __future__ import annotations

import io
import json
import os
import time
from array import array
from collections.abc import Callable

from PIL import Image

from .. import _cache

__all__ = ["Faces", "kept_background", "kept_faces"]

Faces = tuple[tuple[str, frozenset[int]], ...]
"""Font files in fallback order, each with the code points it can draw."""

_RINGS = "rings"
_FONTS = "fonts"
_FONTS_DAYS = 1.0


def kept_background(
    edges: tuple[float, float, float, float], dpi: int, draw: Callable[[], Image.Image]
) -> Image.Image:
    """The rings for *edges* at *dpi*: kept, or drawn by *draw* (RGB) and kept."""
    store = _cache.store()
    if store is None:
        return draw()
    key = _cache.digest(
        _RINGS,
        _cache.package_fingerprint(),
        _cache.library_stamp("matplotlib"),
        _cache.library_stamp("PIL"),
        repr((edges, dpi)),
    )
    data = store.get(_RINGS, key)
    if data is not None:
        try:
            kept = Image.open(io.BytesIO(data), formats=["PNG"])
            kept.load()
            if kept.mode == "RGB" and kept.size[0] == kept.size[1]:
                return kept
        except (OSError, ValueError, Image.DecompressionBombError):
            pass  # drawn again below
    image = draw()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    store.put(_RINGS, key, buffer.getvalue())
    return image


def _stat(path: str) -> list[int]:
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns]


def _encode(faces: Faces) -> bytes:
    """A JSON line (when made; each font's path, size and time) and the code points as uint32."""
    head = {"made": time.time(), "faces": []}
    blobs = []
    for path, points in faces:
        blob = array("I", sorted(points)).tobytes()
        head["faces"].append([path, _stat(path), len(blob)])  # type: ignore[attr-defined]
        blobs.append(blob)
    return json.dumps(head, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(blobs)


def _decode(data: bytes) -> Faces | None:
    """The faces of a kept entry, or None when it is stale or not what :func:`_encode` wrote."""
    try:
        line, _, rest = data.partition(b"\n")
        head = json.loads(line)
        if time.time() - float(head["made"]) > _FONTS_DAYS * 86400:
            return None
        faces = []
        offset = 0
        for path, stamp, size in head["faces"]:
            if _stat(str(path)) != stamp or size % 4:
                return None
            points = array("I")
            points.frombytes(rest[offset : offset + size])
            offset += size
            faces.append((str(path), frozenset(points)))
        return tuple(faces) if faces and offset == len(rest) else None
    except (OSError, ValueError, TypeError, KeyError):
        return None


def kept_faces(weight: int, style: str, find: Callable[[], Faces]) -> Faces:
    """The fallback fonts of *weight* and *style*: kept, or found by *find* and kept."""
    store = _cache.store()
    if store is None:
        return find()
    key = _cache.digest(_FONTS, _cache.package_fingerprint(), str(weight), style)
    data = store.get(_FONTS, key)
    faces = _decode(data) if data is not None else None
    if faces is not None:
        return faces
    faces = find()
    store.put(_FONTS, key, _encode(faces))
    return faces
