"""The document kinds of the toolbox: stable English ids used in code, CLI and file names."""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "process_plan",
    "coordinator_role",
    "checklist",
    "flyer",
    "phone_guide",
    "screening_guide",
    "consent_data",
    "consent_sharing",
    "family_plan",
    "preparation_guide",
    "network_map",
    "agenda",
    "invitation",
    "minutes",
)
"""Every document kind, in the order of the KORA toolbox (seed 004)."""

FAMILY_FACING: frozenset[str] = frozenset(
    {"flyer", "agenda", "consent_data", "consent_sharing", "family_plan"}
)
"""Kinds the family itself reads; rendered in the family's preferred language if it has one."""
