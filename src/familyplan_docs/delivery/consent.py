"""Who may receive the plan: each recipient checked against the family's sharing consent.

The recipients are the participants of the latest network meeting (network, follow-up or
family group conference). The family itself always receives its plan. Anyone else receives
it only when a consent to share information (:attr:`ConsentKind.INFORMATION_SHARING`) that
is valid on the day covers their department or organization; a consent is valid when it is
signed, not withdrawn, not expired, and signed by every child of the family aged 15 or over.
A participant with neither organization nor department (the family's supporter, a
grandparent) cannot be covered by a consent and is refused; the family may pass the plan on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .._errors import InputError, Problem
from .._text import norm
from ..model.plan import (
    Consent,
    ConsentKind,
    FamilyPlan,
    Meeting,
    MeetingKind,
    MemberRole,
    Participant,
)
from ..render.context import YOUNG_PERSON_AGE, latest_meeting

__all__ = ["REASONS", "RECIPIENT_MEETINGS", "Decision", "check_recipients", "recipient_meeting"]

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

    @property
    def who(self) -> str:
        """The recipient's name with organization and department, for a message line."""
        parts = [p for p in (self.organization, self.department) if p]
        if parts and not _same(self.organization, self.department):
            return f"{self.recipient} ({', '.join(parts)})"
        if parts:
            return f"{self.recipient} ({parts[0]})"
        return self.recipient


def check_recipients(plan: FamilyPlan, on: date) -> list[Decision]:
    """Decide, for each participant of the latest network meeting, whether they may get the plan.

    Raises :class:`InputError` when the plan has no network, follow-up or family group
    conference meeting.
    """
    _, meeting = recipient_meeting(plan)
    return decisions_for(plan, meeting, on)


# --- deciding --------------------------------------------------------------------------------


def recipient_meeting(plan: FamilyPlan) -> tuple[int, Meeting]:
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


def decisions_for(plan: FamilyPlan, meeting: Meeting, on: date) -> list[Decision]:
    decisions = [_decide(plan, participant, on) for participant in meeting.participants]
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


def _decide(plan: FamilyPlan, participant: Participant, on: date) -> Decision:
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
    sharing = [
        (i, c) for i, c in enumerate(plan.consents) if c.kind is ConsentKind.INFORMATION_SHARING
    ]
    if not sharing:
        return base
    states = {i: _consent_state(plan, c, on) for i, c in sharing}
    covering = [(i, c) for i, c in sharing if _covers(c, participant)]
    for i, _ in covering:
        if states[i] == "valid":
            return _replace(base, allowed=True, reason="covered", consent=i)
    if covering:
        # the newest consent that names them tells why it does not count
        i, _ = max(covering, key=lambda ic: (ic[1].signed_on or date.min, ic[0]))
        return _replace(base, reason=states[i], consent=i)
    valid = [i for i, _ in sharing if states[i] == "valid"]
    return _replace(base, reason="not_covered", consent=valid[-1] if valid else None)


def _consent_state(plan: FamilyPlan, consent: Consent, on: date) -> str:
    if consent.signed_on is None or consent.signed_on > on:
        return "not_signed"
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return "withdrawn"
    if consent.valid_until is not None and consent.valid_until < on:
        return "expired"
    signed = {
        s.member for s in consent.young_people if s.signed_on is not None and s.signed_on <= on
    }
    for member in plan.family.members:
        age = member.age_on(on)
        young = member.role is MemberRole.CHILD and age is not None and age >= YOUNG_PERSON_AGE
        if young and member.id not in signed:
            return "young_person_not_signed"
    return "valid"


def _covers(consent: Consent, participant: Participant) -> bool:
    departments = {norm(d) for d in consent.departments}
    parties = {norm(p.name) for p in consent.external_parties}
    own = [norm(v) for v in (participant.department, participant.organization) if v]
    if any(v in departments for v in own):
        return True
    return participant.organization is not None and norm(participant.organization) in parties


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and norm(a) == norm(b)


def _replace(decision: Decision, **changes: Any) -> Decision:
    return replace(decision, **changes)
