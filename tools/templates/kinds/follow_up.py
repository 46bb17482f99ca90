"""The follow-up meeting of the plan (plan 2.1, 2.2 …): what changed, each goal and agreement
with its status then and now, what was done and what is next, the follow-up questions, and
the next follow-up with who calls it and who checks."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds._changes import changes
from templates.kinds._consent import tag, yes_no
from templates.kinds.agenda import roomy

VERSIONS = "{{ [previous_version.version, version.version]|joined(' → ') }}"


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the follow-up template."""
    b.title(t["title"], "{{ family.name }}")
    roomy(
        b.fields_table(
            [
                (t["version"], VERSIONS),
                (t["date"], "{{ follow_up.date|date('long') }}"),
                (t["previous"], "{{ previous_version.updated_on|date('long') }}"),
                (t["coordinator"], "{{ [coordinator.name, coordinator.profession]|joined }}"),
                (t["leader"], "{{ meeting.leader }}"),
            ]
        )
    )
    b.para(t["intro"])
    changes(b, t)

    b.heading(t["goals_heading"])
    b.table(
        [t["goal"], t["status_then"], t["status_now"], t["done"], t["next_step"]],
        [
            "{{ g.goal }}",
            "{{ g.status_then }}",
            "{{ g.status }}",
            "{{ g.progress }}",
            "{{ g.next_step }}",
        ],
        loop="g in goals",
        widths=[4.4, 2.2, 2.2, 4.1, 4.1],
    )
    b.heading(t["agreements_heading"])
    b.table(
        [
            t["agreement"],
            t["responsible"],
            t["deadline"],
            t["status_then"],
            t["status_now"],
            t["checked_by"],
        ],
        [
            "{{ a.content }}",
            "{{ a.responsible }}",
            "{{ a.deadline|date('long') }}",
            "{{ a.status_then }}",
            "{{ a.status }}",
            "{{ a.checked_by }}",
        ],
        loop="a in agreements",
        widths=[4.8, 2.6, 2.4, 2.2, 2.2, 2.8],  # 'Controleert' whole
    )

    b.heading(t["questions_heading"])
    for key, value in (
        ("q_works", "follow_up.what_works"),
        ("q_not_yet", "follow_up.not_yet"),
        ("q_adjust", "follow_up.adjust"),
        ("q_help", "follow_up.help_needed"),
    ):
        b.keep_together(b.note_box(t[key], value=tag(value), height_cm=2.2))
    b.rich((t["q_more"] + "  ", True), (yes_no(t, "follow_up.more_meetings"), False))
    b.keep_together(
        b.note_box(t["family_words"], value="{{ follow_up.family_words }}", height_cm=2.6)
    )

    b.heading(t["next_heading"])
    roomy(
        b.fields_table(
            [
                (t["next_date"], "{{ follow_up.next_date|date('long') }}"),
                (t["convened_by"], "{{ follow_up.convened_by }}"),
                (t["checked_by_all"], "{{ follow_up.checked_by }}"),
            ]
        )
    )
