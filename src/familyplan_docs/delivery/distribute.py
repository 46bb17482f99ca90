"""Sending the plan: one folder per recipient the family's sharing consent covers.

Who may receive it is decided in :mod:`.consent`. :func:`distribute` writes
``<out>/<NN>-<name>/`` per recipient who may receive the plan and ``<out>/manifest.json``
listing everyone, who got what and who was refused and why. Output is prepared in a staging
folder and moved into place, so a failed run writes nothing.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date

from .._errors import ToolMissingError
from .._files import check_folder_target, staging_folder
from ..model.ids import MASK
from ..model.plan import (
    FamilyPlan,
)
from ..packs.coverage import rules_for
from ..packs.pack import Pack
from ..render.documents import ToPdf, render_documents, render_to, select_kinds
from ..render.shared import shared_context
from .consent import REASONS, Decision, check_signatures, decisions_for, recipient_meeting
from .pdf import bundle_for, convert_to_pdf

PER_RECIPIENT = frozenset({"invitation"})
"""Kinds addressed to one recipient: each allowed professional gets only their own letter."""

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = "familyplan-docs/distribution/1"

MSGIDS: tuple[str, ...] = (
    *(f"distribute.reason.{code}" for code in REASONS),
    "distribute.summary",
)
"""Catalog ids: ``distribute.reason.<code>`` take ``{who}`` (name, with organization and
department) and ``{date}``, and the refusals about a family member ``{member}`` (their
name), ``{child}`` (the child concerned), ``{age}`` and ``{path}`` (the JSON path to fill
in); ``distribute.summary`` takes ``{allowed}``, ``{total}`` and ``{date}``."""

_FAMILY_SLUG = "family"


@dataclass(frozen=True)
class DistributionManifest:
    """What :func:`distribute` did: every decision, the day, the meeting and the files."""

    on: date
    pack: str
    locale: str
    meeting: int
    """Number (1-based) of the meeting whose participants are the recipients."""
    meeting_kind: str
    meeting_date: date
    kinds: tuple[str, ...]
    pdf: bool
    decisions: tuple[Decision, ...]
    path: Path
    """Where ``manifest.json`` was written."""
    messages: tuple[str, ...] = field(default=())
    """One line per decision, in the pack's language."""

    @property
    def allowed(self) -> list[Decision]:
        """The recipients who received the plan."""
        return [d for d in self.decisions if d.allowed]

    @property
    def refused(self) -> list[Decision]:
        """The recipients who were refused."""
        return [d for d in self.decisions if not d.allowed]


def reason_line(decision: Decision, pack: Pack, on: date) -> str:
    """Return the one-line, localized explanation of *decision* (from ``distribute.reason.*``)."""
    values = {
        "who": decision.who,
        "date": format_date(on, format="long", locale=pack.locale),
        "member": decision.subject or "",
        "child": decision.child or "",
        "age": "" if decision.age is None else str(decision.age),
        "path": decision.place or "",
    }
    return pack.format(f"distribute.reason.{decision.reason}", values)


def summary_line(manifest: DistributionManifest, pack: Pack) -> str:
    """Return the localized closing line: how many of the recipients received the plan."""
    values = {
        "allowed": str(len(manifest.allowed)),
        "total": str(len(manifest.decisions)),
        "date": format_date(manifest.on, format="long", locale=pack.locale),
    }
    return pack.format("distribute.summary", values)


def distribute(
    plan: FamilyPlan,
    pack: Pack,
    out_dir: str | Path,
    *,
    on: date | None = None,
    pdf: bool = False,
    kinds: Sequence[str] = ("family_plan",),
    bundle: bool = False,
) -> DistributionManifest:
    """Render *kinds* of *plan* once per allowed recipient into ``out_dir/<folder>/``.

    Writes ``out_dir/manifest.json`` with every decision. *on* (default today) is the day
    the consents are checked on. Everything is prepared in a temporary folder and moved into
    place only when rendering succeeded; a previous run's recipient folders in *out_dir* are
    replaced. With *pdf* and no LibreOffice the .docx files and the manifest are still
    written, then :class:`ToolMissingError` is raised. *bundle* (which implies *pdf*) adds
    the case file ``bundle.pdf`` of the documents to every recipient's folder.
    """
    day = on or date.today()
    pdf = pdf or bundle
    chosen = select_kinds([kinds] if isinstance(kinds, str) else kinds)
    rules = rules_for(plan, pack).consent
    check_signatures(plan, rules, day)
    index, meeting = recipient_meeting(plan)
    decisions = decisions_for(plan, meeting, day, rules)
    out = check_folder_target(out_dir)
    pdf_error: ToolMissingError | None = None
    common = [kind for kind in chosen if kind not in PER_RECIPIENT]
    personal = [kind for kind in chosen if kind in PER_RECIPIENT]
    with staging_folder(out.parent, "distribute") as staging:
        rendered = staging / ".rendered"
        try:
            case_file = bundle_for(plan, pack) if bundle else None
            to_pdf: ToPdf | None = convert_to_pdf if pdf else None
            if case_file is not None:
                to_pdf = functools.partial(convert_to_pdf, bundle=case_file)
            files = render_documents(plan, pack, rendered, common, to_pdf=to_pdf)
        except ToolMissingError as exc:
            pdf_error = exc
            files = sorted(p for p in rendered.iterdir() if p.is_file())
        shared = shared_context(plan, pack) if personal else None
        secrets = _secrets(plan)
        final: list[Decision] = []
        used: set[str] = set()
        for number, decision in enumerate(decisions, start=1):
            if not decision.allowed:
                final.append(decision)
                continue
            folder = _folder_name(number, decision, used)
            target = staging / folder
            target.mkdir()
            for path in files:
                shutil.copyfile(path, target / path.name)
            own: list[Path] = []
            if shared is not None and decision.member is None and decision.reason != "family":
                # a letter is addressed to one professional: each gets their own, no other's
                values = {**shared.values, "recipient": decision.recipient}
                for kind in personal:
                    own.append(target / f"{kind}.docx")
                    render_to(plan, pack, kind, own[-1], context=replace(shared, values=values))
            if own and pdf and pdf_error is None:
                try:
                    own += convert_to_pdf(own, target)
                except ToolMissingError as exc:
                    pdf_error = exc
            names = tuple(sorted(p.name for p in [*files, *own]))
            final.append(replace(decision, folder=folder, files=names))
        shutil.rmtree(rendered)
        messages = tuple(_scrub(reason_line(d, pack, day), secrets) for d in final)
        manifest = DistributionManifest(
            on=day,
            pack=pack.name,
            locale=str(pack.locale),
            meeting=index + 1,
            meeting_kind=meeting.kind.value,
            meeting_date=meeting.date,
            kinds=tuple(chosen),
            pdf=pdf and pdf_error is None,
            decisions=tuple(final),
            path=out / MANIFEST_NAME,
            messages=messages,
        )
        data = _manifest_json(plan, manifest, secrets)
        (staging / MANIFEST_NAME).write_text(data, encoding="utf-8")
        _move_into_place(staging, out)
    if pdf_error is not None:
        raise pdf_error
    return manifest


# --- writing ---------------------------------------------------------------------------------

_FOLD = str.maketrans(
    {"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ß": "ss", "ð": "d", "þ": "th", "ł": "l", "đ": "d"}
)


def slug(text: str) -> str:
    """Return a lowercase ASCII folder name for *text*, without digits (so never an ID)."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z]+", ascii_text)
    return "-".join(words)[:40].strip("-")


def _folder_name(number: int, decision: Decision, used: set[str]) -> str:
    name = slug(decision.recipient) or (
        _FAMILY_SLUG if decision.reason == "family" else "recipient"
    )
    folder = f"{number:02d}-{name}"
    while folder in used:  # the number makes it unique already; be safe with odd input
        folder += "-x"
    used.add(folder)
    return folder


def _secrets(plan: FamilyPlan) -> frozenset[str]:
    values: set[str] = set()
    for member in plan.family.members:
        if member.national_id is not None:
            raw = member.national_id.reveal()
            values.update({raw, member.national_id.formatted(plan.country)})
    return frozenset(v for v in values if v)


_NUMBER_RUN = re.compile(r"[0-9](?:[ .+/-]?[0-9])*")
"""Digits with single separators: where an ID number, written any way, stands in a text."""


def _scrub(text: str, secrets: frozenset[str]) -> str:
    """*text* with every run of digits that holds one of *secrets* masked.

    An ID number begins and ends with a digit, so each is found inside one run; the runs
    are short, so a text is scrubbed in time that grows with its length alone.
    """
    if not secrets:
        return text
    lengths = sorted({len(s) for s in secrets})

    def mask(match: re.Match[str]) -> str:
        run = match.group()
        for start in range(len(run)):
            for length in lengths:
                if start + length > len(run):
                    break
                if run[start : start + length] in secrets:
                    return MASK
        return run

    return _NUMBER_RUN.sub(mask, text)


def _manifest_json(
    plan: FamilyPlan, manifest: DistributionManifest, secrets: frozenset[str]
) -> str:
    def consent_info(index: int | None) -> dict[str, Any] | None:
        if index is None:
            return None
        consent = plan.consents[index]
        return {
            "place": f"$.consents[{index}]",
            "signatures": [
                {"member": s.member, "signed_on": _iso(s.signed_on)} for s in consent.signatures
            ],
            "valid_until": _iso(consent.valid_until),
            "withdrawn_on": _iso(consent.withdrawn_on),
        }

    recipients = [
        {
            "recipient": d.recipient,
            "organization": d.organization,
            "department": d.department,
            "email": d.email,
            "family": d.reason == "family",
            "allowed": d.allowed,
            "reason": d.reason,
            "fill_in": d.place,
            "message": message,
            "folder": d.folder,
            "files": [f"{d.folder}/{name}" for name in d.files] if d.folder else [],
            "consent": consent_info(d.consent),
        }
        for d, message in zip(manifest.decisions, manifest.messages, strict=True)
    ]
    data = {
        "schema": MANIFEST_SCHEMA,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "on": manifest.on.isoformat(),
        "pack": manifest.pack,
        "locale": manifest.locale,
        "meeting": {
            "number": manifest.meeting,
            "kind": manifest.meeting_kind,
            "date": manifest.meeting_date.isoformat(),
        },
        "documents": list(manifest.kinds),
        "pdf": manifest.pdf,
        "allowed": len(manifest.allowed),
        "refused": len(manifest.refused),
        "recipients": recipients,
    }
    return _scrub(json.dumps(data, ensure_ascii=False, indent=2), secrets) + "\n"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _move_into_place(staging: Path, out: Path) -> None:
    """Move the staged folders and manifest into *out*, replacing a previous run's output."""
    if not out.exists():
        os.replace(staging, out)
        return
    old_folders = list(_previous_folders(out))
    new_names = {p.name for p in staging.iterdir()}
    for path in sorted(staging.iterdir(), key=lambda p: p.name == MANIFEST_NAME):
        destination = out / path.name
        if destination.is_dir() and not destination.is_symlink():
            shutil.rmtree(destination)
        os.replace(path, destination)
    for name in old_folders:
        if name not in new_names:
            shutil.rmtree(out / name, ignore_errors=True)


def _previous_folders(out: Path) -> Iterator[str]:
    """Yield the recipient folders a previous manifest in *out* lists (safe names only)."""
    try:
        data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        recipients = data["recipients"] if data.get("schema") == MANIFEST_SCHEMA else []
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return
    for entry in recipients if isinstance(recipients, list) else []:
        name = entry.get("folder") if isinstance(entry, dict) else None
        if (
            isinstance(name, str)
            and re.fullmatch(r"\d{2,}-[a-z][a-z-]*", name)
            and (out / name).is_dir()
            and not (out / name).is_symlink()
        ):
            yield name
