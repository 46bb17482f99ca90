"""Tool 14: the minutes of a network meeting (or of a family group conference).

The family's names, date and time, participants in three groups (family, network,
absentees), the agenda with notes per item, the family's story and best hope, the round
of participants (what works, what challenges), the team dialogue and the agreements that
go into the family plan, with the next meeting.
"""

from __future__ import annotations

from typing import Any

from docx.shared import Cm, Pt

from templates.builder import DocBuilder
from templates.kinds._consent import tag
from templates.kinds.agenda import LEADER, LEADER_NAME, WHEN, gap, keep, roomy, together, variant

THIS_MEETING = (
    "a in agreements if blank or a.meeting is none"
    " or (meeting in meetings and a.meeting == meetings.index(meeting) + 1)"
)
"""The agreements made at this meeting (and those not tied to any meeting)."""

GROUPS = (
    ("p in meeting.family_participants", "{{ [p.name, p.function]|joined }}"),
    ("p in meeting.professionals", "{{ [p.name, p.function, p.organization]|joined }}"),
    ("a in meeting.absentees", "{{ a }}"),
)
"""The three participant columns: the family, the network, the absentees."""


def box(b: DocBuilder, label: str, value: str, height_cm: float) -> None:
    """A note box whose label stays on the page of its box."""
    together(b.note_box(label, value=value, height_cm=height_cm))


def family_group_conference(b: DocBuilder, t: dict[str, Any]) -> None:
    """The questions, the family's own plan and social services' position on it."""
    b.heading(t["questions_heading"])
    b.control("{%p if blank %}")
    b.writing_lines(3)
    b.control("{%p else %}")
    b.bullet_loop("q in meeting.questions", "{{ q }}")
    b.control("{%p endif %}")
    box(b, t["own_plan_heading"], tag("meeting.own_plan"), 4)
    b.heading(t["position_heading"])
    for value in ("approved", "approved_with_changes", "not_approved"):
        choice = b.para(
            tag(f"'☒' if meeting.position == '{value}' else '☐'")
            + "  " + t[f"position_{value}"]
        )  # fmt: skip
        choice.paragraph_format.keep_with_next = True  # the choices and their reasons together
    box(b, t["position_reason"], tag("meeting.position_reason"), 1.5)
    b.field(t["position_by"], "{{ [meeting.position_by, meeting.position_on]|joined }}")


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the minutes template."""
    variant(
        b,
        lambda: b.title(t["title_fgc"], "{{ family.name }}"),
        lambda: b.title(t["title"], "{{ family.name }}"),
    )
    fields = b.fields_table(
        [
            (t["family_names"], "{{ members|map(attribute='full_name')|joined }}"),
            (t["when"], WHEN),
            (t["place"], "{{ meeting.place }}"),
            (LEADER % (t["leader_fgc"], t["leader"]), LEADER_NAME),
            (t["minute_taker"], "{{ meeting.minute_taker or coordinator.name }}"),
        ],
        widths=(1, 2.4),
    )
    roomy(fields)

    b.heading(t["participants_heading"])
    table = b.table([t["family"], t["network"], t["absent"]], ["", "", ""], widths=[5, 7.5, 4.5])
    row = table.rows[1]
    row.height = Cm(2.2)
    for cell, (loop, item) in zip(row.cells, GROUPS, strict=True):
        cell.paragraphs[0].runs[0].text = f"{{%p for {loop} %}}"
        # the empty paragraph after the loop keeps a paragraph in the cell when the list is
        # empty: a cell without one is a damaged document to Word (ECMA-376 17.4.66)
        for text in (item, "{%p endfor %}", ""):
            cell.add_paragraph(text).paragraph_format.space_after = Pt(2)

    b.heading(t["agenda_heading"])
    agenda = b.table(
        [t["col_no"], t["col_item"], t["col_notes"]],
        ["{{ loop.index }}", "{{ item.title }}", "{{ item.notes }}"],
        loop="item in meeting.agenda",
        rows=9,  # the standard agenda (agenda.toml standard_network) has nine items
        widths=[1.2, 6, 9.8],
    )
    agenda.rows[2].height = Cm(1)

    b.heading(t["story_heading"])
    box(b, t["story"], "{{ meeting.family_story }}", 3)
    box(b, t["best_hope"], "{{ meeting.best_hope }}", 2)

    b.heading(t["round_heading"])
    keep(b.para(t["round_intro"]))
    rounds = b.table(
        [t["name_department"], t["what_works"], t["challenges"]],
        ["{{ [r.name, r.department]|joined }}", "{{ r.what_works }}", "{{ r.challenges }}"],
        loop="r in meeting.rounds",
        rows=6,
        widths=[4.4, 6.3, 6.3],
    )
    rounds.rows[2].height = Cm(1.5)

    b.heading(t["dialogue_heading"])
    keep(b.para(t["dialogue_intro"]))
    box(b, t["dialogue"], "{{ meeting.team_dialogue }}", 4)

    variant(b, lambda: family_group_conference(b, t), lambda: None)

    b.heading(t["agreements_heading"])
    keep(b.para(t["agreements_intro"]))
    b.table(
        [t["content"], t["responsible"], t["deadline"]],
        ["{{ a.content }}", "{{ a.responsible }}", "{{ a.deadline }}"],
        loop=THIS_MEETING,
        rows=10,
        widths=[9.4, 4.6, 3],
    )
    gap(b, 4)
    b.control("{%p if meeting.notes is string and meeting.notes %}")
    box(b, t["notes"], "{{ meeting.notes }}", 1.5)
    b.control("{%p endif %}")
    next_day = "{{ [meeting.next_meeting|date('EEEE'), meeting.next_meeting]|joined(' ') }}"
    next_meeting = (t["next_meeting"], next_day)
    roomy(b.fields_table([next_meeting], widths=(1, 2.4)))
    gap(b, 1)
