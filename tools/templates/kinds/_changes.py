""" "What changed since the last version": shared by the family plan and the follow-up.

``changes`` in the context lists the goals and agreements added, changed, completed and
dropped between the plan's current version and the previous version that kept a snapshot
(:mod:`familyplan_docs.render.journey`); each entry has ``kind`` (goal or agreement),
``text``, ``status_then`` and ``status_now``.
"""

from __future__ import annotations

from typing import Any

from templates.builder import DocBuilder

KIND = "{% if e.kind == 'goal' %}%(goal)s{% elif e.kind == 'agreement' %}%(agreement)s{% endif %}"


def changes(b: DocBuilder, t: dict[str, Any], level: int = 1) -> None:
    """The four lists of changes, each a small table; nothing when no snapshot is known."""
    b.control("{%p if blank or changes.known %}")
    b.heading(t["changes_heading"], level)
    b.para(t["changes_intro"])
    b.control("{%p if blank or changes.any %}")
    kind = KIND.replace("%(goal)s", t["change_goal"]).replace(
        "%(agreement)s", t["change_agreement"]
    )
    for name in ("added", "changed", "completed", "dropped"):
        b.control(f"{{%p if blank or changes.{name} %}}")
        b.heading(t[f"change_{name}"], level + 1)
        b.table(
            [t["change_what"], t["change_text"], t["change_then"], t["change_now"]],
            [kind, "{{ e.text }}", "{{ e.status_then }}", "{{ e.status_now }}"],
            loop=f"e in changes.{name}",
            widths=[3.7, 8.1, 2.6, 2.6],  # room for 'Överenskommelse'
        )
        b.control("{%p endif %}")
    b.control("{%p else %}")
    b.para(t["changes_none"], italic=True)
    b.control("{%p endif %}")
    b.control("{%p endif %}")
