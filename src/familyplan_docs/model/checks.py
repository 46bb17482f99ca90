"""Whole-plan checks of custody, signatures, the children's views, follow-ups and versions.

They need no pack: who must sign at which age is a country's rule and is checked when
documents are made (:mod:`familyplan_docs.packs.rules`). Here: every reference names a
member of the right kind, custody is held over children, a signature "as custodian" comes
from someone who holds custody of a child the consent is for, and ids of goals and
agreements are not used twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .consent import Consent
from .content import Agreement, Goal
from .enums import MemberRole, SignerRole

Loc = tuple[str | int, ...]
Found = list[tuple[Loc, str]]

__all__ = ["journey_problems", "signer_role"]


def signer_role(plan: Any, consent: Consent, member: str) -> SignerRole:
    """The capacity *member* signs *consent* in when the signature does not say it."""
    person = plan.member(member)
    if person.role is MemberRole.CHILD:
        return SignerRole.CHILD
    if set(person.custody_of) & set(consent.children):
        return SignerRole.CUSTODIAN
    return SignerRole.ADULT


def journey_problems(plan: Any) -> Found:
    """Every problem of custody, signatures, child views, follow-ups and version ids.

    *plan* is a :class:`~familyplan_docs.model.plan.FamilyPlan` whose own fields are valid
    (this module sits below :mod:`.plan`, which calls it).
    """
    found: Found = []
    members = {m.id: (i, m) for i, m in enumerate(plan.family.members)}
    children = {ref for ref, (_, m) in members.items() if m.role is MemberRole.CHILD}
    for i, m in enumerate(plan.family.members):
        for j, ref in enumerate(m.custody_of):
            loc: Loc = ("family", "members", i, "custody_of", j)
            if ref not in members:
                found.append((loc, f"no family member has the id {ref!r}"))
            elif ref not in children:
                found.append((loc, f"{ref!r} is not a child of the family (role child)"))
            elif ref == m.id:
                found.append((loc, "a member cannot hold custody of themselves"))
    for i, consent in enumerate(plan.consents):
        found += _signature_problems(plan, i, consent, members, children)
    for i, view in enumerate(plan.child_views):
        loc = ("child_views", i, "member")
        if view.member not in members:
            found.append((loc, f"no family member has the id {view.member!r}"))
        elif view.member not in children:
            found.append((loc, f"{view.member!r} is not a child of the family (role child)"))
    for i, follow in enumerate(plan.follow_ups):
        if follow.meeting is not None and follow.meeting > len(plan.meetings):
            found.append(
                (("follow_ups", i, "meeting"), f"there is no meeting number {follow.meeting}")
            )
    found += _id_problems(("goals",), plan.goals)
    found += _id_problems(("agreements",), plan.agreements)
    for i, version in enumerate(plan.versions):
        found += _id_problems(("versions", i, "goals"), version.goals or [])
        found += _id_problems(("versions", i, "agreements"), version.agreements or [])
    return found


def _signature_problems(
    plan: Any,
    index: int,
    consent: Consent,
    members: dict[str, tuple[int, object]],
    children: set[str],
) -> Found:
    found: Found = []
    for j, child in enumerate(consent.children):
        if child in members and child not in children:
            found.append(
                (("consents", index, "children", j), f"{child!r} is not a child (role child)")
            )
    seen: set[str] = set()
    for j, sig in enumerate(consent.signatures):
        loc: Loc = ("consents", index, "signatures", j, "member")
        if sig.member not in members:
            found.append((loc, f"no family member has the id {sig.member!r}"))
            continue
        if sig.member in seen:
            found.append((loc, f"{sig.member!r} signs twice; keep one signature per person"))
        seen.add(sig.member)
        person = plan.member(sig.member)
        member_index = members[sig.member][0]
        role_loc: Loc = ("consents", index, "signatures", j, "role")
        if sig.role is SignerRole.CUSTODIAN and not set(person.custody_of) & set(consent.children):
            found.append(
                (
                    role_loc,
                    f"{sig.member!r} signs as custodian but holds custody of none of the "
                    "children this consent is for; fill in "
                    f"$.family.members[{member_index}].custody_of, or sign as adult",
                )
            )
        if sig.role is SignerRole.CHILD and person.role is not MemberRole.CHILD:
            found.append((role_loc, f"{sig.member!r} is not a child (role child)"))
        if sig.role in (SignerRole.CUSTODIAN, SignerRole.ADULT) and (
            person.role is MemberRole.CHILD
        ):
            found.append(
                (role_loc, f"{sig.member!r} is a child and signs as child, for their own data")
            )
    return found


def _id_problems(loc: Loc, items: Sequence[Goal | Agreement]) -> Found:
    found: Found = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id is None:
            continue
        if item.id in seen:
            found.append(((*loc, i, "id"), f"id {item.id!r} is used twice"))
        seen.add(item.id)
    return found
