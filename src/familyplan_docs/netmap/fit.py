"""Fit text and boxes on the network map: wrapping names, packing labels in a quarter ring.

Pure geometry in data units (the square image spans -1 .. 1 on both axes, y upwards):
text widths come from a callable, so nothing here sets type.
"""

from __future__ import annotations

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
