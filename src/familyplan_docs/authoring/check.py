"""``check-templates``: every problem of a pack at once, each with its place.

In one run: the manifest and its locale, the ``extends`` chain (missing or circular),
missing document kinds after following ``extends``, files that are not a document kind,
and per document and part (body, header, footer) with the paragraph or table cell:
tags split so they will not render, Jinja syntax errors, variables, attributes and
filters that the model and engine do not provide, and constructs the sandbox forbids
(:mod:`familyplan_docs.authoring.docx_scan`); then catalog entries that are untranslated or
obsolete, and finally that every bundled sample renders filled and blank. A broken part
never stops the rest from being checked.
"""

from __future__ import annotations

import collections
import dataclasses
import difflib
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import _limits
from .._errors import FamilyPlanError, InputError, PackError, UnknownChoiceError
from .._kinds import KINDS
from ..model.load import plan_from_json
from ..model.plan import FamilyPlan
from ..packs.builtin import samples_root
from ..packs.discovery import discover, extends_folder, load_pack
from ..packs.files import check_pack_folder, has_pack_file, read_pack_file
from ..packs.guards import check_template_file
from ..packs.pack import CATALOG, MANIFEST, Manifest, Pack, read_manifest
from ..render.documents import LOGO_IMAGE, MAP_IMAGE, render_to
from ..render.environment import make_environment
from .docx_scan import DocProblem, DocScan, DocumentScanner
from .msgids import required_msgids
from .shapes import pack_context_shape
from .tree import TreeChecker

MAX_LISTED = 10
"""More untranslated labels than this are reported as one problem (a new translation)."""

FALLBACK_LOCALE = "en_GB"
"""Used to read the documents of a pack whose own locale is invalid."""


@dataclass
class Report:
    """The result of checking one pack: ``ok`` when there is no problem."""

    pack: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the pack is complete and renders every sample."""
        return not self.problems


def default_samples() -> list[Path]:
    """The bundled sample plans (every language): each pack must render every one."""
    return sorted(samples_root().glob("*/*.json"))


def check_templates(
    name_or_path: str | Path,
    *,
    templates: Sequence[str | Path] = (),
    samples: Sequence[Path] | None = None,
) -> Report:
    """Check a pack (folder or name) and return a :class:`Report` listing every problem.

    *templates* are extra folders searched for packs (as ``--templates``); *samples* the
    plans every document must render (default: every bundled sample).
    """
    report = Report(pack=str(name_or_path))
    pack = _load(name_or_path, templates, report.problems)
    if pack is None:
        return report
    report.pack = pack.name
    report.problems += check_pack(pack, default_samples() if samples is None else samples)
    report.problems = list(dict.fromkeys(report.problems))  # loading may have found one first
    return report


# --- loading, tolerant of a broken chain ----------------------------------------------


def _load(
    name_or_path: str | Path, templates: Sequence[str | Path], problems: list[str]
) -> Pack | None:
    """Load the pack; on a broken manifest or ``extends`` chain, report it and go on."""
    try:
        return load_pack(name_or_path, templates)
    except UnknownChoiceError as exc:
        problems.append(str(exc))
        return None
    except PackError as exc:
        problems.append(str(exc))
    as_path = Path(name_or_path)
    available = discover(templates)
    folder = as_path if has_pack_file(as_path, MANIFEST) else available.get(str(name_or_path))
    if folder is None:
        return None
    return _partial_chain(folder.resolve(), available)


def _partial_chain(folder: Path, available: dict[str, Path]) -> Pack:
    """As much of the chain as loads (at most MAX_EXTENDS_DEPTH packs, no loop)."""
    chain: list[Pack] = []
    current: Path | None = folder
    while current is not None and len(chain) < _limits.MAX_EXTENDS_DEPTH:
        try:
            manifest = read_manifest(current)
        except PackError:  # already reported by load_pack
            manifest = Manifest(
                name=current.name, locale=FALLBACK_LOCALE, title=current.name, version="0",
                extends=None, legal={}, settings={},
            )  # fmt: skip
        chain.append(Pack(manifest=manifest, path=current))
        names = [p.name for p in chain]
        current = None
        if manifest.extends and manifest.extends not in names:
            try:
                current = extends_folder(chain[-1].path, manifest.extends, available)
            except PackError:
                current = None
    for child, parent in itertools.pairwise(chain):
        child.parent = parent
    return chain[0]


# --- the checks -------------------------------------------------------------------------


def check_pack(pack: Pack, samples: Sequence[Path]) -> list[str]:
    """Return every problem of a loaded pack, each naming its file and place."""
    problems: list[str] = []
    try:
        check_pack_folder(pack.path)
    except PackError as exc:
        problems.append(str(exc))
    _check_catalog_files(pack, problems)
    readable = _readable(pack, problems)
    locale_ok = readable is pack
    problems += _missing_kinds(pack)
    problems += _stray_files(pack)
    problems += _logo(pack)
    try:
        _ = pack.style
    except PackError as exc:
        problems.append(str(exc))

    plans: list[FamilyPlan] = []
    for sample in samples:
        try:
            plans.append(plan_from_json(sample.read_bytes(), source=str(sample)))
        except InputError as exc:
            problems.append(str(exc))
    env = make_environment(readable)
    label_ids = set(required_msgids()) | set(readable.catalog)
    shape = pack_context_shape(readable, plans, [MAP_IMAGE, LOGO_IMAGE, *env.globals])

    def checker() -> TreeChecker:
        return TreeChecker(shape, env.filters, env.tests, label_ids)

    scanner = DocumentScanner(env, checker)
    scans: dict[str, DocScan] = {}
    for kind in readable.kinds():
        path = next(p.path / f"{kind}.docx" for p in readable.chain() if kind in p.own_kinds())
        label = _document_label(readable, path)
        try:
            check_template_file(path)  # size, zip bomb, DOCTYPE: the limits of every render
        except PackError as exc:
            problems.append(str(exc))
            scans[kind] = DocScan(problems=[DocProblem("", "", str(exc))])
            continue
        scans[kind] = scan = scanner.scan(path)
        problems += [_format(label, p) for p in scan.problems]

    problems += _check_catalog(readable, scans)

    if locale_ok:
        for kind, scan in scans.items():
            if scan.clean:
                problems += _render_problems(pack, kind, plans)
    return problems


def _render_problems(pack: Pack, kind: str, plans: Sequence[FamilyPlan]) -> list[str]:
    """Render *kind* blank and from every plan; the same failure is reported once."""
    failures: dict[str, list[str]] = {}
    for plan in [None, *plans]:
        label = "blank" if plan is None else f"filled from {plan.family.name!r}"
        try:
            render_to(plan, pack, kind, io.BytesIO())
        except FamilyPlanError as exc:
            failures.setdefault(str(exc), []).append(label)
        except Exception as exc:  # an untrusted template may fail in any way
            failures.setdefault(f"{type(exc).__name__}: {exc}", []).append(label)
    return [
        f"{kind}.docx rendering {', '.join(labels)}: {message}"
        for message, labels in failures.items()
    ]


def _readable(pack: Pack, problems: list[str]) -> Pack:
    """The pack itself when its locale is valid, else a stand-in to read its documents."""
    try:
        _ = pack.locale
        return pack
    except PackError as exc:
        problems.append(
            f"{exc}; use a language and country code such as da_DK, nl_NL, sv_SE or en_GB"
        )
    fallback = next((p.manifest.locale for p in pack.chain()[1:] if _valid_locale(p)), None)
    manifest = dataclasses.replace(pack.manifest, locale=fallback or FALLBACK_LOCALE)
    return Pack(manifest=manifest, path=pack.path, parent=pack.parent, _catalog=pack._catalog)


def _valid_locale(pack: Pack) -> bool:
    try:
        _ = pack.locale
    except PackError:
        return False
    return True


def _check_catalog_files(pack: Pack, problems: list[str]) -> None:
    for member in pack.chain():
        try:
            member.own_catalog()
        except PackError as exc:
            problems.append(str(exc))
            member._catalog = {}
    path = pack.path / CATALOG
    try:
        text = read_pack_file(pack.path, CATALOG, _limits.MAX_CATALOG_BYTES).decode("utf-8")
    except (OSError, PackError, UnicodeDecodeError):  # a missing or refused file: reported
        return
    ids = collections.Counter(re.findall(r'^msgid "(.+)"$', text, re.MULTILINE))
    for msgid in sorted(i for i, count in ids.items() if count > 1):
        problems.append(f"{path}: {msgid!r} is there twice; keep one of them")


def _missing_kinds(pack: Pack) -> list[str]:
    have = pack.kinds()
    chain = " → ".join(p.name for p in pack.chain())
    return [
        f"{kind}.docx: missing; no pack in the chain ({chain}) holds this document kind"
        for kind in KINDS
        if kind not in have
    ]


def _stray_files(pack: Pack) -> list[str]:
    problems = []
    for path in sorted(pack.path.glob("*.docx")):
        if path.stem in KINDS or path.name.startswith(("~$", ".~lock")):
            continue
        stem = re.sub(r"[\s-]+", "_", path.stem.lower())
        close = [k for k in KINDS if k in stem] or difflib.get_close_matches(stem, KINDS, 1, 0.6)
        hint = f" (did you mean {close[0]}.docx?)" if close else ""
        problems.append(
            f"{path.name}: not a document kind, so it is never used{hint}; "
            f"the kinds are: {', '.join(KINDS)}"
        )
    return problems


def _logo(pack: Pack) -> list[str]:
    """The problem with the pack's ``logo.png`` (not a small PNG in the pack), if any."""
    try:
        pack.logo()
    except PackError as exc:
        return [str(exc)]
    return []


def _document_label(pack: Pack, path: Path) -> str:
    if path.parent == pack.path:
        return path.name
    owner = next((p.name for p in pack.chain() if p.path == path.parent), path.parent.name)
    return f"{path.name} (from pack {owner!r})"


def _format(document: str, problem: DocProblem) -> str:
    where = f" [{problem.part}]" if problem.part else ""
    if problem.place:
        where += f" {problem.place}"
    return f"{document}{where}: {problem.message}"


def _check_catalog(pack: Pack, scans: dict[str, DocScan]) -> list[str]:
    """Untranslated and obsolete entries, and labels a template uses but no catalog has."""
    required = required_msgids()
    language = pack.locale.language
    # entries of packs in another language do not translate this pack
    same_language = [p for p in pack.chain() if _valid_locale(p) and p.locale.language == language]
    translated: dict[str, str] = {}
    for member in reversed(same_language):
        translated.update(member.own_catalog())
    own = pack.path / CATALOG
    missing = [msgid for msgid in required if msgid not in translated]
    if len(missing) > MAX_LISTED:
        shown = ", ".join(repr(m) for m in missing[:MAX_LISTED])
        problems = [
            f"{CATALOG}: {len(missing)} labels are not translated (empty, or marked fuzzy): "
            f"{shown} and {len(missing) - MAX_LISTED} more; open it in Poedit to translate them"
        ]
    else:
        problems = [f"{CATALOG}: {msgid!r} is not translated" for msgid in missing]
    used: dict[str, str] = {}
    for kind, scan in scans.items():
        for msgid, where in scan.labels_used.items():
            used.setdefault(msgid, f"{kind}.docx {where}")
    for msgid, where in used.items():
        if msgid not in translated and msgid not in required:
            problems.append(
                f"{CATALOG}: {msgid!r} has no entry, but {where} uses labels.{msgid}; "
                "add it to messages.po"
            )
    obsolete = sorted(set(pack.own_catalog()) - set(required) - set(used))
    problems += [f"{own}: {msgid!r} is obsolete (nothing uses it)" for msgid in obsolete]
    return problems
