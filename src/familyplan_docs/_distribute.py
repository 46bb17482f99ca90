"""Sending the plan: one folder per recipient, checked against the family's sharing consent.

The recipients are the participants of the latest network meeting (network, follow-up or
family group conference). The family itself always receives its plan. Anyone else receives
it only when a consent to share information (:attr:`ConsentKind.INFORMATION_SHARING`) that
is valid on the day covers their department or organization; a consent is valid when it is
signed, not withdrawn, not expired, and signed by every child of the family aged 15 or over.
A participant with neither organization nor department (the family's supporter, a
grandparent) cannot be covered by a consent and is refused; the family may pass the plan on.

:func:`distribute` writes ``<out>/<NN>-<name>/`` per recipient who may receive the plan and
``<out>/manifest.json`` listing everyone, who got what and who was refused and why. Output
is written to a temporary folder first and moved into place, so a failed run writes nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date

from . import _render
from ._calendar import fill
from ._context import YOUNG_PERSON_AGE, latest_meeting
from ._errors import FamilyPlanError, InputError, Problem, ToolMissingError
from ._ids import MASK
from ._model import Consent, ConsentKind, FamilyPlan, Meeting, MeetingKind, MemberRole, Participant
from ._packs import Pack

RECIPIENT_MEETINGS = (
    MeetingKind.NETWORK,
    MeetingKind.FOLLOW_UP,
    MeetingKind.FAMILY_GROUP_CONFERENCE,
)
"""The meeting kinds whose latest meeting's participants receive the plan."""

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = "familyplan-docs/distribution/1"

REASONS: tuple[str, ...] = (
    "family",
    "covered",
    "no_consent",
    "not_signed",
    "expired",
    "withdrawn",
    "young_person_not_signed",
    "not_covered",
    "private_person",
)
"""Every reason code a :class:`Decision` can carry; the first two allow, the rest refuse."""

MSGIDS: tuple[str, ...] = (
    *(f"distribute.reason.{code}" for code in REASONS),
    "distribute.summary",
)
"""Catalog ids: ``distribute.reason.<code>`` take ``{who}`` (name, with organization and
department) and ``{date}``; ``distribute.summary`` takes ``{allowed}``, ``{total}`` and
``{date}``."""

_FAMILY_SLUG = "family"


@dataclass(frozen=True)
class Decision:
    """Whether one recipient may receive the plan, and why (``reason`` is a stable code)."""

    recipient: str
    organization: str | None
    department: str | None
    email: str | None
    allowed: bool
    reason: str
    files: tuple[str, ...] = ()
    folder: str | None = None
    """The recipient's folder under the output folder (only for allowed recipients)."""
    consent: int | None = None
    """Index in ``plan.consents`` of the consent the decision rests on, if any."""
    member: str | None = None
    """The family member's id, for a recipient of the family."""

    @property
    def who(self) -> str:
        """The recipient's name with organization and department, for a message line."""
        parts = [p for p in (self.organization, self.department) if p]
        if parts and not _same(self.organization, self.department):
            return f"{self.recipient} ({', '.join(parts)})"
        if parts:
            return f"{self.recipient} ({parts[0]})"
        return self.recipient


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
    template = pack.gettext(f"distribute.reason.{decision.reason}")
    values = {"who": decision.who, "date": format_date(on, format="long", locale=pack.locale)}
    return fill(template, values)


def summary_line(manifest: DistributionManifest, pack: Pack) -> str:
    """Return the localized closing line: how many of the recipients received the plan."""
    template = pack.gettext("distribute.summary")
    values = {
        "allowed": str(len(manifest.allowed)),
        "total": str(len(manifest.decisions)),
        "date": format_date(manifest.on, format="long", locale=pack.locale),
    }
    return fill(template, values)


def check_recipients(plan: FamilyPlan, on: date) -> list[Decision]:
    """Decide, for each participant of the latest network meeting, whether they may get the plan.

    Raises :class:`InputError` when the plan has no network, follow-up or family group
    conference meeting.
    """
    _, meeting = _recipient_meeting(plan)
    return _decisions(plan, meeting, on)


def distribute(
    plan: FamilyPlan,
    pack: Pack,
    out_dir: str | Path,
    *,
    on: date | None = None,
    pdf: bool = False,
    kinds: Sequence[str] = ("family_plan",),
) -> DistributionManifest:
    """Render *kinds* of *plan* once per allowed recipient into ``out_dir/<folder>/``.

    Writes ``out_dir/manifest.json`` with every decision. *on* (default today) is the day
    the consents are checked on. Everything is prepared in a temporary folder and moved into
    place only when rendering succeeded; a previous run's recipient folders in *out_dir* are
    replaced. With *pdf* and no LibreOffice the .docx files and the manifest are still
    written, then :class:`ToolMissingError` is raised.
    """
    day = on or date.today()
    chosen = _render.select_kinds([kinds] if isinstance(kinds, str) else kinds)
    index, meeting = _recipient_meeting(plan)
    decisions = _decisions(plan, meeting, day)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FamilyPlanError(f"{out}: exists and is not a folder; give a folder for --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".familyplan-distribute-", dir=out.parent))
    pdf_error: ToolMissingError | None = None
    try:
        rendered = staging / ".rendered"
        try:
            files = _render.render_documents(plan, pack, rendered, chosen, pdf=pdf)
        except ToolMissingError as exc:
            pdf_error = exc
            files = sorted(p for p in rendered.iterdir() if p.is_file())
        names = tuple(sorted(p.name for p in files))
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
            final.append(_replace(decision, folder=folder, files=names))
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
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if pdf_error is not None:
        raise pdf_error
    return manifest


# --- deciding --------------------------------------------------------------------------------


def _recipient_meeting(plan: FamilyPlan) -> tuple[int, Meeting]:
    meeting = latest_meeting(plan, RECIPIENT_MEETINGS)
    if meeting is None:
        kinds = ", ".join(k.value for k in RECIPIENT_MEETINGS)
        raise InputError(
            "plan",
            [
                Problem(
                    "$.meetings",
                    f"there is no meeting of kind {kinds}; the plan goes to the participants "
                    "of the latest one",
                )
            ],
        )
    index = next(i for i, m in enumerate(plan.meetings) if m is meeting)
    return index, meeting


def _decisions(plan: FamilyPlan, meeting: Meeting, on: date) -> list[Decision]:
    decisions = [_decide(plan, participant, on) for participant in meeting.participants]
    if not any(p.member is not None for p in meeting.participants):
        # the family always receives its plan, even when no member is listed as a participant
        family = Decision(
            recipient=plan.family.name,
            organization=None,
            department=None,
            email=None,
            allowed=True,
            reason="family",
        )
        decisions.insert(0, family)
    return decisions


def _decide(plan: FamilyPlan, participant: Participant, on: date) -> Decision:
    base = Decision(
        recipient=participant.name,
        organization=participant.organization,
        department=participant.department,
        email=participant.email,
        allowed=False,
        reason="no_consent",
        member=participant.member,
    )
    if participant.member is not None:
        return _replace(base, allowed=True, reason="family")
    if not participant.organization and not participant.department:
        # a supporter, a grandparent, or a professional entered without organization: a
        # sharing consent names departments and organizations, so it cannot cover them
        return _replace(base, reason="private_person")
    sharing = [
        (i, c) for i, c in enumerate(plan.consents) if c.kind is ConsentKind.INFORMATION_SHARING
    ]
    if not sharing:
        return base
    states = {i: _consent_state(plan, c, on) for i, c in sharing}
    covering = [(i, c) for i, c in sharing if _covers(c, participant)]
    for i, _ in covering:
        if states[i] == "valid":
            return _replace(base, allowed=True, reason="covered", consent=i)
    if covering:
        # the newest consent that names them tells why it does not count
        i, _ = max(covering, key=lambda ic: (ic[1].signed_on or date.min, ic[0]))
        return _replace(base, reason=states[i], consent=i)
    valid = [i for i, _ in sharing if states[i] == "valid"]
    return _replace(base, reason="not_covered", consent=valid[-1] if valid else None)


def _consent_state(plan: FamilyPlan, consent: Consent, on: date) -> str:
    if consent.signed_on is None or consent.signed_on > on:
        return "not_signed"
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return "withdrawn"
    if consent.valid_until is not None and consent.valid_until < on:
        return "expired"
    signed = {
        s.member for s in consent.young_people if s.signed_on is not None and s.signed_on <= on
    }
    for member in plan.family.members:
        age = member.age_on(on)
        young = member.role is MemberRole.CHILD and age is not None and age >= YOUNG_PERSON_AGE
        if young and member.id not in signed:
            return "young_person_not_signed"
    return "valid"


def _covers(consent: Consent, participant: Participant) -> bool:
    departments = {_key(d) for d in consent.departments}
    parties = {_key(p.name) for p in consent.external_parties}
    own = [_key(v) for v in (participant.department, participant.organization) if v]
    if any(v in departments for v in own):
        return True
    return participant.organization is not None and _key(participant.organization) in parties


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and _key(a) == _key(b)


def _replace(decision: Decision, **changes: Any) -> Decision:
    return replace(decision, **changes)


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


def _secrets(plan: FamilyPlan) -> list[str]:
    values: set[str] = set()
    for member in plan.family.members:
        if member.national_id is not None:
            raw = member.national_id.reveal()
            values.update({raw, member.national_id.formatted(plan.country)})
    return sorted((v for v in values if v), key=len, reverse=True)


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _manifest_json(plan: FamilyPlan, manifest: DistributionManifest, secrets: list[str]) -> str:
    def consent_info(index: int | None) -> dict[str, Any] | None:
        if index is None:
            return None
        consent = plan.consents[index]
        return {
            "place": f"$.consents[{index}]",
            "signed_on": _iso(consent.signed_on),
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
        staging.mkdir()  # so the caller's cleanup has something to remove
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
