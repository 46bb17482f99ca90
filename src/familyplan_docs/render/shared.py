"""One template context for all documents of a family, which no template can change.

Building the context of a plan takes about as long as rendering a small document, so the
documents of one family share one (:func:`shared_context`, used by
:func:`familyplan_docs.render.documents.render_documents`). Templates could change a shared
context through the lists in it (``{{ members.reverse() }}`` is allowed in the sandbox),
and the next document would see the change. So while a shared context renders
(:func:`protect_shared`), the sandbox raises :class:`SharedValueChanged` on any call that
would change one of its lists, before it runs, and the caller renders that document again
with a context of its own (:func:`familyplan_docs.render.documents.render_to`): every document
comes out as it would with a context built for it alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..packs.pack import Pack
from .context import build_blank_context, build_context
from .guard import protecting
from .values import Record

if TYPE_CHECKING:
    from ..model.plan import FamilyPlan

__all__ = [
    "SharedContext",
    "new_context",
    "protect_shared",
    "shared_context",
]


def new_context(plan: FamilyPlan | None, pack: Pack) -> dict[str, Any]:
    """The context of *plan* in *pack*, or of a blank form when *plan* is None."""
    return build_context(plan, pack) if plan else build_blank_context(pack)


@dataclass(frozen=True)
class SharedContext:
    """The context of *plan* in *pack*, built once for several documents.

    Pass it to :func:`familyplan_docs.render.documents.render_to` with the same plan and pack.
    """

    plan: FamilyPlan | None
    pack: Pack
    values: Mapping[str, Any]
    containers: frozenset[int]
    """The ids of the lists (and any mappings or sets) in :attr:`values`."""


def shared_context(plan: FamilyPlan | None, pack: Pack) -> SharedContext:
    """Build the context of *plan* (blank when None) in *pack* to share between documents."""
    values = new_context(plan, pack)
    return SharedContext(plan, pack, values, _containers(values.values()))


def _containers(values: Iterable[Any]) -> frozenset[int]:
    """The ids of every list, mapping and set reachable through *values* and their records."""
    found: set[int] = set()
    seen: set[int] = set()  # records and containers walked through
    pending = list(values)
    while pending:
        value = pending.pop()
        children: Iterable[Any]
        if isinstance(value, Record):
            children = vars(value).values()
        elif isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list | tuple | set | frozenset):
            children = value
        else:
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        pending.extend(children)
        if not isinstance(value, Record):
            found.add(id(value))
    return frozenset(found)


@contextmanager
def protect_shared(context: SharedContext) -> Iterator[None]:
    """Within this, calls that would change a list of *context* raise SharedValueChanged."""
    with protecting(context.containers):
        yield
