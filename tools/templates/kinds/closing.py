"""The closing summary at exit (phase 3): what was reached, what the family goes on working
on, what help continues and with whom, the family's own evaluation, how to get back in
touch, and what happens to the family's information."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds._consent import tag, yes_no
from templates.kinds.agenda import roomy


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the closing template."""
    b.title(t["title"], "{{ family.name }}")
    roomy(
        b.fields_table(
            [
                (t["date"], "{{ closing.date|date('long') }}"),
                (t["coordinator"], "{{ [coordinator.name, coordinator.profession]|joined }}"),
                (t["version"], "{{ version.version }}"),
            ]
        )
    )
    b.para(t["intro"])

    b.heading(t["reached_heading"])
    b.para(t["reached_intro"])
    b.table(
        [t["goal"], t["who"]],
        ["{{ g.goal }}", "{{ g.who }}"],
        loop="g in goals_reached",
        widths=[12, 5],
    )
    b.keep_together(b.note_box(t["reached_words"], value="{{ closing.reached }}", height_cm=2.4))

    b.heading(t["open_heading"])
    b.para(t["open_intro"])
    b.table(
        [t["goal"], t["who"], t["status"]],
        ["{{ g.goal }}", "{{ g.who }}", "{{ g.status }}"],
        loop="g in goals_open",
        widths=[10, 4.4, 2.6],
    )

    b.heading(t["continues_heading"])
    b.para(t["continues_intro"])
    b.table(
        [t["what"], t["with_whom"], t["contact"], t["until"]],
        ["{{ x.what }}", "{{ x.who }}", "{{ x.contact }}", "{{ x.until|date('long') }}"],
        loop="x in closing.continues",
        widths=[5.2, 4.6, 4.6, 2.6],
    )

    b.heading(t["evaluation_heading"])
    b.para(t["evaluation_intro"]).paragraph_format.keep_with_next = True
    for key in ("helped_most", "could_be_better", "meetings", "overview"):
        b.keep_together(b.note_box(t[f"q_{key}"], value=tag(f"closing.{key}"), height_cm=2.2))
    marks = "   ".join(
        tag(f"'☒' if closing.rating == {n} else '☐'") + f" {n}" for n in range(1, 11)
    )
    b.heading(t["rating"], 2)  # a question the family answers: a heading, tagged as one
    b.para(marks)

    tail = b.mark()  # how to get back in touch and the data note end the document together
    b.heading(t["back_heading"])
    b.para(t["back"])
    roomy(
        b.fields_table(
            [
                (
                    t["coordinator"],
                    "{{ [coordinator.name, coordinator.phone, coordinator.email]|joined }}",
                ),
                (t["office"], "{{ [organization.phone, organization.email]|joined }}"),
            ]
        )
    )
    b.rich((t["call_back"] + "  ", True), (yes_no(t, "closing.call_back"), False))

    b.heading(t["data_heading"])
    b.para(t["consent_end"])
    b.para("{{ legal.retention }}")
    b.keep_from(tail)
