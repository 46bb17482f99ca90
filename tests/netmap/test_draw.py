"""The network map drawing: a PNG with no overlapping labels, any Unicode, stable bytes.

Overlap is judged on ink: every text is set again alone on a blank image, and the pixels it
colours are compared with the other texts' and with its label's box.
"""

from __future__ import annotations

import io
import itertools
import math
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from familyplan_docs.model.plan import Closeness, MapSector
from familyplan_docs.netmap.draw import (
    _RING_TINT,
    _SECTOR_HUE,
    MapEntry,
    PlacedText,
    _draw,
    _Drawing,
    _tint,
    draw_network_map,
)
from tests.helpers import examples

SECTORS = {
    MapSector.FAMILY: "Familie",
    MapSector.FRIENDS: "Venner og naboer",
    MapSector.SCHOOL_WORK: "Skole og arbejde",
    MapSector.PROFESSIONALS: "Professionelle",
}
RINGS = {Closeness.CLOSE: "Tæt på", Closeness.MIDDLE: "Mellem", Closeness.DISTANT: "Længere væk"}
QUADRANT = {
    MapSector.FAMILY: (-1, 1),
    MapSector.FRIENDS: (1, 1),
    MapSector.SCHOOL_WORK: (1, -1),
    MapSector.PROFESSIONALS: (-1, -1),
}

FIRST = ["Anne", "Bo", "Camilla", "Dorthe", "Erik", "Frederikke", "Gustav", "Hanne", "Ida"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Østergaard"]
CELLS = list(itertools.product(MapSector, Closeness))


def person(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"


def spread(n: int) -> list[MapEntry]:
    """A realistic family: more people close in the family, professionals further out."""
    weights = [5, 3, 2, 2, 4, 2, 1, 3, 3, 3, 2, 1]
    cells = [cell for cell, w in zip(CELLS, weights, strict=True) for _ in range(w)]
    notes = ["mormor", "", "nabo", "klasselærer", "sagsbehandler", ""]
    return [
        MapEntry(person(i), *cells[(i * 7) % len(cells)], note=notes[i % len(notes)])
        for i in range(n)
    ]


def one_cell(n: int, sector: MapSector, ring: Closeness) -> list[MapEntry]:
    return [MapEntry(person(i), sector, ring, note="fætter") for i in range(n)]


UNICODE = [
    MapEntry("Søren Æblegård-Ødegård", MapSector.FAMILY, Closeness.CLOSE, "morfar"),
    MapEntry("Åse Ærø", MapSector.FAMILY, Closeness.CLOSE, "tante ❤️"),
    MapEntry("فاطمة الزهراء", MapSector.FAMILY, Closeness.MIDDLE, "خالة"),
    MapEntry("محمد عبد الرحمن بن عبد الله", MapSector.FRIENDS, Closeness.MIDDLE, "جار"),
    MapEntry("Lærke 😀", MapSector.FRIENDS, Closeness.CLOSE, "veninde 🧸"),
    MapEntry("👨‍👩‍👧", MapSector.FRIENDS, Closeness.DISTANT, "🏴󠁧󠁢󠁳󠁣󠁴󠁿"),
    MapEntry("🦄🦄", MapSector.SCHOOL_WORK, Closeness.CLOSE),
    MapEntry("$x^2$ {{ 7*7 }} <b>&amp;", MapSector.SCHOOL_WORK, Closeness.MIDDLE, "a\nb\tc"),
    MapEntry("Zoë Ñúñez\u200dŁukasz", MapSector.PROFESSIONALS, Closeness.DISTANT, "צבי"),
    MapEntry("  ", MapSector.PROFESSIONALS, Closeness.CLOSE, ""),
    MapEntry("Ⅻ 漢字 Ελένη Дмитрий", MapSector.PROFESSIONALS, Closeness.MIDDLE, "x" * 200),
]


def draw(entries: list[MapEntry], centre: str = "Familien Hansen", dpi: int = 200) -> _Drawing:
    return _draw(entries, centre_label=centre, sector_labels=SECTORS, ring_labels=RINGS, dpi=dpi)


PixelBox = tuple[float, float, float, float]


def ink_box(drawing: _Drawing, placed: PlacedText) -> tuple[int, int, int, int] | None:
    """The pixels ``placed`` colours, found by setting it alone on a blank image."""
    ink = Image.new("L", drawing.image.size, 0)
    drawing.draw_text(ImageDraw.Draw(ink), placed, "#ffffff")
    return ink.getbbox()


def text_extents(drawing: _Drawing) -> list[tuple[str, str, PixelBox]]:
    """``(gid, text, ink extent in pixels)`` of every drawn text, chips included."""
    found = []
    for label in drawing.labels:
        for placed in label.texts:
            box = ink_box(drawing, placed)
            if box is None:
                continue
            extent: PixelBox = box
            chip = drawing.chip(placed)
            if chip is not None:
                extent = (
                    min(box[0], chip[0]),
                    min(box[1], chip[1]),
                    max(box[2], chip[2]),
                    max(box[3], chip[3]),
                )
            found.append((f"{label.role}-{label.index}", placed.text, extent))
    return found


def assert_no_overlap(drawing: _Drawing) -> None:
    extents = text_extents(drawing)
    clashes = []
    for (gid_a, text_a, a), (gid_b, text_b, b) in itertools.combinations(extents, 2):
        if gid_a == gid_b and gid_a.startswith(("entry-", "more-")):
            continue  # a name and its note
        width = min(a[2], b[2]) - max(a[0], b[0])
        height = min(a[3], b[3]) - max(a[1], b[1])
        if width > 0 and height > 0:
            clashes.append(f"{text_a!r} ({gid_a}) overlaps {text_b!r} ({gid_b})")
    assert not clashes, "\n".join(clashes)


def assert_ink_inside_boxes(drawing: _Drawing) -> None:
    """The layout's box of every label holds all the ink of its texts."""
    problems = []
    for label in drawing.labels:
        x0, y1 = drawing.to_pixels(label.box[0], label.box[1])
        x1, y0 = drawing.to_pixels(label.box[2], label.box[3])
        for placed in label.texts:
            box = ink_box(drawing, placed)
            if box is None:
                continue
            if box[0] < x0 - 1 or box[1] < y0 - 1 or box[2] > x1 + 1 or box[3] > y1 + 1:
                problems.append(f"{placed.text!r}: ink {box} outside {(x0, y0, x1, y1)}")
    assert not problems, "\n".join(problems)


def assert_inside_cells(drawing: _Drawing, entries: list[MapEntry]) -> None:
    """Every entry's texts lie inside its own quarter ring; nothing leaves the image."""
    radii = drawing.radii
    rings = list(Closeness)
    problems = []
    width, height = drawing.image.size
    half = width / 2
    for gid, text, extent in text_extents(drawing):
        if extent[0] < 0 or extent[1] < 0 or extent[2] > width or extent[3] > height:
            problems.append(f"{text!r} leaves the image")
        if not gid.startswith(("entry-", "more-")):
            continue
        label = next(
            lab for lab in drawing.labels if f"{lab.role}-{lab.index}" == gid and lab.sector
        )
        assert label.sector is not None and label.closeness is not None
        if label.role == "entry":
            entry = entries[label.index]
            assert (label.sector, label.closeness) == (entry.sector, entry.closeness)
        x0, x1 = extent[0] / half - 1, extent[2] / half - 1
        y0, y1 = 1 - extent[3] / half, 1 - extent[1] / half
        sx, sy = QUADRANT[label.sector]
        r_in = radii[rings.index(label.closeness)]
        r_out = radii[rings.index(label.closeness) + 1]
        us, vs = sorted((sx * x0, sx * x1)), sorted((sy * y0, sy * y1))
        if us[0] < 0 or vs[0] < 0:
            problems.append(f"{text!r} crosses a divider")
        if math.hypot(us[0], vs[0]) < r_in or math.hypot(us[1], vs[1]) > r_out:
            problems.append(f"{text!r} crosses a circle of its ring")
    assert not problems, "\n".join(problems)


def shown_entries(drawing: _Drawing) -> tuple[set[int], int]:
    """The entries drawn by name, and how many a ``+N`` stands for."""
    shown = {label.index for label in drawing.labels if label.role == "entry"}
    hidden = sum(
        int(label.texts[0].text.lstrip("+")) for label in drawing.labels if label.role == "more"
    )
    return shown, hidden


LAYOUTS = {
    "eight": spread(8),
    "forty spread": spread(40),
    "forty family close": one_cell(40, MapSector.FAMILY, Closeness.CLOSE),
    "forty school distant": one_cell(40, MapSector.SCHOOL_WORK, Closeness.DISTANT),
    "forty professionals middle": one_cell(40, MapSector.PROFESSIONALS, Closeness.MIDDLE),
    "forty, one in each other cell": [
        *one_cell(29, MapSector.FRIENDS, Closeness.MIDDLE),
        *[MapEntry(person(i), *cell, "ven") for i, cell in enumerate(CELLS[:11])],
    ],
    "long names": [
        MapEntry(
            "Bartholomæus Christophersen-Østergaard Vestergaard-Lindholm " * (i % 3 + 1),
            *CELLS[i % 12],
            note="en meget lang beskrivelse af relationen til familien",
        )
        for i in range(40)
    ],
    "unicode": UNICODE,
}


@pytest.mark.parametrize("entries", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_labels_do_not_overlap_and_stay_in_their_cell(entries: list[MapEntry]) -> None:
    drawing = draw(entries)
    assert_no_overlap(drawing)
    assert_ink_inside_boxes(drawing)
    assert_inside_cells(drawing, entries)
    shown, hidden = shown_entries(drawing)
    assert hidden == 0, "up to 40 entries are all drawn by name"
    assert shown == set(range(len(entries)))


ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@examples(15)
@given(
    st.lists(
        st.builds(
            MapEntry, ANY_TEXT, st.sampled_from(MapSector), st.sampled_from(Closeness), ANY_TEXT
        ),
        max_size=12,
    ),
    ANY_TEXT,
)
def test_any_text_draws_without_warning_or_overlap(entries: list[MapEntry], centre: str) -> None:
    drawing = draw(entries, centre=centre)  # a warning would fail: filterwarnings = error
    assert_no_overlap(drawing)
    assert_ink_inside_boxes(drawing)
    assert_inside_cells(drawing, entries)
    assert shown_entries(drawing) == (set(range(len(entries))), 0)


def test_a_cell_too_crowded_even_for_small_type_shows_plus_n() -> None:
    entries = one_cell(150, MapSector.FAMILY, Closeness.CLOSE)
    drawing = draw(entries)
    assert_no_overlap(drawing)
    assert_inside_cells(drawing, entries)
    shown, hidden = shown_entries(drawing)
    assert hidden > 0
    assert len(shown) + hidden == len(entries)
    assert shown == set(range(len(shown))), "the first entries keep their place"


def test_blank_map_has_rings_sectors_and_labels_only() -> None:
    drawing = draw([], centre="")
    roles = sorted(label.role for label in drawing.labels)
    assert roles == ["ring"] * 3 + ["sector"] * 4
    texts = {text for _, text, _ in text_extents(drawing)}
    assert {" ".join(text.split()) for text in texts} == set(SECTORS.values()) | set(RINGS.values())
    assert_no_overlap(drawing)


def test_png_is_16_cm_square_at_the_dpi() -> None:
    for dpi in (200, 100):
        png = draw_network_map(
            [], centre_label="", sector_labels=SECTORS, ring_labels=RINGS, dpi=dpi
        )
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        with Image.open(io.BytesIO(png)) as image:
            assert image.size == (round(16 / 2.54 * dpi),) * 2
            assert image.mode == "P", "a 256-colour PNG: small, and exact for the flat areas"
            assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)
            assert "Software" not in image.info


def test_same_input_same_bytes() -> None:
    entries = [*spread(30), *UNICODE]
    kwargs = {"centre_label": "Familien Ålund", "sector_labels": SECTORS, "ring_labels": RINGS}
    first = draw_network_map(entries, **kwargs)
    assert draw_network_map(list(entries), **kwargs) == first
    assert draw_network_map(entries[:-1], **kwargs) != first


def test_same_bytes_from_several_threads() -> None:
    inputs = [spread(40), UNICODE, [], spread(8)]
    kwargs = {"centre_label": "Familien Ålund", "sector_labels": SECTORS, "ring_labels": RINGS}
    alone = [draw_network_map(entries, **kwargs) for entries in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda entries: draw_network_map(entries, **kwargs), inputs))
    assert together == alone


def test_unicode_is_drawn_as_text_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = draw_network_map(
            UNICODE, centre_label="عائلة Ærø 😀", sector_labels=SECTORS, ring_labels=RINGS
        )
        drawing = draw(UNICODE, centre="عائلة Ærø 😀")
    assert png.startswith(b"\x89PNG")
    drawn = " ".join(text for _, text, _ in text_extents(drawing)).replace("\n", " ")
    for word in ("Søren", "Æblegård-", "Ødegård", "Åse", "Ærø", "فاطمة", "الزهراء", "😀"):
        assert word in drawn
    assert "$x^2$ {{ 7*7 }} <b>&amp;" in drawn, "no mathtext, no templating, no escaping"
    assert "🧸" not in drawn and "🦄" not in drawn, "glyphs no font has are left out"
    # A name of nothing drawable still marks its person.
    labels = {label.index: label for label in drawing.labels if label.role == "entry"}
    assert labels[6].texts[0].text  # 🦄🦄
    assert labels[9].texts[0].text  # blank


def test_every_visible_word_comes_from_the_arguments() -> None:
    sectors = {sector: f"S{n}" for n, sector in enumerate(MapSector)}
    rings = {ring: f"R{n}" for n, ring in enumerate(Closeness)}
    entries = [MapEntry(f"N{i}", *CELLS[i % 12], note=f"T{i}") for i in range(12)]
    drawing = _draw(entries, centre_label="C", sector_labels=sectors, ring_labels=rings)
    words = {word for _, text, _ in text_extents(drawing) for word in text.split()}
    expected = {"C", *sectors.values(), *rings.values()}
    expected |= {e.name for e in entries} | {e.note for e in entries}
    assert words <= expected
    assert {"C", *sectors.values(), *rings.values()} <= words


def test_labels_must_cover_every_sector_and_ring() -> None:
    partial = {MapSector.FAMILY: "Familie"}
    with pytest.raises(ValueError, match="friends"):
        draw_network_map([], centre_label="", sector_labels=partial, ring_labels=RINGS)
    with pytest.raises(ValueError, match="distant"):
        draw_network_map(
            [], centre_label="", sector_labels=SECTORS, ring_labels={Closeness.CLOSE: "x"}
        )
    for dpi in (0, 10, 5000):
        with pytest.raises(ValueError, match="dpi"):
            draw_network_map([], centre_label="", sector_labels=SECTORS, ring_labels=RINGS, dpi=dpi)


def test_long_centre_and_sector_labels_are_fitted() -> None:
    sectors = {sector: f"{text} " * 6 for sector, text in SECTORS.items()}
    drawing = _draw(
        spread(12),
        centre_label="Familien Christophersen-Østergaard Vestergaard " * 3,
        sector_labels=sectors,
        ring_labels={ring: f"{text} " * 5 for ring, text in RINGS.items()},
    )
    roles = [label.role for label in drawing.labels]
    assert roles.count("centre") == 1 and roles.count("sector") == 4
    assert roles.count("ring") == 3
    centre = next(label for label in drawing.labels if label.role == "centre")
    assert all(
        math.hypot(x, y) <= drawing.radii[0] for x in centre.box[::2] for y in centre.box[1::2]
    )
    assert_no_overlap(drawing)


def test_rings_differ_in_greyscale() -> None:
    """Inner rings are darker in every sector, so the rings read in a greyscale print."""
    for sector in _SECTOR_HUE:
        greys = [
            0.299 * r + 0.587 * g + 0.114 * b
            for r, g, b in (_tint(sector, ring) for ring in _RING_TINT)
        ]
        assert greys == sorted(greys)
        assert min(b - a for a, b in itertools.pairwise(greys)) > 0.04
        assert greys[-1] < 0.97 and greys[0] > 0.7, "light enough for black text and a pen"


def test_png_keeps_every_tint_and_the_white_exactly() -> None:
    """The fixed palette never merges the palest tints into white (an adaptive one did)."""
    png = draw_network_map([], centre_label="", sector_labels=SECTORS, ring_labels=RINGS)
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        half = image.size[0] / 2
    middles = dict(zip(Closeness, (0.29, 0.555, 0.80), strict=True))
    for sector, (sx, sy) in QUADRANT.items():
        for ring, radius in middles.items():
            x = y = radius / math.sqrt(2)
            pixel = (round((1 + sx * x) * half), round((1 - sy * y) * half))
            expected = tuple(round(part * 255) for part in _tint(sector, ring))
            assert rgb.getpixel(pixel) == expected, (sector, ring)
    assert rgb.getpixel((2, round(half))) == (255, 255, 255)


def test_notes_are_wrapped_whole_or_left_out_never_cut() -> None:
    """A relation under a name is all there (on up to three lines) or not drawn at all."""
    entries = [*spread(24), *LAYOUTS["long names"][:12]]
    drawing = draw(entries)
    for label in drawing.labels:
        if label.role != "entry" or len(label.texts) < 2:
            continue
        note = label.texts[1].text
        assert "\u2026" not in note
        assert " ".join(note.split()) == " ".join(entries[label.index].note.split())
        assert note.count("\n") <= 2


def test_full_relations_of_a_real_network_are_drawn_whole() -> None:
    entries = [
        MapEntry("Inge Holm", MapSector.FAMILY, Closeness.CLOSE, "Mormor"),
        MapEntry("Jens Holm", MapSector.FAMILY, Closeness.MIDDLE, "Morbror, uddannet bogholder"),
        MapEntry("Lone Dahl", MapSector.FRIENDS, Closeness.CLOSE, "Nabo og Mettes veninde"),
        MapEntry("Kasper Nygaard", MapSector.FRIENDS, Closeness.MIDDLE, "Træner for U12-drengene"),
        MapEntry("Jonas Friis", MapSector.SCHOOL_WORK, Closeness.CLOSE, "Pædagog på Linas stue"),
        MapEntry(
            "Birgitte Lund", MapSector.PROFESSIONALS, Closeness.MIDDLE, "Familiens sagsbehandler"
        ),
    ]
    drawing = draw(entries)
    notes = {label.index: label.texts[1].text for label in drawing.labels if len(label.texts) > 1}
    assert {i: " ".join(text.split()) for i, text in notes.items()} == {
        i: entry.note for i, entry in enumerate(entries)
    }


def test_a_few_people_are_spread_over_their_sector() -> None:
    """Four professionals in the outer ring stand along the arc, not bunched in a corner."""
    names = ["Thomas Kjær", "Ole Krogh", "Sofie Winther", "Peter Vinther"]
    entries = [MapEntry(n, MapSector.PROFESSIONALS, Closeness.DISTANT, "") for n in names]
    drawing = draw(entries)
    angles = []
    for label in drawing.labels:
        if label.role == "entry":
            x = (label.box[0] + label.box[2]) / 2
            y = (label.box[1] + label.box[3]) / 2
            angles.append(math.degrees(math.atan2(abs(y), abs(x))))
    assert len(angles) == 4
    assert max(angles) - min(angles) >= 45, angles


@pytest.mark.parametrize(
    "rings",
    [
        RINGS,
        {Closeness.CLOSE: "Dichtbij", Closeness.MIDDLE: "Midden", Closeness.DISTANT: "Verder weg"},
        {Closeness.CLOSE: "Nära", Closeness.MIDDLE: "Mellan", Closeness.DISTANT: "Längre bort"},
        {
            Closeness.CLOSE: "Close",
            Closeness.MIDDLE: "In between",
            Closeness.DISTANT: "Further away",
        },
    ],
)
def test_every_ring_is_labelled_whole_and_readable(rings: dict[Closeness, str]) -> None:
    drawing = _draw(spread(20), centre_label="Familien", sector_labels=SECTORS, ring_labels=rings)
    placed = {label.closeness: label.texts[0] for label in drawing.labels if label.role == "ring"}
    assert set(placed) == set(Closeness)
    for ring, text in placed.items():
        assert " ".join(text.text.split()) == rings[ring]
        assert text.style.size >= 7.0, "a ring's name is read at arm's length"
