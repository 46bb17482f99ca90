"""``check-templates``: every problem of a pack at once, each with its place.

Checks the manifest and locale, the ``extends`` chain, missing kinds, Jinja syntax per
document part (body, header, footer) with the paragraph, variables the context does
not provide, catalog entries that are untranslated or obsolete, and finally that every
sample renders filled and blank.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta

from ._builtin import samples_root
from ._context import build_blank_context, build_context
from ._environment import make_environment
from ._errors import FamilyPlanError, InputError
from ._kinds import KINDS
from ._labels import required_msgids
from ._load import load_plan
from ._packs import CATALOG, Pack, load_pack
from ._render import MAP_IMAGE, render_to

_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_TAGS = re.compile(r"<[^>]+>")
_JINJA_GLOBALS = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop"}


@dataclass
class Report:
    """The result of checking one pack: ``ok`` when there is no problem."""

    pack: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the pack is complete and renders every sample."""
        return not self.problems


def _parts(path: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if _PART.match(n)]
        return [(n, archive.read(n).decode("utf-8")) for n in sorted(names)]


def _part_label(name: str) -> str:
    match = _PART.match(name)
    return "body" if match and match.group(1) == "document" else (match.group(1) if match else name)


def _paragraph_at(xml: str, lineno: int) -> str:
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).splitlines()
    text = _TAGS.sub("", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    return f"paragraph {max(lineno - 1, 1)} ({text.strip()[:80]!r})"


def _check_document(pack: Pack, kind: str, path: Path, known: set[str]) -> list[str]:
    problems: list[str] = []
    env = make_environment(pack)
    tpl = DocxTemplate(str(path))
    for name, xml in _parts(path):
        where = f"{path.name} [{_part_label(name)}]"
        patched = tpl.patch_xml(xml)
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            problems.append(f"{where} {_paragraph_at(patched, exc.lineno)}: {exc.message}")
            continue
        for variable in sorted(meta.find_undeclared_variables(ast) - known - _JINJA_GLOBALS):
            problems.append(f"{where}: unknown variable {variable!r}")
    return problems


def _check_catalog(pack: Pack) -> list[str]:
    required = required_msgids()
    problems = [
        f"{CATALOG}: {msgid!r} is not translated" for msgid in required if msgid not in pack.catalog
    ]
    obsolete = sorted(set(pack.own_catalog()) - set(required))
    problems += [
        f"{pack.path / CATALOG}: {msgid!r} is obsolete (no code uses it)" for msgid in obsolete
    ]
    return problems


def check_pack(pack: Pack, samples: Sequence[Path]) -> list[str]:
    """Return every problem of a loaded pack."""
    problems: list[str] = []
    try:
        _ = pack.locale
    except FamilyPlanError as exc:
        problems.append(str(exc))
        return problems
    missing = [kind for kind in KINDS if kind not in pack.kinds()]
    problems += [f"missing document kind {kind!r} ({kind}.docx)" for kind in missing]
    plans = []
    for sample in samples:
        try:
            plans.append(load_plan(sample))
        except InputError as exc:
            problems.append(str(exc))
    known = set(build_blank_context(pack)) | {MAP_IMAGE}
    for sample_plan in plans[:1]:
        known |= set(build_context(sample_plan, pack))
    syntax_ok = True
    for kind in pack.kinds():
        found = _check_document(pack, kind, pack.document(kind), known)
        syntax_ok = syntax_ok and not found
        problems += found
    problems += _check_catalog(pack)
    if syntax_ok:
        for kind in pack.kinds():
            for plan in [None, *plans]:
                try:
                    render_to(plan, pack, kind, io.BytesIO())
                except FamilyPlanError as exc:
                    label = "blank" if plan is None else plan.family.name
                    problems.append(f"{kind}.docx rendering {label}: {exc}")
    return problems


def check_templates(name_or_path: str | Path, *, templates: Sequence[str | Path] = ()) -> Report:
    """Check a pack (folder or name) and return a :class:`Report` listing every problem."""
    report = Report(pack=str(name_or_path))
    try:
        pack = load_pack(name_or_path, templates)
    except FamilyPlanError as exc:
        report.problems.append(str(exc))
        return report
    report.pack = pack.name
    base = pack.chain()[-1].name
    samples = (
        sorted((samples_root() / base).glob("*.json"))
        or sorted(samples_root().glob("*/*.json"))[:1]
    )
    report.problems = check_pack(pack, samples)
    return report
