"""Labels that code supplies (enum values and other ids), translated by a pack's catalog.

A label's msgid is ``<set>.<value>``, e.g. ``member_role.parent``; every pack's
``messages.po`` must translate every id the code looks up
(:func:`familyplan_docs.authoring.msgids.required_msgids` lists them all).
"""

from __future__ import annotations

from enum import StrEnum

from ..model import enums as m

LABELLED_ENUMS: dict[str, type[StrEnum]] = {
    "member_role": m.MemberRole,
    "direction": m.DirectionHolder,
    "network_group": m.NetworkGroup,
    "sector": m.MapSector,
    "closeness": m.Closeness,
    "goal_status": m.GoalStatus,
    "agreement_status": m.AgreementStatus,
    "meeting_kind": m.MeetingKind,
    "consent_kind": m.ConsentKind,
    "data_source": m.DataSource,
    "phase": m.Phase,
    "checklist_step": m.ChecklistStep,
    "signer_role": m.SignerRole,
    "services_position": m.ServicesPosition,
}
_PREFIX = {enum: prefix for prefix, enum in LABELLED_ENUMS.items()}

OTHER_MSGIDS: tuple[str, ...] = (
    "bool.true",
    "bool.false",
    "network_map.alt",
    "network_map.alt_blank",
    "network_map.centre_blank",
    "logo.alt",
    "logo.alt_blank",
    "time.range",
    "time.at",
)
"""Labels used by the rendering code itself; ``network_map.alt`` takes {family} and {count},
``logo.alt`` (the alt text of the pack's logo) takes {organization}, ``time.range`` (a
meeting's start and end) takes {start} and {end}, ``time.at`` (a start only) {start}."""

__all__ = ["LABELLED_ENUMS", "OTHER_MSGIDS", "label_id"]


def label_id(value: StrEnum) -> str:
    """Return the catalog msgid of an enum value, e.g. ``goal_status.reached``."""
    return f"{_PREFIX[type(value)]}.{value.value}"
