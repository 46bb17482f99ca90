"""Tool 8: consent to exchange information with ticked departments and outside parties."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds.consent_data import (
    fallback,
    giver_and_children,
    rights,
    signatures,
    tall,
)

# A tick box for a list element: ticked in a filled consent, empty on a form.
MARK = "{{ '☐' if empty else '☒' }}"


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the information-sharing consent."""
    for line in fallback("consent_sharing", "information_sharing"):
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

    b.heading(t["departments_heading"])
    b.para(t["departments_intro"])
    b.control("{%p if empty or c.departments %}")
    b.table(
        [t["mark"], t["department"]],
        [MARK, "{{ d }}"],
        loop="d in c.departments",
        widths=[1.2, 15.8],
    )
    b.control("{%p else %}")
    b.para(t["none"], italic=True)
    b.control("{%p endif %}")

    b.heading(t["external_heading"])
    b.para(t["external_intro"])
    b.control("{%p if empty or c.external_parties %}")
    b.table(
        [t["mark"], t["party"], t["contact"]],
        [MARK, "{{ x.name }}", "{{ x.contact }}"],
        loop="x in c.external_parties",
        widths=[1.2, 7.4, 8.4],
    )
    b.control("{%p else %}")
    b.para(t["none"], italic=True)
    b.control("{%p endif %}")

    b.heading(t["info_heading"])
    b.control("{%p if c.information_types and not empty %}")
    b.para("{{ c.information_types }}")
    b.control("{%p else %}")
    b.para(t["info_default"] + " " + t["info_default_2"])
    b.control("{%p endif %}")

    b.heading(t["purpose_heading"])
    b.control("{%p if c.purpose and not empty %}")
    b.para("{{ c.purpose }}")
    b.control("{%p else %}")
    b.para(t["purpose_default"])
    b.control("{%p endif %}")

    rights(b, t)

    b.heading(t["valid_heading"])
    b.para(t["valid_text"])
    tall(b.fields_table([(t["valid_until"], "{{ c.valid_until }}")]))

    signatures(b, t)
