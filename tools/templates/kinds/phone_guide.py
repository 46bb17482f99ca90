"""Tool 5: dialogue guide for the first phone contact with a new family, with its note form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.shared import Cm

from templates.builder import DocBuilder


def find_meetings() -> list[str]:
    """Control lines that set ``ns.phone`` and ``ns.screening`` to the plan's first such meetings.

    On a blank form both stand for an empty meeting, so every value prints nothing and
    every list gives empty rows; in a plan without such a meeting they stay none.
    """
    return [
        "{%p set ns = namespace(phone=meeting if blank else none, "
        "screening=meeting if blank else none) %}",
        "{%p for m in meetings if not blank and m.kind == 'phone' and ns.phone is none %}",
        "{%p set ns.phone = m %}",
        "{%p endfor %}",
        "{%p for m in meetings if not blank and m.kind == 'screening' and ns.screening is none %}",
        "{%p set ns.screening = m %}",
        "{%p endfor %}",
    ]


def when(var: str) -> str:
    """Date and start time of meeting *var*, e.g. ``14. sep. 2026, kl. 10.00`` (the time as
    the pack's ``time.at`` writes it)."""
    return f"{{{{ [{var}.date, {var}.start_time|time_range]|joined(', ') }}}}"


INTERPRETER = (
    "{% if not blank %}{% for m in members if m.needs_interpreter %}"
    "{{ [m.full_name, m.language]|joined(' – ') }}{% if not loop.last %}, {% endif %}"
    "{% endfor %}{% endif %}"
)
"""The family members who need an interpreter, with their language (empty on a blank form)."""


def tall_fields(b: DocBuilder, rows: Sequence[tuple[str, str]], height_cm: float = 1.0) -> None:
    """A label / value table whose rows leave room to write by hand."""
    table = b.fields_table(rows, widths=(1, 2.2))
    for row in table.rows:
        row.height = Cm(height_cm)


def members_table(b: DocBuilder, t: dict[str, Any]) -> None:
    """The family members with relation, phone, language and interpreter need."""
    b.table(
        [t["name"], t["relation"], t["phone"], t["language"], t["interpreter"]],
        [
            "{{ m.full_name }}",
            "{{ m.relation }}",
            "{{ m.phone }}",
            "{{ m.language }}",
            "{{ m.needs_interpreter }}",
        ],
        loop="m in members",
        widths=[5, 2.6, 3.2, 3.6, 2.2],
    )


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the phone guide and its note form."""
    for line in find_meetings():
        b.control(line)
    b.title(t["title"])
    tall_fields(
        b,
        [
            (t["family"], "{{ family.name }}"),
            (t["caller"], "{{ ns.phone.leader or coordinator.name }}"),
            (t["call_when"], when("ns.phone")),
        ],
        height_cm=0.8,
    )
    b.para(t["intro"])

    b.heading(t["before_heading"])
    b.bullets(t["before"])
    b.heading(t["members_heading"], 2)
    b.para(t["members_intro"])
    members_table(b, t)

    b.heading(t["call_heading"])
    b.para(t["call_intro"])
    for step in t["steps"]:
        b.heading(step["heading"], 2)
        if "text" in step:
            b.para(step["text"])
        if "points" in step:
            b.bullets(step["points"])

    b.page_break()
    b.heading(t["form_heading"])
    b.para(t["form_intro"])
    tall_fields(
        b,
        [
            (t["call_when"], when("ns.phone")),
            (t["caller"], "{{ ns.phone.leader }}"),
            (
                t["spoke_with"],
                "{{ ns.phone.family_participants|map(attribute='name')|list|joined }}",
            ),
        ],
        height_cm=0.8,
    )
    b.heading(t["notes_heading"], 2)
    b.note_box(t["notes_box"], value="{{ ns.phone.notes }}", height_cm=8)
    b.heading(t["practical_heading"], 2)
    b.para(t["practical_intro"])
    tall_fields(
        b,
        [
            (t["date"], "{{ ns.screening.date or ns.phone.next_meeting }}"),
            (t["time"], "{{ ns.screening.start_time|time_range(ns.screening.end_time) }}"),
            (t["place"], "{{ [ns.screening.place, ns.screening.address]|joined }}"),
            (t["interpreter_need"], INTERPRETER),
            (t["directions"], "{{ ns.screening.directions }}"),
        ],
    )
