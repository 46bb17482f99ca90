"""Tool 10: the coordinator's dialogue guide for the preparation meeting with the family.

Six points to go through with the family before the network meeting: the purpose of the
preparation meeting, the network meeting's agenda, the family's role, the family's
statement, whether they want a supporter and that person's role, and the practicalities
(where, when, time frame, childcare if a child is ill). On a new page the note form: one
box per point, to write in during the meeting.
"""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds.agenda import DAY, HAS_AGENDA, gap, keep, roomy, together

MEETING = (
    f"{{{{ [meeting.kind, {DAY}, meeting.start_time|time_range(meeting.end_time)]|joined(', ') }}}}"
)
"""The meeting being prepared (usually the network meeting): kind, day, date and time."""

PREPARATION = "meetings|selectattr('kind', 'equalto', 'preparation')"
"""The preparation meetings of the plan (none on a blank form)."""

POINTS = ("purpose", "agenda", "role", "statement", "supporter", "practical")
"""The six points of the guide, each with a box on the note form."""

BOX_VALUES = {
    "statement": "{{ family.statement }}",
    "supporter": (
        "{{ [supporter.name, supporter.relation, supporter.phone, supporter.email]|joined }}"
    ),
}
"""What a filled note form already knows for a point."""


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the preparation guide template."""
    b.title(t["title"])
    b.para(t["intro"])
    fields = b.fields_table(
        [
            (t["family"], "{{ family.name }}"),
            (t["coordinator"], "{{ [coordinator.name, coordinator.profession]|joined }}"),
            (t["preparation_date"], f"{{{{ {PREPARATION}|map(attribute='date')|joined }}}}"),
            (t["network_meeting"], MEETING),
            (t["place"], "{{ [meeting.place, meeting.address]|joined }}"),
        ],
        widths=(2.3, 2),
        across=2,
    )
    roomy(fields)

    for n, point in enumerate(POINTS, start=1):
        b.heading(f"{n}. {t[point + '_heading']}")
        intro = b.para(t[point + "_intro"])
        items = t.get(point + "_items", [])
        if items:
            keep(intro)
            b.bullets(items)
            for item in b.doc.paragraphs[-len(items) : -1]:
                keep(item)  # a short list stays on one page
        if point == "agenda":
            b.control(HAS_AGENDA)
            draft = b.mark()  # the draft agenda and its total stay on one page
            b.heading(t["draft_heading"], 2)
            b.table(
                [t["col_no"], t["col_item"], t["col_lead"], t["col_minutes"]],
                ["{{ loop.index }}", "{{ item.title }}", "{{ item.lead }}", "{{ item.minutes }}"],
                loop="item in meeting.agenda",
                widths=[1.3, 9, 3.9, 2.8],
            )
            b.field(t["total"], "{{ meeting.total_minutes }}")
            b.keep_from(draft)
            b.control("{%p endif %}")

    b.heading(t["form_heading"])
    b.para(t["form_intro"])
    for n, point in enumerate(POINTS, start=1):
        label = f"{n}. {t[point + '_heading']}"
        together(b.note_box(label, value=BOX_VALUES.get(point, ""), height_cm=2.5))
        gap(b, 6)
    b.control("{%p if not blank and " + PREPARATION + "|map(attribute='notes')|select|list %}")
    together(
        b.note_box(
            t["other_notes"],
            value=f"{{{{ {PREPARATION}|map(attribute='notes')|joined('\\n') }}}}",
            height_cm=2.3,
        )
    )
    gap(b, 1)
    b.control("{%p endif %}")
