"""The letter to the family that goes with the flyer (the script's first step).

Who writes, what is offered, that taking part is voluntary and free and saying no changes
nothing about the help the family gets, how to say yes, the coordinator's contact. No word
about the family's problems: others in the household may read a letter.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from templates.builder import DocBuilder

LETTER_DATE = (
    "{% for c in checklist if c.step == 'letter_and_flyer' %}{{ c.done_on|date('long') }}"
    "{% endfor %}"
)
"""The day the letter went out: the script's first step, when it is recorded."""

NAMES = (
    "{% if blank %}{{ line }}{% else %}"
    "{% set names = adults|selectattr('lives_in_household')|map(attribute='first_name')|list %}"
    "{{ names[:-1]|join(', ') }}{% if names|length > 1 %} %s {% endif %}{{ names|last }}"
    "{% endif %}"
)
"""The first names of the adults at home ("Sanne, Dennis og Mark"; a line on a blank form)."""


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the letter to the family."""
    b.control("{%p set line = '____________________' %}")
    sender = b.para("{{ [organization.name, organization.programme]|joined(' – ') }}", size=12)
    sender.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    address = b.para("{{ organization.address }}", size=9)
    address.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    b.control("{%p if not blank %}")
    recipient = b.para("{{ family.name }}\n{{ family.address }}")
    recipient.paragraph_format.space_before = Pt(12)
    b.control("{%p endif %}")
    dated = b.field(t["date_label"], LETTER_DATE)
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    b.heading(t["title"])  # the letter's subject
    b.para(t["greeting"] + " " + NAMES.replace("%s", t["and"]) + ",")
    for key in ("p1", "p2", "p3", "p4", "p5", "p6"):
        if key in t:
            b.para(t[key])
    b.para(t["privacy"])
    closing = b.para(t["closing"])
    closing.paragraph_format.space_before = Pt(12)
    closing.paragraph_format.keep_with_next = True
    signature = b.para("{{ coordinator.name }}")
    signature.paragraph_format.space_before = Pt(24)
    signature.paragraph_format.keep_with_next = True
    b.para(
        t["signature_role"]
        + "{% if coordinator.profession is string %}, {{ coordinator.profession }}{% endif %}"
    )
    b.para("{{ [coordinator.phone, coordinator.email]|joined }}")
    enclosure = b.para(t["enclosure"], italic=True, size=9)
    enclosure.paragraph_format.space_before = Pt(12)
    enclosure.paragraph_format.left_indent = Cm(0)
