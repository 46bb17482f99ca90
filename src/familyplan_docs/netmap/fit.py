"""Fit text and boxes on the network map: wrapping names, packing labels in a quarter ring.

Pure geometry in data units (the square image spans -1 .. 1 on both axes, y upwards):
text widths come from a callable, so nothing here sets type.
"""

from __future__ import annotations

import bisect
import math
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from .text import INVISIBLE_CONTROLS

FIG_INCHES = 16 / 2.54
"""The image is drawn at its printed size, 16 cm square, so font sizes are real points."""
HALF = 1.0
PT_PER_UNIT = FIG_INCHES * 72 / (2 * HALF)
GAP = 3.0 / PT_PER_UNIT  # between a label and a line
HGAP_EM = 0.6  # between labels side by side, in em of their type
VGAP_EM = 0.25  # between rows of labels
ELLIPSIS = "\u2026"


# --- wrapping ----------------------------------------------------------------------------


def ellipsize(text: str, max_width: float, width: Callable[[str], float]) -> str:
    """``text`` cut short with an ellipsis so that it fits ``max_width``."""
    if width(text) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if width(text[:mid].rstrip() + ELLIPSIS) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    cut = lo
    while 0 < cut < len(text) and (
        unicodedata.combining(text[cut]) or text[cut] in INVISIBLE_CONTROLS
    ):
        cut -= 1  # never split a letter from its accent or a joined pair
    return text[:cut].rstrip() + ELLIPSIS


def _tokens(text: str, max_width: float, width: Callable[[str], float]) -> list[tuple[str, bool]]:
    """Pieces a line may break after: words, and parts of a too wide word after a hyphen.

    Each piece says whether a space goes before it.
    """
    pieces: list[tuple[str, bool]] = []
    for word in text.split(" "):
        parts = word.split("-") if width(word) > max_width else [word]
        for i, part in enumerate(parts):
            piece = part + ("-" if i < len(parts) - 1 else "")
            if piece:
                pieces.append((piece, i == 0))
    return pieces


def wrap(
    text: str,
    max_width: float,
    max_lines: int,
    width: Callable[[str], float],
    word_width: float = 0.0,
) -> str:
    """``text`` broken into at most ``max_lines`` lines that fit ``max_width``.

    Breaks at spaces and after hyphens; a single word may run up to ``word_width``
    before it is cut; what does not fit ends in an ellipsis.
    """
    if width(text) <= max_width:
        return text
    longest = max((width(word) for word in text.split(" ")), default=0.0)
    max_width = max(max_width, min(longest, word_width))
    pieces = _tokens(text, max_width, width)

    def joined(part: Sequence[tuple[str, bool]]) -> str:
        return "".join(
            f" {piece}" if spaced and i else piece for i, (piece, spaced) in enumerate(part)
        )

    starts = [0]  # the piece each line starts with
    for at in range(1, len(pieces)):
        if width(joined(pieces[starts[-1] : at + 1])) > max_width:
            starts.append(at)
    starts = starts[:max_lines]
    ends = [*starts[1:], len(pieces)]
    lines = [joined(pieces[start:end]) for start, end in zip(starts, ends, strict=True)]
    return "\n".join(ellipsize(line, max_width, width) for line in lines)


# --- packing labels into one cell ------------------------------------------------------------


def _balance(widths: Sequence[float], capacities: Sequence[float], hgap: float) -> list[int] | None:
    """How many labels, in order, go on each row so that the fullest row is least full.

    ``None`` when they do not fit at all.
    """
    n, k = len(widths), len(capacities)

    def fill(row: int, start: int, stop: int) -> float:
        if start == stop:
            return 0.0
        need = sum(widths[start:stop]) + hgap * (stop - start - 1)
        cap = capacities[row]
        return need / cap if cap > 0 and need <= cap else math.inf

    inf = (math.inf, math.inf)
    best: list[list[tuple[float, float]]] = [[inf] * (n + 1) for _ in range(k + 1)]
    choice: list[list[int]] = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = (0.0, 0.0)
    for row in range(1, k + 1):
        for stop in range(n + 1):
            for start in range(stop, -1, -1):
                prev = best[row - 1][start]
                if prev[0] == math.inf:
                    continue
                f = fill(row - 1, start, stop)
                if f == math.inf:
                    break  # more labels on this row only makes it fuller
                value = (max(prev[0], f), prev[1] + f * f)
                if value < best[row][stop]:
                    best[row][stop] = value
                    choice[row][stop] = start
    if best[k][n][0] == math.inf:
        return None
    counts: list[int] = []
    stop = n
    for row in range(k, 0, -1):
        start = choice[row][stop]
        counts.append(stop - start)
        stop = start
    return counts[::-1]


def _fits_greedily(widths: Sequence[float], capacities: Sequence[float], hgap: float) -> bool:
    """Whether the labels, in order, fit the rows at all (fill each row before the next)."""
    i = 0
    for cap in capacities:
        used = 0.0
        while i < len(widths) and used + widths[i] + (hgap if used else 0.0) <= cap:
            used += widths[i] + (hgap if used else 0.0)
            i += 1
    return i == len(widths)


def _row_bottoms(
    low: float, high: float, rows: int, row_h: float, vgap: float
) -> Iterator[list[float]]:
    """Ways to stand ``rows`` rows between heights ``low`` and ``high``, nicest first.

    First spread over the whole height, then as closer blocks at several heights.
    """
    slack = (high - low) - rows * (row_h + vgap)
    if slack < 0:
        return
    for squeeze, positions in (
        (1.0, (0.5,)),
        (0.5, (0.5, 0.75, 0.25, 1.0, 0.0)),
        (0.0, (0.5, 0.625, 0.75, 0.875, 1.0, 0.375, 0.25, 0.125, 0.0)),
    ):
        window = rows * (row_h + vgap) + slack * squeeze
        for position in positions:
            start = low + (slack - slack * squeeze) * position
            gap = (window - rows * row_h) / rows
            yield [start + gap / 2 + j * (row_h + gap) for j in range(rows)]


def pack(
    sizes: Sequence[tuple[float, float]],
    r_in: float,
    r_out: float,
    margin_v: float,
    font_size: float,
) -> list[tuple[float, float]] | None:
    """Lower left corners for boxes of ``sizes`` inside one quarter ring, or ``None``.

    Works in the top right quarter (mirror for the others): the boxes stand in horizontal
    rows spread over the height of the cell, spread along each row, and stay clear of both
    circles and both dividers.
    """
    if not sizes:
        return []
    lo, hi = r_in + GAP, r_out - GAP
    hgap = HGAP_EM * font_size / PT_PER_UNIT
    vgap = VGAP_EM * font_size / PT_PER_UNIT
    row_h = max(h for _, h in sizes)
    widths = [w for w, _ in sizes]
    most_rows = min(len(sizes), int((hi - margin_v) / (row_h + vgap)))
    for rows in range(most_rows, 0, -1):
        for bottoms in _row_bottoms(margin_v, hi, rows, row_h, vgap):
            spans: list[tuple[float, float]] = []
            for bottom in bottoms:
                top = bottom + row_h
                u_lo = max(GAP, math.sqrt(max(lo * lo - bottom * bottom, 0.0)))
                u_hi = math.sqrt(hi * hi - top * top) if hi > top else 0.0
                spans.append((u_lo, u_hi))
            capacities = [u_hi - u_lo for u_lo, u_hi in spans]
            if not _fits_greedily(widths, capacities, hgap):
                continue
            counts = _balance(widths, capacities, hgap)
            if counts is None:
                continue
            corners: list[tuple[float, float]] = []
            i = 0
            for (u_lo, u_hi), bottom, count in zip(spans, bottoms, counts, strict=True):
                row = sizes[i : i + count]
                step = ((u_hi - u_lo) - sum(w for w, _ in row)) / (count + 1)
                u = u_lo + step
                for w, h in row:
                    corners.append((u, bottom + (row_h - h) / 2))
                    u += w + step
                i += count
            return corners
    return None


# --- spreading labels along the arc of one cell -----------------------------------------------


def wrap_whole(
    text: str, max_width: float, max_lines: int, width: Callable[[str], float]
) -> str | None:
    """``text`` broken into at most ``max_lines`` lines of ``max_width``, or None.

    Breaks at spaces and after hyphens, like :func:`wrap`, but never cuts: when the text
    does not fit whole, the answer is None (the caller leaves it out).
    """
    if width(text) <= max_width:
        return text
    pieces = _tokens(text, max_width, width)
    if any(width(piece) > max_width for piece, _ in pieces):
        return None
    lines: list[str] = []
    for piece, spaced in pieces:
        joined = (
            f"{lines[-1]} {piece}" if lines and spaced else (lines[-1] + piece if lines else piece)
        )
        if lines and width(joined) <= max_width:
            lines[-1] = joined
        else:
            lines.append(piece)
    return "\n".join(lines) if len(lines) <= max_lines else None


_ARC_SCAN = 60
"""How many directions across the quarter a label may take (1.5 degrees apart)."""
_ARC_DIRECTIONS = [
    (t, math.cos(t), math.sin(t))
    for t in ((i + 0.5) / _ARC_SCAN * math.pi / 2 for i in range(_ARC_SCAN))
]
_ARC_ROUNDS = 12
"""Bisection rounds for the even gap between labels."""


class _ArcBox:
    """One label's box on the arc of a quarter ring (first quadrant, data units).

    ``places`` are the directions the box fits in (its centre in the middle of the ring
    there), each with the smallest and largest direction the box then covers.
    """

    def __init__(self, w: float, h: float, lo: float, hi: float, margin_v: float) -> None:
        self.w, self.h = w, h
        self.lo, self.hi, self.margin_v = lo, hi, margin_v
        self.places: list[tuple[float, float, float, float]] = []  # t, r, first, last
        for t, c, s in _ARC_DIRECTIONS:
            r = self._radius(c, s)
            if r is not None:
                u, v = r * c, r * s
                first = math.atan2(v - h / 2, u + w / 2)
                last = math.atan2(v + h / 2, u - w / 2)
                if not self.places or first >= self.places[-1][2]:
                    self.places.append((t, r, first, last))
        self.firsts = [place[2] for place in self.places]

    def _radius(self, c: float, s: float) -> float | None:
        """The radius of the box's centre in the direction of cosine *c* and sine *s* (the
        middle of what fits there), or None."""
        a, b = self.w / 2, self.h / 2
        r_lo = max((GAP + a) / c, (self.margin_v + b) / s)
        proj = a * c + b * s  # the nearest corner (u0, v0) must be at least lo away
        disc = proj * proj - (a * a + b * b - self.lo * self.lo)
        if disc >= 0:
            r_lo = max(r_lo, proj + math.sqrt(disc))
        disc = proj * proj - (a * a + b * b - self.hi * self.hi)  # the farthest within hi
        if disc < 0:
            return None
        r_hi = -proj + math.sqrt(disc)
        return (r_lo + r_hi) / 2 if r_lo <= r_hi else None

    def first_from(self, edge: float) -> tuple[float, float, float, float] | None:
        """The first place whose box starts at *edge* or after, or None."""
        at = bisect.bisect_left(self.firsts, edge)
        return self.places[at] if at < len(self.places) else None

    def corner(self, place: tuple[float, float, float, float]) -> tuple[float, float]:
        t, r = place[0], place[1]
        return (r * math.cos(t) - self.w / 2, r * math.sin(t) - self.h / 2)


def _on_arc(boxes: Sequence[_ArcBox], gap: float) -> list[tuple[float, float, float, float]] | None:
    """Places of the boxes in order along the arc, *gap* apart (and half a gap from the
    dividers), or None when they do not fit."""
    edge = gap / 2
    places = []
    for box in boxes:
        place = box.first_from(edge)
        if place is None:
            return None
        places.append(place)
        edge = place[3] + gap
    return places if edge - gap / 2 <= math.pi / 2 else None


def arc_pack(
    sizes: Sequence[tuple[float, float]],
    r_in: float,
    r_out: float,
    margin_v: float,
    font_size: float,
) -> list[tuple[float, float]] | None:
    """Lower left corners for boxes of ``sizes`` spread evenly along one quarter ring.

    The boxes follow the arc in order, each in the middle of the ring where it fits, with
    the largest even gap between them (so a few people are spread over the whole sector,
    not bunched in a corner). ``None`` when they do not fit in one lane along the arc.
    """
    if not sizes:
        return []
    boxes = [_ArcBox(w, h, r_in + GAP, r_out - GAP, margin_v) for w, h in sizes]
    least = HGAP_EM * font_size / PT_PER_UNIT / max(r_out, 1e-9)
    if _on_arc(boxes, least) is None:
        return None
    lo, hi = least, math.pi / 2
    for _ in range(_ARC_ROUNDS):
        middle = (lo + hi) / 2
        if _on_arc(boxes, middle) is None:
            hi = middle
        else:
            lo = middle
    places = _on_arc(boxes, lo)
    assert places is not None
    return [box.corner(place) for box, place in zip(boxes, places, strict=True)]
