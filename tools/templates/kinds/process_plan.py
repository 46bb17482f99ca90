"""Tool 1: the process plan — three phases, their steps and durations, where the family is."""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_BREAK

from templates.builder import ACCENT, DocBuilder

STEPS: dict[str, list[str]] = {
    "phase1": ["referral", "trust_building", "assessment", "plan_1"],
    "phase2": ["plan_2", "follow_up"],
    "phase3": ["exit"],
}
"""The phases of seed 004 and their steps, in the order of the ``Phase`` enum."""

ORDER = [step for steps in STEPS.values() for step in steps]

PHASE_OF = (
    "{{% if p.phase in ['referral', 'trust_building', 'assessment', 'plan_1'] %}}{n} 1"
    "{{% elif p.phase == 'exit' %}}{n} 3{{% else %}}{n} 2{{% endif %}}"
)

CURRENT = "{% for p in phases %}{% if p.current %}{{ p.phase }}{% endif %}{% endfor %}"


def build(b: DocBuilder, t: dict[str, Any]) -> None:
    """Build the process plan template."""
    b.title(t["title"])  # the family's name is the first field, not also a subtitle
    b.fields_table(
        [
            (t["family"], "{{ family.name }}"),
            (t["coordinator"], "{{ [coordinator.name, coordinator.profession]|joined }}"),
            (t["current_phase"], CURRENT),
            (t["version"], "{{ version.version }}"),
            (t["review"], "{{ version.review_date }}"),
        ],
        compact_cm=0.5,
    )
    b.para(t["intro"])
    b.bullets([t["duration_1"], t["duration_2"], t["duration_3"]])
    b.para(t["duration_total"])

    b.heading(t["where_heading"])
    b.para(t["where_intro"])
    table = b.table(
        [t["step"], t["phase"], t["status"]],
        ["{{ p.phase }}", PHASE_OF.format(n=t["phase"]), "{% if p.current %}"],
        loop="p in phases",
        widths=[8, 3, 5],
        compact_cm=0.5,
    )
    # the current step in bold: each tag stays whole in its own run (in both data rows)
    for row in table.rows:
        status = row.cells[2].paragraphs[0]
        if status.text == "{% if p.current %}":
            status.add_run(t["status_now"]).bold = True
            status.add_run(f"{{% elif p.past %}}{t['status_past']}{{% endif %}}")

    b.heading(t["phases_heading"])
    for phase, steps in STEPS.items():
        b.heading(t[f"{phase}_heading"], 2)
        b.para(t[f"{phase}_intro"])
        for step in steps:
            index = ORDER.index(step)
            b.heading(f"{{{{ phases[{index}].phase }}}}", 3)
            b.control(f"{{%p if phases[{index}].current %}}")
            # a status line under the step's heading, not a heading: set apart by colour
            b.para(t["here_now"], italic=True).runs[0].font.color.rgb = ACCENT
            b.control("{%p endif %}")
            b.bullets(t[f"{step}_points"])

    b.heading(t["versions_heading"])
    b.para(t["versions_intro"])
    b.table(
        [t["version"], t["from"], t["to"], t["updated"], t["review"]],
        [
            "{{ v.version }}",
            "{{ v.period_start }}",
            "{{ v.period_end }}",
            "{{ v.updated_on }}",
            "{{ v.review_date }}",
        ],
        loop="v in versions",
        widths=[2.4, 3.2, 3.2, 3.2, 3.6],
        compact_cm=0.5,
    )

    # a blank form's year of meetings (ten rows to write in) starts on a page of its own, so
    # the table never breaks across pages (LibreOffice then loses the rows' tags in the PDF)
    b.control("{%p if blank %}")
    b.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    b.control("{%p endif %}")
    b.heading(t["meetings_heading"])
    b.para(t["meetings_intro"])
    b.table(
        [t["meeting"], t["date"], t["time"], t["place"]],
        ["{{ m.kind }}", "{{ m.date }}", "{{ m.start_time }}", "{{ m.place }}"],
        loop="m in meetings",
        rows=10,  # a year: phone, screening, meetings 1 and 2, network meeting, follow-ups, exit
        widths=[6, 3.4, 2, 5.6],
        compact_cm=0.5,
    )
