"""A form to withdraw a consent in whole or in part, and from which day.

Who withdraws (one signature is enough: one custodian withdraws for the children, a young
person from the signing age for their own data), which consent and from when, the whole of
it or only some parties and kinds of information (the family's own consent's options, each
with a box), what happens next, and the box the organization fills in.
"""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds._consent import id_cell, id_header, office, shared, tag, who_fields


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the withdrawal form."""
    s = shared(b)
    b.control("{%p set c = consent_sharing %}")
    b.title(t["title"])
    b.para(t["intro"])
    who_fields(b, s)

    b.heading(t["who_heading"])
    b.table(
        [s["sig_name"], id_header(s)],
        ["{{ m.full_name }}", id_cell("m")],
        loop="m in ((adults + young_people) if not blank else [none, none])",
        widths=[11, 6],
    )
    b.para(t["role_intro"]).paragraph_format.keep_with_next = True
    b.tick_row([(label, "") for label in t["roles"]])

    b.heading(t["which_heading"])
    for label, form in ((t["which_sharing"], "consent_sharing"), (t["which_data"], "consent_data")):
        signed = tag(f"{form}.signed_on|date('long')")
        b.rich(
            ("☐ " + label, False),
            (f"{{% if {form}.signed_on %}}, {t['signed_on']} {signed}{{% endif %}}", False),
        )

    b.heading(t["scope_heading"])
    b.tick_row([(t["scope_all"], "")])
    b.tick_row([(t["scope_part"], "")])
    b.table(
        [t["stop"], t["party"]],
        ["☐", "{{ o.name }}"],
        loop="o in ((c.department_options + c.party_options) if not c.given else "
        "(c.department_options + c.party_options)|selectattr('ticked')|list)",
        widths=[2.4, 14.6],  # room for the header ('Stoppen', 'Stoppa')
    )
    b.table(
        [t["stop"], t["info_kind"]],
        ["☐", "{{ o.name }}"],
        loop="o in c.information_options if not c.given or o.ticked",
        widths=[2.4, 14.6],  # room for the header ('Stoppen', 'Stoppa')
    )

    b.heading(t["from_heading"])
    b.para(t["from_text"])
    b.writing_lines(1, label=t["from_label"])

    b.heading(t["after_heading"])
    b.bullets(t["after"])
    b.para(t["who_can"])

    tail = b.mark()  # the signature and the office box stay together on the last page
    b.heading(t["sign_heading"])
    b.para(t["sign_intro"]).paragraph_format.keep_with_next = True
    b.signature_lines(
        [s["sig_name"], s["sig_date"], s["sig_sign"]],
        ["", "", ""],
        loop="n in [1, 2]",
        widths=[6, 3.5, 7.5],
    )
    office(b, s)
    b.keep_from(tail)
