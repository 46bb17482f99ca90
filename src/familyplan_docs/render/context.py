"""The template context: what a template can use, built from a plan (or blank, for forms).

Values keep their types (dates, enums, numbers) and are printed in the pack's locale by
the environment's finalize step. Records are attribute objects, so ``ap.items`` in a
template is the field and never a dict method. ``docs/variables.md`` lists every name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .._errors import InputError
from ..model.ids import Country, PersonalId
from ..model.plan import (
    ChecklistStep,
    FamilyPlan,
    MapSector,
    Meeting,
    MeetingKind,
    MemberRole,
    NetworkGroup,
    Phase,
)
from ..packs.coverage import ConsentState, covered_by_consent, rules_for
from ..packs.pack import Pack
from ..packs.rules import signature_problems
from .forms import blank_consent_context, consent_context
from .journey import blank_journey_context, journey_context
from .values import Blank, BlankWith, IdNumber, Record, record_of

BLANK_ROWS = 3
"""Empty rows a blank form offers in each table or list."""

_MAIN_MEETINGS = (MeetingKind.NETWORK, MeetingKind.FAMILY_GROUP_CONFERENCE, MeetingKind.FOLLOW_UP)


_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime, time, Decimal})
"""Types a template gets as they are (checked first: most values of a plan are these)."""


@functools.cache
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def _record(value: Any, country: Country) -> Any:
    """*value* as templates see it, in one pass over the plan.

    Models and mappings become :class:`Record` objects field by field, lists new lists,
    ID numbers their written form; dates, enums, numbers and text keep their types.
    """
    if isinstance(value, BaseModel):
        fields = {}
        for name in _field_names(type(value)):
            field = getattr(value, name)
            fields[name] = field if type(field) in _PLAIN else _record(field, country)
        return record_of(fields)
    if isinstance(value, list):
        return [item if type(item) in _PLAIN else _record(item, country) for item in value]
    if isinstance(value, dict):
        return record_of({k: _record(v, country) for k, v in value.items()})
    if isinstance(value, PersonalId):
        return IdNumber(value.formatted(country))
    return value


def reference_day(plan: FamilyPlan) -> date:
    """The day ages are counted on: the latest main meeting, else the newest version, else today."""
    meeting = latest_meeting(plan)
    if meeting is not None:
        return meeting.date
    updated = [v.updated_on for v in plan.versions if v.updated_on]
    return max(updated) if updated else date.today()


def latest_meeting(
    plan: FamilyPlan, kinds: Iterable[MeetingKind] = _MAIN_MEETINGS
) -> Meeting | None:
    """Return the latest meeting of one of *kinds*, or None."""
    wanted = set(kinds)
    meetings = [(i, m) for i, m in enumerate(plan.meetings) if m.kind in wanted]
    if not meetings:
        return None
    # by date, then start time (a meeting without one counts as early that day), then the
    # order of the list; the plan's times are all local (see FamilyPlan), so they compare
    _, latest = max(meetings, key=lambda im: (im[1].date, im[1].start_time or time.min, im[0]))
    return latest


def build_context(plan: FamilyPlan, pack: Pack) -> dict[str, Any]:
    """Return the context of a filled document for *plan* in *pack*."""
    country = plan.country
    ctx: dict[str, Any] = {
        name: _record(getattr(plan, name), country) for name in _field_names(type(plan))
    }
    day = reference_day(plan)

    members = ctx["family"].members
    by_id: dict[str, Record] = {}
    for m, model in zip(members, plan.family.members, strict=True):
        m.full_name = " ".join(p for p in (model.first_name, model.last_name) if p)
        m.age = model.age_on(day)
        by_id[model.id] = m

    def person(ref: str) -> Record:
        return by_id[ref]

    for item in (*ctx["interventions"], *ctx["action_plans"]):
        item.person = person(item.member)
    for view in ctx["child_views"]:
        view.person = person(view.member)
    pack_rules = rules_for(plan, pack)
    rules = pack_rules.consent
    problems = signature_problems(plan, rules, day)
    if problems:
        raise InputError("plan", problems)
    states: dict[tuple[int, date], ConsentState] = {}
    for meeting, held in zip(ctx["meetings"], plan.meetings, strict=True):
        _enrich_meeting(meeting)
        for record, participant in zip(meeting.participants, held.participants, strict=True):
            record.covered = covered_by_consent(plan, rules, participant, held.date, states)

    main = latest_meeting(plan)
    main_index = plan.meetings.index(main) if main else None
    ctx.update(
        blank=False,
        recipient=None,
        document=Record(kind="", readers=[], id_numbers=False),
        members=members,
        adults=[m for m in members if m.role is not MemberRole.CHILD],
        children=[m for m in members if m.role is MemberRole.CHILD],
        coordinator=_record(plan.lead_coordinator(), country),
        version=ctx["versions"][-1] if ctx["versions"] else None,
        meeting=ctx["meetings"][main_index] if main_index is not None else None,
        checklist=_checklist(ctx["checklist"]),
        phases=_phases(plan.phase),
        reference_day=day,
        **_network_groups(ctx["network"]),
    )
    consent_context(ctx, plan, pack_rules, day, by_id)
    journey_context(ctx, plan, pack_rules)
    for name in _SINGLE_OBJECTS:  # a missing part prints as an empty form, never "None"
        if ctx.get(name) is None:
            ctx[name] = Blank()
    ctx.update(_pack_context(pack))
    return ctx


_SINGLE_OBJECTS = ("supporter", "version", "meeting", "safety", "closing")


def _enrich_meeting(meeting: Record) -> None:
    meeting.family_participants = [p for p in meeting.participants if p.member]
    convenor = meeting.convenor
    meeting.convenor_person = next(
        (p for p in meeting.participants if convenor and p.name == convenor), None
    )
    meeting.professionals = [
        p for p in meeting.participants if not p.member and p is not meeting.convenor_person
    ]
    meeting.total_minutes = sum(int(item.minutes or 0) for item in meeting.agenda)
    meeting.private_time = meeting.kind is MeetingKind.FAMILY_GROUP_CONFERENCE


def _network_groups(network: list[Record]) -> dict[str, Any]:
    groups: dict[str, Any] = {
        f"network_{group.value}": [n for n in network if n.group is group] for group in NetworkGroup
    }
    groups["network_by_sector"] = Record(
        **{s.value: [n for n in network if n.sector is s] for s in MapSector}
    )
    return groups


def _checklist(entries: list[Record]) -> list[Record]:
    done = {e.step: e for e in entries}
    return [
        Record(
            step=step,
            done_on=done[step].done_on if step in done else None,
            done_by=done[step].done_by if step in done else None,
            done=step in done and bool(done[step].done_on or done[step].done_by),
        )
        for step in ChecklistStep
    ]


def _phases(current: Phase) -> list[Record]:
    order = list(Phase)
    return [
        Record(phase=p, current=p is current, past=order.index(p) < order.index(current))
        for p in order
    ]


def _pack_context(pack: Pack) -> dict[str, Any]:
    return {
        "legal": Record(**pack.legal),
        "pack": Record(name=pack.name, locale=str(pack.locale), title=pack.manifest.title),
        "labels": Labels(pack.gettext),
    }


class Labels:
    """``labels.sector.family`` style access to catalog entries, for template authors."""

    def __init__(self, gettext: Callable[[str], str], prefix: str = "") -> None:
        self._gettext = gettext
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        key = f"{self._prefix}{name}"
        if not self._prefix:
            return Labels(self._gettext, key + ".")
        return self._gettext(key)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


def build_blank_context(pack: Pack, rows: int = BLANK_ROWS) -> dict[str, Any]:
    """Return the context of a blank form: every value empty, every list *rows* empty rows.

    Fixed lists (the checklist steps, the phases) keep their labels so a form can be ticked.
    """
    ctx: dict[str, Any] = {
        name: Blank(rows)
        for name in (
            *FamilyPlan.model_fields,
            "members", "adults", "children", "young_people", "coordinator", "version",
            "meeting", "reference_day", "network_by_sector",
            *(f"network_{g.value}" for g in NetworkGroup),
        )
    }  # fmt: skip
    ctx.update(
        blank=True,
        recipient=None,
        document=Record(kind="", readers=[], id_numbers=False),
        checklist=_checklist([]),
        phases=[Record(phase=p, current=False, past=False) for p in Phase],
    )
    if pack.settings.get("main_meeting") == MeetingKind.FAMILY_GROUP_CONFERENCE.value:
        ctx["meeting"] = BlankWith(rows, private_time=True)  # the pack's method comes first
    blank_consent_context(ctx, pack)
    blank_journey_context(ctx, rows)
    ctx.update(_pack_context(pack))
    return ctx
