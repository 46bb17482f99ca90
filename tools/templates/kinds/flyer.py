"""Tool 4: the flyer for the family — the offer, the coordinator, how to meet, where we are."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder


def _public_footer(b: DocBuilder) -> None:
    """Drop the confidentiality mark: the flyer is handed out and holds no family data."""
    footer = b.doc.sections[0].footer.paragraphs[0]
    footer.runs[0].text = f"{b.common['page']} "


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the flyer template (plain language, addressed to the family)."""
    _public_footer(b)
    b.title(t["title"], "{{ [organization.programme, organization.name]|joined(' – ') }}")

    b.heading(t["offer_heading"])
    b.control("{%p if not blank and organization.programme %}")
    b.para(t["offer_name"])
    b.control("{%p endif %}")
    b.para(t["offer_text"])
    b.para(t["offer_goal"])

    b.heading(t["coordinator_heading"])
    b.para(t["coordinator_text"])
    b.para(t["coordinator_with_you"]).paragraph_format.keep_with_next = True
    b.bullets(t["coordinator_points"])

    b.heading(t["more_heading"])
    b.para(t["more_intro"]).paragraph_format.keep_with_next = True
    b.bullets(t["more_points"])

    b.heading(t["meet_heading"])
    b.para(t["meet_text"])

    b.page_break()
    b.heading(t["find_heading"])
    b.fields_table(
        [
            (t["address"], "{{ organization.address }}"),
            (t["phone"], "{{ organization.phone }}"),
            (t["email"], "{{ organization.email }}"),
            (t["website"], "{{ organization.website }}"),
        ],
        widths=(1, 3),
    )
    b.heading(t["hours_heading"], 2)
    b.bullet_loop("h in organization.opening_hours", "{{ h }}")

    b.heading(t["coordinators_heading"])
    b.para(t["coordinators_intro"]).paragraph_format.keep_with_next = True
    b.table(
        [t["name"], t["profession"], t["phone"]],
        ["{{ c.name }}", "{{ c.profession }}", "{{ c.phone }}"],
        loop="c in coordinators",
        widths=[6, 6, 5],
    )
