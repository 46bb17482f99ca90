"""Tool 12: the meeting agenda for the family — a network meeting, or a family group conference.

The network-meeting form (seed 004, tool 12) holds the purpose, the participants by group,
the family's preparation questions, the agenda with time frames and how to find the place.
When the latest main meeting is a family group conference (``meeting.private_time``, seed
003) the same document explains the three phases, with the family's private time without
professionals, and the follow-up questions. A blank form is the network-meeting variant
with the standard agenda of the toolbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from templates.builder import DocBuilder

FGC = "{%p if meeting.private_time is true %}"
"""Opens the family-group-conference variant; a blank form (or no meeting) takes the network
meeting's: an empty value prints nothing but is not ``true``."""

HAS_AGENDA = "{%p if meeting.agenda|selectattr('title', 'string')|list %}"
"""The meeting has agenda items of its own (never on a blank form)."""

TIMES = "{{ meeting.start_time|time_range(meeting.end_time) }}"

DAY = "[meeting.date|date('EEEE'), meeting.date]|joined(' ')"
"""The weekday and the date of the meeting, e.g. "tirsdag 8. dec. 2026" (an expression)."""

WHEN = f"{{{{ [{DAY}, meeting.start_time|time_range(meeting.end_time)]|joined(', ') }}}}"
"""Weekday, date and time of the meeting on one line (nothing on a blank form)."""

COORDINATOR = "{{ [coordinator.name, coordinator.phone, coordinator.email]|joined }}"

NAMES = (
    "{%p set personal = network_personal|map(attribute='name')|list %}",
    "{%p set coordinating = coordinators|map(attribute='name')|list %}",
    "{%p set attending = meeting.participants|map(attribute='name')|list %}",
)
"""Name lists that sort the meeting's participants into groups (put at the top)."""

PRIVATE = "p.name in personal and p.name != supporter.name"
"""A participant from the family's own circle (relatives, friends), not the supporter."""

HAS_PRIVATE = (
    "{%p if not blank and meeting.professionals|selectattr('name', 'in', personal)"
    "|rejectattr('name', 'equalto', supporter.name)|list %}"
)
"""Relatives or friends take part (a family group conference); never on a blank form."""

PROFESSIONAL = "p.name not in personal and p.name not in coordinating and p.name != supporter.name"
"""A participant outside the family who is not a coordinator, the supporter or a private person."""


def contact(var: str) -> str:
    """The phone and e-mail of *var*, joined, for a contact column."""
    return f"{{{{ [{var}.phone, {var}.email]|joined }}}}"


def keep(paragraph: Paragraph) -> None:
    """Keep *paragraph* on the same page as what follows it (an intro and its list)."""
    paragraph.paragraph_format.keep_with_next = True


def roomy(table: Table, height_cm: float = 0.65) -> None:
    """Give every row of a label/value table room to write by hand, and keep it on one page."""
    for row in table.rows:
        row.height = Cm(height_cm)
    together(table)


def together(table: Table) -> None:
    """Keep a short table on one page: every row keeps with the next one."""
    for row in list(table.rows)[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                keep(paragraph)


def gap(b: DocBuilder, points: float) -> None:
    """Make the empty paragraph the builder leaves after a table *points* high."""
    paragraph = b.doc.paragraphs[-1]
    assert not paragraph.text
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(points)


def variant(b: DocBuilder, fgc: Callable[[], object], network: Callable[[], object]) -> None:
    """The family-group-conference part, else the network-meeting part."""
    b.control(FGC)
    fgc()
    b.control("{%p else %}")
    network()
    b.control("{%p endif %}")


def fixed_table(
    b: DocBuilder, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    """A table of fixed rows in the house style (the standard agenda)."""
    table = b.table(headers, rows[0], widths=widths)
    for row in rows[1:]:
        b._add_row(table, row)
    for data in table.rows[1:]:
        data.height = Cm(0.6)


LEADER = "{%% if meeting.private_time is true %%}%s{%% else %%}%s{%% endif %%}"
"""The label of who leads: the independent convenor at a family group conference."""

LEADER_NAME = (
    "{{ meeting.convenor if meeting.private_time is true and meeting.convenor is string"
    " else meeting.leader }}"
)
"""Who leads the meeting: the convenor of a family group conference, else the leader."""


def questions(b: DocBuilder, t: dict[str, Any]) -> None:
    """The questions a family group conference is to answer (lines to write on a form)."""
    b.control(FGC)
    b.heading(t["questions_heading"], 2)
    b.control("{%p if blank %}")
    b.writing_lines(3)
    b.control("{%p else %}")
    b.bullet_loop("q in meeting.questions", "{{ q }}")
    b.control("{%p endif %}")
    b.control("{%p endif %}")


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the agenda template."""
    for line in NAMES:
        b.control(line)
    variant(
        b,
        lambda: b.title(t["title_fgc"], "{{ family.name }}"),
        lambda: b.title(t["title"], "{{ family.name }}"),
    )
    variant(b, lambda: b.para(t["intro_fgc"]), lambda: b.para(t["intro"]))
    fields = b.fields_table(
        [
            (t["date"], f"{{{{ {DAY} }}}}"),
            (t["time"], TIMES),
            (t["place"], "{{ meeting.place }}"),
            (LEADER % (t["leader_fgc"], t["leader"]), LEADER_NAME),
            (t["coordinator"], COORDINATOR),
        ],
        widths=(1, 2.6),
    )
    roomy(fields)

    b.heading(t["purpose_heading"])
    variant(b, lambda: b.para(t["purpose_fgc"]), lambda: b.para(t["purpose"]))
    questions(b, t)

    b.heading(t["participants_heading"])
    keep(b.para(t["participants_intro"]))
    widths = [4.2, 4.8, 8]
    private_widths = [4.2, 12.8]  # the family and its own circle: no phone or e-mail
    b.table(
        [t["group_family"], t["role"]],
        ["{{ p.name }}", "{{ p.function }}"],
        loop="p in meeting.family_participants",
        widths=private_widths,
    )
    gap(b, 6)
    b.control(HAS_PRIVATE)
    b.table(
        [t["group_private"], t["role"]],
        ["{{ p.name }}", "{{ p.function }}"],
        loop=f"p in meeting.professionals if {PRIVATE}",
        widths=private_widths,
    )
    gap(b, 6)
    b.control("{%p endif %}")
    b.control("{%p if meeting.convenor_person and (not blank or meeting.private_time is true) %}")
    b.table(
        [t["group_convenor"], t["role"], t["contact"]],
        [
            "{{ meeting.convenor_person.name }}",
            "{{ [meeting.convenor_person.function, meeting.convenor_person.organization]|joined }}",
            contact("meeting.convenor_person"),
        ],
        widths=widths,
    )
    gap(b, 6)
    b.control("{%p endif %}")
    b.table(
        [t["group_coordinators"], t["role"], t["contact"]],
        ["{{ c.name }}", "{{ c.profession }}", contact("c")],
        loop="c in coordinators if blank or c.lead or c.name in attending",
        widths=widths,
    )
    gap(b, 6)
    b.table(
        [t["group_professionals"], t["role"], t["contact"]],
        ["{{ p.name }}", "{{ [p.function, p.organization]|joined }}", contact("p")],
        loop=f"p in meeting.professionals if blank or ({PROFESSIONAL})",
        rows=6,
        widths=widths,
    )
    gap(b, 6)
    b.table(
        [t["group_supporter"], t["role"]],
        ["{{ supporter.name }}", "{{ supporter.relation }}"],
        widths=private_widths,
    )

    b.heading(t["prep_heading"])
    keep(b.para(t["prep_intro"]))
    b.heading(t["prep_now"], 2)
    b.numbered([t["q1"], t["q2"]])
    b.heading(t["prep_ahead"], 2)
    b.numbered([t["q3"], t["q4"], t["q5"]])
    b.control("{%p if meeting.preparation_questions|select('string')|list %}")
    b.heading(t["prep_extra"], 2)
    keep(b.para(t["prep_extra_intro"]))
    b.bullet_loop("q in meeting.preparation_questions", "{{ q }}")
    b.control("{%p endif %}")
    together(b.note_box(t["notes_box"], height_cm=1.8))

    def phases() -> None:
        b.heading(t["phases_heading"])
        b.para(t["phases_intro"])
        for n in (1, 2, 3):
            b.heading(t[f"phase{n}_heading"], 2)
            b.para(t[f"phase{n}"])

    variant(b, phases, lambda: None)

    b.heading(t["agenda_heading"])
    headers = [t["col_no"], t["col_item"], t["col_lead"], t["col_minutes"]]
    widths = [1.3, 9, 3.9, 2.8]
    b.control(HAS_AGENDA)
    b.table(
        headers,
        ["{{ loop.index }}", "{{ item.title }}", "{{ item.lead }}", "{{ item.minutes }}"],
        loop="item in meeting.agenda",
        widths=widths,
    )
    b.field(t["total"], "{{ meeting.total_minutes }}")
    b.control("{%p elif meeting.private_time is true %}")
    fixed_table(b, headers, [[str(i + 1), *row] for i, row in enumerate(t["standard_fgc"])], widths)
    b.control("{%p else %}")
    fixed_table(
        b, headers, [[str(i + 1), *row] for i, row in enumerate(t["standard_network"])], widths
    )
    b.control("{%p endif %}")

    def follow_up() -> None:
        b.heading(t["follow_heading"])
        keep(b.para(t["follow_intro"]))
        b.bullets([t["follow_q1"], t["follow_q2"], t["follow_q3"]])

    variant(b, follow_up, lambda: b.para(t["after"]))

    b.heading(t["way_heading"])
    way = b.fields_table(
        [
            (t["address"], "{{ meeting.address }}"),
            (t["directions"], "{{ meeting.directions }}"),
        ],
        widths=(1, 2.6),
    )
    roomy(way)
    gap(b, 1)  # the document ends with the table: no empty last page
