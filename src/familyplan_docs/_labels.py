"""Labels that code supplies (enum values and other ids), translated by a pack's catalog.

A label's msgid is ``<set>.<value>``, e.g. ``member_role.parent``; every pack's
``messages.po`` must translate every id that :func:`required_msgids` returns.
"""

from __future__ import annotations

from enum import StrEnum

from . import _model as m

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
}
_PREFIX = {enum: prefix for prefix, enum in LABELLED_ENUMS.items()}

OTHER_MSGIDS: tuple[str, ...] = (
    "bool.true",
    "bool.false",
    "network_map.alt",
    "network_map.alt_blank",
    "network_map.centre_blank",
)
"""Labels used by the rendering code itself; ``network_map.alt`` takes {family} and {count}."""


def label_id(value: StrEnum) -> str:
    """Return the catalog msgid of an enum value, e.g. ``goal_status.reached``."""
    return f"{_PREFIX[type(value)]}.{value.value}"


def required_msgids() -> list[str]:
    """Return every msgid the code looks up in a pack's catalog, in a stable order."""
    ids = [f"{prefix}.{v.value}" for prefix, enum in LABELLED_ENUMS.items() for v in enum]
    ids.extend(OTHER_MSGIDS)
    # imported here: those modules import this one for the enum labels
    from ._calendar import MSGIDS as calendar_ids
    from ._distribute import MSGIDS as distribute_ids
    from ._workbook_labels import MSGIDS as workbook_ids

    ids.extend(workbook_ids)
    ids.extend(calendar_ids)
    ids.extend(distribute_ids)
    return list(dict.fromkeys(ids))
