"""The family's path beyond the first plan: the children's own words, safety, follow-ups and
the closing at exit.

These parts feed the kinds ``child_view``, ``follow_up`` and ``closing`` and the safety
section of the plan. Each is optional: a plan that has none of them is as valid as before.
"""

from __future__ import annotations

from pydantic import Field

from .._limits import MAX_ITEMS
from .base import Model, Name, OptionalText, Ref, Text
from .formats import Bool, Date, MeetingNumber, Rating, SafetyScore, Version

__all__ = [
    "ChildView",
    "Closing",
    "Continuation",
    "FollowUp",
    "Safety",
    "SafetyAgreement",
    "SafetyScale",
]


class ChildView(Model):
    """A child's own view, as the child said or wrote it (Signs of Safety: three houses)."""

    member: Ref = Field(description="The child (a family member with the role child).")
    recorded_on: Date | None = None
    recorded_by: Name | None = Field(None, description="Who talked with the child.")
    good: OptionalText = Field(None, description="What is good in my life.")
    worries: OptionalText = Field(None, description="What is hard, or what I worry about.")
    wishes: OptionalText = Field(None, description="What I wish for.")
    helpers: OptionalText = Field(None, description="Who helps me.")
    to_tell: OptionalText = Field(
        None, description="What I want the adults at the meeting to know."
    )
    shared_with: OptionalText = Field(None, description="Who the child allows to see this.")


class SafetyScale(Model):
    """How safe someone thinks it is now, from 0 (not safe at all) to 10 (completely safe)."""

    who: Name
    score: SafetyScore


class SafetyAgreement(Model):
    """An agreement that keeps everyone in the family safe."""

    content: Text = Field(min_length=1)
    who: Name | None = None
    when: Date | None = None
    watched_by: Name | None = Field(None, description="Who keeps an eye on it.")


class Safety(Model):
    """The safety section of the plan (Dutch practice: every plan has one)."""

    no_worries: Bool = Field(False, description="There are no worries about safety now.")
    worries: OptionalText = None
    strengths: OptionalText = Field(None, description="What already goes well and keeps safe.")
    needed: OptionalText = Field(None, description="What must happen so everyone is safe.")
    scales: list[SafetyScale] = Field(default_factory=list, max_length=MAX_ITEMS)
    agreements: list[SafetyAgreement] = Field(default_factory=list, max_length=MAX_ITEMS)


class FollowUp(Model):
    """A follow-up meeting of the plan (plan 2.1, 2.2 …): what works, what to adjust, next."""

    date: Date
    version: Version | None = Field(None, description="The plan version it produced, e.g. 2.1.")
    meeting: MeetingNumber | None = Field(None, description="Number of the meeting (1-based).")
    what_works: OptionalText = None
    not_yet: OptionalText = Field(None, description="What does not work yet.")
    adjust: OptionalText = Field(None, description="What is to be adjusted.")
    help_needed: OptionalText = Field(
        None, description="Is the same help still needed, more, other or less?"
    )
    more_meetings: Bool | None = Field(None, description="Are more meetings needed?")
    family_words: OptionalText = Field(None, description="What the family says, in its words.")
    next_date: Date | None = None
    convened_by: Name | None = Field(None, description="Who calls the next meeting.")
    checked_by: Name | None = Field(None, description="Who checks the agreements.")


class Continuation(Model):
    """Help that goes on after the family leaves the programme."""

    what: Text = Field(min_length=1)
    who: Name | None = Field(None, description="Organization or person who gives it.")
    contact: Name | None = None
    until: Date | None = None


class Closing(Model):
    """The closing at exit (phase 3): what was reached, what goes on, the family's view."""

    date: Date
    reached: OptionalText = Field(None, description="What the family reached, in its words.")
    continues: list[Continuation] = Field(default_factory=list, max_length=MAX_ITEMS)
    helped_most: OptionalText = Field(None, description="The family: what helped most.")
    could_be_better: OptionalText = Field(None, description="The family: what we could do better.")
    meetings: OptionalText = Field(None, description="The family: how the meetings felt.")
    overview: OptionalText = Field(None, description="The family: did the plan give an overview?")
    rating: Rating | None = Field(None, description="The family's mark, 1 to 10.")
    call_back: Bool | None = Field(
        None, description="May we call in about three months to ask how it goes?"
    )
