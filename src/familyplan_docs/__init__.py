"""familyplan-docs: one family, one plan, one coordinator — the whole toolbox as Word.

The public API is what ``__all__`` lists; the subpackages (``model``, ``packs``, ``render``,
``netmap``, ``workbook``, ``delivery``, ``authoring``) are the architecture and may change.

Typical use::

    from familyplan_docs import load_plan, render
    plan = load_plan("samples/da/familien-haddad.json")
    render(plan, "out/", locale="da", pdf=False)
"""

from ._api import (
    PackInfo,
    demo,
    distribute,
    export_json,
    list_packs,
    pdf_pool,
    render,
    render_blank,
    write_invitation,
    write_workbook,
)
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
from ._input import load_plan
from ._kinds import FAMILY_FACING, KINDS
from .authoring.check import Report, check_templates
from .authoring.newpack import new_pack
from .delivery.calendar import meeting_invitation, not_invited
from .delivery.consent import Decision, check_recipients
from .delivery.distribute import DistributionManifest
from .model.ids import Country, PersonalId
from .model.load import json_schema, plan_from_json
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
from .packs.discovery import choose_pack, load_pack
from .packs.pack import Pack

__version__ = "0.1.0"

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
