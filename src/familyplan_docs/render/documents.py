"""Rendering: plan + pack → .docx files, written atomically (all or nothing).

Templates render with docxtpl inside the pack's sandboxed, autoescaping environment
(:func:`familyplan_docs.render.environment.make_environment`). A template that tries to reach
Python internals, has a syntax error or fails otherwise raises
:class:`TemplateRenderError` naming the pack and document, and nothing is written.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError

from .._errors import FamilyPlanError, TemplateRenderError, ToolMissingError, UnknownChoiceError
from .._files import check_folder_target, staging_folder
from .._kinds import AUDIENCE, FAMILY_FACING, ID_NUMBER_KINDS, KINDS
from ..model.enums import Closeness, MapSector
from ..model.plan import FamilyPlan
from ..netmap.draw import MapEntry, draw_network_map
from ..packs.guards import load_template
from ..packs.pack import Pack
from .budget import NUMBER_RUN, RenderLimitError, render_budget
from .compiled.template import compiled_template
from .environment import make_environment
from .guard import SharedValueChanged
from .provenance import add_provenance_to_zip, provenance
from .sandbox import refuse_declarations
from .shared import (
    SharedContext,
    new_context,
    protect_shared,
    shared_context,
)
from .values import Record, id_numbers_shown

MAP_IMAGE = "network_map_image"
"""Context name of the drawn network map; computed only for templates that use it."""

LOGO_IMAGE = "organization_logo"
"""Context name of the pack's logo (``logo.png``), with its alt text; empty without one."""

_XML_PARTS = (".xml", ".rels", ".vml", ".svg")


def select_kinds(kinds: Iterable[str] | None, pack: Pack | None = None) -> list[str]:
    """Validate requested kinds (all kinds when None); unknown ones raise with the list."""
    if kinds is None:
        return list(KINDS)
    chosen = [k.strip() for k in kinds if k.strip()]
    for kind in chosen:
        if kind not in KINDS:
            raise UnknownChoiceError("document kind", kind, KINDS)
    return list(dict.fromkeys(chosen))


def _network_map(tpl: Any, plan: FamilyPlan | None, pack: Pack) -> tuple[Any, str]:
    entries = (
        [MapEntry(n.name, n.sector, n.closeness, n.relation or "") for n in plan.network]
        if plan
        else []
    )
    from . import plain  # python-docx and docxtpl: only for a logo, a map or plain docxtpl

    png = draw_network_map(
        entries,
        centre_label=plan.family.name if plan else pack.gettext("network_map.centre_blank"),
        sector_labels={s: pack.gettext(f"sector.{s.value}") for s in MapSector},
        ring_labels={c: pack.gettext(f"closeness.{c.value}") for c in Closeness},
    )
    if plan:
        alt = pack.format("network_map.alt", {"family": plan.family.name, "count": len(entries)})
    else:
        alt = pack.gettext("network_map.alt_blank")
    return plain.map_image(tpl, png), alt


def _logo(tpl: Any, plan: FamilyPlan | None, pack: Pack) -> Any:
    """The pack's logo as an image with its alt text, or an empty text without one."""
    data = pack.logo()
    if data is None:
        return ""
    from . import plain  # python-docx and docxtpl: only for a logo, a map or plain docxtpl

    if plan:
        alt = pack.format("logo.alt", {"organization": plan.organization.name})
    else:
        alt = pack.gettext("logo.alt_blank")
    return plain.logo_image(tpl, data, alt)


def document_record(kind: str) -> Record:
    """``document``: the kind being rendered, its readers and whether ID numbers print."""
    return Record(kind=kind, readers=sorted(AUDIENCE[kind]), id_numbers=kind in ID_NUMBER_KINDS)


def render_to(
    plan: FamilyPlan | None,
    pack: Pack,
    kind: str,
    target: Path | io.BytesIO,
    *,
    context: SharedContext | None = None,
) -> None:
    """Render one document kind (blank when *plan* is None) into *target*.

    *context* (from :func:`familyplan_docs.render.shared.shared_context` for the same *plan* and
    *pack*) saves building the template context for each document of a family. The
    document is the same as without it: a template that tries to change the shared
    context is rendered once more with a context of its own.
    """
    source = pack.document(kind)
    if context is not None and (context.plan is not plan or context.pack is not pack):
        raise ValueError("the shared context was built for another plan or pack")
    document = {"document": document_record(kind)}
    try:
        with id_numbers_shown(kind in ID_NUMBER_KINDS):
            if context is None:
                values = {**new_context(plan, pack), **document}
                _render_document(source, plan, pack, values, target)
                return
            try:
                with protect_shared(context):
                    _render_document(source, plan, pack, {**context.values, **document}, target)
            except SharedValueChanged as changed:  # within the time the first render had left
                with render_budget(changed.seconds, deadline=changed.deadline):
                    values = {**new_context(plan, pack), **document}
                    _render_document(source, plan, pack, values, target)
    except RenderLimitError as exc:  # a limit reached: the document would be too large
        raise TemplateRenderError(f"{source}: refused, nothing written: {exc}") from None
    except SecurityError as exc:
        raise TemplateRenderError(
            f"{source}: the template tries something the sandbox forbids: {exc}"
        ) from None
    except TemplateError as exc:
        line = getattr(exc, "docx_context", None)
        where = f" near: {' '.join(t for t in line if t.strip())[:200]}" if line else ""
        raise TemplateRenderError(f"{source}: {type(exc).__name__}: {exc}{where}") from None
    except (FamilyPlanError, OSError):  # bad input, or writing the output failed (disk full)
        raise
    except MemoryError:
        raise TemplateRenderError(
            f"{source}: rendering needs more memory than there is; the template does too much"
        ) from None
    except RecursionError:
        raise TemplateRenderError(f"{source}: the template nests too deeply to render") from None
    except Exception as exc:  # an untrusted template can make output no library expects
        message = NUMBER_RUN.sub("…", str(exc))[:300]  # never an ID number from the data
        raise TemplateRenderError(
            f"{source}: the document cannot be made ({type(exc).__name__}: {message}); "
            "does the template write raw markup (|safe)?"
        ) from None


def _render_document(
    source: Path,
    plan: FamilyPlan | None,
    pack: Pack,
    context: dict[str, Any],
    target: Path | io.BytesIO,
) -> None:
    """Render the template *source* with *context* into *target* (errors as Jinja's)."""
    alt = ""
    compiled = compiled_template(source, pack)
    if compiled is not None:  # patched and compiled once, reused for every render
        job = compiled.start()
        if compiled.mentions(MAP_IMAGE):
            context[MAP_IMAGE], alt = _network_map(job, plan, pack)
        context[LOGO_IMAGE] = _logo(job, plan, pack)
        job.render(context, target, alt_text=alt)
        return
    # a template only plain docxtpl renders faithfully; read as the guard measured it
    from . import plain  # python-docx and docxtpl: only for a logo, a map or plain docxtpl

    tpl = plain.CheckedDocxTemplate(load_template(source).honest())
    tpl.init_docx()
    if MAP_IMAGE in tpl.get_xml():
        context[MAP_IMAGE], alt = _network_map(tpl, plan, pack)
    context[LOGO_IMAGE] = _logo(tpl, plan, pack)
    with render_budget():  # the render limits hold for the document as a whole
        tpl.render(context, jinja_env=make_environment(pack), autoescape=True)
    if alt:
        plain.set_alt_text(tpl, alt)
    saved = io.BytesIO()
    tpl.save(saved)
    with zipfile.ZipFile(saved) as archive:  # written just now: its headers are honest
        for info in archive.infolist():
            if info.filename.lower().endswith(_XML_PARTS):
                refuse_declarations(archive.read(info), info.filename)
    data = add_provenance_to_zip(saved.getvalue(), provenance(pack, source))
    if isinstance(target, Path):
        target.write_bytes(data)
    else:
        target.write(data)


ToPdf = Callable[[Sequence[Path], Path], list[Path]]
"""Converts documents to PDF into a folder (:func:`familyplan_docs.delivery.pdf.convert_to_pdf`)."""


def render_documents(
    plan: FamilyPlan | None,
    pack: Pack,
    out_dir: str | Path,
    kinds: Sequence[str] | None = None,
    *,
    to_pdf: ToPdf | None = None,
    family_pack: Pack | None = None,
) -> list[Path]:
    """Render *kinds* (all when None) of *plan* (blank forms when None) into *out_dir*.

    Writes ``<kind>.docx`` (and ``<kind>.pdf`` when *to_pdf* is given) and returns the
    paths. Every file is rendered into a staging folder first and moved into place only
    when all succeeded, so a failure leaves *out_dir* as it was. When *to_pdf* raises
    :class:`ToolMissingError` (no LibreOffice), the .docx files are still written and the
    error is raised after. With *family_pack*, the kinds the family reads
    (``FAMILY_FACING``) use that pack.
    """
    chosen = select_kinds(kinds)
    out = check_folder_target(out_dir)
    with staging_folder(out.parent, "render") as staging:
        written = []
        contexts: dict[int, SharedContext] = {}  # built once per pack, shared by its kinds
        for kind in chosen:
            path = staging / f"{kind}.docx"
            chosen_pack = family_pack if family_pack and kind in FAMILY_FACING else pack
            if id(chosen_pack) not in contexts:
                contexts[id(chosen_pack)] = shared_context(plan, chosen_pack)
            render_to(plan, chosen_pack, kind, path, context=contexts[id(chosen_pack)])
            written.append(path)
        pdf_error: ToolMissingError | None = None
        if to_pdf is not None:
            try:
                written += to_pdf(written, staging)
            except ToolMissingError as exc:
                pdf_error = exc
        out.mkdir(parents=True, exist_ok=True)
        final = []
        for path in written:
            destination = out / path.name
            os.replace(path, destination)
            final.append(destination)
    if pdf_error is not None:
        raise pdf_error
    return final
