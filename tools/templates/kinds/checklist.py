"""Tool 3: the script for the family plan — the checklist of steps and each meeting's content."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder

SECTIONS = (
    "inform",
    "meeting1",
    "booking",
    "meeting2",
    "agenda",
    "pre_meeting",
    "network",
    "evaluation",
    "plan_sent",
    "after_meeting",
)
"""The script's sections in the order of seed 004 tool 3."""

MEETING = "{{ [meeting.kind, meeting.date, meeting.start_time, meeting.place]|joined }}"
"""The latest main meeting (network meeting, family group conference or follow-up)."""

DONE = "{% if c.done_on or c.done_by %}✓{% endif %}"
"""Ticked when the step has a date or a name: an entry with neither is only planned."""


def _section(b: DocBuilder, t: dict[str, Any], s: dict[str, Any]) -> None:
    """One step of the script: heading, who takes part, purpose, points, what follows."""
    b.heading(s["heading"], 2)
    for key in ("participants", "duration", "purpose", "documents"):
        if key in s:
            b.field(t[key], s[key])
    if "text" in s:
        b.para(s["text"])
    if "points_intro" in s:
        b.heading(s["points_intro"], 3)  # what the points are: a sub-heading of the step
    if "points" in s:
        b.bullets(s["points"])
    if "numbered" in s:
        b.numbered(s["numbered"])
    if "after" in s:
        b.para(s["after"])


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the checklist (script) template."""
    b.title(t["title"], "{{ family.name }}")
    b.fields_table(
        [
            (t["coordinator"], "{{ [coordinator.name, coordinator.profession]|joined }}"),
            (t["leader"], "{{ meeting.leader }}"),
            (t["network_meeting"], MEETING),
            (t["supporter"], "{{ [supporter.name, supporter.relation]|joined }}"),
            (t["next_meeting"], "{{ meeting.next_meeting }}"),
        ],
        widths=(1.9, 2),
        across=2,
    )
    b.para(t["intro"])
    if "intro_heading" in t:  # the drejebog's introduction (Danish pack)
        b.heading(t["intro_heading"])
        for paragraph in t["intro_points"]:
            b.para(paragraph)

    b.heading(t["checklist_heading"])
    b.para(t["checklist_intro"]).paragraph_format.keep_with_next = True
    b.table(
        [t["no"], t["step"], t["done"], t["date"], t["done_by"]],
        ["{{ loop.index }}", "{{ c.step }}", DONE, "{{ c.done_on }}", "{{ c.done_by }}"],
        loop="c in checklist",
        widths=[1.1, 6.4, 1.8, 2.7, 5],
    )

    b.heading(t["script_heading"])
    b.para(t["script_intro"]).paragraph_format.keep_with_next = True
    tail = b.mark()
    for name in SECTIONS:
        if name == SECTIONS[-1]:
            tail = b.mark()  # the last step and the follow-up end the document together
        _section(b, t, t[name])
        if name == "network":
            b.heading(t["participants_heading"], 3)
            b.table(
                [t["name"], t["function"], t["contact"]],
                [
                    "{{ p.name }}",
                    "{{ [p.function, p.organization, p.department]|joined }}",
                    "{{ [p.phone, p.email]|joined('\\n') }}",
                ],
                loop="p in meeting.participants",
                rows=2,
                widths=[3.4, 5.3, 8.3],
            )

    b.heading(t["follow_up"]["heading"])
    b.para(t["follow_up"]["text"])
    b.bullets(t["follow_up"]["points"])
    b.keep_from(tail)
