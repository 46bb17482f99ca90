"""Tool 9: the family plan — period, version, goals, agreements, network, interventions."""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder

CONTACT = "{{ [%s.phone, %s.email]|joined('\\n') }}"


def contact(var: str) -> str:
    """The phone and e-mail of *var*, joined, for a contact column."""
    return CONTACT % (var, var)


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the family plan template."""
    b.title(t["title"], "{{ family.name }}")
    b.fields_table(
        [
            (t["period"], "{{ version.period_start }} – {{ version.period_end }}"),
            (t["version"], "{{ version.version }}"),
            (t["updated"], "{{ version.updated_on }}"),
            (t["review"], "{{ version.review_date }}"),
            (t["coordinator"], "{{ [coordinator.name, coordinator.profession]|joined }}"),
            (t["coordinator_contact"], contact("coordinator")),
            (t["direction"], "{{ family.direction }}"),
            (t["supporter"], "{{ [supporter.name, supporter.relation]|joined }}"),
        ]
    )
    b.para(t["intro"])

    b.heading(t["goals_heading"])
    b.para(t["goals_intro"])
    b.table(
        [t["goal"], t["when"], t["who"], t["status"]],
        ["{{ g.goal }}", "{{ g.by_when }}", "{{ g.who }}", "{{ g.status }}"],
        loop="g in goals",
        rows=6,
        widths=[8, 2.6, 3.4, 2.6],
    )

    b.heading(t["agreements_heading"])
    b.para(t["agreements_intro"])
    b.table(
        [t["content"], t["responsible"], t["deadline"], t["status"], t["checked_by"]],
        [
            "{{ a.content }}",
            "{{ a.responsible }}",
            "{{ a.deadline }}",
            "{{ a.status }}",
            "{{ a.checked_by }}",
        ],
        loop="a in agreements",
        rows=10,
        widths=[7, 3.4, 2.4, 2.2, 2.6],
    )

    b.heading(t["network_heading"])
    b.para(t["network_intro"])
    for group, relation_header in (
        ("municipal", t["department"]),
        ("external", t["department"]),
        ("personal", t["relation"]),
    ):
        b.heading(t[f"network_{group}"], 2)
        value = "n.relation" if group == "personal" else "[n.organization, n.department]|joined"
        b.table(  # name and department in one column: the e-mail needs its width
            [f"{t['name']} / {relation_header}", t["contact"], t["contribution"]],
            [f"{{{{ [n.name, {value}]|joined('\\n') }}}}", contact("n"), "{{ n.contribution }}"],
            loop=f"n in network_{group}",
            rows=5,
            widths=[5.0, 6.7, 5.3],
            font_pt=9,
        )

    b.heading(t["interventions_heading"])
    b.table(
        [t["name"], t["id_number"], t["plan"], t["hours"], t["follow_up"], t["start"], t["end"]],
        [
            "{{ i.person.full_name }}",
            "{{ i.person.national_id }}",
            "{{ [i.plan, i.provider]|joined }}",
            "{{ i.hours_per_week }}",
            "{{ i.follow_up }}",
            "{{ i.start }}",
            "{{ i.end }}",
        ],
        loop="i in interventions",
        rows=6,
        widths=[2.4, 2.8, 4.3, 1.6, 2.2, 1.85, 1.85],
        font_pt=9,
    )

    b.heading(t["status_heading"])
    b.table(
        [t["name"], t["situation"]],
        ["{{ m.full_name }}", "{{ m.current_situation }}"],
        loop="m in members",
        rows=6,
        widths=[4, 13],
    )

    b.heading(t["action_heading"])
    b.para(t["action_intro"])
    b.control("{%p for ap in action_plans|blank_rows(6) %}")  # seed 004: six persons
    b.heading(t["action_person"] + " {{ ap.person.full_name }}", 2)
    b.table(
        [t["intervention"], t["purpose"], t["goal"], t["responsible_support"], t["who_does_what"]],
        [
            "{{ r.intervention }}",
            "{{ r.purpose }}",
            "{{ r.goal }}",
            "{{ r.responsible }}",
            "{{ r.who_does_what }}",
        ],
        loop="r in ap.items",
        widths=[3.7, 3.6, 2.9, 3.0, 3.8],
        font_pt=9,
    )
    b.control("{%p endfor %}")

    b.heading(t["differently_heading"])
    b.para(t["differently_intro"])
    b.note_box(t["differently_box"], value="{{ version.if_it_goes_differently }}", height_cm=3)

    b.heading(t["follow_heading"])
    b.para(t["follow_intro"])
    b.bullets([t["follow_q1"], t["follow_q2"], t["follow_q3"], t["follow_q4"]])
