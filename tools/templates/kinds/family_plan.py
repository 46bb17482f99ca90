"""Tool 9: the family plan — period, version, goals, agreements, network, interventions.

It goes to the family and the parties the family's consent covers, so it prints no ID
number. Parts a country's practice needs appear when the pack's texts have them: the
family's composition with ages and custody, the family's own words, a safety section, who
holds direction and who the coordinator turns to, and a sign-off (the Dutch gezinsplan);
the family group conference's questions, the family's own plan and social services'
position (Swedish familjerådslag). Every pack shows what changed since the previous version.
"""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder
from templates.kinds._changes import changes
from templates.kinds._consent import tag

CONTACT = "{{ [%s.phone, %s.email]|joined('\\n') }}"


def contact(var: str) -> str:
    """The phone and e-mail of *var*, joined, for a contact column."""
    return CONTACT % (var, var)


def composition(b: DocBuilder, t: dict[str, Any]) -> None:
    """The family: name, relation, age, living at home, custody, how it goes now."""
    b.heading(t["composition_heading"])
    b.para(t["composition_intro"])
    b.table(
        [t["name"], t["relation"], t["age"], t["at_home"], t["custody"], t["situation"]],
        [
            "{{ m.full_name }}",
            "{{ m.relation }}",
            "{{ m.age }}",
            "{{ m.lives_in_household }}",
            "{{ m.custodians|map(attribute='first_name')|joined }}",
            "{{ m.current_situation }}",
        ],
        loop="m in members",
        widths=[3, 2.5, 1.8, 1.7, 2.4, 5.6],
    )


def statement(b: DocBuilder, t: dict[str, Any]) -> None:
    """The family's own words: its statement, what goes well and what could be better."""
    b.heading(t["statement_heading"])
    b.para(t["statement_intro"]).paragraph_format.keep_with_next = True
    b.control("{%p if family.statement is string %}")
    b.para("{{ family.statement }}", italic=True)
    b.control("{%p endif %}")
    b.keep_together(b.note_box(t["statement_good"], value=tag("family.going_well"), height_cm=2))
    b.keep_together(
        b.note_box(t["statement_better"], value=tag("family.could_be_better"), height_cm=2)
    )


def safety(b: DocBuilder, t: dict[str, Any]) -> None:
    """Safety: worries, strengths, what must happen, the scales and the safety agreements."""
    b.heading(t["safety_heading"])
    b.para(t["safety_intro"])
    b.para(tag("'☒' if safety.no_worries is true else '☐'") + "  " + t["safety_none"])
    for key, value in (
        ("safety_worries", "safety.worries"),
        ("safety_strengths", "safety.strengths"),
        ("safety_needed", "safety.needed"),
    ):
        b.keep_together(b.note_box(t[key], value=tag(value), height_cm=1.8))
    b.para(t["safety_scale"]).paragraph_format.keep_with_next = True
    b.table(
        [t["safety_scale_who"], t["safety_scale_score"]],
        ["{{ s.who }}", "{{ s.score }}"],
        loop="s in safety.scales",
        widths=[12, 5],
    )
    b.heading(t["safety_agreements"], 2)
    b.table(
        [t["content"], t["who"], t["when"], t["safety_watch"]],
        ["{{ a.content }}", "{{ a.who }}", "{{ a.when }}", "{{ a.watched_by }}"],
        loop="a in safety.agreements",
        widths=[8, 3, 2.6, 3.4],
    )
    b.para(t["safety_help"], italic=True)


def direction(b: DocBuilder, t: dict[str, Any]) -> None:
    """Who holds direction, who the coordinator turns to, and who stands in."""
    b.heading(t["direction_heading"])
    b.control("{%p if family.direction == 'family' %}")
    b.para(t["direction_family"])
    b.control("{%p elif family.direction == 'professional' %}")
    b.para(t["direction_professional"])
    b.control("{%p endif %}")
    b.control("{%p if family.self_reliance is string %}")
    b.para("{{ family.self_reliance }}")
    b.control("{%p endif %}")
    b.para(t["escalation"])
    b.field(
        t["substitute"],
        "{{ coordinators|rejectattr('lead')|map(attribute='name')|joined }}",
    )


def family_group_conference(b: DocBuilder, t: dict[str, Any]) -> None:
    """The family group conference's questions, the family's own plan and the position."""
    b.control("{%p if blank or meeting.private_time is true %}")
    b.heading(t["fgc_heading"])
    b.heading(t["questions_heading"], 2)
    b.control("{%p if blank %}")
    b.writing_lines(3)
    b.control("{%p else %}")
    b.bullet_loop("q in meeting.questions", "{{ q }}")
    b.control("{%p endif %}")
    b.keep_together(b.note_box(t["own_plan_heading"], value=tag("meeting.own_plan"), height_cm=3))
    b.heading(t["position_heading"], 2)
    for value in ("approved", "approved_with_changes", "not_approved"):
        choice = b.para(
            tag(f"'☒' if meeting.position == '{value}' else '☐'")
            + "  " + t[f"position_{value}"]
        )  # fmt: skip
        choice.paragraph_format.keep_with_next = True  # the choices and their reasons together
    b.field(t["position_reason"], "{{ meeting.position_reason }}")
    b.field(t["position_by"], "{{ [meeting.position_by, meeting.position_on]|joined }}")
    b.control("{%p endif %}")


def sign_off(b: DocBuilder, t: dict[str, Any]) -> None:
    """Signatures of the family's adults, the children from the signing age and the
    coordinator, each with the date written by hand."""
    b.heading(t["sign_heading"])
    b.para(t["sign_intro"])
    b.keep_together(b.note_box(t["sign_disagree"], height_cm=2))
    b.signature_lines(
        [t["name"], t["sign_role"], t["sign_date"], t["sign_sign"]],
        ["{{ m.full_name }}", "{{ m.relation }}", "", ""],
        loop="m in plan_signers",
        widths=[4.4, 4, 3, 5.6],
    )
    b.signature_lines(
        [t["name"], t["sign_role"], t["sign_date"], t["sign_sign"]],
        ["{{ coordinator.name }}", t["coordinator"], "", ""],
        loop="_ in [1]",
        widths=[4.4, 4, 3, 5.6],
    )


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
    if "composition_heading" in t:
        composition(b, t)
    if "statement_heading" in t:
        statement(b, t)

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
    if "safety_heading" in t:
        safety(b, t)
    if "fgc_heading" in t:
        family_group_conference(b, t)
    changes(b, t)

    b.heading(t["network_heading"])
    b.para(t["network_intro"])
    groups = t.get("network_order", ["municipal", "external", "personal"])
    for group in groups:
        relation_header = t["relation"] if group == "personal" else t["department"]
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
    if "direction_heading" in t:
        direction(b, t)

    b.heading(t["interventions_heading"])
    b.table(
        [t["name"], t["plan"], t["hours"], t["follow_up"], t["start"], t["end"]],
        [
            "{{ i.person.full_name }}",
            "{{ [i.plan, i.provider]|joined }}",
            "{{ i.hours_per_week }}",
            "{{ i.follow_up }}",
            "{{ i.start }}",
            "{{ i.end }}",
        ],
        loop="i in interventions",
        rows=6,
        widths=[3.0, 6.0, 1.6, 2.6, 2.0, 2.0],  # 'Uppföljning' whole
        font_pt=9,
    )

    if "composition_heading" not in t:
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
    if "sign_heading" in t:
        sign_off(b, t)
