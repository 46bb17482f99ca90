"""Tool 7: consent to collect school absence and grades, for statistics only (family-facing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.shared import Cm, Pt
from docx.table import Table

from templates.builder import DocBuilder


def fallback(var: str, kind: str) -> list[str]:
    """Control lines that set ``c`` to the consent *var* and ``empty`` when it is a form.

    ``empty`` is true on a blank form and when the plan holds no consent of this *kind*
    (the context then gives an empty stand-in): boxes stay unticked and the default
    texts are printed. Were the consent none, ``c`` becomes an empty record with three
    rows for the children, so the document is still a usable form.
    """
    return [
        f"{{%p set c = {var} or dict(giver_person=dict(), child_people=[dict(), dict(), "
        "dict()], sources=[], departments=[], external_parties=[], young_people=[]) %}",
        f"{{%p set empty = c.kind != '{kind}' %}}",
    ]


def tall(table: Table, height_cm: float = 0.8) -> None:
    """Give every row of *table* room to write by hand on a blank form."""
    for row in table.rows:
        row.height = Cm(height_cm)


def signature(b: DocBuilder, t: dict[str, Any], values: Sequence[str]) -> None:
    """A signature row: printed name, date and signature, *values* written above the line."""
    table = b.signature([t["sig_name"], t["sig_date"], t["sig_sign"]])
    for cell, value in zip(table.rows[0].cells, values, strict=False):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        if value:
            cell.paragraphs[0].add_run(value)


def giver_and_children(b: DocBuilder, t: dict[str, Any]) -> None:
    """The consent giver with ID number, and the children under 18 it covers."""
    b.heading(t["giver_heading"])
    tall(
        b.fields_table(
            [
                (t["name"], "{{ c.giver_person.full_name }}"),
                (t["id_number"], "{{ c.giver_person.national_id }}"),
            ]
        )
    )
    b.heading(t["children_heading"])
    b.para(t["children_intro"])
    b.table(
        [t["child_name"], t["id_number"]],
        ["{{ p.full_name }}", "{{ p.national_id }}"],
        loop="p in c.child_people",
        rows=4,
        widths=[11, 6],
    )


def signatures(b: DocBuilder, t: dict[str, Any]) -> None:
    """The giver signs with a date; each young person from 15 signs too."""
    b.heading(t["sign_heading"])
    b.para(t["sign_intro"])
    signature(b, t, ["{{ c.giver_person.full_name }}", "{{ c.signed_on }}"])
    b.control("{%p if c.withdrawn_on and not empty %}")
    b.field(t["withdrawn"], "{{ c.withdrawn_on }}")
    b.control("{%p endif %}")
    b.heading(t["young_heading"], 2)
    b.para(t["young_intro"])
    table = b.table(
        [t["sig_name"], t["sig_date"], t["sig_sign"]],
        ["{{ y.person.full_name }}", "{{ y.signed_on }}", ""],
        loop="y in c.young_people or [dict()]",
        widths=[6, 3.5, 7.5],
    )
    table.rows[2].height = Cm(1.1)  # room to sign
    for cell in table.rows[2].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    shrink_last_paragraph(b)


def shrink_last_paragraph(b: DocBuilder) -> None:
    """Make the empty paragraph after the last table tiny, so it never makes a page of its own."""
    last = b.doc.paragraphs[-1]
    last.paragraph_format.space_before = Pt(0)
    last.paragraph_format.space_after = Pt(0)
    last.paragraph_format.line_spacing = Pt(1)
    last.add_run().font.size = Pt(1)


def rights(b: DocBuilder, t: dict[str, Any]) -> None:
    """Legal basis, confidentiality and the right to withdraw, from the pack's references."""
    b.heading(t["rights_heading"])
    b.para(t["basis"])
    b.para(t["confidentiality"])
    b.para(t["withdraw"] + " " + t["data_protection"])


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the data-collection consent."""
    for line in fallback("consent_data", "data_collection"):
        b.control(line)
    b.title(t["title"])
    b.para(t["intro"])
    tall(
        b.fields_table(
            [
                (t["family"], "{{ family.name }}"),
                (t["who"], "{{ [organization.name, organization.programme]|joined(' – ') }}"),
            ]
        )
    )
    giver_and_children(b, t)

    b.heading(t["sources_heading"])
    b.para(t["sources_intro"])
    b.para("{{ '☒' if 'school' in c.sources else '☐' }}  {{ labels.data_source.school }}")
    b.para("{{ '☒' if 'institution' in c.sources else '☐' }}  {{ labels.data_source.institution }}")

    b.heading(t["info_heading"])
    b.control("{%p if c.information_types and not empty %}")
    b.para("{{ c.information_types }}")
    b.control("{%p else %}")
    b.para(t["info_text"])
    b.control("{%p endif %}")

    b.heading(t["purpose_heading"])
    b.control("{%p if c.purpose and not empty %}")
    b.para(t["purpose_only"] + " {{ c.purpose }}")
    b.control("{%p else %}")
    b.para(t["purpose_only"] + " " + t["purpose_text"])
    b.control("{%p endif %}")

    rights(b, t)

    b.heading(t["valid_heading"])
    b.para(t["valid_text"])
    b.control("{%p if c.valid_until and not empty %}")
    b.field(t["valid_until"], "{{ c.valid_until }}")
    b.control("{%p endif %}")

    signatures(b, t)
