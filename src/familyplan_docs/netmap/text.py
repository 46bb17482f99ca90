"""Fonts for the network map, and measuring and drawing its texts with Pillow.

Text is set with FreeType through Pillow (with Raqm, so Arabic is shaped and right-to-left
text is ordered). A line that needs more than one font (a Latin name with an Arabic word,
say) is set as runs, one per font, in visual order. The installed fonts are found with
matplotlib's font manager, which knows every font of the system and ships DejaVu Sans, so
there is always one.

All lengths here are pixels, with y growing downwards as in the image.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from PIL import ImageDraw, ImageFont, features

from .kept import Faces, kept_faces

__all__ = [
    "INVISIBLE_CONTROLS",
    "HAlign",
    "PixelBox",
    "Slant",
    "Style",
    "TextSetter",
    "VAlign",
    "clean",
]

_FAMILIES = (
    "Liberation Sans",
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Naskh Arabic",
    "Noto Sans Hebrew",
    "DejaVu Sans",
    "Noto Sans Symbols",
    "Noto Sans Symbols2",
    "Noto Sans CJK JP",
    "Noto Emoji",
)
"""Tried in order for every character; only the installed ones are used.

Liberation Sans first: it has the metrics of Arial, the documents' typeface, and FreeType
sets it several times faster than the larger Noto fonts, which cover the other scripts.
"""
INVISIBLE_CONTROLS = frozenset(
    "\u00ad\u061c\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Format characters that shape or order text (joiners, bidi marks) and draw nothing."""
_LINE_PITCH = 1.2
"""Distance between the baselines of a text's lines, in em."""
_NOMINAL = "Hg"
"""Every line is at least as tall and deep as these letters, so rows of names align."""
_LAYOUT = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
_FONT_CACHE_SIZE = 64

HAlign = Literal["left", "center", "right"]
VAlign = Literal["top", "center", "bottom"]
Slant = Literal["normal", "italic"]
PixelBox = tuple[float, float, float, float]
"""``(x0, y0, x1, y1)`` in pixels, y downwards."""


@dataclass(frozen=True)
class Style:
    """Font size in points, weight and slant of one piece of text."""

    size: float
    weight: int = 400
    style: Slant = "normal"


@lru_cache(maxsize=4)
def _families(weight: int) -> tuple[str, ...]:
    """The installed font families that have a face of ``weight``, in fallback order."""
    from matplotlib.font_manager import fontManager  # only to find fonts: not with the package

    have = {(font.name, font.weight) for font in fontManager.ttflist}
    found = tuple(name for name in _FAMILIES if (name, weight) in have)
    return found or ("DejaVu Sans",)


@lru_cache(maxsize=8)
def _faces(weight: int, style: Slant) -> Faces:
    """The font file of each installed fallback family and the code points it can draw."""
    return kept_faces(weight, style, lambda: _find_faces(weight, style))


def _find_faces(weight: int, style: Slant) -> Faces:
    from matplotlib.font_manager import FontProperties, findfont, get_font

    faces: list[tuple[str, frozenset[int]]] = []
    for family in _families(weight):
        path = findfont(
            FontProperties(family=family, weight=weight, style=style), fallback_to_default=False
        )
        if all(path != known for known, _ in faces):
            faces.append((path, frozenset(get_font(path).get_charmap())))
    return tuple(faces)


@lru_cache(maxsize=8)
def _coverage(weight: int, style: Slant) -> frozenset[int]:
    """Every code point that some font of the fallback list can draw."""
    return frozenset().union(*(points for _, points in _faces(weight, style)))


def clean(text: str, style: Style) -> str:
    """``text`` on one line, without the characters no installed font can draw.

    Dropping them (an emoji the fonts lack, say) keeps the name readable instead of
    drawing empty boxes; joiners and bidi marks stay.
    """
    coverage = _coverage(style.weight, style.style)
    kept = [
        ch
        for ch in " ".join(text.split())
        if ch == " "
        or ch in INVISIBLE_CONTROLS
        or (ord(ch) in coverage and unicodedata.category(ch) != "Cc")
    ]
    cleaned = " ".join("".join(kept).split())
    return cleaned if cleaned.strip("".join(INVISIBLE_CONTROLS)).strip() else ""


def _runs(line: str, style: Style) -> list[tuple[str, str]]:
    """``line`` cut into ``(font path, text)`` runs, in visual order.

    A character stays in the current run when its font has it (so spaces, marks and
    digits do not split a run) and otherwise goes to the first font that has it. In a line whose
    first strong character is right-to-left the runs are reversed, so that Raqm, which
    orders the text within each run, and this order together read right to left.
    """
    faces = _faces(style.weight, style.style)
    points = dict(faces)
    runs: list[tuple[str, list[str]]] = []
    for ch in line:
        point = ord(ch)
        if runs and (point in points[runs[-1][0]] or ch in INVISIBLE_CONTROLS):
            runs[-1][1].append(ch)  # spaces, marks and joiners stay in their run
            continue
        path = next((p for p, covered in faces if point in covered), faces[0][0])
        if runs and runs[-1][0] == path:
            runs[-1][1].append(ch)
        else:
            runs.append((path, [ch]))
    ordered = [(path, "".join(chars)) for path, chars in runs]
    if len(ordered) > 1 and _right_to_left(line):
        ordered.reverse()
    return ordered


def _right_to_left(line: str) -> bool:
    """Whether the first strongly directed character of ``line`` is right-to-left."""
    for ch in line:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


_local = threading.local()


def _font(path: str, pixels: float) -> ImageFont.FreeTypeFont:
    """A FreeType font of ``path`` at ``pixels`` per em, kept per thread.

    FreeType faces must not be used by two threads at once, so every thread has its own.
    """
    cache: dict[tuple[str, float], ImageFont.FreeTypeFont] | None = getattr(_local, "fonts", None)
    if cache is None:
        cache = {}
        _local.fonts = cache
    key = (path, pixels)
    font = cache.get(key)
    if font is None:
        if len(cache) >= _FONT_CACHE_SIZE:
            cache.clear()
        font = ImageFont.truetype(path, pixels, layout_engine=_LAYOUT)
        cache[key] = font
    return font


@dataclass(frozen=True)
class _Line:
    """One line set in runs: where each run starts, and the line's extent.

    ``x0``/``x1`` span the pen's travel and any ink beyond it; ``top``/``bottom`` are
    relative to the baseline (``top`` negative) and cover the ink and the nominal letters.
    """

    runs: tuple[tuple[ImageFont.FreeTypeFont, str, float], ...]
    x0: float
    x1: float
    top: float
    bottom: float


class TextSetter:
    """Measures and draws text at one resolution; results are kept for reuse."""

    def __init__(self, dpi: int) -> None:
        self._px_per_pt = dpi / 72
        self._lines: dict[tuple[str, Style], _Line] = {}
        self._widths: dict[tuple[str, Style], float] = {}

    def _pixels(self, style: Style) -> float:
        return style.size * self._px_per_pt

    def width(self, line: str, style: Style) -> float:
        """How far the pen moves over one line, in pixels (shaped, kerned)."""
        key = (line, style)
        found = self._widths.get(key)
        if found is None:
            pixels = self._pixels(style)
            found = sum(_font(path, pixels).getlength(run) for path, run in _runs(line, style))
            self._widths[key] = found
        return found

    def _line(self, line: str, style: Style) -> _Line:
        key = (line, style)
        found = self._lines.get(key)
        if found is not None:
            return found
        pixels = self._pixels(style)
        path = _faces(style.weight, style.style)[0][0]
        _, top, _, bottom = _font(path, pixels).getbbox(_NOMINAL, anchor="ls")
        x0, x1, pen = 0.0, 0.0, 0.0
        runs: list[tuple[ImageFont.FreeTypeFont, str, float]] = []
        for path, run in _runs(line, style):
            font = _font(path, pixels)
            left, upper, right, lower = font.getbbox(run, anchor="ls")
            x0, x1 = min(x0, pen + left), max(x1, pen + right)
            top, bottom = min(top, upper), max(bottom, lower)
            runs.append((font, run, pen))
            pen += font.getlength(run)
        found = _Line(tuple(runs), x0, max(x1, pen), float(top) - 1, float(bottom) + 1)
        self._lines[key] = found
        return found

    def _block(
        self, text: str, style: Style, ha: HAlign, va: VAlign
    ) -> tuple[PixelBox, list[tuple[_Line, float, float]]]:
        """The extent of ``text`` anchored at ``(0, 0)``, and each line with its origin."""
        pitch = _LINE_PITCH * self._pixels(style)
        lines = [self._line(line, style) for line in text.split("\n")]
        top = lines[0].top
        bottom = (len(lines) - 1) * pitch + lines[-1].bottom
        dy = {"top": -top, "center": -(top + bottom) / 2, "bottom": -bottom}[va]
        placed: list[tuple[_Line, float, float]] = []
        x0 = x1 = 0.0
        for at, line in enumerate(lines):
            width = line.x1 - line.x0
            left = {"left": 0.0, "center": -width / 2, "right": -width}[ha]
            dx = left - line.x0
            placed.append((line, dx, dy + at * pitch))
            x0 = min(x0, left) if at else left
            x1 = max(x1, left + width) if at else left + width
        return (x0 - 1, top + dy, x1 + 1, bottom + dy), placed

    def box(self, text: str, style: Style, ha: HAlign, va: VAlign) -> PixelBox:
        """The pixels ``text`` covers when anchored at ``(0, 0)``, ink included."""
        return self._block(text, style, ha, va)[0]

    def draw(
        self,
        canvas: ImageDraw.ImageDraw,
        at: tuple[float, float],
        text: str,
        style: Style,
        ha: HAlign,
        va: VAlign,
        color: str,
    ) -> None:
        """Draw ``text`` anchored at the pixel ``at``; it stays inside :meth:`box`."""
        x, y = at
        for line, dx, baseline in self._block(text, style, ha, va)[1]:
            for font, run, pen in line.runs:
                canvas.text((x + dx + pen, y + baseline), run, font=font, fill=color, anchor="ls")
