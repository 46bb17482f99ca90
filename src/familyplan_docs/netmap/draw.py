"""Draw the family's network map (seed tool 11) as a PNG image for a Word document.

The map is three rings of closeness (close, middle, distant, inner to outer) around the
family in the centre, cut into four sectors: family top left, friends and neighbours top
right, school and work bottom right, professionals bottom left. Every visible word comes
from the caller, so the drawing itself holds no language.

The rings and sectors are drawn once per size with matplotlib (antialiased shapes) and
kept; the labels are laid out by :mod:`.layout` and set with Pillow by
:mod:`.text`, which is what makes a map cost milliseconds rather than the tenth of
a second matplotlib's text machinery needs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from PIL import Image, ImageColor, ImageDraw

if TYPE_CHECKING:  # matplotlib is imported only when rings are drawn (not with the package)
    from matplotlib.axes import Axes
    from matplotlib.patches import Circle

from ..model.enums import Closeness, MapSector
from .fit import FIG_INCHES, HALF
from .geometry import R_CENTRE, R_OUTER, TEXT_COLOUR, Measure, PlacedLabel, PlacedText, Radii
from .kept import kept_background
from .labels import CHIP_PAD
from .layout import MapEntry, lay_out
from .text import PixelBox, TextSetter

__all__ = ["MapEntry", "draw_network_map"]

# --- colours: light tints, darker towards the family, distinct in greyscale too ----------

_SECTOR_HUE: dict[MapSector, tuple[float, float, float]] = {
    MapSector.FAMILY: (0.85, 0.55, 0.37),
    MapSector.FRIENDS: (0.44, 0.69, 0.44),
    MapSector.SCHOOL_WORK: (0.36, 0.56, 0.78),
    MapSector.PROFESSIONALS: (0.60, 0.50, 0.75),
}
_RING_TINT: dict[Closeness, float] = {
    Closeness.CLOSE: 0.42,
    Closeness.MIDDLE: 0.26,
    Closeness.DISTANT: 0.12,
}
_STRONG_LINE = "#555555"
_THIN_LINE = "#8a8a8a"

_TEXT_LEVELS = 13
"""Shades of text antialiasing kept per background in the PNG's palette."""
_BACKGROUNDS = 4
"""How many ring layouts (usual, and widened for crowded maps) are kept drawn."""


def _check_labels(
    sector_labels: Mapping[MapSector, str], ring_labels: Mapping[Closeness, str], dpi: int
) -> None:
    missing = [s.value for s in MapSector if s not in sector_labels]
    missing += [r.value for r in Closeness if r not in ring_labels]
    if missing:
        raise ValueError(f"network map labels missing for: {', '.join(missing)}")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 36 <= dpi <= 1200:
        raise ValueError(f"dpi must be a whole number from 36 to 1200, not {dpi!r}")


def _pixels(dpi: int) -> int:
    """The side of the square image in pixels: 16 cm at ``dpi``."""
    return round(FIG_INCHES * dpi)


@dataclass(frozen=True)
class _Drawing:
    """A drawn map, and how it was laid out (for tests and checks).

    ``image`` is the map in RGB; ``labels`` hold every text with its box in data units
    (the square spans -1 .. 1 both ways, y upwards); ``radii`` are the centre circle and
    the outer edges of the close, middle and distant rings; ``setter`` set the texts.
    """

    image: Image.Image
    labels: list[PlacedLabel]
    radii: tuple[float, float, float, float]
    dpi: int
    setter: TextSetter

    def to_pixels(self, x: float, y: float) -> tuple[float, float]:
        """The pixel of the image at the point ``(x, y)`` in data units."""
        half = _pixels(self.dpi) / 2
        return ((x + HALF) * half, (HALF - y) * half)

    def chip(self, placed: PlacedText) -> PixelBox | None:
        """The white ground behind ``placed`` (a ring's name on its divider), in pixels."""
        if not placed.chip:
            return None
        pad = CHIP_PAD * _pixels(self.dpi) / (2 * HALF)
        x, y = self.to_pixels(placed.x, placed.y)
        x0, y0, x1, y1 = self.setter.box(placed.text, placed.style, placed.ha, placed.va)
        return (x + x0 - pad, y + y0 - pad, x + x1 + pad, y + y1 + pad)

    def draw_text(self, canvas: ImageDraw.ImageDraw, placed: PlacedText, color: str) -> None:
        """Set one placed text on ``canvas`` (the map, or a blank image to find its ink)."""
        at = self.to_pixels(placed.x, placed.y)
        self.setter.draw(canvas, at, placed.text, placed.style, placed.ha, placed.va, color)


def _draw(
    entries: Sequence[MapEntry],
    *,
    centre_label: str,
    sector_labels: Mapping[MapSector, str],
    ring_labels: Mapping[Closeness, str],
    dpi: int = 200,
) -> _Drawing:
    """Lay out and draw the map; also give every label and the ring edges used."""
    _check_labels(sector_labels, ring_labels, dpi)
    setter = TextSetter(dpi)
    measure = Measure(setter, _pixels(dpi) / (2 * HALF))
    labels, radii = lay_out(measure, entries, centre_label, sector_labels, ring_labels)
    image = _background(radii.edges, dpi).copy()
    drawing = _Drawing(image, labels, radii.edges, dpi, setter)
    canvas = ImageDraw.Draw(image)
    for label in labels:
        for placed in label.texts:
            chip = drawing.chip(placed)
            if chip is not None:
                canvas.rounded_rectangle(chip, radius=(chip[3] - chip[1]) / 4, fill="white")
            drawing.draw_text(canvas, placed, placed.color)
    return drawing


def _tint(sector: MapSector, ring: Closeness) -> tuple[float, float, float]:
    amount = _RING_TINT[ring]
    r, g, b = _SECTOR_HUE[sector]
    return (1 - amount * (1 - r), 1 - amount * (1 - g), 1 - amount * (1 - b))


def _rgb(colour: str | tuple[float, float, float]) -> tuple[int, int, int]:
    if isinstance(colour, str):
        red, green, blue = ImageColor.getrgb(colour)[:3]
        return (red, green, blue)
    red, green, blue = (round(part * 255) for part in colour)
    return (red, green, blue)


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    """The map's 256 colours: every background, and ink and lines blended into each.

    Mapping the drawn image onto this fixed palette is exact for the flat areas and
    close for antialiased edges, where an adaptive palette would merge the palest tints
    into white; it is also several times faster.
    """
    grounds = [(255, 255, 255)]
    grounds += [_rgb(_tint(sector, ring)) for sector in MapSector for ring in Closeness]
    inks = [(_rgb(TEXT_COLOUR), _TEXT_LEVELS), (_rgb(_STRONG_LINE), 3), (_rgb(_THIN_LINE), 2)]
    colours = list(grounds)
    for ground in grounds:
        for ink, levels in inks:
            for step in range(1, levels + 1):
                share = step / levels
                red, green, blue = (
                    round(g + (i - g) * share) for g, i in zip(ground, ink, strict=True)
                )
                colours.append((red, green, blue))
    unique = list(dict.fromkeys(colours))[:256]
    palette = Image.new("P", (1, 1))
    palette.putpalette([part for colour in unique for part in colour])
    return palette


@lru_cache(maxsize=_BACKGROUNDS)
def _background(edges: tuple[float, float, float, float], dpi: int) -> Image.Image:
    """The rings and sectors without any text, drawn antialiased (callers copy it)."""
    return kept_background(edges, dpi, lambda: _draw_rings(edges, dpi))


def _draw_rings(edges: tuple[float, float, float, float], dpi: int) -> Image.Image:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    inches = (_pixels(dpi) + 0.01) / dpi  # a whole number of pixels, 16 cm
    fig = Figure(figsize=(inches, inches), dpi=dpi, facecolor="white")
    fig.set_layout_engine("none")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(-HALF, HALF)
    ax.set_ylim(-HALF, HALF)
    ax.set_axis_off()
    _draw_background(ax, Radii(edges))
    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height()
    pixels = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    return Image.frombuffer("RGBA", (width, height), pixels).convert("RGB")


def _draw_background(ax: Axes, radii: Radii) -> None:
    """The tinted cells, the circles, the dividers and the white centre."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Wedge

    start = {
        MapSector.FRIENDS: 0.0,
        MapSector.FAMILY: 90.0,
        MapSector.PROFESSIONALS: 180.0,
        MapSector.SCHOOL_WORK: 270.0,
    }
    for sector in MapSector:
        for ring in Closeness:
            r_in, r_out = radii.ring(ring)
            ax.add_patch(
                Wedge(
                    (0.0, 0.0),
                    r_out,
                    start[sector],
                    start[sector] + 90.0,
                    width=r_out - r_in,
                    facecolor=_tint(sector, ring),
                    edgecolor="none",
                    linewidth=0.0,
                    antialiased=True,
                )
            )
    for ring in (Closeness.CLOSE, Closeness.MIDDLE):
        ax.add_patch(_ring_circle(radii.ring(ring)[1], _THIN_LINE, 0.8))
    for x, y in ((1, 0), (0, 1), (-1, 0), (0, -1)):
        ax.add_line(
            Line2D(
                (x * R_CENTRE, x * R_OUTER),
                (y * R_CENTRE, y * R_OUTER),
                color=_STRONG_LINE,
                linewidth=1.1,
                solid_capstyle="butt",
                antialiased=True,
            )
        )
    ax.add_patch(_ring_circle(R_OUTER, _STRONG_LINE, 1.3))
    centre = _ring_circle(R_CENTRE, _STRONG_LINE, 1.3)
    centre.set_facecolor("white")
    centre.set_fill(True)
    ax.add_patch(centre)


def _ring_circle(radius: float, colour: str, width: float) -> Circle:
    from matplotlib.patches import Circle

    return Circle(
        (0.0, 0.0),
        radius,
        fill=False,
        edgecolor=colour,
        linewidth=width,
        antialiased=True,
    )


def draw_network_map(
    entries: Sequence[MapEntry],
    *,
    centre_label: str,
    sector_labels: Mapping[MapSector, str],
    ring_labels: Mapping[Closeness, str],
    dpi: int = 200,
) -> bytes:
    """Draw the family's network map and return it as PNG bytes.

    The image is 16 cm square at its natural size (place it 16 cm wide; type sizes are then
    true points), a 256-colour PNG that prints well in greyscale. ``sector_labels`` and
    ``ring_labels`` must hold a text for every :class:`MapSector` and :class:`Closeness`;
    with no ``entries`` the map is a blank form to fill in by hand, and an empty
    ``centre_label`` leaves the centre blank. Names are wrapped, shortened with an ellipsis
    and set smaller in a crowded cell so that no two labels overlap; in a cell too crowded
    even for that, the last names give way to ``+N``. Characters no installed font can
    draw (some emoji) are left out. The same input gives the same bytes. Raises
    :class:`ValueError` for a missing label or a ``dpi`` outside 36 .. 1200.
    """
    image = _draw(
        entries,
        centre_label=centre_label,
        sector_labels=sector_labels,
        ring_labels=ring_labels,
        dpi=dpi,
    ).image
    palette = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", dpi=(dpi, dpi))
    return buffer.getvalue()
