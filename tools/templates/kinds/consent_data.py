"""Tool 7: consent to collect school absence and grades, for statistics only (family-facing).

A separate, fully optional choice: saying no changes nothing about taking part. Every source
and kind of information is printed, ticked (☒) or not (☐); the controller, its data
protection officer, withdrawal, retention, rights and the supervisory authority are named;
one line per person who signs under the pack's rules, the date written by hand.
"""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds._consent import (
    appendix,
    office,
    rights,
    shared,
    signatures,
    tick_table,
    who_fields,
)
from templates.kinds.consent_sharing import children


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the data-collection consent."""
    s = shared(b)
    b.control("{%p set c = consent_data %}")
    b.title(t["title"])
    b.para(t["intro"])
    who_fields(b, s)
    children(b, t, s)

    b.heading(t["sources_heading"])
    b.para(t["sources_intro"])
    tick_table(
        b,
        [t["mark"], t["source"]],
        "o in c.source_options",
        ["{{ o.source }}"],
        [1.4, 15.6],
    )
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
    b.para(t["purpose_only"] + " " + t["purpose_text"])
    b.control("{%p endif %}")

    b.heading(s["voluntary_heading"])
    b.para(s["voluntary"])
    b.para(s["voluntary_statistics"])
    b.heading(t["basis_heading"])
    b.para(t["basis"])
    b.para(t["confidentiality"])

    rights(b, s, "{{ legal.retention_statistics }}")

    b.heading(t["valid_heading"])
    b.para(t["valid_text"])
    b.fields_table([(t["valid_until"], "{{ c.valid_until }}")])
    b.control("{%p if c.withdrawn_on %}")
    b.field(t["withdrawn"], "{{ c.withdrawn_on }}")
    b.control("{%p endif %}")

    signatures(b, s, t["sign_heading"], t["sign_intro"])
    office(b, s)
    appendix(b, s)
