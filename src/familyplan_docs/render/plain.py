"""The parts of rendering that need python-docx and docxtpl: images, and plain docxtpl.

Imported by :mod:`.documents` only when a document needs it: a pack's logo, the network map,
or a template the compiled engine cannot render as docxtpl would (then docxtpl renders it,
with every part checked as the compiled engine checks it). A fresh process that renders
other documents from the persistent cache never loads python-docx (README "Cold start").
"""

from __future__ import annotations

import io
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from .._ooxml import WP_NS
from .compiled.xml import parse_body
from .sandbox import refuse_declarations

__all__ = [
    "LOGO_HEIGHT",
    "MAP_WIDTH",
    "AltImage",
    "CheckedDocxTemplate",
    "logo_image",
    "map_image",
    "set_alt_text",
]

LOGO_HEIGHT = Mm(9)
"""How tall the logo is placed (in the page header, and on the flyer)."""

MAP_WIDTH = Mm(160)
"""How wide the network map is placed."""


class CheckedDocxTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl, with each rendered part checked for markup declarations before it is parsed,
    and the rendered body read as the compiled engine reads it: never cut short."""

    def fix_tables(self, xml: str) -> Any:
        return parse_body(xml)

    def render_xml_part(self, src_xml: Any, part: Any, context: Any, jinja_env: Any = None) -> Any:
        xml = super().render_xml_part(src_xml, part, context, jinja_env)
        refuse_declarations(xml, str(getattr(part, "partname", "a part")).lstrip("/"))
        return xml


class AltImage(InlineImage):  # type: ignore[misc]
    """docxtpl's ``InlineImage`` with its own alt text (``descr``) on the drawing."""

    def __init__(self, tpl: Any, image: io.BytesIO, alt: str, height: Any) -> None:
        super().__init__(tpl, image, height=height)
        self.alt = alt

    def _insert_image(self) -> str:
        self.image_descriptor.seek(0)  # the same image may be placed more than once
        xml = str(super()._insert_image())
        return xml.replace("<wp:docPr ", f"<wp:docPr descr={_quoted(self.alt)} ", 1)


def _quoted(text: str) -> str:
    """*text* as an XML attribute value with its quotes: ``xml.sax.saxutils.quoteattr``.

    Written out because importing ``xml.sax.saxutils`` imports ``urllib.request`` and the
    HTTP and e-mail stacks with it (milliseconds every fresh process pays).
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    escaped = text.replace('"', "&quot;")
    return f'"{escaped}"'


def logo_image(tpl: Any, data: bytes, alt: str) -> AltImage:
    """The logo (PNG bytes) as an image of *tpl* (a template or a compiled render job)."""
    return AltImage(tpl, io.BytesIO(data), alt, LOGO_HEIGHT)


def map_image(tpl: Any, png: bytes) -> InlineImage:
    """The drawn network map (PNG bytes) as an image of *tpl*."""
    return InlineImage(tpl, io.BytesIO(png), width=MAP_WIDTH)


def set_alt_text(tpl: DocxTemplate, alt: str) -> None:
    """Give every drawing of the rendered body without alt text *alt*."""
    for doc_pr in tpl.docx.element.body.iter(f"{{{WP_NS}}}docPr"):
        if not doc_pr.get("descr"):
            doc_pr.set("descr", alt)
