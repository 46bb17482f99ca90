"""Consent declarations: who signs, for whom, to share what with whom, until when.

A consent holds one signature per person who signed it, each with its own date. Who *must*
sign depends on the country's rules (a pack's ``[consent]`` table, read by
:mod:`familyplan_docs.packs.rules`) and on custody (:attr:`Member.custody_of`).

Plans written before signatures existed name one ``giver`` with the consent's ``signed_on``
and the ``young_people`` who signed too; :meth:`Consent._migrate` turns them into
signatures when the plan is read, so old plans keep loading.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, model_validator

from .._limits import MAX_ITEMS
from .base import Model, Name, OptionalText, Ref
from .enums import ConsentKind, DataSource, SignerRole
from .formats import Date

__all__ = ["Consent", "ExternalParty", "Signature", "YoungPersonSignature", "migrate_consent"]


class ExternalParty(Model):
    """An organization outside the municipality named in a sharing consent."""

    name: Name
    contact: Name | None = None


class Signature(Model):
    """One person's signature on a consent, with the day they signed."""

    member: Ref = Field(description="The family member who signed.")
    signed_on: Date | None = Field(None, description="The day they signed (hand-written).")
    role: SignerRole | None = Field(
        None,
        description="custodian (for the children in their custody), child (for their own "
        "data) or adult (for their own data). Left out, it follows from the member: a "
        "child signs as child, an adult holding custody of a child the consent covers as "
        "custodian, any other adult as adult.",
    )
    interpreter: Name | None = Field(
        None, description="The language of the interpreter the consent was explained in."
    )


YoungPersonSignature = Signature
"""The former name of :class:`Signature` (a young person's signature); kept for callers."""


def migrate_consent(data: Any) -> Any:
    """Turn a consent of the first model (``giver``, ``signed_on``, ``young_people``) into one
    with ``signatures``; anything else comes back unchanged.

    The giver signs first, with the consent's ``signed_on``; every young person follows
    with their own date. A consent that has ``signatures`` already is left alone (so a
    mix of both is reported as unknown fields).
    """
    if not isinstance(data, dict) or "signatures" in data:
        return data
    if not {"giver", "young_people"} & data.keys():
        return data
    out = dict(data)
    signatures: list[Any] = []
    giver = out.pop("giver", None)
    signed_on = out.pop("signed_on", None)
    if giver is not None:
        signatures.append({"member": giver, "signed_on": signed_on})
    elif signed_on is not None:
        out["signed_on"] = signed_on  # no giver to carry it: reported as an unknown field
    young = out.pop("young_people", None) or []
    signatures.extend(young if isinstance(young, list) else [young])
    out["signatures"] = signatures
    return out


class Consent(Model):
    """A consent declaration: data collection for statistics, or information sharing."""

    kind: ConsentKind
    children: list[Ref] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="The children it is for."
    )
    sources: list[DataSource] = Field(default_factory=list, max_length=MAX_ITEMS)
    departments: list[Name] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Ticked internal ones."
    )
    external_parties: list[ExternalParty] = Field(default_factory=list, max_length=MAX_ITEMS)
    information: list[Name] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="The ticked kinds of information, named as in the pack's list "
        "([consent_sharing] information or [consent_data] information).",
    )
    information_types: OptionalText = Field(None, description="More about the information.")
    purpose: OptionalText = None
    valid_until: Date | None = None
    withdrawn_on: Date | None = None
    signatures: list[Signature] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Everyone who signed, each with their own date.",
    )

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        return migrate_consent(data)

    def signed_by(self, member: str, on: date) -> bool:
        """Whether *member* signed this consent on or before *on*."""
        return any(
            s.member == member and s.signed_on is not None and s.signed_on <= on
            for s in self.signatures
        )
