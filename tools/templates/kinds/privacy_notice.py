"""Information to the family about how its personal data is processed (GDPR Art. 13 and 14).

In plain language, headings as the family's questions: who is responsible and the data
protection officer, why, which data and where from, the legal basis (pack data), who gets
it, how long it is kept, the family's rights, children and young people, withdrawal, and
the supervisory authority with how to complain.
"""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds._consent import CONTROLLER, DPO, shared


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the privacy notice."""
    s = shared(b)
    b.title(t["title"], "{{ [organization.name, organization.programme]|joined(' – ') }}")
    b.para(t["intro"])

    b.heading(t["controller_heading"])
    b.fields_table([(s["controller_label"], CONTROLLER), (s["dpo_label"], DPO)])
    b.para(t["controller"])
    b.heading(t["purpose_heading"])
    b.bullets(t["purposes"])
    b.heading(t["categories_heading"])
    b.para(t["categories"])
    b.heading(t["sources_heading"])
    b.para(t["sources"])
    b.heading(t["basis_heading"])
    for sentence in t["basis"]:
        b.para(sentence)
    b.heading(t["recipients_heading"])
    b.para(t["recipients"])
    b.para(s["without_consent"])
    b.para(s["private_persons"])
    b.para("{{ legal.transfer }} {{ legal.automated }}")
    b.heading(s["retention_heading"])
    b.para("{{ legal.retention }}")
    b.heading(t["rights_heading"])
    b.bullets([*s["rights"], t["access"]])
    b.para(s["withdraw"])
    b.heading(t["children_heading"])
    b.para(t["children"])
    b.heading(t["complaint_heading"])
    b.para("{{ legal.complaint }}")
    b.para(s["authority"], italic=True)
    b.heading(s["voluntary_heading"])
    b.para(s["voluntary"])
