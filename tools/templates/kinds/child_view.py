"""The child's own view: one form per child from the pack's ``child_view_from`` age.

Child-friendly: the child is addressed directly, large type, three big boxes to write or
draw in (the three houses: what is good, what worries me, what I wish for), who helps me,
what I want the adults to know, and who may see it. Filled from the plan where the child's
words are recorded (``child_views``), shown as said.
"""

from __future__ import annotations

from typing import Any

from docx.shared import Pt
from docx.table import Table

from templates.builder import DocBuilder
from templates.kinds._consent import tag

CHILD_PT = 14
"""The size of the text the child reads."""


def words(box: Table) -> None:
    """The box's label in the child's size, and the child's own words large enough to read."""
    box.rows[0].cells[0].paragraphs[0].runs[0].font.size = Pt(CHILD_PT)
    for run in box.rows[1].cells[0].paragraphs[0].runs:
        run.font.size = Pt(12)


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the child's view form."""
    b.control("{%p for v in view_children %}")
    b.control("{%p if loop.first %}")
    b.title(t["title"])
    b.control("{%p else %}")
    b.title(t["title"])
    b.doc.paragraphs[-1].paragraph_format.page_break_before = True  # each child on a new page
    b.control("{%p endif %}")
    b.para(t["intro"], size=CHILD_PT)
    fields = b.fields_table(
        [
            (t["name"], "{{ v.person.first_name }}"),
            (t["age"], "{{ v.person.age }}"),
            (t["date"], "{{ v.view.recorded_on|date('long') }}"),
        ]
    )
    for row in fields.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(12)
    for key, value in (
        ("good", "v.view.good"),
        ("worries", "v.view.worries"),
        ("wishes", "v.view.wishes"),
    ):
        box = b.note_box(
            t[f"{key}_house"] + " – " + t[f"{key}_question"],
            value=tag(value),
            height_cm=4.6,
        )
        words(box)
        b.keep_together(box)
    for key, value in (("helpers", "v.view.helpers"), ("to_tell", "v.view.to_tell")):
        box = b.note_box(t[key], value=tag(value), height_cm=2.6)
        words(box)
        b.keep_together(box)
    b.heading(t["who_sees_heading"])
    b.control("{%p if v.view.shared_with is string %}")
    b.para("{{ v.view.shared_with }}", size=12)
    b.control("{%p else %}")
    for option in t["who_sees"]:
        b.para("☐ " + option, size=12)
    b.control("{%p endif %}")
    b.para(t["safety"], size=12)
    b.field(t["written_by"], "{{ v.view.recorded_by }}")
    b.para(t["adult_note"], italic=True, size=9)
    b.control("{%p endfor %}")
