"""Tool 6: dialogue guide for the screening meeting with a new family, with its note form."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds.phone_guide import INTERPRETER, find_meetings, tall_fields, when

BLOCKS = {"repeat": 2.2, "interview": 4.6, "link": 3.0, "formal": 3.2}
"""The meeting's timed blocks in order (5, 25, 10 and 15 minutes, seed 004 tool 6), each
with the height in cm of its box on the blank note form."""


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the screening guide and its note form."""
    for line in find_meetings():
        b.control(line)
    b.title(t["title"])
    tall_fields(
        b,
        [
            (t["family"], "{{ family.name }}"),
            (t["meeting_when"], when("ns.screening")),
            (t["place"], "{{ [ns.screening.place, ns.screening.address]|joined }}"),
        ],
        height_cm=0.8,
    )
    b.para(t["intro"])

    b.heading(t["roles_heading"])
    b.bullets(t["roles"])
    b.table(
        [t["name"], t["function"], t["role"]],
        ["{{ p.name }}", "{{ p.function }}", "{{ p.role }}"],
        loop="p in ns.screening.participants or [dict(), dict(), dict()]",
        widths=[4.5, 5, 7.5],
    )

    b.heading(t["plan_heading"])
    b.fields_table(
        [(t[block]["heading"], t[block]["minutes"]) for block in BLOCKS]
        + [(t["total"], t["total_minutes"])],
        widths=(3, 1),
    )
    for block in BLOCKS:
        b.heading(f"{t[block]['heading']} ({t[block]['minutes']})", 2)
        if "text" in t[block]:
            b.para(t[block]["text"])
        b.bullets(t[block]["points"])

    b.page_break()
    b.heading(t["form_heading"])
    b.para(t["form_intro"])
    b.control("{%p if not blank and ns.screening and ns.screening.agenda %}")
    b.control("{%p for a in ns.screening.agenda %}")
    b.note_box(
        "{{ a.title }}{% if a.minutes %} ({{ a.minutes }} " + t["min"] + "){% endif %}",
        value="{{ a.notes }}",
        height_cm=2,
    )
    b.control("{%p endfor %}")
    b.control("{%p else %}")
    for block, height in BLOCKS.items():
        b.note_box(f"{t[block]['heading']} ({t[block]['minutes']})", height_cm=height)
    b.control("{%p endif %}")
    tall_fields(
        b,
        [
            (t["best_hope"], "{{ ns.screening.best_hope }}"),
            (t["interpreter_need"], INTERPRETER),
            (t["next_meeting"], "{{ ns.screening.next_meeting }}"),
            (t["other_notes"], "{{ ns.screening.notes }}"),
        ],
    )
