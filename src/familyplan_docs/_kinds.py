"""The document kinds of the toolbox: stable English ids used in code, CLI and file names,
and who reads each one."""

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
    "family_letter",
    "privacy_notice",
    "consent_withdrawal",
    "child_view",
    "follow_up",
    "closing",
)
"""Every document kind: the KORA toolbox (seed 004) in its order, then the rest of the
family's path (the letter, privacy, withdrawal, the child's view, follow-up and closing)."""

READERS: tuple[str, ...] = ("family", "network", "professional", "coordinator")
"""Who can read a document: the family, its network (the parties the family's consent
covers), one professional it is addressed to, or the coordinator alone."""

AUDIENCE: dict[str, frozenset[str]] = {
    "process_plan": frozenset({"family", "coordinator"}),
    "coordinator_role": frozenset({"family", "network"}),
    "checklist": frozenset({"coordinator"}),
    "flyer": frozenset({"family"}),
    "phone_guide": frozenset({"coordinator"}),
    "screening_guide": frozenset({"coordinator"}),
    "consent_data": frozenset({"family", "coordinator"}),
    "consent_sharing": frozenset({"family", "coordinator"}),
    "family_plan": frozenset({"family", "network"}),
    "preparation_guide": frozenset({"coordinator"}),
    "network_map": frozenset({"family", "coordinator"}),
    "agenda": frozenset({"family", "network"}),
    "invitation": frozenset({"professional"}),
    "minutes": frozenset({"family", "network"}),
    "family_letter": frozenset({"family"}),
    "privacy_notice": frozenset({"family"}),
    "consent_withdrawal": frozenset({"family", "coordinator"}),
    "child_view": frozenset({"family", "coordinator"}),
    "follow_up": frozenset({"family", "network"}),
    "closing": frozenset({"family", "network"}),
}
"""The readers of every kind (README, "Who reads what")."""

ID_NUMBER_KINDS: frozenset[str] = frozenset(
    {"consent_data", "consent_sharing", "consent_withdrawal"}
    | {kind for kind, readers in AUDIENCE.items() if readers == {"coordinator"}}
)
"""Kinds whose readers need national ID numbers: the consent forms (a consent names whom it
is for) and forms only the coordinator reads. Anywhere else an ID number prints nothing."""

FAMILY_FACING: frozenset[str] = frozenset(
    {
        "flyer",
        "agenda",
        "consent_data",
        "consent_sharing",
        "family_plan",
        "family_letter",
        "privacy_notice",
        "consent_withdrawal",
        "child_view",
        "follow_up",
        "closing",
    }
)
"""Kinds the family itself reads; rendered in the family's preferred language if it has one."""
