"""The geometry of the network map: rings, quadrants, measuring text and placed labels.

Works in data units: the square image spans -1 .. 1 on both axes, y upwards. Text is
measured by :class:`~familyplan_docs.netmap.text.TextSetter` in pixels and converted here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..model.enums import Closeness, MapSector
from .fit import PT_PER_UNIT
from .text import HAlign, Style, TextSetter, VAlign

# --- geometry (data units: the square figure spans -1 .. 1 on both axes) -------------------

R_CENTRE = 0.15
R_OUTER = 0.92
DEFAULT_RADII = (R_CENTRE, 0.43, 0.68, R_OUTER)
"""Centre circle and the outer edges of the close, middle and distant rings."""
MIN_RING = 0.14
"""The narrowest a ring may become to make room for a crowded one (room for its label)."""
PACKING = 0.55
"""Roughly how much of a cell's area the labels in it can cover."""
QUADRANT: dict[MapSector, tuple[int, int]] = {
    MapSector.FAMILY: (-1, 1),
    MapSector.FRIENDS: (1, 1),
    MapSector.SCHOOL_WORK: (1, -1),
    MapSector.PROFESSIONALS: (-1, -1),
}
EDGE = 8.0 / PT_PER_UNIT  # between the image edge and a sector label

TEXT_COLOUR = "#000000"
NOTE_COLOUR = "#333333"
RING_COLOUR = "#4a4a4a"
Box = tuple[float, float, float, float]
"""``(x0, y0, x1, y1)`` in data units."""


class Measure:
    """Measures text in data units with the setter that will draw it."""

    def __init__(self, setter: TextSetter, px_per_unit: float) -> None:
        self._setter = setter
        self._px = px_per_unit
        self._boxes: dict[tuple[str, Style, HAlign, VAlign], Box] = {}
        self._widths: dict[tuple[str, Style], float] = {}

    def width(self, line: str, style: Style) -> float:
        """The width of one line of text (shaped and kerned)."""
        key = (line, style)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = self._setter.width(line, style) / self._px
        return found

    def box(self, text: str, style: Style, ha: HAlign, va: VAlign) -> Box:
        """The extent ``(x0, y0, x1, y1)`` of ``text`` drawn at the point ``(0, 0)``."""
        key = (text, style, ha, va)
        found = self._boxes.get(key)
        if found is None:
            x0, y0, x1, y1 = self._setter.box(text, style, ha, va)
            found = (x0 / self._px, -y1 / self._px, x1 / self._px, -y0 / self._px)
            self._boxes[key] = found
        return found


@dataclass(frozen=True)
class PlacedText:
    """One text artist to draw, anchored at ``(x, y)`` in data units."""

    text: str
    x: float
    y: float
    style: Style
    ha: HAlign
    va: VAlign
    color: str = TEXT_COLOUR
    chip: bool = False


@dataclass(frozen=True)
class PlacedLabel:
    """A laid-out label: what it belongs to, its texts and its box in data units.

    ``role`` is ``entry`` (``index`` is the entry's position), ``more`` (the ``+N`` of
    entries that did not fit a crowded cell), ``centre``, ``sector`` or ``ring``.
    """

    role: str
    index: int
    sector: MapSector | None
    closeness: Closeness | None
    texts: tuple[PlacedText, ...]
    box: Box


@dataclass(frozen=True)
class Radii:
    """The centre circle and the outer edge of each ring."""

    edges: Box = DEFAULT_RADII

    def ring(self, ring: Closeness) -> tuple[float, float]:
        at = list(Closeness).index(ring)
        return self.edges[at], self.edges[at + 1]

    def quarter_area(self, ring: Closeness) -> float:
        r_in, r_out = self.ring(ring)
        return math.pi / 4 * (r_out * r_out - r_in * r_in)


def radii_for(demands: Mapping[Closeness, float]) -> Radii:
    """Ring widths that give a crowded ring more room, or the usual ones if all fit.

    A ring gives room only down to :data:`MIN_RING` wide; among the widths that fit the
    crowded rings best, the ones nearest the usual are taken.
    """
    usual = Radii()
    if all(demands[ring] <= usual.quarter_area(ring) for ring in Closeness):
        return usual
    r0, r3 = R_CENTRE, R_OUTER
    d_close, d_middle, d_distant = (demands[ring] * 4 / math.pi for ring in Closeness)
    best = (math.inf, math.inf, usual.edges[1], usual.edges[2])
    steps = 80
    for i in range(steps + 1):
        r1 = r0 + MIN_RING + (r3 - r0 - 3 * MIN_RING) * i / steps
        for j in range(steps + 1):
            r2 = r1 + MIN_RING + (r3 - r1 - 2 * MIN_RING) * j / steps
            crowding = max(
                d_close / (r1 * r1 - r0 * r0),
                d_middle / (r2 * r2 - r1 * r1),
                d_distant / (r3 * r3 - r2 * r2),
            )
            shift = abs(r1 - usual.edges[1]) + abs(r2 - usual.edges[2])
            key = (round(max(crowding, 1.0), 3), shift, r1, r2)
            if key[:2] < best[:2]:
                best = key
    return Radii((r0, best[2], best[3], r3))
