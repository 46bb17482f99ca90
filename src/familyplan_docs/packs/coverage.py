"""Whether a consent counts on a day, and whom it covers, under a pack's consent rules.

Fails closed: a consent counts only when everyone the rules name has signed it by the day.
A child whose age cannot be established counts as one who must sign, with every custodian;
a child nobody is recorded to hold custody of cannot be signed for; a child the consent does
not name is not covered. Each refusal names the member and the JSON path to fill in. Used
by the distribution (:mod:`familyplan_docs.delivery.consent`) and by the invitation letters,
which go only to the parties a valid consent covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .._text import norm
from ..model.enums import ConsentKind, MemberRole, SignerRole
from ..model.plan import Consent, FamilyPlan, Participant
from .discovery import DEFAULT_PACK, load_pack
from .pack import Pack
from .rules import ConsentRules, PackRules

__all__ = ["ConsentState", "consent_state", "covered_by_consent", "covers", "rules_for"]


def rules_for(plan: FamilyPlan, pack: Pack) -> PackRules:
    """The consent rules and lists a plan is held to: *pack*'s when the pack is for the plan's
    country (its locale's territory, ``da_DK`` for DK) and has them (its own ``[consent]``,
    ``[consent_sharing]`` or ``[consent_data]``, or its parent's), else those of the built-in
    pack of the plan's country. A consent follows the law where the family lives, whatever
    the language of the form: the English pack prints a Dutch family's forms with Dutch rules.
    """
    if pack.locale.territory == plan.country.value and any(p.manifest.rules for p in pack.chain()):
        return pack.rules
    return load_pack(DEFAULT_PACK[plan.country]).rules


VALID = "valid"


@dataclass(frozen=True)
class ConsentState:
    """Whether a consent counts on a day (``reason == "valid"``), else why not.

    ``member`` is the family member the reason is about (who has not signed, whose age or
    custody is unknown), ``place`` the JSON path to fill in, ``age`` a signing child's age.
    """

    reason: str
    member: str | None = None
    place: str | None = None
    age: int | None = None
    child: str | None = None

    @property
    def valid(self) -> bool:
        """Whether the consent counts."""
        return self.reason == VALID


def consent_state(plan: FamilyPlan, index: int, rules: ConsentRules, on: date) -> ConsentState:
    """The state of ``plan.consents[index]`` on *on* under *rules*."""
    consent = plan.consents[index]
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return ConsentState("withdrawn")
    if consent.valid_until is not None and consent.valid_until < on:
        return ConsentState("expired")
    if not any(s.signed_on is not None and s.signed_on <= on for s in consent.signatures):
        return ConsentState("not_signed")
    positions = {m.id: i for i, m in enumerate(plan.family.members)}
    children = [m for m in plan.family.members if m.role is MemberRole.CHILD]
    named = set(consent.children)
    for child in children:
        age = child.age_on(on)
        if child.id not in named and (age is None or age < rules.adult_age):
            return ConsentState("child_not_covered", child.id, f"$.consents[{index}].children", age)
    own_data = consent.kind is ConsentKind.INFORMATION_SHARING
    needs = rules.needs(plan, on, [c.id for c in children], own_data=own_data)
    unmet = [n for n in needs if not n.optional and not n.met(consent, on)]
    if not unmet:
        return ConsentState(VALID)
    unknown = next((n for n in unmet if n.age_unknown), None)
    if unknown is not None and unknown.child is not None:
        place = f"$.family.members[{positions[unknown.child]}].birth_date"
        return ConsentState("age_unknown", unknown.child, place, child=unknown.child)
    need = unmet[0]
    if need.kind is SignerRole.CUSTODIAN and not need.members:
        assert need.child is not None
        adults = [i for i, m in enumerate(plan.family.members) if m.role is not MemberRole.CHILD]
        where = f"$.family.members[{adults[0]}].custody_of" if adults else "$.family.members"
        return ConsentState("custodian_unknown", need.child, where, child=need.child)
    member = need.members[0]
    if need.kind is SignerRole.CUSTODIAN:
        return ConsentState("custodian_not_signed", member, child=need.child)
    if need.kind is SignerRole.CHILD:
        return ConsentState(
            "young_person_not_signed", member, age=plan.member(member).age_on(on), child=member
        )
    return ConsentState("adult_not_signed", member)


def covers(consent: Consent, organization: str | None, department: str | None) -> bool:
    """Whether *consent* ticks the department or the organization (as department or party)."""
    departments = {norm(d) for d in consent.departments}
    parties = {norm(p.name) for p in consent.external_parties}
    own = [norm(v) for v in (department, organization) if v]
    if any(v in departments for v in own):
        return True
    return organization is not None and norm(organization) in parties


def covered_by_consent(
    plan: FamilyPlan,
    rules: ConsentRules,
    participant: Participant,
    on: date,
    cache: dict[tuple[int, date], ConsentState] | None = None,
) -> bool:
    """Whether a valid sharing consent covers *participant* on *on* (family members are).

    *cache* keeps the consents' states between calls for the same plan and rules.
    """
    if participant.member is not None:
        return True
    if not participant.organization and not participant.department:
        return False
    for i, consent in enumerate(plan.consents):
        if consent.kind is not ConsentKind.INFORMATION_SHARING:
            continue
        if not covers(consent, participant.organization, participant.department):
            continue
        states = {} if cache is None else cache
        if (i, on) not in states:
            states[(i, on)] = consent_state(plan, i, rules, on)
        if states[(i, on)].valid:
            return True
    return False
