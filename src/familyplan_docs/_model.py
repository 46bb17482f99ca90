"""The typed data model of one family's holistic plan (pydantic v2).

Every closed set is an enum whose values are stable English ids; the packs' catalogs
translate them (msgid ``<enum>.<value>``, see :func:`familyplan_docs._labels.label_ids`).
Free text fields refuse characters that a Word document cannot hold.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ._enums import (
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
)
from ._ids import Country, PersonalId, check_id
from ._limits import MAX_ITEMS, MAX_NAME, MAX_TEXT

__all__ = [  # the enums are re-exported: callers look for them with the model
    "MAX_TEXT",
    "ActionItem",
    "ActionPlan",
    "AgendaItem",
    "Agreement",
    "AgreementStatus",
    "ChecklistEntry",
    "ChecklistStep",
    "Closeness",
    "Consent",
    "ConsentKind",
    "Coordinator",
    "DataSource",
    "DirectionHolder",
    "ExternalParty",
    "Family",
    "FamilyPlan",
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
    "Supporter",
    "Text",
    "YoungPersonSignature",
]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(value: str) -> str:
    """Refuse characters XML cannot hold; line ends (CR LF, CR) become LF."""
    match = _XML_ILLEGAL.search(value)
    if match:
        raise PydanticCustomError(
            "control_character",
            "holds the control character U+{code} at position {pos}, which a document cannot "
            "hold; remove it",
            {"code": f"{ord(match.group()):04X}", "pos": match.start() + 1},
        )
    if "\r" in value:  # a document has no carriage return: every line end is a line break
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_xml_safe)]
"""Free text: any Unicode a document can hold, newlines and tabs included.

Surrounding whitespace is stripped (``str_strip_whitespace``) and line ends are stored
as ``\\n`` (CR LF and CR included)."""


def _blank_is_none(value: str | None) -> str | None:
    return value or None


OptionalText = Annotated[Text | None, AfterValidator(_blank_is_none)]
"""Free text that may be left out; empty or white-space-only text is stored as None.

So a plan reads the same whichever way it says "nothing": a missing key, ``null``, ``""``
or an empty cell of the workbook."""

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_xml_safe)]
Ref = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.-]+$")]
"""A short id used to refer to a family member, coordinator or network member."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)


# --- people ------------------------------------------------------------------------------


class Member(_Model):
    """A member of the family."""

    id: Ref
    first_name: Name
    last_name: Name | None = None
    role: MemberRole
    relation: Name | None = Field(None, description="In the family's words, e.g. mother, son.")
    birth_date: date | None = None
    national_id: PersonalId | None = None
    language: Name | None = Field(None, description="Language the member speaks best.")
    needs_interpreter: bool = False
    phone: Name | None = None
    email: Name | None = None
    current_situation: OptionalText = Field(None, description="Status of this person now.")

    @field_validator("national_id")
    @classmethod
    def _valid_for_country(cls, value: PersonalId | None, info: ValidationInfo) -> Any:
        country = _context_country(info)
        if value is not None and country is not None:
            message = check_id(value, country)
            if message:
                raise PydanticCustomError("national_id", message)
        return value

    def age_on(self, day: date) -> int | None:
        """Return the member's age in whole years on *day*, or None without a birth date."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Coordinator(_Model):
    """A family coordinator, with profession and contact details."""

    id: Ref
    name: Name
    profession: Name | None = None
    organization: Name | None = None
    department: Name | None = None
    phone: Name | None = None
    email: Name | None = None
    lead: bool = Field(False, description="The coordinator who holds the plan.")


class Supporter(_Model):
    """A person the family chooses to support it at meetings."""

    name: Name
    relation: Name | None = None
    phone: Name | None = None
    email: Name | None = None


class NetworkMember(_Model):
    """A person in the family's network, with their place on the network map."""

    id: Ref
    name: Name
    group: NetworkGroup
    relation: Name | None = Field(None, description="Relation to the family, or role.")
    organization: Name | None = None
    department: Name | None = Field(None, description="Department or function.")
    phone: Name | None = None
    email: Name | None = None
    contribution: OptionalText = Field(None, description="What this person can offer.")
    sector: MapSector
    closeness: Closeness = Closeness.MIDDLE


# --- the plan's content ------------------------------------------------------------------


class Goal(_Model):
    """One of the family's own goals, in the family's words."""

    goal: Text = Field(min_length=1)
    by_when: date | None = None
    who: OptionalText = None
    status: GoalStatus = GoalStatus.NOT_STARTED


class Agreement(_Model):
    """An agreement from a meeting: what, who is responsible, by when."""

    content: Text = Field(min_length=1)
    responsible: Text = Field(min_length=1)
    deadline: date | None = None
    status: AgreementStatus = AgreementStatus.OPEN
    checked_by: Name | None = Field(None, description="Who checks that it happened.")
    meeting: int | None = Field(None, ge=1, description="Number of the meeting (1-based).")


class Intervention(_Model):
    """An intervention for one family member (overview table of the plan)."""

    member: Ref
    plan: Text = Field(min_length=1, description="The plan or measure, e.g. action plan.")
    provider: Name | None = None
    hours_per_week: Decimal | None = Field(None, ge=0, le=168)
    follow_up: date | None = None
    start: date | None = None
    end: date | None = None


class ActionItem(_Model):
    """One row of a person's action plan."""

    intervention: Text = Field(min_length=1)
    purpose: OptionalText = None
    goal: OptionalText = None
    responsible: OptionalText = Field(None, description="Responsible, or supported by.")
    who_does_what: OptionalText = None


class ActionPlan(_Model):
    """The action plan of one family member."""

    member: Ref
    items: list[ActionItem] = Field(default_factory=list, max_length=MAX_ITEMS)


class ExternalParty(_Model):
    """An organization outside the municipality named in a sharing consent."""

    name: Name
    contact: Name | None = None


class YoungPersonSignature(_Model):
    """The signature of a young person (15 or older) on a consent."""

    member: Ref
    signed_on: date | None = None


class Consent(_Model):
    """A consent declaration: data collection for statistics, or information sharing."""

    kind: ConsentKind
    giver: Ref = Field(description="The member who gives consent.")
    children: list[Ref] = Field(default_factory=list, max_length=MAX_ITEMS)
    sources: list[DataSource] = Field(default_factory=list, max_length=MAX_ITEMS)
    departments: list[Name] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Ticked internal ones."
    )
    external_parties: list[ExternalParty] = Field(default_factory=list, max_length=MAX_ITEMS)
    information_types: OptionalText = None
    purpose: OptionalText = None
    valid_until: date | None = None
    signed_on: date | None = None
    withdrawn_on: date | None = None
    young_people: list[YoungPersonSignature] = Field(default_factory=list, max_length=MAX_ITEMS)


class Participant(_Model):
    """Someone taking part in a meeting."""

    name: Name
    function: Name | None = None
    organization: Name | None = None
    department: Name | None = None
    phone: Name | None = None
    email: Name | None = None
    member: Ref | None = Field(None, description="Set when the participant is in the family.")
    role: OptionalText = Field(None, description="Their role at this meeting.")


class AgendaItem(_Model):
    """An item of a meeting's agenda with its time frame and minutes."""

    title: Text = Field(min_length=1)
    minutes: int | None = Field(None, ge=0, le=600, description="Time frame in minutes.")
    lead: Name | None = None
    notes: OptionalText = Field(None, description="What was said and decided.")


class RoundEntry(_Model):
    """One participant's turn in the round: what works, what is a challenge."""

    name: Name
    department: Name | None = None
    what_works: OptionalText = None
    challenges: OptionalText = None


class Meeting(_Model):
    """A meeting: when, where, who, its agenda and its minutes."""

    kind: MeetingKind
    date: dt.date
    start_time: time | None = None
    end_time: time | None = None
    place: Name | None = None
    address: OptionalText = None
    directions: OptionalText = None
    leader: Name | None = None
    participants: list[Participant] = Field(default_factory=list, max_length=MAX_ITEMS)
    absentees: list[Name] = Field(default_factory=list, max_length=MAX_ITEMS)
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=MAX_ITEMS)
    preparation_questions: list[Text] = Field(default_factory=list, max_length=MAX_ITEMS)
    family_story: OptionalText = None
    best_hope: OptionalText = None
    rounds: list[RoundEntry] = Field(default_factory=list, max_length=MAX_ITEMS)
    team_dialogue: OptionalText = None
    next_meeting: dt.date | None = None
    notes: OptionalText = None


class PlanVersion(_Model):
    """One version of the plan (1.0, 2.0, 2.1 …)."""

    version: Annotated[str, Field(pattern=r"^\d+\.\d+$")]
    period_start: date | None = None
    period_end: date | None = None
    updated_on: date | None = None
    review_date: date | None = None
    if_it_goes_differently: OptionalText = None


class ChecklistEntry(_Model):
    """A step of the meeting script, with date and who did it."""

    step: ChecklistStep
    done_on: date | None = None
    done_by: Name | None = None


class Organization(_Model):
    """The municipality or organization that offers the holistic family effort."""

    name: Name
    programme: Name | None = Field(None, description="Name of the offer to families.")
    address: OptionalText = None
    phone: Name | None = None
    email: Name | None = None
    website: Name | None = None
    opening_hours: list[Text] = Field(default_factory=list, max_length=MAX_ITEMS)
    timezone: Name = "Europe/Copenhagen"


class Family(_Model):
    """The family, its members and who holds direction."""

    name: Name
    address: OptionalText = None
    members: list[Member] = Field(min_length=1, max_length=MAX_ITEMS)
    direction: DirectionHolder = DirectionHolder.FAMILY
    self_reliance: OptionalText = Field(None, description="Why direction lies where it lies.")
    preferred_language: Name | None = Field(
        None, description="Pack for family-facing documents, e.g. 'en'."
    )
    statement: OptionalText = Field(None, description="The family's own statement.")


class FamilyPlan(_Model):
    """One family's holistic plan: the single input of every document."""

    schema_version: Literal["1"] = "1"
    country: Country
    organization: Organization
    family: Family
    coordinators: list[Coordinator] = Field(min_length=1, max_length=MAX_ITEMS)
    supporter: Supporter | None = None
    phase: Phase = Phase.REFERRAL
    versions: list[PlanVersion] = Field(default_factory=list, max_length=MAX_ITEMS)
    goals: list[Goal] = Field(default_factory=list, max_length=MAX_ITEMS)
    agreements: list[Agreement] = Field(default_factory=list, max_length=MAX_ITEMS)
    network: list[NetworkMember] = Field(default_factory=list, max_length=MAX_ITEMS)
    interventions: list[Intervention] = Field(default_factory=list, max_length=MAX_ITEMS)
    action_plans: list[ActionPlan] = Field(default_factory=list, max_length=MAX_ITEMS)
    consents: list[Consent] = Field(default_factory=list, max_length=MAX_ITEMS)
    meetings: list[Meeting] = Field(default_factory=list, max_length=MAX_ITEMS)
    checklist: list[ChecklistEntry] = Field(default_factory=list, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _check_references_and_ids(self, info: ValidationInfo) -> FamilyPlan:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        member_ids = [m.id for m in self.family.members]
        ids_checked = _context_country(info) is not None
        for i, m in enumerate(self.family.members):
            if member_ids.index(m.id) != i:
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
            need(c.giver, ("consents", i, "giver"))
            for j, child in enumerate(c.children):
                need(child, ("consents", i, "children", j))
            for j, sig in enumerate(c.young_people):
                need(sig.member, ("consents", i, "young_people", j, "member"))
        for i, meeting in enumerate(self.meetings):
            for j, p in enumerate(meeting.participants):
                if p.member is not None:
                    need(p.member, ("meetings", i, "participants", j, "member"))
        for i, a in enumerate(self.agreements):
            if a.meeting is not None and a.meeting > len(self.meetings):
                problems.append(
                    (("agreements", i, "meeting"), f"there is no meeting number {a.meeting}")
                )
        ids = [n.id for n in self.network]
        for i, n in enumerate(self.network):
            if ids.index(n.id) != i:
                problems.append((("network", i, "id"), f"id {n.id!r} is used twice"))
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

    def member(self, ref: str) -> Member:
        """Return the family member with id *ref* (KeyError if there is none)."""
        for m in self.family.members:
            if m.id == ref:
                return m
        raise KeyError(ref)

    def lead_coordinator(self) -> Coordinator:
        """Return the coordinator marked ``lead``, or the first one."""
        return next((c for c in self.coordinators if c.lead), self.coordinators[0])


def _context_country(info: ValidationInfo) -> Country | None:
    """The plan's country passed as validation context (so ID numbers are checked early)."""
    country = (info.context or {}).get("country") if isinstance(info.context, dict) else None
    return Country(country) if country in {c.value for c in Country} else None


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc)
