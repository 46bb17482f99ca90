"""The high-level Python API: one call per job, the same jobs as the command line."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import ToolMissingError, UnknownChoiceError
from ._files import atomic_write, staging_folder
from .packs.builtin import samples_root
from .packs.discovery import choose_pack, load_pack, survey

if TYPE_CHECKING:
    from .delivery.distribute import DistributionManifest
    from .delivery.pdf import PdfStage
    from .model.plan import FamilyPlan
    from .packs.pack import Pack
    from .render.documents import ToPdf

# Each job below imports the stack it runs (documents, PDF, workbook, calendar, distribution)
# when it runs, so a process that writes an invitation never loads docxtpl, and one that
# renders without PDFs never loads pikepdf or openpyxl: the entry layer's one exception to
# "imports of the package's own modules at module top" (tests/test_architecture.py).

__all__ = [
    "PackInfo",
    "demo",
    "distribute",
    "export_json",
    "language_note",
    "list_packs",
    "render",
    "render_blank",
    "sample_files",
    "write_invitation",
    "write_workbook",
]

Templates = Sequence[str | Path]


def _to_pdf(plan: FamilyPlan | None, pack: Pack, pdf: bool, bundle: bool) -> ToPdf | None:
    """The converter for a render: PDFs (through the warm pool where one runs), and the case
    file with *bundle*, which implies *pdf*."""
    if not (pdf or bundle):
        return None
    from .delivery.pdf import bundle_for, convert_to_pdf

    return functools.partial(convert_to_pdf, bundle=bundle_for(plan, pack) if bundle else None)


@dataclass(frozen=True)
class PackInfo:
    """A discovered pack: its name, locale, title and folder; why it is broken, if it is."""

    name: str
    locale: str
    title: str
    path: Path
    problem: str | None = None
    """None for a usable pack; else the reason (its folder's name stands in as its name
    when its ``pack.toml`` cannot be read)."""


def render(
    plan: FamilyPlan,
    out_dir: str | Path,
    *,
    locale: str | None = None,
    kinds: Sequence[str] | None = None,
    templates: Templates = (),
    pdf: bool = False,
    bundle: bool = False,
) -> list[Path]:
    """Render *plan* to ``out_dir/<kind>.docx`` (and ``.pdf``); all kinds when *kinds* is None.

    Without *locale*, the plan's country picks the pack, and the documents the family
    reads (flyer, agenda, consents, plan) use the family's ``preferred_language`` pack
    when it has one and that pack exists. PDFs are PDF/A-2b + PDF/UA-1; *bundle* (which
    implies *pdf*) adds ``bundle.pdf``, the case file with one bookmark per document.
    """
    from .render.documents import render_documents

    pack = choose_pack(plan, locale, templates)
    family_pack = _family_pack(plan, locale, templates, pack)
    to_pdf = _to_pdf(plan, pack, pdf, bundle)
    return render_documents(plan, pack, out_dir, kinds, to_pdf=to_pdf, family_pack=family_pack)


def _family_pack(
    plan: FamilyPlan, locale: str | None, templates: Templates, pack: Pack
) -> Pack | None:
    """The pack of the family's ``preferred_language``, when it differs and exists."""
    preferred = plan.family.preferred_language
    if locale is not None or not preferred or preferred == pack.name:
        return None
    try:
        return load_pack(preferred, templates)
    except UnknownChoiceError:
        return None


def language_note(plan: FamilyPlan, locale: str | None = None, templates: Templates = ()) -> str:
    """Why the family's documents are not in its ``preferred_language``, or ``""``.

    :func:`render` uses the family's language for the documents the family reads only
    when a pack for it exists; otherwise they are in the country's language, and this
    says so (the command line prints it as a note).
    """
    preferred = plan.family.preferred_language
    pack = choose_pack(plan, locale, templates)
    if locale is not None or not preferred or preferred == pack.name:
        return ""
    if _family_pack(plan, locale, templates, pack) is not None:
        return ""
    return (
        f"$.family.preferred_language: there is no pack for {preferred!r}, so the documents "
        f"the family reads are in the pack {pack.name!r} ({pack.locale}) like the others; "
        "`familyplan-docs locales` lists the packs"
    )


def render_blank(
    out_dir: str | Path,
    *,
    locale: str,
    kinds: Sequence[str] | None = None,
    templates: Templates = (),
    pdf: bool = False,
    bundle: bool = False,
) -> list[Path]:
    """Render blank forms for hand-writing into *out_dir* (PDFs and case file as :func:`render`)."""
    from .render.documents import render_documents

    pack = load_pack(locale, templates)
    return render_documents(None, pack, out_dir, kinds, to_pdf=_to_pdf(None, pack, pdf, bundle))


def list_packs(templates: Templates = (), *, include_broken: bool = False) -> list[PackInfo]:
    """Return every usable pack, sorted by name (the first of a name on the search path).

    A pack is usable when its ``pack.toml``, its ``extends`` chain and its locale can be
    read. With *include_broken*, pack folders that are not usable are listed too, each
    with its :attr:`PackInfo.problem`.
    """
    infos = []
    for found in survey(templates, chains=True):
        if found.problem is not None and not include_broken:
            continue
        manifest = found.manifest
        if manifest is None:
            info = PackInfo(found.folder.name, "", "", found.folder, found.problem)
        else:
            info = PackInfo(manifest.name, manifest.locale, manifest.title, found.folder)
            info = dataclasses.replace(info, problem=found.problem)
        infos.append(info)
    return sorted(infos, key=lambda info: (info.problem is not None, info.name))


def export_json(plan: FamilyPlan, out: str | Path) -> Path:
    """Write *plan* as JSON (UTF-8, indented) atomically; ID numbers are written as given."""
    return atomic_write(out, plan.model_dump_json(indent=2, exclude_none=True) + "\n")


def sample_files() -> list[Path]:
    """Return the bundled sample plans (``samples/<lang>/*.json`` inside the package)."""
    return sorted(samples_root().glob("*/*.json"))


def demo(out_dir: str | Path, *, pdf: bool = False, bundle: bool = False) -> dict[str, int]:
    """Render every bundled sample in its language, filled and blank, into *out_dir*.

    Returns the number of files written per folder: ``<lang>/<sample>/`` and ``<lang>/blank/``.
    With a warm pool, each folder converts while the next one renders.
    """
    from ._input import load_plan
    from .delivery.pdf import PdfStage, bundle_for, warm_pool
    from .render.documents import render_documents

    out = Path(out_dir)
    folders: list[tuple[FamilyPlan | None, Pack, Path]] = []
    for sample in sample_files():
        lang = sample.parent.name
        pack = load_pack(lang)
        folders.append((load_plan(sample), pack, out / lang / sample.stem))
        if all(folder != out / lang / "blank" for *_, folder in folders):
            folders.append((None, pack, out / lang / "blank"))
    pool = None
    if pdf or bundle:
        with contextlib.suppress(ToolMissingError):  # the .docx files are written first
            pool = warm_pool()
    if pool is None:
        return {
            str(folder): len(
                render_documents(plan, pack, folder, to_pdf=_to_pdf(plan, pack, pdf, bundle))
            )
            for plan, pack, folder in folders
        }
    written: dict[str, int] = {}
    with staging_folder(out, "demo") as staging:
        stage = PdfStage(pool)
        try:
            for number, (plan, pack, folder) in enumerate(folders):
                render_documents(plan, pack, staging / str(number))
                stage.add(
                    staging / str(number),
                    folder,
                    str(folder),
                    bundle_for(plan, pack) if bundle else None,
                )
                _placed(stage, written, block=stage.in_flight() >= stage.limit)
            while stage.in_flight():
                _placed(stage, written, block=True)
        except BaseException:
            stage.cancel()
            raise
    return written


def _placed(stage: PdfStage, written: dict[str, int], *, block: bool) -> None:
    if block:
        stage.wait()
    for folder, placed in stage.collect():
        if not isinstance(placed, list):
            raise placed
        written[str(folder)] = len(placed)


def write_workbook(
    out: str | Path,
    *,
    locale: str,
    plan: FamilyPlan | None = None,
    templates: Templates = (),
) -> Path:
    """Write the Excel input workbook in the pack's language, pre-filled from *plan*."""
    from .workbook.write import write_workbook as _write_workbook

    return _write_workbook(load_pack(locale, templates), Path(out), plan)


def write_invitation(
    plan: FamilyPlan,
    meeting: int,
    out: str | Path,
    *,
    locale: str | None = None,
    templates: Templates = (),
) -> Path:
    """Write an .ics invitation for meeting number *meeting* (1-based), free of personal data."""
    from .delivery.calendar import meeting_invitation

    data = meeting_invitation(plan, meeting, choose_pack(plan, locale, templates))
    return atomic_write(out, data)


def distribute(
    plan: FamilyPlan,
    out_dir: str | Path,
    *,
    locale: str | None = None,
    on: date | None = None,
    pdf: bool = False,
    bundle: bool = False,
    templates: Templates = (),
) -> DistributionManifest:
    """Render the plan for each recipient a valid sharing consent covers; see ``manifest.json``.

    The family always receives its plan; refused recipients are listed with the reason.
    *bundle* (which implies *pdf*) gives each recipient the case file ``bundle.pdf`` too.
    """
    from .delivery.distribute import distribute as _distribute

    pack = choose_pack(plan, locale, templates)
    return _distribute(plan, pack, Path(out_dir), on=on, pdf=pdf, bundle=bundle)
