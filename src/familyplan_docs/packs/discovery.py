"""Finding packs: the search path, discovery by name or locale, and ``extends`` chains.

Packs are found, in this order (the first pack of a name wins):

1. folders passed explicitly (``--templates DIR``);
2. folders in the environment variable ``FAMILYPLAN_DOCS_TEMPLATES`` (``os.pathsep``-separated);
3. the ``familyplan_docs.packs`` entry point group (the built-in packs are registered there);
4. the built-in packs inside the package, so a source checkout works without installed metadata.

Each folder may be a pack itself or hold packs as sub-folders (a link to a pack folder is
followed: the folder it points to is the pack; a link to a file inside a pack never is).

A broken pack affects only what uses it: discovery passes over a pack whose ``pack.toml``
cannot be read (logging one warning line per pack and process, on the
``familyplan_docs`` logger) and :func:`survey` lists it with the reason; loading it by
name or folder raises :class:`PackError`. An ``extends`` chain is at most
:data:`~familyplan_docs._limits.MAX_EXTENDS_DEPTH` packs long.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _limits
from .._errors import FamilyPlanError, PackError, UnknownChoiceError
from .builtin import templates_root
from .files import has_pack_file
from .pack import MANIFEST, Manifest, Pack, read_manifest
from .plugins import entry_points

if TYPE_CHECKING:
    from ..model.plan import FamilyPlan

__all__ = [
    "DEFAULT_PACK",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
    "FoundPack",
    "choose_pack",
    "discover",
    "load_pack",
    "load_pack_named",
    "search_roots",
    "survey",
]

log = logging.getLogger("familyplan_docs")
_warned: set[str] = set()

ENV_VAR = "FAMILYPLAN_DOCS_TEMPLATES"
ENTRY_POINT_GROUP = "familyplan_docs.packs"

DEFAULT_PACK: dict[str, str] = {"DK": "da", "NL": "nl", "SE": "sv"}
"""The built-in pack used for a plan's country (a ``model.ids.Country``, a string) when no
locale is given."""


@dataclass(frozen=True)
class FoundPack:
    """A pack folder on the search path: its manifest, or why it cannot be used."""

    folder: Path
    manifest: Manifest | None
    problem: str | None = None


def _warn(message: str) -> None:
    """Log *message* once per process (a broken pack is passed over by every lookup)."""
    line = " ".join(message.split())
    if line not in _warned:
        _warned.add(line)
        log.warning("warning: %s", line)


def _pack_folders(root: Path) -> Iterable[Path]:
    if has_pack_file(root, MANIFEST):
        yield root
    elif root.is_dir():
        try:
            children = sorted(root.iterdir())
        except OSError as exc:
            _warn(f"cannot list the pack folder {root} ({exc.strerror or exc}); passed over")
            return
        for child in children:
            if child.is_dir() and has_pack_file(child, MANIFEST):
                yield child


def _entry_point_roots() -> list[Path]:
    roots: list[Path] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            target = ep.load()
            value = target() if callable(target) else target
            roots.append(Path(value))
        except Exception as exc:  # an installed package's code: any failure is its own
            _warn(f"the pack entry point {ep.name!r} ({ep.value}) fails ({exc}); passed over")
    return roots


def search_roots(extra: Sequence[str | Path] = ()) -> list[Path]:
    """Return every folder searched for packs, in priority order."""
    roots = [Path(p) for p in extra]
    env = os.environ.get(ENV_VAR, "")
    roots += [Path(p) for p in env.split(os.pathsep) if p]
    roots += _entry_point_roots()
    roots.append(templates_root())
    return roots


def survey(extra: Sequence[str | Path] = (), *, chains: bool = False) -> list[FoundPack]:
    """Every pack folder on the search path, in priority order, broken ones with the reason.

    With *chains*, only the first pack of each name is listed (the one a name loads), and
    a pack whose ``extends`` chain or locale cannot be loaded is listed as broken too.
    """
    found = []
    seen: set[Path] = set()
    for root in search_roots(extra):
        for folder in _pack_folders(root):
            folder = folder.resolve()
            if folder in seen:
                continue
            seen.add(folder)
            try:
                found.append(FoundPack(folder, read_manifest(folder)))
            except PackError as exc:
                found.append(FoundPack(folder, None, str(exc)))
    if not chains:
        return found
    available: dict[str, Path] = {}
    for pack in found:
        if pack.manifest is not None:
            available.setdefault(pack.manifest.name, pack.folder)
    known = {pack.folder: pack.manifest for pack in found if pack.manifest is not None}
    checked = []
    for pack in found:
        if pack.manifest is None:
            checked.append(pack)
        elif available[pack.manifest.name] == pack.folder:
            try:
                _ = _load_chain(pack.folder, available, known).locale
            except PackError as exc:
                pack = FoundPack(pack.folder, pack.manifest, str(exc))
            checked.append(pack)
    return checked


def discover(extra: Sequence[str | Path] = ()) -> dict[str, Path]:
    """Return every usable pack as ``name → folder``; the first of a name wins.

    A pack whose ``pack.toml`` cannot be read is passed over with one warning line.
    """
    found: dict[str, Path] = {}
    for pack in survey(extra):
        if pack.manifest is None:
            _warn(f"passed over a broken pack: {pack.problem}")
            continue
        found.setdefault(pack.manifest.name, pack.folder)
    return found


def load_pack(name_or_path: str | Path, extra: Sequence[str | Path] = ()) -> Pack:
    """Load a pack by name (``da``), locale (``da_DK``) or folder, with its ``extends`` chain.

    Raises :class:`UnknownChoiceError` listing the available packs and where it looked,
    or :class:`PackError` for a broken pack or an ``extends`` chain that is missing,
    circular or too long.
    """
    available = discover(extra)
    folder = _resolve(str(name_or_path), available, extra, folders=True)
    return _load_chain(folder, available)


def load_pack_named(name: str, extra: Sequence[str | Path] = ()) -> Pack:
    """Load a pack by name or locale only, found on the search path (never a folder).

    For names that come from untrusted input (a workbook's hidden ``meta`` sheet): the
    input can choose among the packs the program is configured with, nothing else.
    """
    available = discover(extra)
    return _load_chain(_resolve(name, available, extra, folders=False), available)


def _resolve(
    key: str, available: dict[str, Path], extra: Sequence[str | Path], *, folders: bool
) -> Path:
    as_path = Path(key)
    if folders and has_pack_file(as_path, MANIFEST):
        return as_path.resolve()
    if key in available:
        return available[key]
    for folder in available.values():
        locale = read_manifest(folder).locale
        if key.replace("-", "_").lower() == locale.lower():
            return folder
    tried = os.pathsep.join(str(r) for r in search_roots(extra))
    raise UnknownChoiceError("locale pack", key, available, tried)


def _load_chain(
    folder: Path, available: dict[str, Path], known: dict[Path, Manifest] | None = None
) -> Pack:
    """The pack in *folder* with its ``extends`` chain (followed without recursion).

    Each pack's manifest and catalog are read and checked now: :class:`PackError`.
    *known* holds manifests already read (by folder).
    """
    chain: list[tuple[Path, Manifest]] = []
    current = folder
    while True:
        manifest = (known or {}).get(current) or read_manifest(current)
        names = [m.name for _, m in chain]
        if manifest.name in names:
            loop = " → ".join([*names, manifest.name])
            raise PackError(f"{folder / MANIFEST}: circular extends: {loop}")
        chain.append((current, manifest))
        if not manifest.extends:
            break
        if len(chain) >= _limits.MAX_EXTENDS_DEPTH:
            shown = " → ".join([*names[:3], "…", manifest.name, manifest.extends, "…"])
            raise PackError(
                f"{folder / MANIFEST}: the extends chain ({shown}) is longer than "
                f"{_limits.MAX_EXTENDS_DEPTH} packs"
            )
        current = extends_folder(current, manifest.extends, available, known)
    pack: Pack | None = None
    for path, manifest in reversed(chain):
        pack = Pack(manifest=manifest, path=path, parent=pack)
        pack.own_catalog()  # a broken catalog breaks the pack now, not halfway through a job
        _ = pack.style  # and so does a broken [style] or [glossary]
    assert pack is not None
    return pack


def extends_folder(
    folder: Path,
    name: str,
    available: dict[str, Path],
    known: dict[Path, Manifest] | None = None,
) -> Path:
    """The folder of the pack *name* that the pack in *folder* extends.

    A sibling folder of that name holding that pack comes first, then the search path.
    *known* holds manifests already read (by folder).
    """
    sibling = (folder.parent / name).resolve()
    if has_pack_file(sibling, MANIFEST):
        manifest = (known or {}).get(sibling) or read_manifest(sibling)
        if manifest.name == name:
            return sibling
    if name in available:
        return available[name]
    raise PackError(
        f"{folder / MANIFEST}: extends {name!r}, but there is no such pack; "
        f"available: {', '.join(sorted(available)) or '(none)'}"
    )


def choose_pack(
    plan: FamilyPlan | None, locale: str | None, templates: Sequence[str | Path] = ()
) -> Pack:
    """Load the pack named by *locale*, or the built-in pack of the plan's country."""
    if locale is None:
        if plan is None:
            raise FamilyPlanError("a locale is needed (for example --locale da)")
        locale = DEFAULT_PACK[plan.country]
    return load_pack(locale, templates)
