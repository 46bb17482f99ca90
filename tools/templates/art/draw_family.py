"""Draw the flyer's pictogram, ``family.png``: a family of four under one roof, with a heart.

Run ``python tools/templates/art/draw_family.py`` to make the PNG again (the builder only
reads the committed file, so a template build never depends on the fonts or the matplotlib
of the machine). Flat shapes in the house colours, no text, so it serves every language.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch, Polygon
from PIL import Image

HERE = Path(__file__).resolve().parent
OUT = HERE / "family.png"
BLUE = "#1F4E79"
LIGHT = "#DCE6F0"
WARM = "#E07B39"
GREEN = "#5B9A68"
DPI = 300
WIDTH_CM, HEIGHT_CM = 6.0, 5.4


def _person(ax: object, x: float, height: float, colour: str) -> None:
    """A standing figure: a round head over a rounded body, feet at y = 0.12."""
    head = height * 0.2
    body_w, body_h = height * 0.34, height * 0.58
    ground = 0.12
    ax.add_patch(  # type: ignore[attr-defined]
        FancyBboxPatch(
            (x - body_w / 2, ground),
            body_w,
            body_h,
            boxstyle=f"round,pad=0,rounding_size={body_w * 0.45}",
            facecolor=colour,
            edgecolor="none",
        )
    )
    ax.add_patch(Circle((x, ground + body_h + head * 0.75), head * 0.62, facecolor=colour))  # type: ignore[attr-defined]


def _heart(ax: object, x: float, y: float, r: float) -> None:
    """A heart: two circles of radius *r* on a point below them."""
    for dx in (-0.9 * r, 0.9 * r):
        ax.add_patch(Circle((x + dx, y), r, facecolor=WARM, edgecolor="none"))  # type: ignore[attr-defined]
    point = [(x - 1.82 * r, y - 0.4 * r), (x + 1.82 * r, y - 0.4 * r), (x, y - 2.4 * r)]
    ax.add_patch(Polygon(point, facecolor=WARM, edgecolor="none"))  # type: ignore[attr-defined]


def draw() -> None:
    """Draw the pictogram and save it as an optimised 8-bit PNG."""
    inch = 2.54
    fig = Figure(figsize=(WIDTH_CM / inch, HEIGHT_CM / inch), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, WIDTH_CM / HEIGHT_CM)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    w = WIDTH_CM / HEIGHT_CM
    # the house: a light wall and a roof line
    ax.add_patch(
        Polygon([(0.12, 0.1), (w - 0.12, 0.1), (w - 0.12, 0.62), (0.12, 0.62)], facecolor=LIGHT)
    )
    ax.add_patch(
        Polygon(
            [(0.06, 0.6), (w / 2, 0.94), (w - 0.06, 0.6)],
            closed=False,
            fill=False,
            edgecolor=BLUE,
            linewidth=9,
            joinstyle="round",
            capstyle="round",
        )
    )
    ax.plot([0.06, w - 0.06], [0.1, 0.1], color=GREEN, linewidth=7, solid_capstyle="round")
    # the family: two grown-ups and two children
    _person(ax, 0.3, 0.6, BLUE)
    _person(ax, 0.52, 0.44, WARM)
    _person(ax, 0.7, 0.36, GREEN)
    _person(ax, 0.88, 0.56, BLUE)
    _heart(ax, w / 2, 0.78, 0.035)
    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba()).convert("RGB")
    image = image.quantize(colors=64, dither=Image.Dither.NONE)
    image.save(OUT, format="png", optimize=True, dpi=(DPI, DPI))


if __name__ == "__main__":
    draw()
    print(OUT)
