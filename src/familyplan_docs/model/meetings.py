"""Meetings: when, where, who takes part, the agenda with time frames, and the minutes."""

from __future__ import annotations

import datetime as dt
from datetime import time

from pydantic import Field

from .._limits import MAX_ITEMS
from .base import Model, Name, OptionalText, Ref, Text
from .enums import MeetingKind

__all__ = ["AgendaItem", "Meeting", "Participant", "RoundEntry"]


class Participant(Model):
    """Someone taking part in a meeting."""

    name: Name
    function: Name | None = None
    organization: Name | None = None
    department: Name | None = None
    phone: Name | None = None
    email: Name | None = None
    member: Ref | None = Field(None, description="Set when the participant is in the family.")
    role: OptionalText = Field(None, description="Their role at this meeting.")


class AgendaItem(Model):
    """An item of a meeting's agenda with its time frame and minutes."""

    title: Text = Field(min_length=1)
    minutes: int | None = Field(None, ge=0, le=600, description="Time frame in minutes.")
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
    date: dt.date
    invited_on: dt.date | None = Field(
        None, description="When the invitations are sent: the date of the invitation letters."
    )
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
