"""Tool 13: the letter that invites a professional to the network meeting.

One letter per invited professional the family's sharing consent covers (the meeting's
participants outside the family, leaving out the coordinators, who send it, the supporter,
relatives and friends and the meeting leader), each in its own section, so each starts on a
new page and is numbered from 1: the letter's date and the case number, the purpose of the
family plan and the meeting, date, time and place, the other participants (contact details
of professionals only, never the family's), the recipient's role,
the agenda a week before, the plan followed up every three months, a replacement if
prevented, signed by the coordinator. When the meeting is a family group conference the
title, purpose and role follow its three phases (seed 003). A blank form is one letter
for a network meeting, with empty lines.
"""

from __future__ import annotations

from typing import Any

from docx.shared import Cm, Pt

from templates.builder import DocBuilder
from templates.kinds.agenda import NAMES, WHEN, gap, keep, together, variant

RECIPIENTS = (
    "{%p set recipients = meeting.professionals"
    "|rejectattr('name', 'in', personal + coordinating)"
    "|rejectattr('name', 'equalto', supporter.name)"
    "|rejectattr('name', 'equalto', meeting.leader)"
    "|selectattr('covered')"
    "|selectattr('name', 'in', [recipient] if recipient else meeting.participants"
    "|map(attribute='name')|list)|list %}"
)
"""The professionals who get a letter: the family's sharing consent covers them, and they are
not the coordinators (who send it), the family's supporter, relatives and friends, or the
meeting leader; when ``recipient`` is set (a distribution), only that one."""

LETTERS = "{%p for p in (recipients if not blank else [none]) %}"
"""One letter per recipient; a blank form gets one."""

NONE_COVERED = "{%p if not blank and not recipients %}"
"""No participant the consent covers: no letter, and the document says why."""

OTHERS_CONTACT = "{{ [o.phone, o.email]|joined if not o.member and o.name not in personal }}"
"""Contact details of the other professionals only: never the family's or its relatives'."""

TITLE = "{%% if meeting.private_time is true %%}%s{%% else %%}%s{%% endif %%}"
"""The title of a family group conference's invitation, else a network meeting's."""


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the invitation template."""
    b.page_footer(total=False)  # each letter is a section of its own, numbered from 1
    section = b.doc.sections[0]  # a letter is set closer than a report, to fit on one page
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(1.4)
    styles = b.doc.styles
    styles["Normal"].paragraph_format.space_after = Pt(3)
    styles["Heading 1"].paragraph_format.space_before = Pt(6)
    for line in (*NAMES[:2], RECIPIENTS, NONE_COVERED):
        b.control(line)
    b.title(TITLE % (t["title_fgc"], t["title"]))
    b.para(t["none_covered"])
    b.control("{%p endif %}")
    b.control(LETTERS)
    b.title(TITLE % (t["title_fgc"], t["title"]))
    b.doc.paragraphs[-1].runs[0].font.size = Pt(18)  # a letter's headline, not a report's
    b.para("{{ family.name }}", style="Subtitle")
    b.fields_line(
        [
            (t["letter_date"], "{{ meeting.invited_on|date('long') }}"),
            (t["case_number"], "{{ case_number }}"),
        ]
    )
    gap(b, 4)
    # the greeting as the language writes it: "{name}" where the name goes ("Beste {name},"),
    # else the name follows it ("Kære" → "Kære Birgitte Lund")
    greeting = t["greeting"]
    name = "{{ p.name }}"
    b.para(greeting.replace("{name}", name) if "{name}" in greeting else f"{greeting} {name}")
    b.para(t["intro"])
    variant(b, lambda: b.para(t["purpose_fgc"]), lambda: b.para(t["purpose"]))
    keep(b.para(t["invite"]))
    fields = b.fields_table(
        [
            (t["when"], WHEN),
            (t["place"], "{{ [meeting.place, meeting.address]|joined }}"),
            (t["leader"], "{{ meeting.leader }}"),
        ],
        widths=(1, 2.8),
        compact_cm=0.5,
    )
    together(fields)
    gap(b, 4)

    b.heading(t["role_heading"])
    b.control("{%p if blank or p.role %}")
    b.field(t["special_role"], "{{ p.role }}")
    b.control("{%p endif %}")
    variant(b, lambda: b.para(t["role_fgc"]), lambda: b.para(t["role"]))

    b.heading(t["others_heading"])
    b.table(  # a compact list in a filled letter, so the letter fits on one page
        [t["name"], t["function"], t["contact"]],
        [
            "{{ o.name }}",
            "{{ [o.function, o.organization]|joined }}",
            OTHERS_CONTACT,
        ],
        loop="o in meeting.participants if blank or o.name != p.name",
        rows=4,
        widths=[3.5, 5.6, 7.9],
        font_pt=9,
        compact_cm=0.5,
    )
    gap(b, 4)

    b.heading(t["practical_heading"])
    notes = [t["agenda_note"], t["plan_note"], t["replacement"], t["confidential"]]
    b.bullets(notes)
    for paragraph in b.doc.paragraphs[-len(notes) :]:
        keep(paragraph)  # a letter that runs over takes this section with its signature

    if "programme" in t:  # the offer in a few words (the Danish letter's last paragraph)
        b.para(t["programme"], size=8.5)
    closing = b.para(t["closing"])
    closing.paragraph_format.space_before = Pt(6)
    keep(closing)
    keep(
        b.para(
            "{{ [coordinator.name, coordinator.profession, coordinator.department,"
            " organization.name]|joined }}"
        )
    )
    b.para("{{ [coordinator.phone, coordinator.email]|joined }}")
    b.control("{%p if blank %}")
    b.signature([t["signature"]])
    b.control("{%p endif %}")
    b.control("{%p if not loop.last %}")
    b.section_break()
    b.control("{%p endif %}")
    b.control("{%p endfor %}")
