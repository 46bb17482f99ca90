"""The map's fixed labels: the family's name in the centre, the sectors and the rings."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

from ..model.enums import Closeness, MapSector
from .fit import ELLIPSIS, GAP, HALF, PT_PER_UNIT, wrap
from .geometry import (
    EDGE,
    QUADRANT,
    R_CENTRE,
    R_OUTER,
    RING_COLOUR,
    Box,
    Measure,
    PlacedLabel,
    PlacedText,
    Radii,
)
from .text import HAlign, Slant, Style, VAlign, clean


def _fit_block(
    measure: Measure,
    text: str,
    sizes: Sequence[float],
    weight: int,
    style: Slant,
    widths: Sequence[float],
    max_lines: int,
    ha: HAlign,
    va: VAlign,
    fits: Callable[[Box], bool],
) -> tuple[str, Style, Box]:
    """The largest wrapping of ``text`` whose box at ``(0, 0)`` passes ``fits``.

    A wrapping that keeps every character wins over a larger one cut short.
    """
    attempt = ("", Style(sizes[-1], weight, style), (0.0, 0.0, 0.0, 0.0))
    for whole in (True, False):
        for size in sizes:
            font = Style(size, weight, style)
            cleaned = clean(text, font)
            for width in widths:
                wrapped = wrap(cleaned, width, max_lines, partial(measure.width, style=font))
                box = measure.box(wrapped, font, ha, va)
                attempt = (wrapped, font, box)
                if fits(box) and (ELLIPSIS not in wrapped or not whole):
                    return attempt
    return attempt


def place_centre_label(measure: Measure, text: str) -> list[PlacedLabel]:
    """The family's name, inside the centre circle."""
    if not text.strip():
        return []
    room = R_CENTRE - GAP

    def fits(box: Box) -> bool:
        return all(math.hypot(x, y) <= room for x in box[::2] for y in box[1::2])

    sizes = (11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0)
    wrapped, font, box = _fit_block(
        measure, text, sizes, 700, "normal", (2 * room, 1.6 * room), 3, "center", "center", fits
    )
    if not fits(box):
        return []
    texts = (PlacedText(wrapped, 0.0, 0.0, font, "center", "center"),)
    return [PlacedLabel("centre", -1, None, None, texts, box)]


def place_sector_label(measure: Measure, sector: MapSector, text: str) -> list[PlacedLabel]:
    """A sector's name in the image corner outside the circles, within the sector."""
    if not text.strip():
        return []
    sx, sy = QUADRANT[sector]
    ha: HAlign = "left" if sx < 0 else "right"
    va: VAlign = "top" if sy > 0 else "bottom"
    x = sx * (HALF - EDGE)
    y = sy * (HALF - EDGE)
    clear = R_OUTER + 2 * GAP

    def fits(box: Box) -> bool:
        x0, y0, x1, y1 = box[0] + x, box[1] + y, box[2] + x, box[3] + y
        near_u = min(abs(x0), abs(x1))
        near_v = min(abs(y0), abs(y1))
        same_side = x0 * x1 > 0 and y0 * y1 > 0
        return same_side and near_u >= GAP and math.hypot(near_u, near_v) >= clear

    sizes = (11.0, 10.0, 9.0, 8.0, 7.0, 6.0)
    widths = (0.8, 0.6, 0.5, 0.42, 0.36)
    wrapped, font, box = _fit_block(measure, text, sizes, 700, "normal", widths, 3, ha, va, fits)
    if not fits(box):
        return []
    placed = (box[0] + x, box[1] + y, box[2] + x, box[3] + y)
    texts = (PlacedText(wrapped, x, y, font, ha, va),)
    return [PlacedLabel("sector", -1, sector, None, texts, placed)]


CHIP_PAD = 1.5 / PT_PER_UNIT


def place_ring_label(
    measure: Measure, ring: Closeness, radii: Radii, text: str
) -> list[PlacedLabel]:
    """A ring's name on the divider to the right of the centre, on a white ground.

    As large as fits the ring's width (on one line at 8.5 or 8 pt, else on up to
    two lines down to 5 pt); a name
    too long even for that is shortened rather than left out, so every ring is named.
    """
    if not text.strip():
        return []
    r_in, r_out = radii.ring(ring)
    x = (r_in + r_out) / 2
    room = r_out - r_in - 2 * GAP - 2 * CHIP_PAD

    def fits(box: Box) -> bool:
        return box[2] - box[0] <= room

    sizes = (8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0)
    wrapped, font, box = _fit_block(  # one line, if it can be read
        measure, text, sizes[:2], 400, "normal", (room,), 1, "center", "center", fits
    )
    if ELLIPSIS in wrapped or not fits(box):
        wrapped, font, box = _fit_block(
            measure, text, sizes, 400, "normal", (room,), 2, "center", "center", fits
        )
    if not wrapped or not fits(box):
        return []
    placed = (box[0] + x, box[1], box[2] + x, box[3])
    texts = (PlacedText(wrapped, x, 0.0, font, "center", "center", RING_COLOUR, chip=True),)
    return [PlacedLabel("ring", -1, None, ring, texts, placed)]
