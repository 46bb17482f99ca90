"""``new-pack``: start an organization's own pack from an existing one.

Either a full copy (every document, following ``extends``, the merged catalog, the
legal references) that stands on its own, or an extension: a ``pack.toml`` that
``extends`` the source, an empty ``messages.po``, and only the documents the
organization wants to replace. Copying into another language marks the copied catalog
entries as fuzzy, so ``check-templates`` reports them until they are translated.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from docx import Document
from docx.oxml.ns import qn

from .. import _limits
from .._errors import PackError, UnknownChoiceError
from .._files import staging_folder
from .._kinds import KINDS
from ..packs.discovery import load_pack
from ..packs.files import read_pack_file
from ..packs.guards import load_template
from ..packs.pack import CATALOG, MANIFEST, PACK_NAME, Pack
from .msgids import required_msgids


def new_pack(
    source: str,
    name: str,
    out: str | Path,
    *,
    extends: bool = False,
    templates: Sequence[str | Path] = (),
    locale: str | None = None,
    documents: Sequence[str] = (),
    title: str | None = None,
) -> Path:
    """Create the pack *name* in the folder *out* from the pack *source*; return the folder.

    Without *extends*, a full copy; with it, a pack that ``extends`` *source* holding only
    the *documents* (kinds) given. *locale* (e.g. ``en_GB``) defaults to the source's.
    *templates* are extra folders searched for *source*. Raises :class:`PackError` when
    *out* is not empty or the name or locale is not usable.
    """
    base = load_pack(source, templates)
    if not PACK_NAME.match(name):
        raise PackError(f"pack name {name!r}: use letters, digits, '-', '_' or '.' (e.g. da-acme)")
    if extends and name == base.name:
        raise PackError(f"a pack named {name!r} cannot extend itself; choose another name")
    target_locale = _check_locale(locale or base.manifest.locale)
    for kind in documents:
        if kind not in KINDS:
            raise UnknownChoiceError("document kind", kind, KINDS)
    folder = Path(out)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise PackError(f"{folder}: already exists and is not empty; choose a new folder")

    with staging_folder(folder.parent, "new-pack") as staging:
        other_language = Locale.parse(target_locale).language != base.locale.language
        kinds = list(documents) if extends else base.kinds()
        for kind in kinds:
            copy = staging / f"{kind}.docx"
            copy.write_bytes(load_template(base.document(kind)).clean_copy())
            if other_language:
                _set_language(copy, target_locale)
        manifest = _manifest(base, name, target_locale, extends=extends, title=title)
        (staging / MANIFEST).write_text(manifest, encoding="utf-8")
        catalog = _catalog(base, name, target_locale, copy=not extends, fuzzy=other_language)
        with (staging / CATALOG).open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False)
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp made it private
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    return folder.resolve()


def _check_locale(locale: str) -> str:
    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        raise PackError(
            f"unknown locale {locale!r}; use a language and country code such as da_DK, "
            "nl_NL, sv_SE or en_GB"
        ) from None
    return locale


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string


def _manifest(base: Pack, name: str, locale: str, *, extends: bool, title: str | None) -> str:
    how = f"extends {base.name!r}" if extends else f"a copy of {base.name!r}"
    lines = [
        f"# Pack {name!r}, {how}, made with `familyplan-docs new-pack`.",
        "# Edit the .docx files in Word or LibreOffice and translate messages.po (Poedit);",
        "# then check everything with: familyplan-docs check-templates <this folder>",
        f"name = {_toml_value(name)}",
        f"locale = {_toml_value(locale)}",
        f"title = {_toml_value(title or name)}",
        'version = "0.1.0"',
    ]
    if extends:
        lines += [
            f"extends = {_toml_value(base.name)}",
            "",
            f"# Documents this folder does not hold come from {base.name!r}: copy in only the",
            "# .docx files you change (same file names). Legal references quoted in the",
            f"# documents come from {base.name!r} too; to change one, uncomment it:",
            "[legal]",
            *(f"# {key} = {_toml_value(value)}" for key, value in base.legal.items()),
        ]
    else:
        lines += [
            "",
            "# Legal references quoted in the documents ({{ legal.<name> }}). Correct them",
            "# here, not in the .docx files.",
            "[legal]",
            *(f"{key} = {_toml_value(value)}" for key, value in base.legal.items()),
        ]
        settings = {k: v for k, v in base.settings.items() if not isinstance(v, dict)}
        if settings:
            lines += ["", "[settings]"]
            lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def _source_messages(base: Pack) -> dict[str, Message]:
    """Every catalog message of the chain (comments kept), the nearest pack's on top."""
    merged: dict[str, Message] = {}
    for member in reversed(base.chain()):
        member.own_catalog()  # refuses a link, a file too large, a label a document cannot hold
        try:
            data = read_pack_file(member.path, CATALOG, _limits.MAX_CATALOG_BYTES)
        except FileNotFoundError:
            continue
        for message in read_po(io.BytesIO(data)):
            known = message.id and isinstance(message.id, str)
            if known and (message.string or message.id not in merged):
                merged[str(message.id)] = message
    return merged


def _catalog(base: Pack, name: str, locale: str, *, copy: bool, fuzzy: bool) -> Catalog:
    catalog = Catalog(
        locale=locale,
        project=f"familyplan-docs pack {name}",
        version="0.1.0",
        header_comment=(
            f"# Labels of the pack {name!r}: enum values, sector names, workbook headers.\n"
            "# Translate each msgstr (Poedit works well); never change a msgid.\n"
            + (
                "#\n"
                if copy
                else f"# Add only the labels you change; the rest come from {base.name!r}.\n#\n"
            )
        ),
        fuzzy=False,
    )
    if not copy:
        return catalog
    messages = _source_messages(base)
    for msgid in [*required_msgids(), *messages]:
        if msgid in catalog:
            continue
        source = messages.get(msgid)
        string = str(source.string) if source and source.string else ""
        flags = {"fuzzy"} if fuzzy and string else set()
        catalog.add(
            msgid,
            string,
            auto_comments=list(source.auto_comments) if source else [],
            user_comments=list(source.user_comments) if source else [],
            flags=flags,
        )
    return catalog


def _set_language(path: Path, locale: str) -> None:
    """Set the document's default language (spelling, hyphenation) to *locale*."""
    tag = locale.replace("_", "-")
    doc = Document(str(path))
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    r_pr = r_pr.find(qn("w:rPr")) if r_pr is not None else None
    if r_pr is not None:
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = r_pr.makeelement(qn("w:lang"), {})
            r_pr.append(lang)
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
    doc.core_properties.language = tag
    doc.save(str(path))
