"""The later steps in the template context: what changed since the last plan version, the
latest follow-up, the children's own views and the closing.

**What changed.** A plan version may keep a snapshot of its goals and agreements
(:attr:`PlanVersion.goals`, :attr:`PlanVersion.agreements`); the plan's own goals and
agreements are the newest version's. The newest snapshot of an older version is compared
with them: items are matched by their ``id`` when both have one, else by their text, and
each lands in one list: ``added`` (new), ``completed`` (reached or done now, not before),
``dropped`` (gone, or dropped or cancelled now), ``changed`` (text, status, date or who
differ). Each current goal and agreement also gets ``status_then``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._text import norm
from ..model.enums import AgreementStatus, GoalStatus, MemberRole
from ..model.plan import Agreement, FamilyPlan, Goal, PlanVersion
from ..packs.rules import PackRules
from .values import Blank, Record

__all__ = ["blank_journey_context", "compare", "journey_context"]

_FINISHED = {GoalStatus.REACHED, AgreementStatus.DONE}
_GONE = {GoalStatus.DROPPED, AgreementStatus.CANCELLED}


def _text(item: Goal | Agreement) -> str:
    return item.goal if isinstance(item, Goal) else item.content


def _who(item: Goal | Agreement) -> Any:
    return (item.by_when, item.who) if isinstance(item, Goal) else (item.deadline, item.responsible)


def previous_version(plan: FamilyPlan) -> PlanVersion | None:
    """The newest version before the current one that kept its goals or agreements."""
    for version in reversed(plan.versions[:-1]):
        if version.goals is not None or version.agreements is not None:
            return version
    return None


def match(
    before: Sequence[Goal | Agreement], now: Sequence[Goal | Agreement]
) -> tuple[list[tuple[Goal | Agreement | None, Goal | Agreement]], list[Goal | Agreement]]:
    """Pair each item of *now* with its item in *before* (or None), and list the items of
    *before* that have no pair. Matched by ``id`` when both have one, else by text."""
    by_id = {item.id: item for item in before if item.id}
    by_text: dict[str, Goal | Agreement] = {}
    for item in before:
        by_text.setdefault(norm(_text(item)), item)
    used: set[int] = set()
    pairs: list[tuple[Goal | Agreement | None, Goal | Agreement]] = []
    for item in now:
        then = by_id.get(item.id) if item.id else None
        if then is None:
            candidate = by_text.get(norm(_text(item)))
            if candidate is not None and not (candidate.id and item.id):
                then = candidate
        if then is not None and id(then) in used:
            then = None
        if then is not None:
            used.add(id(then))
        pairs.append((then, item))
    return pairs, [item for item in before if id(item) not in used]


def compare(
    before: Sequence[Goal | Agreement], now: Sequence[Goal | Agreement]
) -> dict[str, list[tuple[Goal | Agreement | None, Goal | Agreement | None]]]:
    """Sort the items of two versions into added, changed, completed and dropped pairs
    ``(then, now)``; unchanged ones are left out."""
    out: dict[str, list[tuple[Any, Any]]] = {
        "added": [], "changed": [], "completed": [], "dropped": []
    }  # fmt: skip
    pairs, gone = match(before, now)
    for then, item in pairs:
        if then is None:
            out["added"].append((None, item))
        elif item.status in _GONE and then.status not in _GONE:
            out["dropped"].append((then, item))
        elif item.status in _FINISHED and then.status not in _FINISHED:
            out["completed"].append((then, item))
        elif (
            norm(_text(item)) != norm(_text(then))
            or item.status != then.status
            or _who(item) != _who(then)
        ):
            out["changed"].append((then, item))
    out["dropped"] += [(item, None) for item in gone]
    return out


def journey_context(ctx: dict[str, Any], plan: FamilyPlan, rules: PackRules) -> None:
    """Add ``changes``, ``previous_version``, ``follow_up``, ``view_children``,
    ``goals_reached`` and ``goals_open`` to the context *ctx* of *plan*."""
    previous = previous_version(plan)
    ctx["previous_version"] = _record_of_version(ctx, plan, previous) if previous else Blank()
    lists: dict[str, list[Record]] = {
        name: [] for name in ("added", "changed", "completed", "dropped")
    }
    for kind, current, records, old in (
        ("goal", plan.goals, ctx["goals"], previous.goals if previous else None),
        (
            "agreement",
            plan.agreements,
            ctx["agreements"],
            previous.agreements if previous else None,
        ),
    ):
        for record in records:
            record.status_then = None
            record.is_new = False
        if old is None:
            continue
        record_of = {id(model): rec for model, rec in zip(current, records, strict=True)}
        for name, pairs in compare(old, current).items():
            for then, now in pairs:
                lists[name].append(
                    Record(
                        kind=kind,
                        text=_text(now or then),  # type: ignore[arg-type]
                        status_then=then.status if then else None,
                        status_now=now.status if now else None,
                        item=record_of.get(id(now)) if now else None,
                    )
                )
        matched, _ = match(old, current)
        for then, model in matched:
            rec = record_of[id(model)]
            rec.status_then = then.status if then else None
            rec.is_new = then is None
    ctx["changes"] = Record(**lists, any=any(lists.values()), known=previous is not None)
    follow_ups = sorted(
        zip(ctx["follow_ups"], plan.follow_ups, strict=True), key=lambda pair: pair[1].date
    )
    ctx["follow_up"] = follow_ups[-1][0] if follow_ups else Blank()
    ctx["goals_reached"] = [g for g in ctx["goals"] if g.status is GoalStatus.REACHED]
    ctx["goals_open"] = [
        g for g in ctx["goals"] if g.status not in (GoalStatus.REACHED, GoalStatus.DROPPED)
    ]
    ctx["view_children"] = _view_children(ctx, plan, rules.consent.child_view_from)


def _record_of_version(ctx: dict[str, Any], plan: FamilyPlan, version: PlanVersion) -> Record:
    index = plan.versions.index(version)
    return ctx["versions"][index]  # type: ignore[no-any-return]


def _view_children(ctx: dict[str, Any], plan: FamilyPlan, start: int) -> list[Record]:
    """One entry per child old enough for the child_view form (from *start*), or whose
    words are recorded."""
    views: dict[str, Record] = {}
    recorded = sorted(
        zip(ctx["child_views"], plan.child_views, strict=True),
        key=lambda pair: (pair[1].recorded_on is not None, pair[1].recorded_on),
    )
    for record, view_model in recorded:
        views[view_model.member] = record  # the newest recorded view of each child wins
    out = []
    for record, model in zip(ctx["members"], plan.family.members, strict=True):
        if model.role is not MemberRole.CHILD:
            continue
        old_enough = record.age is None or record.age >= start
        if old_enough or model.id in views:
            view = views.get(model.id)
            if view is not None:
                view.person = record
            out.append(Record(person=record, view=view if view is not None else Blank()))
    return out


def blank_journey_context(ctx: dict[str, Any], rows: int) -> None:
    """The same names in a blank form: empty rows to write in, one child's page."""
    ctx["previous_version"] = Blank(rows)
    ctx["changes"] = Record(
        added=Blank(rows), changed=Blank(rows), completed=Blank(rows), dropped=Blank(rows),
        any=True, known=False,
    )  # fmt: skip
    ctx["follow_up"] = Blank(rows)
    ctx["goals_reached"] = Blank(rows)
    ctx["goals_open"] = Blank(rows)
    ctx["view_children"] = [Record(person=Blank(rows), view=Blank(rows))]
