"""A loaded pack: its ``pack.toml`` manifest, its ``extends`` parent and its gettext catalog.

A pack is a folder with ``pack.toml``, one ``<kind>.docx`` per document kind and a
``messages.po``. Finding packs by name is :mod:`familyplan_docs.packs.discovery`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from .._errors import PackError, UnknownChoiceError
from .._kinds import KINDS
from .._text import fill
from .guards import check_logo_file, check_template_file

__all__ = ["CATALOG", "LOGO", "MANIFEST", "Manifest", "Pack", "read_catalog", "read_manifest"]

MANIFEST = "pack.toml"
CATALOG = "messages.po"
LOGO = "logo.png"
"""The organization's logo in a pack (optional): shown in letterheads and on the flyer."""


@dataclass(frozen=True)
class Manifest:
    """The parsed ``pack.toml`` of one pack folder."""

    name: str
    locale: str
    title: str
    version: str
    extends: str | None
    legal: dict[str, str]
    settings: dict[str, Any]


def read_manifest(folder: Path) -> Manifest:
    """Read and check ``folder/pack.toml``; raise :class:`PackError` naming the problem."""
    path = folder / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackError(f"{folder}: no {MANIFEST} (a pack folder needs one)") from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from None
    missing = [key for key in ("name", "locale") if not isinstance(data.get(key), str)]
    if missing:
        raise PackError(f"{path}: missing text value(s): {', '.join(missing)}")
    legal = data.get("legal", {})
    if not isinstance(legal, dict) or not all(isinstance(v, str) for v in legal.values()):
        raise PackError(f"{path}: [legal] must hold text values only")
    extends = data.get("extends")
    if extends is not None and not isinstance(extends, str):
        raise PackError(f"{path}: extends must be the name of a pack")
    return Manifest(
        name=data["name"],
        locale=data["locale"],
        title=str(data.get("title", data["name"])),
        version=str(data.get("version", "0")),
        extends=extends,
        legal=dict(legal),
        settings=dict(data.get("settings", {})),
    )


@dataclass
class Pack:
    """A loaded pack, with its parent when it ``extends`` another one.

    Documents and catalog entries the pack does not hold come from its parent.
    """

    manifest: Manifest
    path: Path
    parent: Pack | None = None
    _catalog: dict[str, str] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The pack's name, as used with ``--locale``."""
        return self.manifest.name

    @cached_property
    def locale(self) -> Locale:
        """The babel locale of the pack; :class:`PackError` if it is not a known locale."""
        try:
            return Locale.parse(self.manifest.locale)
        except (ValueError, UnknownLocaleError):
            raise PackError(
                f"{self.path / MANIFEST}: unknown locale {self.manifest.locale!r}"
            ) from None

    @property
    def language_tag(self) -> str:
        """The locale as a BCP 47 tag for Word, e.g. ``da-DK``."""
        return self.manifest.locale.replace("_", "-")

    @property
    def legal(self) -> dict[str, str]:
        """Legal references, the parent's overridden by this pack's."""
        base = self.parent.legal if self.parent else {}
        return {**base, **self.manifest.legal}

    @property
    def settings(self) -> dict[str, Any]:
        """Free settings of the pack (``[settings]``), the parent's overridden by this pack's."""
        base = self.parent.settings if self.parent else {}
        return {**base, **self.manifest.settings}

    def chain(self) -> list[Pack]:
        """Return this pack and its ancestors, nearest first."""
        out: list[Pack] = []
        pack: Pack | None = self
        while pack is not None:
            out.append(pack)
            pack = pack.parent
        return out

    def own_kinds(self) -> set[str]:
        """Return the document kinds this pack's own folder holds."""
        return {kind for kind in KINDS if (self.path / f"{kind}.docx").is_file()}

    def kinds(self) -> list[str]:
        """Return the kinds available through this pack and its ancestors, in toolbox order."""
        have = set().union(*(p.own_kinds() for p in self.chain()))
        return [kind for kind in KINDS if kind in have]

    def document(self, kind: str) -> Path:
        """Return the template file of *kind*, following ``extends``.

        Raises :class:`UnknownChoiceError` for an unknown kind and :class:`PackError`
        when no pack in the chain holds it.
        """
        if kind not in KINDS:
            raise UnknownChoiceError("document kind", kind, KINDS)
        for pack in self.chain():
            candidate = pack.path / f"{kind}.docx"
            if candidate.is_file():
                check_template_file(candidate)  # size, zip bomb, <!DOCTYPE>: PackError
                return candidate
        tried = ", ".join(str(p.path) for p in self.chain())
        raise PackError(f"pack {self.name!r} has no {kind}.docx (looked in: {tried})")

    def logo(self) -> bytes | None:
        """The organization's logo (``logo.png``) of this pack or its nearest ancestor.

        None when no pack in the chain has one. Raises :class:`PackError` when the file is
        not a small PNG inside the pack (see :func:`.guards.check_logo_file`).
        """
        for pack in self.chain():
            candidate = pack.path / LOGO
            if candidate.exists() or candidate.is_symlink():
                return check_logo_file(candidate)
        return None

    def own_catalog(self) -> dict[str, str]:
        """Return this pack's own translated catalog entries (msgid → msgstr)."""
        if self._catalog is None:
            self._catalog = read_catalog(self.path / CATALOG)
        return self._catalog

    @cached_property
    def catalog(self) -> dict[str, str]:
        """Return the merged catalog: ancestors first, this pack's entries on top."""
        merged: dict[str, str] = {}
        for pack in reversed(self.chain()):
            merged.update(pack.own_catalog())
        return merged

    def gettext(self, msgid: str) -> str:
        """Translate *msgid*; an untranslated id comes back unchanged."""
        return self.catalog.get(msgid, msgid)

    def format(self, msgid: str, values: Mapping[str, object]) -> str:
        """Translate *msgid* and fill its ``{name}`` placeholders from *values*.

        The one way code fills pack text: plain names only (:func:`familyplan_docs._text.fill`),
        so an organization's translation can never raise or reach attributes.
        """
        return fill(self.gettext(msgid), values)


def read_catalog(path: Path) -> dict[str, str]:
    """Read a gettext ``.po`` file with babel; missing file gives an empty catalog."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        try:
            catalog = read_po(handle, abort_invalid=True)
        except Exception as exc:
            raise PackError(f"{path}: not a valid gettext catalog: {exc}") from None
    return {
        str(msg.id): str(msg.string)
        for msg in catalog
        if msg.id and isinstance(msg.string, str) and msg.string and not msg.fuzzy
    }
