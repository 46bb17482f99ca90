"""Meetings: when, where, who takes part, the agenda with time frames, and the minutes."""

from __future__ import annotations

from pydantic import Field

from .._limits import MAX_ITEMS
from .base import Model, Name, OptionalText, Ref, Text
from .enums import MeetingKind, ServicesPosition
from .formats import AgendaMinutes, Date, Email, Time

__all__ = ["AgendaItem", "Meeting", "Participant", "RoundEntry"]


class Participant(Model):
    """Someone taking part in a meeting."""

    name: Name
    function: Name | None = None
    organization: Name | None = None
    department: Name | None = None
    phone: Name | None = None
    email: Email | None = None
    member: Ref | None = Field(None, description="Set when the participant is in the family.")
    role: OptionalText = Field(None, description="Their role at this meeting.")


class AgendaItem(Model):
    """An item of a meeting's agenda with its time frame and minutes."""

    title: Text
    minutes: AgendaMinutes | None = Field(None, description="Time frame in minutes.")
    lead: Name | None = None
    notes: OptionalText = Field(None, description="What was said and decided.")


class RoundEntry(Model):
    """One participant's turn in the round: what works, what is a challenge."""

    name: Name
    department: Name | None = None
    what_works: OptionalText = None
    challenges: OptionalText = None


class Meeting(Model):
    """A meeting: when, where, who, its agenda and its minutes."""

    kind: MeetingKind
    date: Date
    invited_on: Date | None = Field(
        None, description="When the invitations are sent: the date of the invitation letters."
    )
    start_time: Time | None = None
    end_time: Time | None = None
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
    next_meeting: Date | None = None
    notes: OptionalText = None
    convenor: Name | None = Field(
        None,
        description="The independent convenor of a family group conference (not one of the "
        "family's professionals).",
    )
    minute_taker: Name | None = Field(None, description="Who wrote the minutes.")
    questions: list[Text] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="The questions a family group conference is to answer.",
    )
    own_plan: OptionalText = Field(
        None, description="The plan the family made in its private time, in its own words."
    )
    position: ServicesPosition | None = Field(
        None, description="Social services' position on the family's own plan."
    )
    position_by: Name | None = None
    position_on: Date | None = None
    position_reason: OptionalText = None
