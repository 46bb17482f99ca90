"""familyplan-docs: one family, one plan, one coordinator — the whole toolbox as Word.

The public API is what ``__all__`` lists; the subpackages (``model``, ``packs``, ``render``,
``netmap``, ``workbook``, ``delivery``, ``authoring``) are the architecture and may change.

Typical use::

    from familyplan_docs import load_plan, render
    plan = load_plan("samples/da/familien-haddad.json")
    render(plan, "out/", locale="da", pdf=False)
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ._errors import (
    FamilyPlanError,
    InputError,
    OutputError,
    PackError,
    Problem,
    TemplateRenderError,
    ToolMissingError,
    UnknownChoiceError,
)
from ._kinds import FAMILY_FACING, KINDS

if TYPE_CHECKING:  # what the names below are, for type checkers and editors
    from ._api import (
        PackInfo,
        demo,
        distribute,
        export_json,
        list_packs,
        render,
        render_blank,
        write_invitation,
        write_workbook,
    )
    from ._input import load_plan
    from .authoring.check import (
        Report,
        check_templates,
    )
    from .authoring.newpack import new_pack
    from .delivery.calendar import (
        meeting_invitation,
        not_invited,
    )
    from .delivery.consent import (
        Decision,
        check_recipients,
    )
    from .delivery.distribute import DistributionManifest
    from .delivery.pdf import pdf_pool
    from .model.ids import (
        Country,
        PersonalId,
    )
    from .model.load import (
        json_schema,
        plan_from_json,
    )
    from .model.plan import (
        ActionItem,
        ActionPlan,
        AgendaItem,
        Agreement,
        AgreementStatus,
        ChecklistEntry,
        ChecklistStep,
        Closeness,
        Consent,
        ConsentKind,
        Coordinator,
        DataSource,
        DirectionHolder,
        ExternalParty,
        Family,
        FamilyPlan,
        Goal,
        GoalStatus,
        Intervention,
        MapSector,
        Meeting,
        MeetingKind,
        Member,
        MemberRole,
        NetworkGroup,
        NetworkMember,
        Organization,
        Participant,
        Phase,
        PlanVersion,
        RoundEntry,
        Supporter,
        YoungPersonSignature,
    )
    from .packs.discovery import (
        choose_pack,
        load_pack,
    )
    from .packs.pack import Pack

from ._version import __version__

_LAZY: dict[str, str] = {
    "PackInfo": "._api",
    "demo": "._api",
    "distribute": "._api",
    "export_json": "._api",
    "list_packs": "._api",
    "pdf_pool": ".delivery.pdf",
    "render": "._api",
    "render_blank": "._api",
    "write_invitation": "._api",
    "write_workbook": "._api",
    "load_plan": "._input",
    "Report": ".authoring.check",
    "check_templates": ".authoring.check",
    "new_pack": ".authoring.newpack",
    "meeting_invitation": ".delivery.calendar",
    "not_invited": ".delivery.calendar",
    "Decision": ".delivery.consent",
    "check_recipients": ".delivery.consent",
    "DistributionManifest": ".delivery.distribute",
    "Country": ".model.ids",
    "PersonalId": ".model.ids",
    "json_schema": ".model.load",
    "plan_from_json": ".model.load",
    "ActionItem": ".model.plan",
    "ActionPlan": ".model.plan",
    "AgendaItem": ".model.plan",
    "Agreement": ".model.plan",
    "AgreementStatus": ".model.plan",
    "ChecklistEntry": ".model.plan",
    "ChecklistStep": ".model.plan",
    "Closeness": ".model.plan",
    "Consent": ".model.plan",
    "ConsentKind": ".model.plan",
    "Coordinator": ".model.plan",
    "DataSource": ".model.plan",
    "DirectionHolder": ".model.plan",
    "ExternalParty": ".model.plan",
    "Family": ".model.plan",
    "FamilyPlan": ".model.plan",
    "Goal": ".model.plan",
    "GoalStatus": ".model.plan",
    "Intervention": ".model.plan",
    "MapSector": ".model.plan",
    "Meeting": ".model.plan",
    "MeetingKind": ".model.plan",
    "Member": ".model.plan",
    "MemberRole": ".model.plan",
    "NetworkGroup": ".model.plan",
    "NetworkMember": ".model.plan",
    "Organization": ".model.plan",
    "Participant": ".model.plan",
    "Phase": ".model.plan",
    "PlanVersion": ".model.plan",
    "RoundEntry": ".model.plan",
    "Supporter": ".model.plan",
    "YoungPersonSignature": ".model.plan",
    "choose_pack": ".packs.discovery",
    "load_pack": ".packs.discovery",
    "Pack": ".packs.pack",
}
"""Public names imported on first use (PEP 562), so ``import familyplan_docs`` stays light."""

__all__ = [
    "FAMILY_FACING",
    "KINDS",
    "ActionItem",
    "ActionPlan",
    "AgendaItem",
    "Agreement",
    "AgreementStatus",
    "ChecklistEntry",
    "ChecklistStep",
    "Closeness",
    "Consent",
    "ConsentKind",
    "Coordinator",
    "Country",
    "DataSource",
    "Decision",
    "DirectionHolder",
    "DistributionManifest",
    "ExternalParty",
    "Family",
    "FamilyPlan",
    "FamilyPlanError",
    "Goal",
    "GoalStatus",
    "InputError",
    "Intervention",
    "MapSector",
    "Meeting",
    "MeetingKind",
    "Member",
    "MemberRole",
    "NetworkGroup",
    "NetworkMember",
    "Organization",
    "OutputError",
    "Pack",
    "PackError",
    "PackInfo",
    "Participant",
    "PersonalId",
    "Phase",
    "PlanVersion",
    "Problem",
    "Report",
    "RoundEntry",
    "Supporter",
    "TemplateRenderError",
    "ToolMissingError",
    "UnknownChoiceError",
    "YoungPersonSignature",
    "__version__",
    "check_recipients",
    "check_templates",
    "choose_pack",
    "demo",
    "distribute",
    "export_json",
    "json_schema",
    "list_packs",
    "load_pack",
    "load_plan",
    "meeting_invitation",
    "new_pack",
    "not_invited",
    "pdf_pool",
    "plan_from_json",
    "render",
    "render_blank",
    "write_invitation",
    "write_workbook",
]


_SHADOWED = frozenset({"render"})
"""Public names that are also a subpackage's name: importing ``familyplan_docs.render.*``
must not replace the public ``render`` function with the subpackage (which stays in
``sys.modules``); the package module's class below keeps the function."""


class _Package(types.ModuleType):
    """The package module: a subpackage import never hides a public name of the same name."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it in the module's namespace."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
