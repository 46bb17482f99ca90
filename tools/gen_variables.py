"""Write docs/variables.md: every variable a template can use, from the model and real context.

Usage: python tools/gen_variables.py [--check]

Names, nesting and types come from the real template context (``build_context`` of a plan
that fills every field of the model, and ``build_blank_context``), descriptions from the
pydantic models (class docstrings and ``Field(description=...)``) and, for the names the
context adds to the model, from DERIVED below. Which variables each document kind uses
comes from parsing the built-in ``da`` templates with the checker of ``check-templates``.
tests/test_docs.py fails when the committed file differs from what this writes.
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from familyplan_docs._kinds import KINDS
from familyplan_docs.authoring.docx_scan import DocumentScanner
from familyplan_docs.authoring.shapes import (
    LabelsShape,
    ListShape,
    RecordShape,
    Shape,
    ValueShape,
    pack_context_shape,
)
from familyplan_docs.authoring.tree import TreeChecker
from familyplan_docs.model import plan as m
from familyplan_docs.packs.discovery import load_pack
from familyplan_docs.packs.labels import LABELLED_ENUMS
from familyplan_docs.render.documents import LOGO_IMAGE, MAP_IMAGE
from familyplan_docs.render.environment import Formatter, make_environment

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "variables.md"

DERIVED_TOP: dict[str, tuple[str | None, str]] = {
    "blank": (None, "True on a blank form for hand-writing, false on a filled document."),
    "members": ("Member", "Every member of the family (the same list as family.members)."),
    "adults": ("Member", "The parents and other adults of the family."),
    "children": ("Member", "The children of the family."),
    "young_people": (
        "Member",
        "The children whose own signature a consent needs under the pack's rules (or whose "
        "age is unknown: they count as signing).",
    ),
    "coordinator": ("Coordinator", "The lead coordinator (marked lead, else the first)."),
    "version": ("PlanVersion", "The newest version of the plan."),
    "meeting": (
        "Meeting",
        "The latest main meeting: a network meeting, family group conference or follow-up.",
    ),
    "consent_data": (
        "Consent",
        "The latest consent to collect school absence and grades, as a form: every option "
        "ticked or not, a line per signer (a form to sign when the plan has none).",
    ),
    "consent_sharing": (
        "Consent",
        "The latest consent to share information, as a form (see consent_data).",
    ),
    "consent_rules": ("ConsentRules", "The pack's [consent] table: who signs at which age."),
    "consent_options": ("ConsentOptions", "The lists the pack's consent forms print."),
    "plan_signers": (
        "Member",
        "Who signs the plan: the adults and the children from the age they sign.",
    ),
    "changes": ("Changes", "What changed since the previous version that kept its goals."),
    "previous_version": ("PlanVersion", "That previous version (empty when there is none)."),
    "follow_up": ("FollowUp", "The latest follow-up."),
    "goals_reached": ("Goal", "The goals reached."),
    "goals_open": ("Goal", "The goals neither reached nor dropped."),
    "view_children": (
        "ViewChild",
        "The children a child_view page is made for: from the pack's child_view_from age, "
        "or with their words recorded.",
    ),
    "recipient": (
        None,
        "The one recipient a distribution renders an invitation for; empty otherwise.",
    ),
    "document": ("Document", "The kind being rendered and who reads it."),
    "checklist": (
        "ChecklistRow",
        "Every step of the meeting script, in order, whether done or not (replaces the "
        "plan's own checklist entries).",
    ),
    "phases": ("PhaseRow", "Every phase of the process, in order, with where the family is."),
    "reference_day": (None, "The day ages are counted on: the latest main meeting, else today."),
    "network_municipal": ("NetworkMember", "The network members of the municipal group."),
    "network_external": ("NetworkMember", "The network members of the external group."),
    "network_personal": ("NetworkMember", "The network members of the personal group."),
    "network_by_sector": ("NetworkBySector", "The network members per sector of the map."),
    "legal": ("Legal", "The legal references of the pack's pack.toml, [legal]."),
    "pack": ("Pack", "The pack the document is rendered with."),
    "labels": (None, "Labels from the pack's messages.po: labels.<set>.<value>, see below."),
    MAP_IMAGE: (None, "The drawn network map, as an image (network_map only)."),
    LOGO_IMAGE: (
        None,
        "The organization's logo (the pack's logo.png) as an image, with alt text; empty "
        "when the pack has none. In the page header of every built-in document.",
    ),
}
"""Names the context adds to the model's: record type (or None) and description."""

DERIVED_FIELDS: dict[tuple[str, str], tuple[str | None, str]] = {
    ("Member", "full_name"): (None, "First and last name."),
    ("Member", "age"): (None, "Age in whole years on the reference day."),
    ("Member", "is_young_person"): (
        None,
        "A child whose own signature a consent needs (or whose age is unknown).",
    ),
    ("Member", "custodians"): ("Member", "The members holding custody of this child."),
    ("Member", "custody_children"): ("Member", "The children this member holds custody of."),
    ("Member", "consent_rule"): (
        None,
        "adult, or for a child: heard, may_sign, signs, alone or unknown (no birth date).",
    ),
    ("Consent", "given"): (None, "True for a recorded consent, false for a form to sign."),
    ("Consent", "signed_on"): (None, "The latest signature's date."),
    ("Consent", "signers"): ("SignerRow", "One line per person who must or may sign."),
    ("Consent", "department_options"): ("OptionRow", "Every department, ticked or not."),
    ("Consent", "party_options"): (
        "OptionRow",
        "Every outside party, ticked or not (and empty rows on a form).",
    ),
    ("Consent", "information_options"): ("OptionRow", "Every kind of information."),
    ("Consent", "source_options"): ("SourceRow", "Every source (school, day care)."),
    ("Signature", "person"): ("Member", "The member who signed."),
    ("ChildView", "person"): ("Member", "The child."),
    ("Goal", "status_then"): (None, "The status in the previous version (empty when new)."),
    ("Goal", "is_new"): (None, "The goal was not in the previous version."),
    ("Agreement", "status_then"): (
        None,
        "The status in the previous version (empty when new).",
    ),
    ("Agreement", "is_new"): (None, "The agreement was not in the previous version."),
    ("Meeting", "convenor_person"): ("Participant", "The participant who is the convenor."),
    ("Participant", "covered"): (
        None,
        "A valid sharing consent covers them on the meeting day (family members are).",
    ),
    ("OptionRow", "name"): (None, "The option."),
    ("OptionRow", "contact"): (None, "A contact person (outside parties)."),
    ("OptionRow", "ticked"): (None, "Agreed to."),
    ("SourceRow", "source"): (None, "The source."),
    ("SourceRow", "ticked"): (None, "Agreed to."),
    ("SignerRow", "person"): ("Member", "Who signs (empty on a form)."),
    ("SignerRow", "role"): (None, "custodian, child or adult."),
    ("SignerRow", "optional"): (None, "A child who may sign but need not."),
    ("SignerRow", "for_children"): ("Member", "The children a custodian signs for."),
    ("SignerRow", "signed"): (None, "A signature is recorded (its date is never printed)."),
    ("SignerRow", "interpreter"): (None, "The interpreter's language, if any."),
    ("ConsentRules", "adult_age"): (None, "From this age a person signs alone."),
    ("ConsentRules", "custodians"): (None, "all or any."),
    ("ConsentRules", "adults_sign_for_themselves"): (None, "Every adult signs for own data."),
    ("ConsentRules", "national_id_on_consents"): (None, "Consents carry ID numbers."),
    ("ConsentRules", "child_view_from"): (None, "The age from which a child_view is made."),
    ("ConsentRules", "may_sign_from"): (None, "The youngest age at which a child signs."),
    ("ConsentRules", "signs_from"): (None, "The youngest age at which a child must sign."),
    ("ConsentRules", "alone_from"): (None, "The age from which a young person signs alone."),
    ("ConsentRules", "bands"): ("BandRow", "The age bands."),
    ("BandRow", "from_age"): (None, "First age of the band."),
    ("BandRow", "to_age"): (None, "The band ends before this age."),
    ("BandRow", "custodians_sign"): (None, "The custodians sign."),
    ("BandRow", "child"): (None, "heard, may_sign or signs."),
    ("BandRow", "rule"): (None, "heard, may_sign, signs or alone."),
    ("ConsentOptions", "departments"): (None, "[consent_sharing] departments."),
    ("ConsentOptions", "external"): (None, "[consent_sharing] external."),
    ("ConsentOptions", "information"): (None, "[consent_sharing] information."),
    ("ConsentOptions", "data_information"): (None, "[consent_data] information."),
    ("Changes", "added"): ("ChangeRow", "New goals and agreements."),
    ("Changes", "changed"): ("ChangeRow", "Changed text, status, date or who."),
    ("Changes", "completed"): ("ChangeRow", "Reached or done now, not before."),
    ("Changes", "dropped"): ("ChangeRow", "Gone, or dropped or cancelled now."),
    ("Changes", "any"): (None, "Anything changed."),
    ("Changes", "known"): (None, "A previous version kept its goals and agreements."),
    ("ChangeRow", "kind"): (None, "goal or agreement."),
    ("ChangeRow", "text"): (None, "The goal or the agreement."),
    ("ChangeRow", "status_then"): (None, "Its status in the previous version."),
    ("ChangeRow", "status_now"): (None, "Its status now."),
    ("ChangeRow", "item"): (None, "The current goal or agreement (empty when dropped)."),
    ("ViewChild", "person"): ("Member", "The child."),
    ("ViewChild", "view"): ("ChildView", "The child's recorded words (empty when none)."),
    ("Document", "kind"): (None, "The document kind."),
    ("Document", "readers"): (None, "family, network, professional and/or coordinator."),
    ("Document", "id_numbers"): (None, "Whether ID numbers print in this document."),
    ("Intervention", "person"): ("Member", "The family member it is for."),
    ("ActionPlan", "person"): ("Member", "The family member whose plan it is."),
    ("Consent", "giver_person"): (
        "Member",
        "The first signer (for templates written when a consent had one giver).",
    ),
    ("Consent", "child_people"): ("Member", "The children the consent covers."),
    ("Meeting", "family_participants"): ("Participant", "Participants from the family."),
    ("Meeting", "professionals"): ("Participant", "Participants not from the family."),
    ("Meeting", "total_minutes"): (None, "The agenda's time frames added up."),
    ("Meeting", "private_time"): (None, "True for a family group conference (private time)."),
    ("ChecklistRow", "step"): (None, "The step."),
    ("ChecklistRow", "done_on"): (None, "When it was done."),
    ("ChecklistRow", "done_by"): (None, "Who did it."),
    ("ChecklistRow", "done"): (None, "Whether it is done."),
    ("PhaseRow", "phase"): (None, "The phase."),
    ("PhaseRow", "current"): (None, "The family is in this phase now."),
    ("PhaseRow", "past"): (None, "The family has been through this phase."),
    ("Pack", "name"): (None, "The pack's name, e.g. da."),
    ("Pack", "locale"): (None, "The pack's locale, e.g. da_DK."),
    ("Pack", "title"): (None, "The pack's title."),
}
"""Attributes the context adds to records: record type (or None) and description."""

NOTES: dict[tuple[str, str], str] = {
    ("FamilyPlan", "schema_version"): "The version of the input format.",
    (
        "FamilyPlan",
        "country",
    ): "The country of the municipality; decides how ID numbers are written.",
    ("FamilyPlan", "phase"): "Where the family is in the process.",
    ("Member", "national_id"): "CPR, BSN or personnummer, written the country's way; optional.",
}
"""Descriptions of model fields that have no ``Field(description=...)`` (yet)."""

DERIVED_RECORDS = {
    "OptionRow": "One option of a consent form (department, party or kind of information).",
    "SourceRow": "One source of the data-collection consent.",
    "SignerRow": "One signature line of a consent form.",
    "ConsentRules": "The pack's consent rules ([consent] in pack.toml).",
    "BandRow": "One age band of the consent rules.",
    "ConsentOptions": "The option lists of the pack's consent forms.",
    "Changes": "What changed since the previous version.",
    "ChangeRow": "One goal or agreement that changed.",
    "ViewChild": "One child's page of the child_view form.",
    "Document": "The document being rendered.",
    "ChecklistRow": "One step of the meeting script.",
    "PhaseRow": "One phase of the process plan.",
    "NetworkBySector": "The network split by the four sectors of the map.",
    "Legal": "Legal references, from the pack's pack.toml ([legal]); a pack may add its own.",
    "Pack": "The pack the document is rendered with.",
}

FILTER_EXAMPLES = {
    "date": "{{ meeting.date|date('long') }}, {{ version.updated_on|date('d. MMMM y') }}",
    "time": "{{ meeting.start_time|time }}",
    "number": "{{ i.hours_per_week|number }}",
    "label": "{{ g.status|label }}, {{ 'sector.family'|label }}",
    "text": "{{ m.age|text }}",
    "joined": "{{ [coordinator.phone, coordinator.email]|joined(' · ') }}",
    "blank_rows": "{%tr for a in agreements|blank_rows(10) %}",
}


# --- from the model -------------------------------------------------------------------


def _models() -> dict[str, type[BaseModel]]:
    return {
        name: obj
        for name, obj in vars(m).items()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__.startswith("familyplan_docs.model.")
        and name != "Model"
    }


def _model_of(annotation: Any) -> type[BaseModel] | None:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _summary(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc else ""


def _field_info(owner: str, name: str) -> tuple[str | None, str]:
    """The record type and description of *owner*'s field *name*."""
    if (owner, name) in DERIVED_FIELDS:
        return DERIVED_FIELDS[(owner, name)]
    if (owner, name) in NOTES:
        return None, NOTES[(owner, name)]
    model = _models().get(owner)
    if model is not None and name in model.model_fields:
        info = model.model_fields[name]
        nested = _model_of(info.annotation)
        description = info.description or (_summary(nested.__doc__) if nested else "")
        return (nested.__name__ if nested else None), description
    return None, ""


def _top_info(name: str) -> tuple[str | None, str]:
    if name in DERIVED_TOP:
        return DERIVED_TOP[name]
    return _field_info("FamilyPlan", name)


# --- from the shapes ------------------------------------------------------------------


def _type(shape: Shape, record: str | None) -> str:
    link = f"[{record}](#{record.lower()})" if record else "record"
    if isinstance(shape, RecordShape):
        return link
    if isinstance(shape, ListShape):
        if isinstance(shape.item, RecordShape):
            return f"list of {link}"
        if isinstance(shape.item, ValueShape):
            return "list of " + " or ".join(
                sorted({_value_type(t, plural=True) for t in shape.item.types})
            )
        return "list"
    if isinstance(shape, ValueShape):
        return " or ".join(sorted({_value_type(t) for t in shape.types})) or "value"
    if isinstance(shape, LabelsShape):
        return "labels"
    return "image" if record is None else "value"


def _value_type(kind: type, *, plural: bool = False) -> str:
    s = "s" if plural else ""
    if issubclass(kind, bool):
        return "yes/no"
    if issubclass(kind, Enum):
        return f"choice{s} ({', '.join(str(v.value) for v in kind)})"
    if issubclass(kind, str):
        return f"text{s}"
    if issubclass(kind, datetime):
        return f"date{s} and time{s}"
    if issubclass(kind, date):
        return f"date{s}"
    if issubclass(kind, time):
        return f"time{s}"
    if issubclass(kind, int | float | Decimal):
        return f"number{s}"
    return kind.__name__


def _records(shape: RecordShape) -> dict[str, RecordShape]:
    """Every named record type reachable from the top, with its merged shape."""
    found: dict[str, RecordShape] = {}

    def visit(name: str, record: RecordShape) -> None:
        if name in found:
            merged = dict(found[name].fields)
            merged.update({k: v for k, v in record.fields.items() if k not in merged})
            found[name] = RecordShape(merged)
            return
        found[name] = record
        for field, sub in record.fields.items():
            kind, _ = _field_info(name, field)
            inner = sub.item if isinstance(sub, ListShape) else sub
            if kind and isinstance(inner, RecordShape):
                visit(kind, inner)
            if name == "NetworkBySector" and isinstance(inner, RecordShape):
                visit("NetworkMember", inner)

    for top, sub in shape.fields.items():
        kind, _ = _top_info(top)
        inner = sub.item if isinstance(sub, ListShape) else sub
        if kind and isinstance(inner, RecordShape):
            visit(kind, inner)
    return found


def _used_per_kind() -> dict[str, list[str]]:
    pack = load_pack("da")
    env = make_environment(pack)
    shape = pack_context_shape(pack, [], [MAP_IMAGE, LOGO_IMAGE, *env.globals])
    scanner = DocumentScanner(env, lambda: TreeChecker(shape, env.filters, env.tests, []))
    used: dict[str, list[str]] = {}
    for kind in KINDS:
        names = scanner.scan(pack.document(kind)).used
        used[kind] = sorted(n for n in names if n in shape.fields and n not in env.globals)
    return used


# --- the page ---------------------------------------------------------------------------


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _lines() -> Iterator[str]:
    pack = load_pack("da")
    env = make_environment(pack)
    shape = pack_context_shape(pack, [], [MAP_IMAGE, LOGO_IMAGE])
    records = _records(shape)
    order = [*m.FamilyPlan.model_fields, *DERIVED_TOP]
    tops = sorted(shape.fields, key=lambda n: (order.index(n) if n in order else len(order), n))

    yield "# Template variables"
    yield ""
    yield "<!-- Generated by `python tools/gen_variables.py` from the data model and the real"
    yield "     template context. Do not edit by hand: tests/test_docs.py compares it. -->"
    yield ""
    yield "Everything a document template can use, with its type and what it holds. Write a"
    yield "variable as `{{ family.name }}`; a record's fields with a dot (`{{ meeting.place }}`);"
    yield "repeat a list with a loop (`{%tr for g in goals %}` … `{{ g.goal }}` …"
    yield "`{%tr endfor %}`), where `g` is one element of the list. See"
    yield "[the authoring guide](authoring.md) for loops, filters and blank forms."
    yield "`familyplan-docs check-templates` reports any name that is not on this page."
    yield ""
    yield "Values print in the pack's language: dates, times and numbers in the pack's locale,"
    yield "a *choice* as its label from `messages.po`, *yes/no* as the `bool.true` / `bool.false`"
    yield "label, an empty value as nothing. On a **blank form** every value is empty and every"
    yield "list has three empty rows to write on (`checklist` and `phases` keep their labels)."
    yield ""
    yield "## Top-level variables"
    yield ""
    yield _row("variable", "type", "what it holds")
    yield _row("---", "---", "---")
    for name in tops:
        kind, description = _top_info(name)
        yield _row(f"`{name}`", _type(shape.fields[name], kind), description)
    yield ""
    yield "## Variables per document kind"
    yield ""
    yield "The top-level variables each built-in template uses (from the `da` pack). A template"
    yield "may use any variable; these are where to start."
    yield ""
    yield _row("document", "variables")
    yield _row("---", "---")
    for kind, names in _used_per_kind().items():
        yield _row(f"`{kind}`", ", ".join(f"`{n}`" for n in names))
    yield ""
    yield "## Records"
    yield ""
    for name in sorted(records):
        model = _models().get(name)
        yield f"### {name}"
        yield ""
        yield (_summary(model.__doc__) if model else DERIVED_RECORDS.get(name, "")) or name
        yield ""
        yield _row("field", "type", "what it holds")
        yield _row("---", "---", "---")
        fields = records[name].fields
        field_order = list(model.model_fields) if model else []
        for field in sorted(
            fields, key=lambda f: (field_order.index(f) if f in field_order else 99, f)
        ):
            kind, description = _field_info(name, field)
            if name == "NetworkBySector":
                kind, description = "NetworkMember", f"The network members in the {field} sector."
            if name == "Legal":
                description = f"In the da pack: {pack.legal.get(field, '')}"
            yield _row(f"`{field}`", _type(fields[field], kind), description)
        yield ""
    yield "## Filters"
    yield ""
    yield "Write a filter after a value with `|`. Besides Jinja's built-in filters:"
    yield ""
    yield _row("filter", "what it does", "example")
    yield _row("---", "---", "---")
    for name, example in FILTER_EXAMPLES.items():
        assert name in env.filters
        doc = _summary(getattr(Formatter, name).__doc__).replace("*", "").replace("``", "`")
        yield _row(f"`{name}`", doc, f"`{example}`")
    yield ""
    yield "## Labels"
    yield ""
    yield "`{{ labels.<set>.<value> }}` prints a label from the pack's `messages.po`, e.g."
    yield "`{{ labels.sector.family }}`. A pack may add labels of its own to its `messages.po`"
    yield '(`msgid "acme.slogan"` is `{{ labels.acme.slogan }}`). The sets of the toolbox:'
    yield ""
    yield _row("set", "values")
    yield _row("---", "---")
    for prefix, enum in LABELLED_ENUMS.items():
        yield _row(f"`{prefix}`", ", ".join(f"`{v.value}`" for v in enum))
    yield _row("`bool`", "`true`, `false`")
    yield ""


def render() -> str:
    """The text of docs/variables.md."""
    return "\n".join(_lines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is not current")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
        if current != text:
            print(f"{OUT} is out of date: run python tools/gen_variables.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
