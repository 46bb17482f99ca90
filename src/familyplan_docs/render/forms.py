"""The consent part of the template context: the pack's rules, custody, and consent forms.

A consent form names every option and shows whether it was agreed (the pack's lists of
departments, outside parties and kinds of information, each ``ticked`` or not), and one
signature line per person who must or may sign under the pack's rules (``signers``). A
plan without a consent of a kind still gets a form, made out to the family, to sign.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .._text import norm
from ..model.enums import ConsentKind, DataSource, MemberRole, SignerRole
from ..model.plan import Consent, FamilyPlan
from ..packs.pack import Pack
from ..packs.rules import ConsentRules, PackRules
from .values import Blank, Record

__all__ = ["BLANK_CHILD_LINES", "blank_consent_context", "consent_context", "rules_record"]

BLANK_CHILD_LINES = 2
"""Signature lines for children on a blank consent form."""

BLANK_CUSTODIAN_LINES = 2
"""Signature lines for custodians on a blank consent form (joint custody: two)."""


def rules_record(rules: ConsentRules) -> Record:
    """``consent_rules``: the pack's ``[consent]`` table, with the ages templates print."""
    return Record(
        adult_age=rules.adult_age,
        custodians=rules.custodians,
        adults_sign_for_themselves=rules.adults_sign_for_themselves,
        national_id_on_consents=rules.national_id_on_consents,
        child_view_from=rules.child_view_from,
        may_sign_from=rules.may_sign_from,
        signs_from=rules.signs_from,
        alone_from=rules.alone_from,
        bands=[
            Record(
                from_age=b.from_age,
                to_age=b.to_age,
                custodians_sign=b.custodians_sign,
                child=b.child,
                rule=b.rule,
            )
            for b in rules.bands
        ],
    )


def consent_context(
    ctx: dict[str, Any], plan: FamilyPlan, rules: PackRules, day: date, by_id: dict[str, Record]
) -> None:
    """Add custody, consent rules and the consent forms to the context *ctx* of *plan*.

    *rules* are the ones the plan is held to (:func:`familyplan_docs.packs.coverage.rules_for`).
    """
    cr = rules.consent
    for model in plan.family.members:
        m = by_id[model.id]
        m.custodians = [by_id[x.id] for x in plan.family.members if model.id in x.custody_of]
        m.custody_children = [by_id[c] for c in model.custody_of if c in by_id]
        m.consent_rule = cr.rule_for(m.age) if model.role is MemberRole.CHILD else "adult"
        m.is_young_person = m.consent_rule in ("signs", "alone", "unknown")
    members = ctx["members"]
    ctx["young_people"] = [m for m in members if m.is_young_person]
    ctx["plan_signers"] = [
        m for m in members if m.consent_rule in ("adult", "may_sign", "signs", "alone", "unknown")
    ]
    ctx["consent_rules"] = rules_record(cr)
    ctx["consent_options"] = _options_record(rules)
    for record, consent in zip(ctx["consents"], plan.consents, strict=True):
        _fill_form(record, consent, plan, rules, day, by_id)
    for name, kind in (
        ("consent_data", ConsentKind.DATA_COLLECTION),
        ("consent_sharing", ConsentKind.INFORMATION_SHARING),
    ):
        found = [r for r, c in zip(ctx["consents"], plan.consents, strict=True) if c.kind is kind]
        if found:
            ctx[name] = found[-1]
        else:
            ctx[name] = _unsigned_form(kind, plan, rules, day, by_id)


def blank_consent_context(ctx: dict[str, Any], pack: Pack) -> None:
    """Add the consent rules and two blank consent forms to the blank context *ctx*."""
    rules = pack.rules
    ctx["consent_rules"] = rules_record(rules.consent)
    ctx["consent_options"] = _options_record(rules)
    ctx["plan_signers"] = Blank(BLANK_CUSTODIAN_LINES + BLANK_CHILD_LINES)
    ctx["consent_data"] = _blank_form(ConsentKind.DATA_COLLECTION, rules)
    ctx["consent_sharing"] = _blank_form(ConsentKind.INFORMATION_SHARING, rules)


def _options_record(rules: PackRules) -> Record:
    return Record(
        departments=list(rules.departments),
        external=list(rules.external),
        information=list(rules.sharing_information),
        data_information=list(rules.data_information),
    )


def _ticks(listed: Sequence[str], chosen: Iterable[str]) -> list[Record]:
    """The pack's options in order, each ticked when chosen, then chosen ones not listed."""
    chosen = list(chosen)
    picked = {norm(c) for c in chosen}
    out = [Record(name=name, contact=None, ticked=norm(name) in picked) for name in listed]
    known = {norm(name) for name in listed}
    out += [Record(name=c, contact=None, ticked=True) for c in chosen if norm(c) not in known]
    return out


def _empty_rows(count: int) -> list[Record]:
    return [Record(name=Blank(), contact=Blank(), ticked=False) for _ in range(count)]


def _form(
    kind: ConsentKind,
    rules: PackRules,
    *,
    given: bool,
    departments: Iterable[str] = (),
    parties: Sequence[tuple[str, str | None]] = (),
    information: Iterable[str] = (),
    sources: Iterable[DataSource] = (),
    blank_rows: bool,
) -> dict[str, Any]:
    listed = rules.sharing_information if kind is ConsentKind.INFORMATION_SHARING else None
    party_rows = _ticks(rules.external, [name for name, _ in parties])
    contacts = {norm(name): contact for name, contact in parties}
    for row in party_rows:
        row.contact = contacts.get(norm(row.name))
    chosen_sources = set(sources)
    return {
        "kind": kind,
        "given": given,
        "department_options": _ticks(rules.departments, departments)
        + (_empty_rows(2) if blank_rows else []),
        "party_options": party_rows
        + (_empty_rows(rules.external_rows_blank) if blank_rows else []),
        "information_options": _ticks(
            listed if listed is not None else rules.data_information, information
        ),
        "source_options": [Record(source=s, ticked=s in chosen_sources) for s in DataSource],
    }


def _fill_form(
    record: Record,
    model: Consent,
    plan: FamilyPlan,
    rules: PackRules,
    day: date,
    by_id: dict[str, Record],
) -> None:
    fields = _form(
        model.kind,
        rules,
        given=True,
        departments=model.departments,
        parties=[(p.name, p.contact) for p in model.external_parties],
        information=model.information,
        sources=model.sources,
        blank_rows=False,
    )
    for name, value in fields.items():
        setattr(record, name, value)
    record.child_people = [by_id[c] for c in model.children if c in by_id]
    for sig in record.signatures:
        sig.person = by_id[sig.member]
    dates = [s.signed_on for s in model.signatures if s.signed_on]
    record.signed_on = max(dates) if dates else None
    on = max(dates) if dates else day
    record.signers = _signers(plan, model, rules.consent, on, model.children, by_id)
    record.giver_person = record.signers[0].person if record.signers else Blank()


def _unsigned_form(
    kind: ConsentKind, plan: FamilyPlan, rules: PackRules, day: date, by_id: dict[str, Record]
) -> Record:
    """A form for the family to sign: every child under the adult age, no ticks."""
    children = [
        m.id
        for m in plan.family.members
        if m.role is MemberRole.CHILD
        and (m.age_on(day) is None or (m.age_on(day) or 0) < rules.consent.adult_age)
    ]
    fields = _form(kind, rules, given=False, blank_rows=True)
    signers = _signers(plan, None, rules.consent, day, children, by_id, kind=kind)
    return Record(
        **fields,
        child_people=[by_id[c] for c in children],
        signers=signers,
        giver_person=signers[0].person if signers else Blank(),
        signed_on=None,
        signatures=[],
        children=children,
        departments=[],
        external_parties=[],
        information=[],
        sources=[],
        information_types=None,
        purpose=None,
        valid_until=None,
        withdrawn_on=None,
    )


def _blank_form(kind: ConsentKind, rules: PackRules) -> Record:
    fields = _form(kind, rules, given=False, blank_rows=True)
    cr = rules.consent
    lines = [_line(Blank(), SignerRole.CUSTODIAN) for _ in range(BLANK_CUSTODIAN_LINES)]
    if kind is ConsentKind.INFORMATION_SHARING and cr.adults_sign_for_themselves:
        lines.append(_line(Blank(), SignerRole.ADULT))
    optional = cr.may_sign_from < cr.signs_from
    lines += [_line(Blank(), SignerRole.CHILD, optional=optional) for _ in range(BLANK_CHILD_LINES)]
    return Record(
        **fields,
        child_people=Blank(),
        signers=lines,
        giver_person=Blank(),
        signed_on=None,
        signatures=Blank(),
        children=Blank(),
        departments=Blank(),
        external_parties=Blank(),
        information=Blank(),
        sources=Blank(),
        information_types=None,
        purpose=None,
        valid_until=None,
        withdrawn_on=None,
    )


def _line(
    person: Any,
    role: SignerRole,
    *,
    optional: bool = False,
    for_children: list[Any] | None = None,
    signed: bool = False,
    interpreter: str | None = None,
) -> Record:
    return Record(
        person=person,
        role=role,
        optional=optional,
        for_children=for_children or [],
        signed=signed,
        interpreter=interpreter,
    )


def _signers(
    plan: FamilyPlan,
    consent: Consent | None,
    rules: ConsentRules,
    on: date,
    children: Sequence[str],
    by_id: dict[str, Record],
    *,
    kind: ConsentKind | None = None,
) -> list[Record]:
    """One line per person who must or may sign: custodians, adults, then children."""
    own_data = (consent.kind if consent else kind) is ConsentKind.INFORMATION_SHARING
    lines: dict[str, Record] = {}
    unknown: list[Record] = []
    signed = {s.member: s for s in consent.signatures} if consent else {}
    for need in rules.needs(plan, on, children, own_data=own_data):
        child = by_id.get(need.child) if need.child else None
        if not need.members:
            unknown.append(_line(Blank(), need.kind, for_children=[child] if child else []))
            continue
        for member in need.members:
            line = lines.get(member)
            if line is None:
                sig = signed.get(member)
                lines[member] = line = _line(
                    by_id[member],
                    need.kind,
                    optional=need.optional,
                    signed=sig is not None and sig.signed_on is not None,
                    interpreter=sig.interpreter if sig else None,
                )
            if need.kind is SignerRole.CUSTODIAN and child is not None:
                line.role = SignerRole.CUSTODIAN
                if child not in line.for_children:
                    line.for_children.append(child)
    for member, sig in signed.items():  # someone who signed without being required to
        if member not in lines:
            role = sig.role or (
                SignerRole.CHILD
                if plan.member(member).role is MemberRole.CHILD
                else SignerRole.ADULT
            )
            lines[member] = _line(
                by_id[member],
                role,
                signed=sig.signed_on is not None,
                interpreter=sig.interpreter,
            )
    if unknown:  # nobody is recorded with custody: lines to write the custodians in
        children_unknown = [c for line in unknown for c in line.for_children]
        unknown = [
            _line(Blank(), SignerRole.CUSTODIAN, for_children=list(dict.fromkeys(children_unknown)))
            for _ in range(BLANK_CUSTODIAN_LINES)
        ]
    order = {SignerRole.CUSTODIAN: 0, SignerRole.ADULT: 1, SignerRole.CHILD: 2}
    ordered = sorted(lines.values(), key=lambda r: order[r.role])
    return [*[r for r in ordered if r.role is SignerRole.CUSTODIAN], *unknown,
            *[r for r in ordered if r.role is not SignerRole.CUSTODIAN]]  # fmt: skip
