"""A loaded pack: its ``pack.toml`` manifest, its ``extends`` parent and its gettext catalog.

A pack is a folder with ``pack.toml``, one ``<kind>.docx`` per document kind and a
``messages.po``. Finding packs by name is :mod:`familyplan_docs.packs.discovery`.

A pack is untrusted: its files are read only as the pack's own regular files, within their
size limits (:mod:`familyplan_docs.packs.files`), and every value is checked before it is
used: text that is UTF-8 and holds no character a document cannot hold, a name (and the
name of the pack it ``extends``) that is a plain name, tables that are tables. Any problem
is a :class:`PackError` naming the file and the reason.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from .. import _cache, _limits
from .._errors import PackError, UnknownChoiceError
from .._kinds import KINDS
from .._text import fill, illegal_character
from .files import has_pack_file, read_pack_file
from .guards import check_logo_file, check_template_file
from .rules import TABLES, PackRules, parse_rules
from .style import STYLE_TABLES, LanguageStyle, parse_style

__all__ = [
    "CATALOG",
    "LOGO",
    "MANIFEST",
    "PACK_NAME",
    "Manifest",
    "Pack",
    "read_catalog",
    "read_manifest",
]

MANIFEST = "pack.toml"
CATALOG = "messages.po"
LOGO = "logo.png"
"""The organization's logo in a pack (optional): shown in letterheads and on the flyer."""

PACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""What a pack's name (and the name a pack ``extends``) looks like: ``da``, ``da-acme``."""


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
    rules: dict[str, Any] = field(default_factory=dict)
    """The raw ``[consent]``, ``[consent_sharing]`` and ``[consent_data]`` tables."""
    style: dict[str, Any] = field(default_factory=dict)
    """The raw ``[style]`` and ``[glossary]`` tables (:mod:`.style`)."""


def read_manifest(folder: Path) -> Manifest:
    """Read and check ``folder/pack.toml``; raise :class:`PackError` naming the problem.

    Only the tables this module knows are checked (``[legal]`` holds text, ``[settings]``
    is a table); other tables are left to the code that reads them. A manifest read before
    (the same bytes) comes from the persistent cache as JSON and is checked the same way.
    """
    path = folder / MANIFEST
    try:
        raw = read_pack_file(folder, MANIFEST, _limits.MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise PackError(f"{folder}: no {MANIFEST} (a pack folder needs one)") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise PackError(
            f"{path}: not UTF-8 text (the byte 0x{raw[exc.start]:02X} at position "
            f"{exc.start + 1}); save it as UTF-8"
        ) from None
    store = _cache.store()
    key = _cache.digest(_MANIFESTS, _cache.package_fingerprint(), raw) if store else ""
    data = _kept_manifest(store.get(_MANIFESTS, key)) if store else None
    if data is None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PackError(f"{path}: not valid TOML: {exc}") from None
        except RecursionError:
            raise PackError(f"{path}: not valid TOML: its values are nested too deeply") from None
        if store is not None:
            try:
                kept = json.dumps(data, ensure_ascii=False).encode("utf-8")
            except (TypeError, ValueError, RecursionError):  # a TOML date has no JSON form
                kept = b""
            if kept:
                store.put(_MANIFESTS, key, kept)
    return _manifest(path, data)


_MANIFESTS = "manifests"


def _kept_manifest(data: bytes | None) -> dict[str, Any] | None:
    """A manifest's TOML as :func:`read_manifest` kept it (as JSON, read far faster than
    TOML); None when missing or damaged. It is checked like a manifest just parsed."""
    if data is None:
        return None
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _manifest(path: Path, data: dict[str, Any]) -> Manifest:
    missing = [key for key in ("name", "locale") if not isinstance(data.get(key), str)]
    if missing:
        raise PackError(f"{path}: missing text value(s): {', '.join(missing)}")
    name = _name(path, "name", data["name"])
    extends = data.get("extends")
    if extends is not None:
        if not isinstance(extends, str):
            raise PackError(f"{path}: extends must be the name of a pack")
        extends = _name(path, "extends", extends)
    legal = data.get("legal", {})
    if not isinstance(legal, dict) or not all(isinstance(v, str) for v in legal.values()):
        raise PackError(f"{path}: [legal] must hold text values only")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise PackError(f"{path}: settings must be a table ([settings] with its keys below it)")
    version = data.get("version", "0")
    if not isinstance(version, str | int | float) or isinstance(version, bool):
        raise PackError(f'{path}: version must be text such as "1.0.0"')
    title = data.get("title", name)
    if not isinstance(title, str):
        raise PackError(f"{path}: title must be text")
    texts = {"locale": data["locale"], "title": title, "version": str(version)}
    texts |= {f"legal.{key}": value for key, value in legal.items()}
    for key, value in texts.items():
        _check_text(path, key, value, _limits.MAX_NAME if "." not in key else _limits.MAX_TEXT)
    return Manifest(
        name=name,
        locale=data["locale"],
        title=title,
        version=str(version),
        extends=extends,
        legal=dict(legal),
        settings=dict(settings),
        rules={key: data[key] for key in TABLES if key in data},
        style={key: data[key] for key in STYLE_TABLES if key in data},
    )


def _name(path: Path, key: str, value: str) -> str:
    if not PACK_NAME.match(value):
        raise PackError(
            f"{path}: {key} = {value[:80]!r} is not a pack name; a name holds letters, digits, "
            "'-', '_' and '.' (e.g. da-acme), never a folder"
        )
    return value


def _check_text(path: Path, key: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise PackError(f"{path}: {key} is longer than {limit:,} characters")
    bad = illegal_character(value)
    if bad:
        raise PackError(f"{path}: {key} holds {bad}, which a document cannot hold; remove it")


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
        merged: dict[str, str] = {}
        for pack in reversed(self.chain()):
            merged.update(pack.manifest.legal)
        return merged

    @property
    def settings(self) -> dict[str, Any]:
        """Free settings of the pack (``[settings]``), the parent's overridden by this pack's."""
        merged: dict[str, Any] = {}
        for pack in reversed(self.chain()):
            merged.update(pack.manifest.settings)
        return merged

    @cached_property
    def rules(self) -> PackRules:
        """Consent rules and option lists (:mod:`.rules`), the parent's overridden key by key.

        Raises :class:`PackError` naming the pack.toml and key of a bad value.
        """
        return parse_rules(self._tables(attrgetter("rules")), str(self.path / MANIFEST))

    @cached_property
    def style(self) -> LanguageStyle:
        """The language conventions (:mod:`.style`), the parent's overridden key by key.

        Raises :class:`PackError` naming the pack.toml and key of a bad value.
        """
        return parse_style(self._tables(attrgetter("style")), str(self.path / MANIFEST))

    def _tables(self, raw: Callable[[Manifest], Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """The raw tables *raw* takes from each manifest of the chain, ancestors first, each
        table overridden key by key (an empty one left out).

        Raises :class:`PackError` naming the pack.toml of a value that is not a table.
        """
        merged: dict[str, dict[str, Any]] = {}
        for pack in reversed(self.chain()):
            for name, table in raw(pack.manifest).items():
                if not isinstance(table, dict):
                    raise PackError(
                        f"{pack.path / MANIFEST}: {name} must be a table "
                        f"([{name}] with its keys below it)"
                    )
                merged.setdefault(name, {}).update(table)
        return {name: table for name, table in merged.items() if table}

    def chain(self) -> list[Pack]:
        """Return this pack and its ancestors, nearest first."""
        out: list[Pack] = []
        pack: Pack | None = self
        while pack is not None:
            out.append(pack)
            pack = pack.parent
        return out

    def own_kinds(self) -> set[str]:
        """Return the document kinds this pack's own folder holds.

        An entry that is not a regular file (a link) counts: using it is refused, rather
        than quietly taking the parent's document instead.
        """
        return {kind for kind in KINDS if has_pack_file(self.path, f"{kind}.docx")}

    def kinds(self) -> list[str]:
        """Return the kinds available through this pack and its ancestors, in toolbox order."""
        have = set().union(*(p.own_kinds() for p in self.chain()))
        return [kind for kind in KINDS if kind in have]

    def document(self, kind: str) -> Path:
        """Return the template file of *kind*, following ``extends``.

        Raises :class:`UnknownChoiceError` for an unknown kind and :class:`PackError`
        when no pack in the chain holds it, or the first that does holds a file that is
        refused (a link, a damaged or hostile document:
        :func:`familyplan_docs.packs.guards.check_template_file`).
        """
        if kind not in KINDS:
            raise UnknownChoiceError("document kind", kind, KINDS)
        for pack in self.chain():
            if has_pack_file(pack.path, f"{kind}.docx"):
                candidate = pack.path / f"{kind}.docx"
                check_template_file(candidate)  # link, size, zip bomb, <!DOCTYPE>: PackError
                return candidate
        tried = ", ".join(str(p.path) for p in self.chain())
        raise PackError(f"pack {self.name!r} has no {kind}.docx (looked in: {tried})")

    def logo(self) -> bytes | None:
        """The organization's logo (``logo.png``) of this pack or its nearest ancestor.

        None when no pack in the chain has one. Raises :class:`PackError` when the file is
        not a small PNG inside the pack (see :func:`.guards.check_logo_file`).
        """
        for pack in self.chain():
            if has_pack_file(pack.path, LOGO):
                return check_logo_file(pack.path / LOGO)
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
    """Read a gettext ``.po`` file with babel; a missing file gives an empty catalog.

    The file is read as the pack's own regular file, at most
    :data:`~familyplan_docs._limits.MAX_CATALOG_BYTES`; a label longer than
    :data:`~familyplan_docs._limits.MAX_TEXT` characters or holding a character a document
    cannot hold is refused. Raises :class:`PackError` naming the file and the entry. The
    entries of a catalog read before (the same bytes) come from the persistent cache
    (:mod:`familyplan_docs._cache`) as data, and are checked the same way.
    """
    try:
        raw = read_pack_file(path.parent, path.name, _limits.MAX_CATALOG_BYTES)
    except FileNotFoundError:
        return {}
    store = _cache.store()
    key = ""
    entries = None
    if store is not None:
        stamp = _cache.library_stamp("babel")
        key = _cache.digest(_CATALOGS, _cache.package_fingerprint(), stamp, raw)
        entries = _kept_catalog(store.get(_CATALOGS, key))
    if entries is None:
        entries = _parsed_catalog(path, raw)
        if store is not None:
            store.put(_CATALOGS, key, json.dumps(entries, ensure_ascii=False).encode("utf-8"))
    for msgid, text in entries.items():
        if len(text) > _limits.MAX_TEXT:
            raise PackError(
                f"{path}: the label {msgid[:80]!r} is longer than {_limits.MAX_TEXT:,} characters"
            )
        bad = illegal_character(text)
        if bad:
            raise PackError(
                f"{path}: the label {msgid[:80]!r} holds {bad}, which a document cannot hold; "
                "remove it"
            )
    return entries


def _parsed_catalog(path: Path, raw: bytes) -> dict[str, str]:
    from babel.messages.pofile import read_po  # a catalog read before comes from the cache

    try:
        catalog = read_po(io.BytesIO(raw), abort_invalid=True)
    except Exception as exc:  # babel raises many kinds on a damaged catalog
        raise PackError(f"{path}: not a valid gettext catalog: {exc}") from None
    return {
        str(msg.id): str(msg.string)
        for msg in catalog
        if msg.id and isinstance(msg.string, str) and msg.string and not msg.fuzzy
    }


_CATALOGS = "catalogs"


def _kept_catalog(data: bytes | None) -> dict[str, str] | None:
    """A catalog's entries as :func:`read_catalog` kept them; None when missing or damaged."""
    if data is None:
        return None
    try:
        entries = json.loads(data)
    except ValueError:
        return None
    if not isinstance(entries, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
    ):
        return None
    return entries
