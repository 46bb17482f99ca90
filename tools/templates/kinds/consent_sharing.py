"""Tool 8: consent to exchange information with departments and outside parties.

Every option the pack lists is printed, ticked (☒) where the family agreed and empty (☐)
where it did not: the departments, the outside parties (with empty rows to add one) and the
kinds of information. The form names the controller and its data protection officer, says
that consent is voluntary and how to withdraw it, when information is shared without
consent, how long it is kept, the family's rights and the supervisory authority, and has one
line per person who signs under the pack's rules, the date written by hand.
"""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds._consent import (
    appendix,
    id_cell,
    id_header,
    office,
    rights,
    shared,
    signatures,
    tick_table,
    who_fields,
)


def children(b: DocBuilder, t: dict[str, Any], s: dict[str, Any]) -> None:
    """The children the consent is for, with ID number or birth date."""
    b.heading(t["children_heading"])
    b.para(t["children_intro"])
    b.table(
        [t["child_name"], id_header(s)],
        ["{{ p.full_name }}", id_cell("p")],
        loop="p in c.child_people",
        widths=[11, 6],
    )


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the information-sharing consent."""
    s = shared(b)
    b.control("{%p set c = consent_sharing %}")
    b.title(t["title"])
    b.para(t["intro"])
    who_fields(b, s)
    children(b, t, s)

    b.heading(t["departments_heading"])
    b.para(t["departments_intro"])
    tick_table(
        b,
        [t["mark"], t["department"]],
        "o in c.department_options",
        ["{{ o.name }}"],
        [1.4, 15.6],
    )
    b.heading(t["external_heading"])
    b.para(t["external_intro"])
    tick_table(
        b,
        [t["mark"], t["party"], t["contact"]],
        "o in c.party_options",
        ["{{ o.name }}", "{{ o.contact }}"],
        [1.4, 7.6, 8],
    )
    b.para(t["unticked"], italic=True)

    b.heading(t["info_heading"])
    b.para(t["info_intro"])
    tick_table(
        b, [t["mark"], t["info_kind"]], "o in c.information_options", ["{{ o.name }}"], [1.4, 15.6]
    )
    b.control("{%p if c.information_types %}")
    b.para("{{ c.information_types }}")
    b.control("{%p endif %}")

    b.heading(t["purpose_heading"])
    b.control("{%p if c.purpose %}")
    b.para("{{ c.purpose }}")
    b.control("{%p else %}")
    b.para(t["purpose_default"])
    b.control("{%p endif %}")

    b.heading(s["voluntary_heading"])
    b.para(s["voluntary"])
    b.para(s["voluntary_sharing"])
    b.heading(t["basis_heading"])
    b.para(t["basis"])
    b.para(t["confidentiality"])
    b.heading(s["without_consent_heading"])
    b.para(s["without_consent"])
    b.para(s["private_persons"])

    rights(b, s, "{{ legal.retention }}")

    b.heading(t["valid_heading"])
    b.para(t["valid_text"])
    b.fields_table([(t["valid_until"], "{{ c.valid_until }}")])
    b.control("{%p if c.withdrawn_on %}")
    b.field(t["withdrawn"], "{{ c.withdrawn_on }}")
    b.control("{%p endif %}")

    signatures(b, s, t["sign_heading"], t["sign_intro"])
    office(b, s)
    appendix(b, s)
