"""Consent declarations: who gives consent, for whom, to share what with whom, until when."""

from __future__ import annotations

from pydantic import Field

from .._limits import MAX_ITEMS
from .base import Model, Name, OptionalText, Ref
from .enums import ConsentKind, DataSource
from .formats import Date

__all__ = ["Consent", "ExternalParty", "YoungPersonSignature"]


class ExternalParty(Model):
    """An organization outside the municipality named in a sharing consent."""

    name: Name
    contact: Name | None = None


class YoungPersonSignature(Model):
    """The signature of a young person (15 or older) on a consent."""

    member: Ref
    signed_on: Date | None = None


class Consent(Model):
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
    valid_until: Date | None = None
    signed_on: Date | None = None
    withdrawn_on: Date | None = None
    young_people: list[YoungPersonSignature] = Field(default_factory=list, max_length=MAX_ITEMS)
