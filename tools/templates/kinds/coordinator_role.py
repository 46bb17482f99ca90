"""Tool 2: the coordinator's role — the ICM approach, three roles, mandate, contact details."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder

ROLES = ("citizen", "bridge", "coordination")
"""The three roles of seed 004: approach to the citizen, bridge builder, coordination."""


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the coordinator role template."""
    b.title(t["title"], t["subtitle"])
    b.fields_table([(t["family"], "{{ family.name }}")], compact_cm=0.5)
    b.para(t["intro"])

    b.heading(t["contacts_heading"])
    b.para(t["contacts_intro"]).paragraph_format.keep_with_next = True
    b.table(
        [t["name"], t["organization"], t["contact"]],
        [
            "{{ [c.name, c.profession]|joined('\\n') }}",
            "{{ [c.organization, c.department]|joined('\\n') }}",
            "{{ [c.phone, c.email]|joined('\\n') }}",
        ],
        loop="c in coordinators",
        rows=2,
        widths=[3.7, 5.0, 8.3],
        compact_cm=0.5,
    )

    b.heading(t["icm_heading"])
    b.para(t["icm_intro"])
    b.bullets(t["icm_points"])

    b.heading(t["roles_heading"])
    b.para(t["roles_intro"])
    for role in ROLES:
        b.heading(t[f"{role}_heading"], 2)
        b.para(t[f"{role}_intro"])
        for task in t[f"{role}_tasks"]:
            b.heading(task["task"], 3)  # a real heading: tagged as one in the PDF
            b.bullets(task["points"])

    b.heading(t["mandate_heading"])
    b.para(t["mandate_intro"])
    b.bullets(t["mandate_points"])
    b.para(t["confidentiality"])

    b.heading(t["direction_heading"])
    # on a page of its own: a table followed by a box does not keep with it in LibreOffice,
    # and the box alone would end the document on a near-empty page
    b.doc.paragraphs[-1].paragraph_format.page_break_before = True
    b.para(t["direction_intro"])
    b.fields_table([(t["direction"], "{{ family.direction }}")])
    b.note_box(t["self_reliance"], value="{{ family.self_reliance }}", height_cm=2.5)
