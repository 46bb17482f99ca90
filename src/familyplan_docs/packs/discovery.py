"""Finding packs: the search path, discovery by name or locale, and ``extends`` chains.

Packs are found, in this order (the first pack of a name wins):

1. folders passed explicitly (``--templates DIR``);
2. folders in the environment variable ``FAMILYPLAN_DOCS_TEMPLATES`` (``os.pathsep``-separated);
3. the ``familyplan_docs.packs`` entry point group (the built-in packs are registered there);
4. the built-in packs inside the package, so a source checkout works without installed metadata.

Each folder may be a pack itself or hold packs as sub-folders.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from .._errors import FamilyPlanError, PackError, UnknownChoiceError
from ..model.ids import Country
from ..model.plan import FamilyPlan
from .builtin import templates_root
from .pack import MANIFEST, Pack, read_manifest

__all__ = [
    "DEFAULT_PACK",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
    "choose_pack",
    "discover",
    "load_pack",
    "search_roots",
]

ENV_VAR = "FAMILYPLAN_DOCS_TEMPLATES"
ENTRY_POINT_GROUP = "familyplan_docs.packs"

DEFAULT_PACK = {Country.DK: "da", Country.NL: "nl", Country.SE: "sv"}
"""The built-in pack used for a plan's country when no locale is given."""


def _pack_folders(root: Path) -> Iterable[Path]:
    if (root / MANIFEST).is_file():
        yield root
    elif root.is_dir():
        for child in sorted(root.iterdir()):
            if (child / MANIFEST).is_file():
                yield child


def _entry_point_roots() -> list[Path]:
    roots: list[Path] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        target = ep.load()
        value = target() if callable(target) else target
        roots.append(Path(value))
    return roots


def search_roots(extra: Sequence[str | Path] = ()) -> list[Path]:
    """Return every folder searched for packs, in priority order."""
    roots = [Path(p) for p in extra]
    env = os.environ.get(ENV_VAR, "")
    roots += [Path(p) for p in env.split(os.pathsep) if p]
    roots += _entry_point_roots()
    roots.append(templates_root())
    return roots


def discover(extra: Sequence[str | Path] = ()) -> dict[str, Path]:
    """Return every discoverable pack as ``name → folder``; the first of a name wins."""
    found: dict[str, Path] = {}
    for root in search_roots(extra):
        for folder in _pack_folders(root):
            try:
                name = read_manifest(folder).name
            except PackError:
                continue
            found.setdefault(name, folder.resolve())
    return found


def load_pack(name_or_path: str | Path, extra: Sequence[str | Path] = ()) -> Pack:
    """Load a pack by name (``da``), locale (``da_DK``) or folder, with its ``extends`` chain.

    Raises :class:`UnknownChoiceError` listing the available packs and where it looked,
    or :class:`PackError` for a broken pack or an ``extends`` chain that is missing or circular.
    """
    available = discover(extra)
    folder = _resolve(str(name_or_path), available, extra)
    return _load_chain(folder, available, [])


def _resolve(key: str, available: dict[str, Path], extra: Sequence[str | Path]) -> Path:
    as_path = Path(key)
    if (as_path / MANIFEST).is_file():
        return as_path.resolve()
    if key in available:
        return available[key]
    for folder in available.values():
        locale = read_manifest(folder).locale
        if key.replace("-", "_").lower() == locale.lower():
            return folder
    tried = os.pathsep.join(str(r) for r in search_roots(extra))
    raise UnknownChoiceError("locale pack", key, available, tried)


def _load_chain(folder: Path, available: dict[str, Path], seen: list[str]) -> Pack:
    manifest = read_manifest(folder)
    if manifest.name in seen:
        loop = " → ".join([*seen, manifest.name])
        raise PackError(f"{folder / MANIFEST}: circular extends: {loop}")
    parent = None
    if manifest.extends:
        parent_folder = extends_folder(folder, manifest.extends, available)
        parent = _load_chain(parent_folder, available, [*seen, manifest.name])
    return Pack(manifest=manifest, path=folder, parent=parent)


def extends_folder(folder: Path, name: str, available: dict[str, Path]) -> Path:
    sibling = folder.parent / name
    if (sibling / MANIFEST).is_file() and read_manifest(sibling).name == name:
        return sibling.resolve()
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
