"""Who may receive the plan: each recipient checked against the family's sharing consent.

The recipients are the participants of the latest network meeting (network, follow-up or
family group conference). The family itself always receives its plan. Anyone else receives
it only when a consent to share information (:attr:`ConsentKind.INFORMATION_SHARING`) that
counts on the day covers their department or organization. Whether a consent counts follows
the pack's consent rules (:mod:`familyplan_docs.packs.coverage`) and fails closed: everyone
the rules name must have signed it (every custodian, every child from the signing age, every
adult for their own data), a child whose age is unknown must sign with every custodian, and
the refusal names the field to fill in. A participant with neither organization nor
department (the family's supporter, a grandparent) cannot be covered by a consent and is
refused; the family may pass the plan on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .._errors import InputError, Problem
from .._text import norm
from ..model.plan import (
    ConsentKind,
    FamilyPlan,
    Meeting,
    MeetingKind,
    Participant,
)
from ..packs.coverage import ConsentState, consent_state, rules_for
from ..packs.discovery import choose_pack
from ..packs.pack import Pack
from ..packs.rules import ConsentRules, signature_problems
from ..render.context import latest_meeting

__all__ = [
    "REASONS",
    "RECIPIENT_MEETINGS",
    "Decision",
    "check_recipients",
    "check_signatures",
    "recipient_meeting",
]

RECIPIENT_MEETINGS = (
    MeetingKind.NETWORK,
    MeetingKind.FOLLOW_UP,
    MeetingKind.FAMILY_GROUP_CONFERENCE,
)
"""The meeting kinds whose latest meeting's participants receive the plan."""

REASONS: tuple[str, ...] = (
    "family",
    "covered",
    "no_consent",
    "not_signed",
    "expired",
    "withdrawn",
    "young_person_not_signed",
    "custodian_not_signed",
    "adult_not_signed",
    "age_unknown",
    "custodian_unknown",
    "child_not_covered",
    "not_covered",
    "private_person",
)
"""Every reason code a :class:`Decision` can carry; the first two allow, the rest refuse."""


@dataclass(frozen=True)
class Decision:
    """Whether one recipient may receive the plan, and why (``reason`` is a stable code)."""

    recipient: str
    organization: str | None
    department: str | None
    email: str | None
    allowed: bool
    reason: str
    files: tuple[str, ...] = ()
    folder: str | None = None
    """The recipient's folder under the output folder (only for allowed recipients)."""
    consent: int | None = None
    """Index in ``plan.consents`` of the consent the decision rests on, if any."""
    member: str | None = None
    """The family member's id, for a recipient of the family."""
    subject: str | None = None
    """The family member a refusal is about (who has not signed, whose age is unknown)."""
    place: str | None = None
    """The JSON path to fill in so the refusal goes away (``$.family.members[2].birth_date``)."""
    age: int | None = None
    """The age of the young person who has not signed."""
    child: str | None = None
    """The child a custodian signs for, or whose custody is unknown."""

    @property
    def who(self) -> str:
        """The recipient's name with organization and department, for a message line."""
        parts = [p for p in (self.organization, self.department) if p]
        if parts and not _same(self.organization, self.department):
            return f"{self.recipient} ({', '.join(parts)})"
        if parts:
            return f"{self.recipient} ({parts[0]})"
        return self.recipient


def check_recipients(plan: FamilyPlan, on: date, pack: Pack | None = None) -> list[Decision]:
    """Decide, for each participant of the latest network meeting, whether they may get the plan.

    The consent rules are *pack*'s (default: the pack of the plan's country). Raises
    :class:`InputError` when the plan has no network, follow-up or family group conference
    meeting, or when a signature breaks the pack's rules (a child signing below the age
    at which the pack lets children sign).
    """
    rules = rules_for(plan, pack or choose_pack(plan, None)).consent
    check_signatures(plan, rules, on)
    _, meeting = recipient_meeting(plan)
    return decisions_for(plan, meeting, on, rules)


def check_signatures(plan: FamilyPlan, rules: ConsentRules, on: date) -> None:
    """Raise :class:`InputError` listing every signature *rules* do not allow, with its path."""
    problems = signature_problems(plan, rules, on)
    if problems:
        raise InputError("plan", problems)


# --- deciding --------------------------------------------------------------------------------


def recipient_meeting(plan: FamilyPlan) -> tuple[int, Meeting]:
    """The latest network, follow-up or family group conference meeting, with its index."""
    meeting = latest_meeting(plan, RECIPIENT_MEETINGS)
    if meeting is None:
        kinds = ", ".join(k.value for k in RECIPIENT_MEETINGS)
        raise InputError(
            "plan",
            [
                Problem(
                    "$.meetings",
                    f"there is no meeting of kind {kinds}; the plan goes to the participants "
                    "of the latest one",
                )
            ],
        )
    index = next(i for i, m in enumerate(plan.meetings) if m is meeting)
    return index, meeting


def decisions_for(
    plan: FamilyPlan, meeting: Meeting, on: date, rules: ConsentRules
) -> list[Decision]:
    """One decision per participant of *meeting* (the family first when none takes part)."""
    consents = _Consents(plan, on, rules)
    decisions = [_decide(plan, consents, participant) for participant in meeting.participants]
    if not any(p.member is not None for p in meeting.participants):
        # the family always receives its plan, even when no member is listed as a participant
        family = Decision(
            recipient=plan.family.name,
            organization=None,
            department=None,
            email=None,
            allowed=True,
            reason="family",
        )
        decisions.insert(0, family)
    return decisions


class _Consents:
    """The family's sharing consents on one day, looked up by department or organization.

    Each consent's state is worked out once, and for every name a consent ticks (a
    department, or an external party's name) the earliest valid consent and the newest
    one are kept; so deciding for a participant takes the same time however many
    consents and participants there are.
    """

    def __init__(self, plan: FamilyPlan, on: date, rules: ConsentRules) -> None:
        self.sharing = [
            (i, c) for i, c in enumerate(plan.consents) if c.kind is ConsentKind.INFORMATION_SHARING
        ]
        self.states = {i: consent_state(plan, i, rules, on) for i, _ in self.sharing}
        valid = [i for i, _ in self.sharing if self.states[i].valid]
        self.last_valid = valid[-1] if valid else None
        self.departments = _Names()
        self.parties = _Names()
        for i, consent in self.sharing:
            newest = (_signed_on(consent) or date.min, i)
            is_valid = self.states[i].valid
            for department in consent.departments:
                self.departments.add(norm(department), i, newest, is_valid)
            for party in consent.external_parties:
                self.parties.add(norm(party.name), i, newest, is_valid)

    def covering(self, participant: Participant) -> tuple[int | None, int | None]:
        """The first valid consent that covers *participant*, and the newest that does.

        A consent covers a participant when it ticks their department or organization as
        a department, or their organization as an external party
        (:func:`familyplan_docs.packs.coverage.covers`).
        """
        keys = [
            (self.departments, norm(value))
            for value in (participant.department, participant.organization)
            if value
        ]
        if participant.organization is not None:
            keys.append((self.parties, norm(participant.organization)))
        first = [names.first_valid[k] for names, k in keys if k in names.first_valid]
        newest = [names.newest[k] for names, k in keys if k in names.newest]
        return (min(first) if first else None, max(newest)[1] if newest else None)


class _Names:
    """For each name a consent ticks: its earliest valid consent, and its newest consent."""

    def __init__(self) -> None:
        self.first_valid: dict[str, int] = {}
        self.newest: dict[str, tuple[date, int]] = {}

    def add(self, key: str, index: int, newest: tuple[date, int], valid: bool) -> None:
        if valid and key not in self.first_valid:
            self.first_valid[key] = index  # consents are added in the plan's order
        if key not in self.newest or newest > self.newest[key]:
            self.newest[key] = newest


def _decide(plan: FamilyPlan, consents: _Consents, participant: Participant) -> Decision:
    base = Decision(
        recipient=participant.name,
        organization=participant.organization,
        department=participant.department,
        email=participant.email,
        allowed=False,
        reason="no_consent",
        member=participant.member,
    )
    if participant.member is not None:
        return _replace(base, allowed=True, reason="family")
    if not participant.organization and not participant.department:
        # a supporter, a grandparent, or a professional entered without organization: a
        # sharing consent names departments and organizations, so it cannot cover them
        return _replace(base, reason="private_person")
    if not consents.sharing:
        return base
    first_valid, newest = consents.covering(participant)
    if first_valid is not None:
        return _replace(base, allowed=True, reason="covered", consent=first_valid)
    if newest is not None:
        # the newest consent that names them tells why it does not count
        return _refused(plan, base, consents.states[newest], newest)
    return _replace(base, reason="not_covered", consent=consents.last_valid)


def _signed_on(consent: Any) -> date | None:
    days = [s.signed_on for s in consent.signatures if s.signed_on is not None]
    return max(days) if days else None


def _refused(plan: FamilyPlan, base: Decision, state: ConsentState, index: int) -> Decision:
    def name(ref: str | None) -> str | None:
        if ref is None:
            return None
        member = plan.member(ref)
        return " ".join(p for p in (member.first_name, member.last_name) if p)

    return _replace(
        base,
        reason=state.reason,
        consent=index,
        subject=name(state.member),
        place=state.place,
        age=state.age,
        child=name(state.child),
    )


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and norm(a) == norm(b)


def _replace(decision: Decision, **changes: Any) -> Decision:
    return replace(decision, **changes)
