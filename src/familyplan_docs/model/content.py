"""What the plan says: the family's goals, agreements, interventions and action plans."""

from __future__ import annotations

from pydantic import Field

from .._limits import MAX_ITEMS
from .base import Model, Name, OptionalText, Ref, Text
from .enums import AgreementStatus, GoalStatus
from .formats import Date, HoursPerWeek, MeetingNumber

__all__ = ["ActionItem", "ActionPlan", "Agreement", "Goal", "Intervention"]


class Goal(Model):
    """One of the family's own goals, in the family's words."""

    goal: Text
    by_when: Date | None = None
    who: OptionalText = None
    status: GoalStatus = GoalStatus.NOT_STARTED
    id: Ref | None = Field(
        None, description="A short id that stays the same from one plan version to the next."
    )
    progress: OptionalText = Field(None, description="What has been done so far.")
    next_step: OptionalText = None


class Agreement(Model):
    """An agreement from a meeting: what, who is responsible, by when."""

    content: Text
    responsible: Text
    deadline: Date | None = None
    status: AgreementStatus = AgreementStatus.OPEN
    checked_by: Name | None = Field(None, description="Who checks that it happened.")
    meeting: MeetingNumber | None = Field(None, description="Number of the meeting (1-based).")
    id: Ref | None = Field(
        None, description="A short id that stays the same from one plan version to the next."
    )
    progress: OptionalText = Field(None, description="What has been done so far.")
    next_step: OptionalText = None


class Intervention(Model):
    """An intervention for one family member (overview table of the plan)."""

    member: Ref
    plan: Text = Field(description="The plan or measure, e.g. action plan.")
    provider: Name | None = None
    hours_per_week: HoursPerWeek | None = None
    follow_up: Date | None = None
    start: Date | None = None
    end: Date | None = None


class ActionItem(Model):
    """One row of a person's action plan."""

    intervention: Text
    purpose: OptionalText = None
    goal: OptionalText = None
    responsible: OptionalText = Field(None, description="Responsible, or supported by.")
    who_does_what: OptionalText = None


class ActionPlan(Model):
    """The action plan of one family member."""

    member: Ref
    items: list[ActionItem] = Field(default_factory=list, max_length=MAX_ITEMS)
