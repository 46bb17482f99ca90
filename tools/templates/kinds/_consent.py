"""Parts the consent forms, the withdrawal form and the privacy notice share.

The shared sentences are in ``text/<lang>/_privacy.toml`` (:func:`shared`); legal references
come from the pack's ``[legal]`` table and ages from its ``[consent]`` table
(``consent_rules``), so no form hard-codes a law or an age.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from docx.shared import Cm, Pt

from templates.builder import DocBuilder

TEXT = Path(__file__).resolve().parents[1] / "text"

CONTROLLER = "{{ organization.controller or organization.name }}"
DPO = (
    "{{ [organization.dpo_name, organization.dpo_email, organization.dpo_phone]|joined"
    " or legal.dpo_fallback }}"
)
ID_OR_BIRTH = (
    "{% if consent_rules.national_id_on_consents is true %}{{ P.national_id }}"
    "{% else %}{{ P.birth_date|date('long') }}{% endif %}"
)
"""A person's ID number where the pack's consents carry one, else the birth date."""


def shared(b: DocBuilder) -> dict[str, Any]:
    """The shared sentences in the language of the document *b* builds."""
    lang = str(b.doc.core_properties.language).split("-")[0]
    with (TEXT / lang / "_privacy.toml").open("rb") as handle:
        return tomllib.load(handle)


def id_header(s: dict[str, Any]) -> str:
    """The header of the ID column: ID number or birth date, as the pack's rules say."""
    return (
        "{% if consent_rules.national_id_on_consents is true %}"
        f"{s['id_label']}{{% else %}}{s['birth_label']}{{% endif %}}"
    )


def id_cell(var: str) -> str:
    """The ID number (or birth date) of the person *var*."""
    return ID_OR_BIRTH.replace("P.", f"{var}.")


def who_fields(b: DocBuilder, s: dict[str, Any]) -> None:
    """Family, organization and programme, the controller and its data protection officer."""
    table = b.fields_table(
        [
            (s["family_label"], "{{ family.name }}"),
            (
                s["programme_label"],
                "{{ [organization.name, organization.programme]|joined(' – ') }}",
            ),
            (s["controller_label"], CONTROLLER),
            (s["dpo_label"], DPO),
        ]
    )
    for row in table.rows:
        row.height = Cm(0.75)


def tick_table(
    b: DocBuilder, headers: list[str], loop: str, cells: list[str], widths: list[float]
) -> None:
    """A table whose first column is a box, ☒ for an agreed option and ☐ for the rest."""
    b.table(headers, ["{{ '☒' if o.ticked else '☐' }}", *cells], loop=loop, widths=widths)


def rights(b: DocBuilder, s: dict[str, Any], retention: str) -> None:
    """Withdrawal, rights, the supervisory authority and how long data is kept."""
    b.heading(s["withdraw_heading"])
    b.para(s["withdraw"])
    b.para(s["withdraw_effect"])
    b.heading(s["retention_heading"])
    b.para(retention)
    b.heading(s["rights_heading"])
    b.bullets(s["rights"])
    b.para(s["rights_law"])
    b.para("{{ legal.complaint }}")
    b.para(s["authority"], italic=True)


def signatures(b: DocBuilder, s: dict[str, Any], heading: str, intro: str) -> None:
    """One line per person who signs: name, capacity, ID (or birth date), date and signature
    written by hand. ``c`` is the consent form (its ``signers`` follow the pack's rules)."""
    b.heading(heading)
    b.para(intro).paragraph_format.keep_with_next = True
    role = (
        "{% if s.role == 'custodian' %}" + s["role_custodian"]
        + "{% if s.for_children %} (" + s["for_children"] + " "
        "{{ s.for_children|map(attribute='first_name')|joined }}){% endif %}"
        "{% elif s.role == 'adult' %}" + s["role_adult"]
        + "{% elif s.optional %}" + s["role_child_optional"]
        + "{% else %}" + s["role_child"] + "{% endif %}"
    )  # fmt: skip
    b.signature_lines(
        [s["sig_name"], s["sig_role"], id_header(s), s["sig_date"], s["sig_sign"]],
        ["{{ s.person.full_name }}", role, id_cell("s.person"), "", ""],
        loop="s in c.signers",
        widths=[3.4, 4.2, 3.2, 2.4, 3.8],
    )
    note = b.para(s["sign_note"], italic=True, size=9)
    note.paragraph_format.keep_with_next = True
    b.field(s["interpreter"], "{{ c.signatures|map(attribute='interpreter')|joined }}")


def office(b: DocBuilder, s: dict[str, Any]) -> None:
    """The box the organization fills in when it receives the form."""
    b.heading(s["office_heading"], 2)
    table = b.fields_table([(label, "") for label in s["office"]], widths=(1, 1.6))
    for row in table.rows:
        row.height = Cm(0.75)
    b.keep_together(table)


def appendix(b: DocBuilder, s: dict[str, Any]) -> None:
    """The law appendix (the Danish pack's »Lovgrundlag«), when the language has one."""
    if "appendix" not in s:
        return
    b.heading(s["appendix_heading"])
    for reference, explanation in s["appendix"]:
        p = b.rich((reference + ": ", True), (explanation, False))
        p.paragraph_format.space_after = Pt(4)


def yes_no(t: dict[str, Any], value: str) -> str:
    """Two boxes, yes and no, the one *value* (a Jinja yes/no) says ticked; none when unknown."""
    yes, no = t["yes"], t["no"]
    return (
        f"{{% if {value} is true %}}☒ {yes}   ☐ {no}"
        f"{{% elif {value} is false %}}☐ {yes}   ☒ {no}"
        f"{{% else %}}☐ {yes}   ☐ {no}{{% endif %}}"
    )


def tag(expr: str) -> str:
    """``{{ expr }}``: print the value of the Jinja expression *expr*."""
    return "{{ " + expr + " }}"
