"""The people of the plan: the family, its members, coordinators, supporter and network."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .._limits import MAX_ITEMS
from .base import Model, Name, OptionalText, Ref, Text, context_country
from .enums import Closeness, DirectionHolder, MapSector, MemberRole, NetworkGroup
from .formats import Bool, Date, Email, TimeZoneName
from .ids import PersonalId, check_id

__all__ = ["Coordinator", "Family", "Member", "NetworkMember", "Organization", "Supporter"]


class Member(Model):
    """A member of the family."""

    id: Ref
    first_name: Name
    last_name: Name | None = None
    role: MemberRole
    relation: Name | None = Field(None, description="In the family's words, e.g. mother, son.")
    birth_date: Date | None = None
    national_id: PersonalId | None = None
    language: Name | None = Field(None, description="Language the member speaks best.")
    needs_interpreter: Bool = False
    phone: Name | None = None
    email: Email | None = None
    current_situation: OptionalText = Field(None, description="Status of this person now.")
    custody_of: list[Ref] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Ids of the children this member holds custody of (parental authority); "
        "a parent with custody need not live in the household.",
    )
    lives_in_household: Bool = Field(True, description="Whether the member lives at home.")

    @field_validator("national_id")
    @classmethod
    def _valid_for_country(cls, value: PersonalId | None, info: ValidationInfo) -> Any:
        country = context_country(info)
        if value is not None and country is not None:
            message = check_id(value, country)
            if message:
                raise PydanticCustomError("national_id", message)
        return value

    def age_on(self, day: dt.date) -> int | None:
        """Return the member's age in whole years on *day*, or None without a birth date."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Coordinator(Model):
    """A family coordinator, with profession and contact details."""

    id: Ref
    name: Name
    profession: Name | None = None
    organization: Name | None = None
    department: Name | None = None
    phone: Name | None = None
    email: Email | None = None
    lead: Bool = Field(False, description="The coordinator who holds the plan.")


class Supporter(Model):
    """A person the family chooses to support it at meetings."""

    name: Name
    relation: Name | None = None
    phone: Name | None = None
    email: Email | None = None


class NetworkMember(Model):
    """A person in the family's network, with their place on the network map."""

    id: Ref
    name: Name
    group: NetworkGroup
    relation: Name | None = Field(None, description="Relation to the family, or role.")
    organization: Name | None = None
    department: Name | None = Field(None, description="Department or function.")
    phone: Name | None = None
    email: Email | None = None
    contribution: OptionalText = Field(None, description="What this person can offer.")
    sector: MapSector
    closeness: Closeness = Closeness.MIDDLE


class Organization(Model):
    """The municipality or organization that offers the holistic family effort."""

    name: Name
    programme: Name | None = Field(None, description="Name of the offer to families.")
    address: OptionalText = None
    phone: Name | None = None
    email: Email | None = None
    website: Name | None = None
    opening_hours: list[Text] = Field(default_factory=list, max_length=MAX_ITEMS)
    timezone: TimeZoneName = Field(
        "Europe/Copenhagen",
        description="The municipality's IANA time zone: meeting times are its local time.",
    )
    controller: Name | None = Field(
        None, description="The data controller, when not the organization itself."
    )
    dpo_name: Name | None = Field(None, description="The data protection officer.")
    dpo_email: Email | None = None
    dpo_phone: Name | None = None
    escalation: Name | None = Field(
        None, description="Who the coordinator turns to when the help gets stuck."
    )


class Family(Model):
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
    going_well: OptionalText = Field(None, description="What goes well, in the family's words.")
    could_be_better: OptionalText = Field(
        None, description="What could be better, in the family's words."
    )
