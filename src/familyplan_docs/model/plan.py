"""The typed data model of one family's holistic plan (pydantic v2): :class:`FamilyPlan`.

Every closed set is an enum whose values are stable English ids; the packs' catalogs
translate them (msgid ``<enum>.<value>``, see :mod:`familyplan_docs.packs.labels`). The
parts of the plan live in :mod:`.people`, :mod:`.content`, :mod:`.consent` and
:mod:`.meetings`, and are re-exported here: callers look for them with the model.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from .._limits import MAX_ITEMS, MAX_TEXT
from .base import Model, Name, OptionalText, Ref, Text, context_country
from .checks import journey_problems
from .consent import Consent, ExternalParty, Signature, YoungPersonSignature
from .content import ActionItem, ActionPlan, Agreement, Goal, Intervention
from .enums import (
    AgreementStatus,
    ChecklistStep,
    Closeness,
    ConsentKind,
    DataSource,
    DirectionHolder,
    GoalStatus,
    MapSector,
    MeetingKind,
    MemberRole,
    NetworkGroup,
    Phase,
    ServicesPosition,
    SignerRole,
)
from .formats import Date, Version
from .ids import Country, check_id
from .journey import (
    ChildView,
    Closing,
    Continuation,
    FollowUp,
    Safety,
    SafetyAgreement,
    SafetyScale,
)
from .meetings import AgendaItem, Meeting, Participant, RoundEntry
from .people import Coordinator, Family, Member, NetworkMember, Organization, Supporter
from .version import SCHEMA_VERSION

__all__ = [  # the enums are re-exported: callers look for them with the model
    "MAX_TEXT",
    "ActionItem",
    "ActionPlan",
    "AgendaItem",
    "Agreement",
    "AgreementStatus",
    "ChecklistEntry",
    "ChecklistStep",
    "ChildView",
    "Closeness",
    "Closing",
    "Consent",
    "ConsentKind",
    "Continuation",
    "Coordinator",
    "DataSource",
    "DirectionHolder",
    "ExternalParty",
    "Family",
    "FamilyPlan",
    "FollowUp",
    "Goal",
    "GoalStatus",
    "Intervention",
    "MapSector",
    "Meeting",
    "MeetingKind",
    "Member",
    "MemberRole",
    "Name",
    "NetworkGroup",
    "NetworkMember",
    "Organization",
    "Participant",
    "Phase",
    "PlanVersion",
    "Ref",
    "RoundEntry",
    "Safety",
    "SafetyAgreement",
    "SafetyScale",
    "ServicesPosition",
    "Signature",
    "SignerRole",
    "Supporter",
    "Text",
    "YoungPersonSignature",
]


class PlanVersion(Model):
    """One version of the plan (1.0, 2.0, 2.1 …)."""

    version: Version
    period_start: Date | None = None
    period_end: Date | None = None
    updated_on: Date | None = None
    review_date: Date | None = None
    if_it_goes_differently: OptionalText = None
    goals: list[Goal] | None = Field(
        None,
        max_length=MAX_ITEMS,
        description="The goals as they stood in this version (kept when a newer version "
        "follows), so versions can be compared; the plan's own goals are the newest version's.",
    )
    agreements: list[Agreement] | None = Field(
        None,
        max_length=MAX_ITEMS,
        description="The agreements as they stood in this version (see goals).",
    )


class ChecklistEntry(Model):
    """A step of the meeting script, with date and who did it."""

    step: ChecklistStep
    done_on: Date | None = None
    done_by: Name | None = None


class FamilyPlan(Model):
    """One family's holistic plan: the single input of every document."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    country: Country
    organization: Organization
    family: Family
    coordinators: list[Coordinator] = Field(min_length=1, max_length=MAX_ITEMS)
    supporter: Supporter | None = None
    phase: Phase = Phase.REFERRAL
    case_number: Name | None = Field(
        None, description="The municipality's case or file number; printed on the letters."
    )
    versions: list[PlanVersion] = Field(default_factory=list, max_length=MAX_ITEMS)
    goals: list[Goal] = Field(default_factory=list, max_length=MAX_ITEMS)
    agreements: list[Agreement] = Field(default_factory=list, max_length=MAX_ITEMS)
    network: list[NetworkMember] = Field(default_factory=list, max_length=MAX_ITEMS)
    interventions: list[Intervention] = Field(default_factory=list, max_length=MAX_ITEMS)
    action_plans: list[ActionPlan] = Field(default_factory=list, max_length=MAX_ITEMS)
    consents: list[Consent] = Field(default_factory=list, max_length=MAX_ITEMS)
    meetings: list[Meeting] = Field(default_factory=list, max_length=MAX_ITEMS)
    checklist: list[ChecklistEntry] = Field(default_factory=list, max_length=MAX_ITEMS)
    safety: Safety | None = None
    child_views: list[ChildView] = Field(default_factory=list, max_length=MAX_ITEMS)
    follow_ups: list[FollowUp] = Field(default_factory=list, max_length=MAX_ITEMS)
    closing: Closing | None = None

    @model_validator(mode="after")
    def _check_references_and_ids(self, info: ValidationInfo) -> FamilyPlan:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        member_ids = [m.id for m in self.family.members]
        ids_checked = context_country(info) is not None
        first: dict[str, int] = {}
        for i, m in enumerate(self.family.members):
            if first.setdefault(m.id, i) != i:
                problems.append((("family", "members", i, "id"), f"id {m.id!r} is used twice"))
            if m.national_id is not None and not ids_checked:
                message = check_id(m.national_id, self.country)
                if message:
                    problems.append((("family", "members", i, "national_id"), message))
        known = set(member_ids)

        def need(ref: str, loc: tuple[str | int, ...]) -> None:
            if ref not in known:
                problems.append((loc, f"no family member has the id {ref!r}"))

        for i, iv in enumerate(self.interventions):
            need(iv.member, ("interventions", i, "member"))
        for i, ap in enumerate(self.action_plans):
            need(ap.member, ("action_plans", i, "member"))
        for i, c in enumerate(self.consents):
            for j, child in enumerate(c.children):
                need(child, ("consents", i, "children", j))
        for i, meeting in enumerate(self.meetings):
            for j, p in enumerate(meeting.participants):
                if p.member is not None:
                    need(p.member, ("meetings", i, "participants", j, "member"))
        for i, a in enumerate(self.agreements):
            if a.meeting is not None and a.meeting > len(self.meetings):
                problems.append(
                    (("agreements", i, "meeting"), f"there is no meeting number {a.meeting}")
                )
        seen: set[str] = set()
        for i, n in enumerate(self.network):
            if n.id in seen:
                problems.append((("network", i, "id"), f"id {n.id!r} is used twice"))
            seen.add(n.id)
        problems += self._local_times()
        problems += journey_problems(self)
        if problems:
            raise PydanticCustomError(
                "plan_references",
                "{summary}",
                {
                    "summary": "; ".join(f"{_dotted(loc)}: {msg}" for loc, msg in problems),
                    "problems": [[list(loc), msg] for loc, msg in problems],
                },
            )
        return self

    def _local_times(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Convert meeting times given with a UTC offset to the municipality's local time.

        A time without an offset is local time already. With an offset, the moment is
        converted on the meeting's date (the date moves when the moment falls on another
        day there); an end time at or before the start is on the next day.
        """
        zone = ZoneInfo(self.organization.timezone)
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for i, meeting in enumerate(self.meetings):
            start, end = meeting.start_time, meeting.end_time
            if not any(t is not None and t.tzinfo is not None for t in (start, end)):
                continue
            try:
                day = meeting.date
                if start is not None and start.tzinfo is not None:
                    moment = datetime.combine(meeting.date, start).astimezone(zone)
                    day, start = moment.date(), moment.time()
                if end is not None and end.tzinfo is not None:
                    until = datetime.combine(meeting.date, end).astimezone(zone)
                    if start is not None and until.replace(tzinfo=None) <= datetime.combine(
                        day, start
                    ):
                        until = (until.astimezone(UTC) + timedelta(days=1)).astimezone(zone)
                    end = until.time()
            except OverflowError:
                problems.append(
                    (
                        ("meetings", i, "start_time"),
                        "with its UTC offset this time falls outside the years 1 to 9999",
                    )
                )
                continue
            meeting.date, meeting.start_time, meeting.end_time = day, start, end
        return problems

    def member(self, ref: str) -> Member:
        """Return the family member with id *ref* (KeyError if there is none)."""
        for m in self.family.members:
            if m.id == ref:
                return m
        raise KeyError(ref)

    def lead_coordinator(self) -> Coordinator:
        """Return the coordinator marked ``lead``, or the first one."""
        return next((c for c in self.coordinators if c.lead), self.coordinators[0])


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc)
