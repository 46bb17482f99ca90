"""Tool 11: the family's network map — the drawn map and the people on it, by sector."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder

SECTORS = ("family", "friends", "school_work", "professionals")
"""The map's sectors, in the order of the ``MapSector`` enum (clockwise on the drawing)."""


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the network map template."""
    b.title(t["title"], "{{ family.name }}")
    b.para(t["explain_circles"])
    b.para(t["explain_sectors"])
    b.image("{{ network_map_image }}")
    b.heading(t["tips_heading"])
    b.para(t["tips_intro"]).paragraph_format.keep_with_next = True
    b.bullets(t["tips"])
    b.page_break()

    b.heading(t["people_heading"])
    b.para(t["people_intro"])
    for sector in SECTORS:
        people = f"network_by_sector.{sector}"
        b.control(f"{{%p if {people} %}}")
        b.heading(f"{{{{ labels.sector.{sector} }}}}", 2)
        b.table(
            [t["name"], t["closeness"], t["relation"], t["contribution"]],
            ["{{ n.name }}", "{{ n.closeness }}", "{{ n.relation }}", "{{ n.contribution }}"],
            loop=f"n in {people}",
            rows=4,
            widths=[3.0, 2.1, 3.9, 8.0],
            compact_cm=0.6,  # a filled map's list stays on one page
            font_pt=9,
        )
        b.control("{%p endif %}")
