"""Lay out the network map's labels: names in their cell, and the fixed labels.

Works in data units: the square image spans -1 .. 1 on both axes, y upwards. Text is
measured by :class:`~familyplan_docs._netmap_text.TextSetter` in pixels and converted here.
Every label gets a box that holds all its ink, and no two boxes overlap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ._model import Closeness, MapSector
from ._netmap_fit import (
    _ELLIPSIS,
    _GAP,
    _HALF,
    _HGAP_EM,
    _PT_PER_UNIT,
    _VGAP_EM,
    _ellipsize,
    _pack,
    _wrap,
)
from ._netmap_text import HAlign as _HAlign
from ._netmap_text import Slant as _Slant
from ._netmap_text import Style as _Style
from ._netmap_text import TextSetter
from ._netmap_text import VAlign as _VAlign
from ._netmap_text import clean as _clean


@dataclass(frozen=True)
class MapEntry:
    """One person on the network map: a name placed in a sector and a ring of closeness.

    ``note`` is a short relation (such as a grandmother) drawn smaller under the name when
    there is room for it.
    """

    name: str
    sector: MapSector
    closeness: Closeness
    note: str = ""


# --- geometry (data units: the square figure spans -1 .. 1 on both axes) -------------------

_R_CENTRE = 0.15
_R_OUTER = 0.92
_DEFAULT_RADII = (_R_CENTRE, 0.43, 0.68, _R_OUTER)
"""Centre circle and the outer edges of the close, middle and distant rings."""
_MIN_RING = 0.14
"""The narrowest a ring may become to make room for a crowded one (room for its label)."""
_PACKING = 0.55
"""Roughly how much of a cell's area the labels in it can cover."""
_QUADRANT: dict[MapSector, tuple[int, int]] = {
    MapSector.FAMILY: (-1, 1),
    MapSector.FRIENDS: (1, 1),
    MapSector.SCHOOL_WORK: (1, -1),
    MapSector.PROFESSIONALS: (-1, -1),
}
_EDGE = 8.0 / _PT_PER_UNIT  # between the image edge and a sector label

_TEXT = "#000000"
_NOTE_TEXT = "#333333"
_RING_TEXT = "#4a4a4a"
_Box = tuple[float, float, float, float]
"""``(x0, y0, x1, y1)`` in data units."""
_EMPTY_NAME = "\u2022"
_WORD_EM = 9.0
"""How wide (in em) one word of a name may grow before it is cut short."""


class _Measure:
    """Measures text in data units with the setter that will draw it."""

    def __init__(self, setter: TextSetter, px_per_unit: float) -> None:
        self._setter = setter
        self._px = px_per_unit
        self._boxes: dict[tuple[str, _Style, _HAlign, _VAlign], _Box] = {}

    def width(self, line: str, style: _Style) -> float:
        """The width of one line of text (shaped and kerned)."""
        return self._setter.width(line, style) / self._px

    def box(self, text: str, style: _Style, ha: _HAlign, va: _VAlign) -> _Box:
        """The extent ``(x0, y0, x1, y1)`` of ``text`` drawn at the point ``(0, 0)``."""
        key = (text, style, ha, va)
        found = self._boxes.get(key)
        if found is None:
            x0, y0, x1, y1 = self._setter.box(text, style, ha, va)
            found = (x0 / self._px, -y1 / self._px, x1 / self._px, -y0 / self._px)
            self._boxes[key] = found
        return found


# --- placed labels -------------------------------------------------------------------------


@dataclass(frozen=True)
class _PlacedText:
    """One text artist to draw, anchored at ``(x, y)`` in data units."""

    text: str
    x: float
    y: float
    style: _Style
    ha: _HAlign
    va: _VAlign
    color: str = _TEXT
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
    texts: tuple[_PlacedText, ...]
    box: _Box


@dataclass(frozen=True)
class _Level:
    """How large and how long the labels of one cell may be."""

    size: float
    lines: int
    width_em: float
    note: bool

    @property
    def width(self) -> float:
        return self.width_em * self.size / _PT_PER_UNIT


def _levels() -> list[_Level]:
    """The label styles a cell tries, from the most to the least generous.

    The note goes first, then the type shrinks, and only then do names lose a line.
    """
    levels = [_Level(9.0, 2, 9.0, True), _Level(9.0, 2, 6.5, True), _Level(8.0, 2, 6.5, True)]
    levels += [_Level(size, 2, 6.5, False) for size in (9.0, 8.0, 7.0, 6.5, 6.0, 5.5, 5.0)]
    levels += [_Level(size, 1, 6.5, False) for size in (6.0, 5.5, 5.0)]
    levels += [_Level(5.0, 1, width_em, False) for width_em in (5.0, 4.0, 3.0)]
    return levels


_LEVELS = _levels()
_COMFORTABLE = 3
"""The index in :data:`_LEVELS` of names in full size without notes."""


@dataclass(frozen=True)
class _Shape:
    """A label drawn at the name anchor ``(0, 0)``: its texts and their joint extent."""

    name: str
    name_style: _Style
    note: str
    note_style: _Style
    note_dy: float
    box: _Box

    @property
    def w(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def h(self) -> float:
        return self.box[3] - self.box[1]


def _shape(measure: _Measure, name: str, note: str, level: _Level) -> _Shape:
    """Wrap and measure one entry's label at ``level``."""
    name_style = _Style(level.size)
    note_style = _Style(round(level.size * 0.82, 1))
    name_text = _wrap(
        name,
        level.width,
        level.lines,
        lambda s: measure.width(s, name_style),
        _WORD_EM * level.size / _PT_PER_UNIT,
    )
    x0, y0, x1, y1 = measure.box(name_text, name_style, "center", "top")
    note_text = ""
    note_dy = y0
    if level.note and note:
        note_text = _ellipsize(note, level.width, lambda s: measure.width(s, note_style))
        nx0, ny0, nx1, _ = measure.box(note_text, note_style, "center", "top")
        x0, x1, y0 = min(x0, nx0), max(x1, nx1), note_dy + ny0
    return _Shape(name_text, name_style, note_text, note_style, note_dy, (x0, y0, x1, y1))


def _layout_cell(
    measure: _Measure,
    items: Sequence[tuple[int, str, str]],
    sector: MapSector,
    ring: Closeness,
    radii: _Radii,
    margin_v: float,
) -> tuple[list[PlacedLabel], int]:
    """Labels for the entries ``(index, name, note)`` of one sector and ring, and a step.

    Takes the most generous label style that fits (a binary search over the styles,
    which grow less generous in order), so a crowded cell gets smaller type. The step is
    the index of the style in :data:`_LEVELS`, or beyond the last when names had to give
    way to ``+N``.
    """
    if not items:
        return [], 0
    r_in, r_out = radii.ring(ring)
    indices = [index for index, _, _ in items]
    tried: dict[int, list[PlacedLabel] | None] = {}

    def attempt(at: int) -> list[PlacedLabel] | None:
        if at not in tried:
            level = _LEVELS[at]
            shapes = [_shape(measure, name, note, level) for _, name, note in items]
            sizes = [(s.w, s.h) for s in shapes]
            corners = _pack(sizes, r_in, r_out, margin_v, level.size)
            tried[at] = None if corners is None else _place(shapes, corners, indices, sector, ring)
        return tried[at]

    low, high = 0, len(_LEVELS) - 1
    if attempt(0) is None:
        low = 1
        while low < high:
            middle = (low + high) // 2
            if attempt(middle) is None:
                low = middle + 1
            else:
                high = middle
    if (found := attempt(low)) is not None:
        return found, low
    # Too many for the cell even in the smallest type: show those that fit and "+N".
    level = _LEVELS[-1]
    shapes = [_shape(measure, name, note, level) for _, name, note in items]
    for shown in range(len(items) - 1, -1, -1):
        more = _shape(measure, f"+{len(items) - shown}", "", level)
        kept = [*shapes[:shown], more]
        corners = _pack([(s.w, s.h) for s in kept], r_in, r_out, margin_v, level.size)
        if corners is not None:
            labels = _place(kept, corners, [*indices[:shown], -1], sector, ring)
            return labels, len(_LEVELS) + len(items) - shown
    return [], len(_LEVELS) + len(items)  # not even "+N" fits: empty, never overlapping


def _layout_entries(
    measure: _Measure,
    cells: Mapping[tuple[MapSector, Closeness], Sequence[tuple[int, str, str]]],
    radii: _Radii,
    ring_labels: Mapping[Closeness, str],
) -> tuple[list[PlacedLabel], int, int]:
    """The ring labels and every entry's label for ring widths ``radii``.

    Also the cost (style steps down, summed over the entries) and the worst step of a cell.
    """
    rings: list[PlacedLabel] = []
    for ring in Closeness:
        rings += _ring_label(measure, ring, radii, ring_labels[ring])
    margin_v = max([_GAP, *(label.box[3] + _CHIP_PAD + _GAP for label in rings)])
    labels, cost, worst = list(rings), 0, 0
    for sector in MapSector:
        for ring in Closeness:
            items = cells.get((sector, ring), [])
            placed, step = _layout_cell(measure, items, sector, ring, radii, margin_v)
            labels += placed
            cost += step * len(items)
            worst = max(worst, step)
    return labels, cost, worst


def _demand(measure: _Measure, items: Sequence[tuple[int, str, str]]) -> float:
    """The area the labels of one cell want in a comfortable style (names, no notes)."""
    level = _LEVELS[_COMFORTABLE]
    gap = level.size / _PT_PER_UNIT
    area = 0.0
    for _, name, note in items:
        shape = _shape(measure, name, note, level)
        area += (shape.w + _HGAP_EM * gap) * (shape.h + _VGAP_EM * gap)
    return area / _PACKING


@dataclass(frozen=True)
class _Radii:
    """The centre circle and the outer edge of each ring."""

    edges: _Box = _DEFAULT_RADII

    def ring(self, ring: Closeness) -> tuple[float, float]:
        at = list(Closeness).index(ring)
        return self.edges[at], self.edges[at + 1]

    def quarter_area(self, ring: Closeness) -> float:
        r_in, r_out = self.ring(ring)
        return math.pi / 4 * (r_out * r_out - r_in * r_in)


def _radii(demands: Mapping[Closeness, float]) -> _Radii:
    """Ring widths that give a crowded ring more room, or the usual ones if all fit.

    A ring gives room only down to :data:`_MIN_RING` wide; among the widths that fit the
    crowded rings best, the ones nearest the usual are taken.
    """
    usual = _Radii()
    if all(demands[ring] <= usual.quarter_area(ring) for ring in Closeness):
        return usual
    r0, r3 = _R_CENTRE, _R_OUTER
    d_close, d_middle, d_distant = (demands[ring] * 4 / math.pi for ring in Closeness)
    best = (math.inf, math.inf, usual.edges[1], usual.edges[2])
    steps = 80
    for i in range(steps + 1):
        r1 = r0 + _MIN_RING + (r3 - r0 - 3 * _MIN_RING) * i / steps
        for j in range(steps + 1):
            r2 = r1 + _MIN_RING + (r3 - r1 - 2 * _MIN_RING) * j / steps
            crowding = max(
                d_close / (r1 * r1 - r0 * r0),
                d_middle / (r2 * r2 - r1 * r1),
                d_distant / (r3 * r3 - r2 * r2),
            )
            shift = abs(r1 - usual.edges[1]) + abs(r2 - usual.edges[2])
            key = (round(max(crowding, 1.0), 3), shift, r1, r2)
            if key[:2] < best[:2]:
                best = key
    return _Radii((r0, best[2], best[3], r3))


def _place(
    shapes: Sequence[_Shape],
    corners: Sequence[tuple[float, float]],
    indices: Sequence[int],
    sector: MapSector,
    ring: Closeness,
) -> list[PlacedLabel]:
    """Turn boxes packed in the top right quarter into labels in the sector's quarter."""
    sx, sy = _QUADRANT[sector]
    labels: list[PlacedLabel] = []
    for shape, (u, v), index in zip(shapes, corners, indices, strict=True):
        xs = (sx * u, sx * (u + shape.w))
        ys = (sy * v, sy * (v + shape.h))
        box = (min(xs), min(ys), max(xs), max(ys))
        ax_ = box[0] - shape.box[0]  # the name's anchor
        ay_ = box[1] - shape.box[1]
        texts = [_PlacedText(shape.name, ax_, ay_, shape.name_style, "center", "top")]
        if shape.note:
            texts.append(
                _PlacedText(
                    shape.note,
                    ax_,
                    ay_ + shape.note_dy,
                    shape.note_style,
                    "center",
                    "top",
                    _NOTE_TEXT,
                )
            )
        role = "entry" if index >= 0 else "more"
        labels.append(PlacedLabel(role, index, sector, ring, tuple(texts), box))
    return labels


# --- the fixed labels: centre, sectors, rings ------------------------------------------------


def _fit_block(
    measure: _Measure,
    text: str,
    sizes: Sequence[float],
    weight: int,
    style: _Slant,
    widths: Sequence[float],
    max_lines: int,
    ha: _HAlign,
    va: _VAlign,
    fits: Callable[[_Box], bool],
) -> tuple[str, _Style, _Box]:
    """The largest wrapping of ``text`` whose box at ``(0, 0)`` passes ``fits``.

    A wrapping that keeps every character wins over a larger one cut short.
    """
    attempt = ("", _Style(sizes[-1], weight, style), (0.0, 0.0, 0.0, 0.0))
    for whole in (True, False):
        for size in sizes:
            font = _Style(size, weight, style)
            clean = _clean(text, font)
            for width in widths:
                wrapped = _wrap(clean, width, max_lines, partial(measure.width, style=font))
                box = measure.box(wrapped, font, ha, va)
                attempt = (wrapped, font, box)
                if fits(box) and (_ELLIPSIS not in wrapped or not whole):
                    return attempt
    return attempt


def _centre_label(measure: _Measure, text: str) -> list[PlacedLabel]:
    """The family's name, inside the centre circle."""
    if not text.strip():
        return []
    room = _R_CENTRE - _GAP

    def fits(box: _Box) -> bool:
        return all(math.hypot(x, y) <= room for x in box[::2] for y in box[1::2])

    sizes = (11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0)
    wrapped, font, box = _fit_block(
        measure, text, sizes, 700, "normal", (2 * room, 1.6 * room), 3, "center", "center", fits
    )
    if not fits(box):
        return []
    texts = (_PlacedText(wrapped, 0.0, 0.0, font, "center", "center"),)
    return [PlacedLabel("centre", -1, None, None, texts, box)]


def _sector_label(measure: _Measure, sector: MapSector, text: str) -> list[PlacedLabel]:
    """A sector's name in the image corner outside the circles, within the sector."""
    if not text.strip():
        return []
    sx, sy = _QUADRANT[sector]
    ha: _HAlign = "left" if sx < 0 else "right"
    va: _VAlign = "top" if sy > 0 else "bottom"
    x = sx * (_HALF - _EDGE)
    y = sy * (_HALF - _EDGE)
    clear = _R_OUTER + 2 * _GAP

    def fits(box: _Box) -> bool:
        x0, y0, x1, y1 = box[0] + x, box[1] + y, box[2] + x, box[3] + y
        near_u = min(abs(x0), abs(x1))
        near_v = min(abs(y0), abs(y1))
        same_side = x0 * x1 > 0 and y0 * y1 > 0
        return same_side and near_u >= _GAP and math.hypot(near_u, near_v) >= clear

    sizes = (11.0, 10.0, 9.0, 8.0, 7.0, 6.0)
    widths = (0.8, 0.6, 0.5, 0.42, 0.36)
    wrapped, font, box = _fit_block(measure, text, sizes, 700, "normal", widths, 3, ha, va, fits)
    if not fits(box):
        return []
    placed = (box[0] + x, box[1] + y, box[2] + x, box[3] + y)
    texts = (_PlacedText(wrapped, x, y, font, ha, va),)
    return [PlacedLabel("sector", -1, sector, None, texts, placed)]


_CHIP_PAD = 1.5 / _PT_PER_UNIT


def _ring_label(measure: _Measure, ring: Closeness, radii: _Radii, text: str) -> list[PlacedLabel]:
    """A ring's name, small, on the divider to the right of the centre."""
    if not text.strip():
        return []
    r_in, r_out = radii.ring(ring)
    x = (r_in + r_out) / 2
    room = r_out - r_in - 2 * _GAP - 2 * _CHIP_PAD

    def fits(box: _Box) -> bool:
        return box[2] - box[0] <= room

    sizes = (6.5, 6.0, 5.5, 5.0)
    wrapped, font, box = _fit_block(
        measure, text, sizes, 400, "italic", (room,), 2, "center", "center", fits
    )
    if not fits(box):
        return []
    placed = (box[0] + x, box[1], box[2] + x, box[3])
    texts = (_PlacedText(wrapped, x, 0.0, font, "center", "center", _RING_TEXT, chip=True),)
    return [PlacedLabel("ring", -1, None, ring, texts, placed)]


# --- the whole map ---------------------------------------------------------------------------


def lay_out(
    measure: _Measure,
    entries: Sequence[MapEntry],
    centre_label: str,
    sector_labels: Mapping[MapSector, str],
    ring_labels: Mapping[Closeness, str],
) -> tuple[list[PlacedLabel], _Radii]:
    """Every label of the map, and the ring widths they were laid out in.

    A crowded map first tries the usual ring widths, then rings widened for the crowded
    cells, and keeps whichever layout shrinks fewer names.
    """
    name_style = _Style(_LEVELS[0].size)
    cells: dict[tuple[MapSector, Closeness], list[tuple[int, str, str]]] = {}
    for index, entry in enumerate(entries):
        name = _clean(entry.name, name_style)
        note = _clean(entry.note, name_style)
        item = (index, name, note) if name else (index, note or _EMPTY_NAME, "")
        cells.setdefault((entry.sector, entry.closeness), []).append(item)

    radii = _Radii()
    entry_labels, cost, worst = _layout_entries(measure, cells, radii, ring_labels)
    if worst > _COMFORTABLE:  # crowded: try giving the crowded rings more room
        demands = {
            ring: max(_demand(measure, cells.get((sector, ring), [])) for sector in MapSector)
            for ring in Closeness
        }
        wider = _radii(demands)
        if wider != radii:
            wider_labels, cost_wider, _ = _layout_entries(measure, cells, wider, ring_labels)
            if cost_wider < cost:
                radii, entry_labels = wider, wider_labels

    labels: list[PlacedLabel] = []
    labels += _centre_label(measure, centre_label)
    for sector in MapSector:
        labels += _sector_label(measure, sector, sector_labels[sector])
    labels += entry_labels
    return labels, radii
