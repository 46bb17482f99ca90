"""Lay out the network map's labels: names in their cell, and the fixed labels.

Works in data units: the square image spans -1 .. 1 on both axes, y upwards. Text is
measured by :class:`~familyplan_docs.netmap.text.TextSetter` in pixels and converted here.
Every label gets a box that holds all its ink, and no two boxes overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ..model.enums import Closeness, MapSector
from .fit import (
    GAP,
    HGAP_EM,
    PT_PER_UNIT,
    VGAP_EM,
    arc_pack,
    pack,
    wrap,
    wrap_whole,
)
from .geometry import (
    NOTE_COLOUR,
    PACKING,
    QUADRANT,
    Box,
    Measure,
    PlacedLabel,
    PlacedText,
    Radii,
    radii_for,
)
from .labels import CHIP_PAD, place_centre_label, place_ring_label, place_sector_label
from .text import Style, clean

_EMPTY_NAME = "\u2022"
_WORD_EM = 9.0
"""How wide (in em) one word of a name may grow before it is cut short."""
_NOTE_LINES = 3
"""A note (the relation) is wrapped onto at most this many lines; it is never cut short:
a note that does not fit whole is left out (the table beside the map gives it)."""
_NOTE_COST = 3
"""What leaving out one note costs, in style steps, when ring widths are compared."""
_ARC_STEPS = 4
"""How many style steps smaller a cell may be set to spread its people along the arc
rather than stack them in rows in one corner of the cell."""


@dataclass(frozen=True)
class MapEntry:
    """One person on the network map: a name placed in a sector and a ring of closeness.

    ``note`` is the relation (such as a grandmother) drawn smaller under the name, wrapped
    onto up to three lines, when there is room for all of it.
    """

    name: str
    sector: MapSector
    closeness: Closeness
    note: str = ""


@dataclass(frozen=True)
class _Level:
    """How large and how long the labels of one cell may be."""

    size: float
    lines: int
    width_em: float
    note: bool

    @property
    def width(self) -> float:
        return self.width_em * self.size / PT_PER_UNIT


def _levels() -> list[_Level]:
    """The label styles a cell tries, from the most to the least generous.

    The note goes first, then the type shrinks, and only then do names lose a line.
    """
    levels = [_Level(9.0, 2, 9.0, True), _Level(9.0, 2, 7.5, True), _Level(8.0, 2, 7.5, True)]
    levels += [_Level(8.0, 2, 6.5, True), _Level(7.5, 2, 9.0, True), _Level(7.5, 2, 6.5, True)]
    levels += [_Level(size, 2, 6.5, False) for size in (9.0, 8.0, 7.0, 6.5, 6.0, 5.5, 5.0)]
    levels += [_Level(size, 1, 6.5, False) for size in (6.0, 5.5, 5.0)]
    levels += [_Level(5.0, 1, width_em, False) for width_em in (5.0, 4.0, 3.0)]
    return levels


_LEVELS = _levels()
_NOTE_LEVELS = sum(level.note for level in _LEVELS)
_COMFORTABLE = _NOTE_LEVELS
"""The index in :data:`_LEVELS` of names in full size without notes."""


@dataclass(frozen=True)
class _Shape:
    """A label drawn at the name anchor ``(0, 0)``: its texts and their joint extent."""

    name: str
    name_style: Style
    note: str
    note_style: Style
    note_dy: float
    box: Box

    @property
    def w(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def h(self) -> float:
        return self.box[3] - self.box[1]


def _shape(measure: Measure, name: str, note: str, level: _Level) -> _Shape:
    """Wrap and measure one entry's label at ``level``."""
    name_style = Style(level.size)
    note_style = Style(round(level.size * 0.82, 1))
    name_text = wrap(
        name,
        level.width,
        level.lines,
        lambda s: measure.width(s, name_style),
        _WORD_EM * level.size / PT_PER_UNIT,
    )
    x0, y0, x1, y1 = measure.box(name_text, name_style, "center", "top")
    note_text = ""
    note_dy = y0
    if level.note and note:
        width = partial(measure.width, style=note_style)
        longest = max((width(word) for word in note.split(" ")), default=0.0)
        room = max(level.width, min(longest, _WORD_EM * level.size / PT_PER_UNIT))
        whole = wrap_whole(note, room, _NOTE_LINES, width)
        if whole is not None:
            note_text = whole
            nx0, ny0, nx1, _ = measure.box(note_text, note_style, "center", "top")
            x0, x1, y0 = min(x0, nx0), max(x1, nx1), note_dy + ny0
    box = (x0, y0, x1, y1)
    return _Shape(name_text, name_style, note_text, note_style, note_dy, box)


def _layout_cell(
    measure: Measure,
    items: Sequence[tuple[int, str, str]],
    sector: MapSector,
    ring: Closeness,
    radii: Radii,
    margin_v: float,
) -> tuple[list[PlacedLabel], int]:
    """Labels for the entries ``(index, name, note)`` of one sector and ring, and a step.

    Of the styles that show notes, the one that shows the most notes whole wins (each is
    tried: a narrower style may wrap a note onto too many lines); among equals, people are
    spread evenly along the arc of their cell rather than stacked in rows in one corner,
    unless rows allow a style more than :data:`_ARC_STEPS` steps more generous. Without
    notes, the most generous style that fits is found by a binary search (the styles grow
    less generous in order), so a crowded cell gets smaller type. The step is the index of
    the style in :data:`_LEVELS`, or beyond the last when names had to give way to ``+N``.
    """
    if not items:
        return [], 0
    r_in, r_out = radii.ring(ring)
    indices = [index for index, _, _ in items]
    tried: dict[tuple[int, bool], list[PlacedLabel] | None] = {}
    shaped: dict[int, list[_Shape]] = {}

    def attempt(at: int, along_arc: bool) -> list[PlacedLabel] | None:
        if (at, along_arc) not in tried:
            level = _LEVELS[at]
            if at not in shaped:
                shaped[at] = [_shape(measure, name, note, level) for _, name, note in items]
            shapes = shaped[at]
            sizes = [(s.w, s.h) for s in shapes]
            packer = arc_pack if along_arc else pack
            corners = packer(sizes, r_in, r_out, margin_v, level.size)
            placed = None if corners is None else _place(shapes, corners, indices, sector, ring)
            tried[(at, along_arc)] = placed
        return tried[(at, along_arc)]

    best: tuple[tuple[int, int], int, bool] | None = None
    every = sum(1 for _, _, note in items if note)
    for at in range(_NOTE_LEVELS):
        for along_arc in (True, False):
            if attempt(at, along_arc) is None:
                continue
            notes = sum(1 for shape in shaped[at] if shape.note)
            key = (notes, -at + (_ARC_STEPS if along_arc else 0))
            if best is None or key > best[0]:
                best = (key, at, along_arc)
        if best is not None and best[0][0] == every and (best[2] or at >= best[1] + _ARC_STEPS):
            break  # every note shown, and nothing further down could win
    if best is not None and (best[0][0] > 0 or every == 0):
        _, at, along_arc = best
        found = attempt(at, along_arc)
        assert found is not None
        return found, at

    def most_generous(along_arc: bool) -> int | None:
        low, high = _NOTE_LEVELS, len(_LEVELS) - 1
        if attempt(low, along_arc) is not None:
            return low
        if attempt(high, along_arc) is None:
            return None
        while low + 1 < high:
            middle = (low + high) // 2
            if attempt(middle, along_arc) is None:
                low = middle
            else:
                high = middle
        return high

    along = most_generous(True)
    in_rows = None if along == _NOTE_LEVELS else most_generous(False)
    if along is not None and (in_rows is None or along <= in_rows + _ARC_STEPS):
        found = attempt(along, True)
        assert found is not None
        return found, along
    if in_rows is not None:
        found = attempt(in_rows, False)
        assert found is not None
        return found, in_rows
    # Too many for the cell even in the smallest type: show those that fit and "+N".
    level = _LEVELS[-1]
    shapes = [_shape(measure, name, note, level) for _, name, note in items]
    packed: dict[int, list[tuple[float, float]] | None] = {}

    def fits(shown: int) -> list[tuple[float, float]] | None:
        if shown not in packed:
            more = _shape(measure, f"+{len(items) - shown}", "", level)
            kept = [*shapes[:shown], more]
            packed[shown] = pack([(s.w, s.h) for s in kept], r_in, r_out, margin_v, level.size)
        return packed[shown]

    # the most names that fit beside "+N": fewer names always fit where more do, so a
    # binary search finds it in a few packings, however many people the cell holds
    low, high = -1, len(items) - 1  # fits(low) holds (or low is -1), fits(high + 1) fails
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle) is None:
            high = middle - 1
        else:
            low = middle
    if low >= 0 and (corners := fits(low)) is not None:
        more = _shape(measure, f"+{len(items) - low}", "", level)
        labels = _place([*shapes[:low], more], corners, [*indices[:low], -1], sector, ring)
        return labels, len(_LEVELS) + len(items) - low
    return [], len(_LEVELS) + len(items)  # not even "+N" fits: empty, never overlapping


def _layout_entries(
    measure: Measure,
    cells: Mapping[tuple[MapSector, Closeness], Sequence[tuple[int, str, str]]],
    radii: Radii,
    ring_labels: Mapping[Closeness, str],
) -> tuple[list[PlacedLabel], int, int]:
    """The ring labels and every entry's label for ring widths ``radii``.

    Also the cost (style steps down, summed over the entries, and :data:`_NOTE_COST` for
    each note left out) and whether a cell was crowded (set smaller than comfortable, or
    a note left out).
    """
    rings: list[PlacedLabel] = []
    for ring in Closeness:
        rings += place_ring_label(measure, ring, radii, ring_labels[ring])
    margin_v = max([GAP, *(label.box[3] + CHIP_PAD + GAP for label in rings)])
    labels, cost, crowded = list(rings), 0, False
    for sector in MapSector:
        for ring in Closeness:
            items = cells.get((sector, ring), [])
            placed, step = _layout_cell(measure, items, sector, ring, radii, margin_v)
            labels += placed
            notes = sum(1 for _, _, note in items if note)
            shown = sum(1 for label in placed if len(label.texts) > 1)
            cost += step * len(items) + _NOTE_COST * (notes - shown)
            crowded = crowded or step > _COMFORTABLE or shown < notes
    return labels, cost, crowded


def _demand(measure: Measure, items: Sequence[tuple[int, str, str]]) -> float:
    """The area the labels of one cell want in the most generous style (with notes)."""
    level = _LEVELS[0]
    gap = level.size / PT_PER_UNIT
    area = 0.0
    for _, name, note in items:
        shape = _shape(measure, name, note, level)
        area += (shape.w + HGAP_EM * gap) * (shape.h + VGAP_EM * gap)
    return area / PACKING


def _place(
    shapes: Sequence[_Shape],
    corners: Sequence[tuple[float, float]],
    indices: Sequence[int],
    sector: MapSector,
    ring: Closeness,
) -> list[PlacedLabel]:
    """Turn boxes packed in the top right quarter into labels in the sector's quarter."""
    sx, sy = QUADRANT[sector]
    labels: list[PlacedLabel] = []
    for shape, (u, v), index in zip(shapes, corners, indices, strict=True):
        xs = (sx * u, sx * (u + shape.w))
        ys = (sy * v, sy * (v + shape.h))
        box = (min(xs), min(ys), max(xs), max(ys))
        ax_ = box[0] - shape.box[0]  # the name's anchor
        ay_ = box[1] - shape.box[1]
        texts = [PlacedText(shape.name, ax_, ay_, shape.name_style, "center", "top")]
        if shape.note:
            texts.append(
                PlacedText(
                    shape.note,
                    ax_,
                    ay_ + shape.note_dy,
                    shape.note_style,
                    "center",
                    "top",
                    NOTE_COLOUR,
                )
            )
        role = "entry" if index >= 0 else "more"
        labels.append(PlacedLabel(role, index, sector, ring, tuple(texts), box))
    return labels


# --- the whole map ---------------------------------------------------------------------------


def lay_out(
    measure: Measure,
    entries: Sequence[MapEntry],
    centre_label: str,
    sector_labels: Mapping[MapSector, str],
    ring_labels: Mapping[Closeness, str],
) -> tuple[list[PlacedLabel], Radii]:
    """Every label of the map, and the ring widths they were laid out in.

    A crowded map first tries the usual ring widths, then rings widened for the crowded
    cells, and keeps whichever layout shrinks fewer names.
    """
    name_style = Style(_LEVELS[0].size)
    cells: dict[tuple[MapSector, Closeness], list[tuple[int, str, str]]] = {}
    for index, entry in enumerate(entries):
        name = clean(entry.name, name_style)
        note = clean(entry.note, name_style)
        item = (index, name, note) if name else (index, note or _EMPTY_NAME, "")
        cells.setdefault((entry.sector, entry.closeness), []).append(item)

    radii = Radii()
    entry_labels, cost, crowded = _layout_entries(measure, cells, radii, ring_labels)
    if crowded:  # try giving the crowded rings more room
        demands = {
            ring: max(_demand(measure, cells.get((sector, ring), [])) for sector in MapSector)
            for ring in Closeness
        }
        wider = radii_for(demands)
        if wider != radii:
            wider_labels, cost_wider, _ = _layout_entries(measure, cells, wider, ring_labels)
            if cost_wider < cost:
                radii, entry_labels = wider, wider_labels

    labels: list[PlacedLabel] = []
    labels += place_centre_label(measure, centre_label)
    for sector in MapSector:
        labels += place_sector_label(measure, sector, sector_labels[sector])
    labels += entry_labels
    return labels, radii
