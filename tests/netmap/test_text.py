"""Setting the network map's texts: fonts per script, visual order, boxes that hold the ink."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from familyplan_docs.netmap.text import HAlign, Style, TextSetter, VAlign, _runs, clean

STYLE = Style(9.0)


def fonts_of(line: str) -> list[str]:
    return [text for _, text in _runs(line, STYLE)]


def test_a_latin_line_is_one_run() -> None:
    assert fonts_of("Søren Æblegård-Ødegård") == ["Søren Æblegård-Ødegård"]


def test_an_arabic_word_in_a_latin_line_keeps_logical_order() -> None:
    runs = fonts_of("Karim فاطمة")
    assert "".join(runs) == "Karim فاطمة"
    assert len(runs) == 2 and runs[0].startswith("Karim")


def test_a_latin_word_in_an_arabic_line_comes_first_in_visual_order() -> None:
    runs = fonts_of("عائلة Ærø")
    assert len(runs) == 2 and runs[0].strip() == "Ærø", "right to left: Ærø is drawn left"


def test_clean_drops_what_no_font_draws_and_keeps_joiners() -> None:
    assert clean("a\tb\n c", STYLE) == "a b c"
    assert "\u200d" in clean("Zoë\u200dŁukasz", STYLE)
    assert clean("\u0007", STYLE) == ""


@pytest.mark.parametrize(
    "text", ["Hanne Østergaard", "فاطمة الزهراء", "Ⅻ Ελένη\nДмитрий", "ÅÉ gjpq"]
)
@pytest.mark.parametrize(("ha", "va"), [("center", "top"), ("left", "bottom"), ("right", "center")])
def test_the_box_holds_every_inked_pixel(text: str, ha: HAlign, va: VAlign) -> None:
    setter = TextSetter(200)
    image = Image.new("L", (800, 400), 0)
    setter.draw(ImageDraw.Draw(image), (400.3, 200.7), text, STYLE, ha, va, "#ffffff")
    ink = image.getbbox()
    assert ink is not None
    x0, y0, x1, y1 = setter.box(text, STYLE, ha, va)
    assert x0 + 400.3 <= ink[0] and ink[2] <= x1 + 400.3 + 1
    assert y0 + 200.7 <= ink[1] and ink[3] <= y1 + 200.7 + 1


def test_width_grows_with_the_text_and_the_size() -> None:
    setter = TextSetter(200)
    assert setter.width("Anne", STYLE) < setter.width("Anne Jensen", STYLE)
    assert setter.width("Anne", STYLE) < setter.width("Anne", Style(12.0))


def test_arabic_is_shaped_with_raqm() -> None:
    """Raqm (with FriBiDi, which scripts/system-deps.sh installs) joins Arabic letters."""
    from PIL import features

    assert features.check("raqm"), "Pillow cannot load Raqm/FriBiDi: Arabic would not join"
    setter = TextSetter(200)
    joined = setter.width("فاطمة", STYLE)
    apart = sum(setter.width(letter, STYLE) for letter in "فاطمة")
    assert joined < apart, "joined forms are narrower than isolated letters"
