"""The high-level Python API: one call per job, the same jobs as the command line."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._builtin import samples_root
from ._errors import FamilyPlanError
from ._ids import Country
from ._load import load_plan
from ._model import FamilyPlan
from ._packs import Pack, discover, load_pack, read_manifest
from ._render import render_documents

if TYPE_CHECKING:
    from ._distribute import DistributionManifest

DEFAULT_PACK = {Country.DK: "da", Country.NL: "nl", Country.SE: "sv"}
"""The built-in pack used for a plan's country when no locale is given."""

Templates = Sequence[str | Path]

__all__ = [
    "PackInfo",
    "choose_pack",
    "demo",
    "export_json",
    "json_schema",
    "list_packs",
    "load_plan",
    "render",
    "render_blank",
]


@dataclass(frozen=True)
class PackInfo:
    """A discovered pack: its name, locale, title and folder."""

    name: str
    locale: str
    title: str
    path: Path


def choose_pack(plan: FamilyPlan | None, locale: str | None, templates: Templates = ()) -> Pack:
    """Load the pack named by *locale*, or the built-in pack of the plan's country."""
    if locale is None:
        if plan is None:
            raise FamilyPlanError("a locale is needed (for example --locale da)")
        locale = DEFAULT_PACK[plan.country]
    return load_pack(locale, templates)


def render(
    plan: FamilyPlan,
    out_dir: str | Path,
    *,
    locale: str | None = None,
    kinds: Sequence[str] | None = None,
    templates: Templates = (),
    pdf: bool = False,
) -> list[Path]:
    """Render *plan* to ``out_dir/<kind>.docx`` (and ``.pdf``); all kinds when *kinds* is None.

    Without *locale*, the plan's country picks the pack, and the documents the family
    reads (flyer, agenda, consents, plan) use the family's ``preferred_language`` pack
    when it has one and that pack exists.
    """
    pack = choose_pack(plan, locale, templates)
    family_pack = None
    preferred = plan.family.preferred_language
    if locale is None and preferred and preferred != pack.name:
        family_pack = load_pack(preferred, templates)
    return render_documents(plan, pack, out_dir, kinds, pdf=pdf, family_pack=family_pack)


def render_blank(
    out_dir: str | Path,
    *,
    locale: str,
    kinds: Sequence[str] | None = None,
    templates: Templates = (),
    pdf: bool = False,
) -> list[Path]:
    """Render blank forms for hand-writing into *out_dir*."""
    return render_documents(None, load_pack(locale, templates), out_dir, kinds, pdf=pdf)


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of :class:`FamilyPlan` (draft 2020-12)."""
    schema = FamilyPlan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://familyplan-docs.example/schema/familyplan-1.json"
    return schema


def list_packs(templates: Templates = ()) -> list[PackInfo]:
    """Return every discoverable pack, sorted by name."""
    infos = []
    for name, folder in sorted(discover(templates).items()):
        manifest = read_manifest(folder)
        infos.append(PackInfo(name, manifest.locale, manifest.title, folder))
    return infos


def export_json(plan: FamilyPlan, out: str | Path) -> Path:
    """Write *plan* as JSON (UTF-8, indented) atomically; ID numbers are written as given."""
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".plan-", suffix=".json", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(plan.model_dump_json(indent=2, exclude_none=True))
        handle.write("\n")
    os.replace(tmp, target)
    return target


def sample_files() -> list[Path]:
    """Return the bundled sample plans (``samples/<lang>/*.json``)."""
    return sorted(samples_root().glob("*/*.json"))


def demo(out_dir: str | Path, *, pdf: bool = False) -> dict[str, int]:
    """Render every bundled sample in its language, filled and blank, into *out_dir*.

    Returns the number of files written per folder: ``<lang>/<sample>/`` and ``<lang>/blank/``.
    """
    out = Path(out_dir)
    written: dict[str, int] = {}
    for sample in sample_files():
        lang = sample.parent.name
        plan = load_plan(sample)
        pack = load_pack(lang)
        folder = out / lang / sample.stem
        written[str(folder)] = len(render_documents(plan, pack, folder, pdf=pdf))
        blank = out / lang / "blank"
        if str(blank) not in written:
            written[str(blank)] = len(render_documents(None, pack, blank, pdf=pdf))
    return written


def dump_schema(out: str | Path) -> Path:
    """Write the JSON Schema to *out* (used to publish ``schema/familyplan.schema.json``)."""
    target = Path(out)
    target.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return target


def write_workbook(
    out: str | Path,
    *,
    locale: str,
    plan: FamilyPlan | None = None,
    templates: Templates = (),
) -> Path:
    """Write the Excel input workbook in the pack's language, pre-filled from *plan*."""
    from ._workbook import write_workbook as _write

    return _write(load_pack(locale, templates), Path(out), plan)


def write_invitation(
    plan: FamilyPlan,
    meeting: int,
    out: str | Path,
    *,
    locale: str | None = None,
    templates: Templates = (),
) -> Path:
    """Write an .ics invitation for meeting number *meeting* (1-based), free of personal data."""
    from ._calendar import meeting_invitation

    data = meeting_invitation(plan, meeting, choose_pack(plan, locale, templates))
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".invite-", suffix=".ics", dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)
    return target


def distribute(
    plan: FamilyPlan,
    out_dir: str | Path,
    *,
    locale: str | None = None,
    on: date | None = None,
    pdf: bool = False,
    templates: Templates = (),
) -> DistributionManifest:
    """Render the plan for each recipient a valid sharing consent covers; see ``manifest.json``.

    The family always receives its plan; refused recipients are listed with the reason.
    """
    from ._distribute import distribute as _distribute

    pack = choose_pack(plan, locale, templates)
    return _distribute(plan, pack, Path(out_dir), on=on, pdf=pdf)
