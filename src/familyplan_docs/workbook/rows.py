"""Flatten a plan into the workbook's rows (the inverse of :mod:`.read`).

Values stay typed (enums, dates, Decimals, :class:`PersonalId`); the writer turns them into
cells in the pack's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import zip_longest
from typing import Any

from ..model.plan import FamilyPlan

Rows = dict[str, list[dict[str, Any]]]


def plan_values(plan: FamilyPlan) -> dict[str, Any]:
    """Return the plan sheet's values by field key (``organization.name`` …)."""
    values: dict[str, Any] = {
        "country": plan.country,
        "phase": plan.phase,
        "case_number": plan.case_number,
    }
    for prefix, part in (
        ("organization", plan.organization),
        ("family", plan.family),
        ("supporter", plan.supporter),
        ("safety", plan.safety),
        ("closing", plan.closing),
    ):
        if part is None:
            continue
        for name in type(part).model_fields:
            values[f"{prefix}.{name}"] = getattr(part, name)
    return values


def _fields(obj: Any, **extra: Any) -> dict[str, Any]:
    row = {name: getattr(obj, name) for name in type(obj).model_fields}
    row.update(extra)
    return row


def plan_rows(plan: FamilyPlan) -> Rows:
    """Return the rows of every list sheet, by sheet key."""
    rows: Rows = {
        "members": [_fields(x) for x in plan.family.members],
        "coordinators": [_fields(x) for x in plan.coordinators],
        "goals": [_fields(x) for x in plan.goals],
        "agreements": [_fields(x) for x in plan.agreements],
        "network": [_fields(x) for x in plan.network],
        "interventions": [_fields(x) for x in plan.interventions],
        "versions": [_fields(x) for x in plan.versions],
        "checklist": [_fields(x) for x in plan.checklist],
        "action_plans": [],
        "meetings": [],
        "participants": [],
        "agenda": [],
        "rounds": [],
        "meeting_lines": [],
        "consents": [],
        "consent_lines": [],
        "custody": [
            {"custodian": m.id, "child": child}
            for m in plan.family.members
            for child in m.custody_of
        ],
        "version_goals": [
            _fields(g, version=v.version) for v in plan.versions for g in v.goals or []
        ],
        "version_agreements": [
            _fields(a, version=v.version) for v in plan.versions for a in v.agreements or []
        ],
        "safety_scales": [_fields(x) for x in plan.safety.scales] if plan.safety else [],
        "safety_agreements": [_fields(x) for x in plan.safety.agreements] if plan.safety else [],
        "child_views": [_fields(x) for x in plan.child_views],
        "follow_ups": [_fields(x) for x in plan.follow_ups],
        "continuations": [_fields(x) for x in plan.closing.continues] if plan.closing else [],
    }
    for ap in plan.action_plans:
        if not ap.items:
            rows["action_plans"].append({"member": ap.member})
        for item in ap.items:
            rows["action_plans"].append(_fields(item, member=ap.member))
    for number, meeting in enumerate(plan.meetings, 1):
        rows["meetings"].append(_fields(meeting, number=number))
        rows["participants"] += [_fields(p, meeting=number) for p in meeting.participants]
        rows["agenda"] += [_fields(a, meeting=number) for a in meeting.agenda]
        rows["rounds"] += [_fields(r, meeting=number) for r in meeting.rounds]
        for absentee, preparation, question in zip_longest(
            meeting.absentees, meeting.preparation_questions, meeting.questions
        ):
            rows["meeting_lines"].append(
                {
                    "meeting": number,
                    "absentee": absentee,
                    "preparation_question": preparation,
                    "question": question,
                }
            )
    for number, consent in enumerate(plan.consents, 1):
        rows["consents"].append(_fields(consent, number=number))
        lines: Iterator[tuple[Any, ...]] = zip_longest(
            consent.children,
            consent.sources,
            consent.departments,
            consent.external_parties,
            consent.information,
            consent.signatures,
        )
        for child, source, department, party, information, signature in lines:
            rows["consent_lines"].append(
                {
                    "consent": number,
                    "child": child,
                    "source": source,
                    "department": department,
                    "external_party": party.name if party else None,
                    "party_contact": party.contact if party else None,
                    "information": information,
                    "signer": signature.member if signature else None,
                    "signer_signed_on": signature.signed_on if signature else None,
                    "signer_role": signature.role if signature else None,
                    "signer_interpreter": signature.interpreter if signature else None,
                }
            )
    return rows
