"""The packs a service instance serves: found and loaded once at start, chosen per request.

A request names a pack by name or locale; it is looked up here only, never on disk, so a
client cannot make the service load a pack from a folder that was not configured.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._errors import FamilyPlanError, InputError, Problem, UnknownChoiceError
from ..model.plan import FamilyPlan
from ..packs.discovery import DEFAULT_PACK, discover, load_pack
from ..packs.pack import Pack
from .options import ServiceError

__all__ = ["PackEntry", "PackShelf"]


@dataclass(frozen=True)
class PackEntry:
    """What ``GET /v1/packs`` tells about one pack (never its folder)."""

    name: str
    locale: str
    title: str
    version: str
    kinds: tuple[str, ...]


class PackShelf:
    """The loaded packs by name; see :meth:`load`."""

    def __init__(self, packs: Sequence[Pack]) -> None:
        self._packs = {pack.name: pack for pack in sorted(packs, key=lambda p: p.name)}

    @classmethod
    def load(cls, templates: Sequence[str | Path] = ()) -> PackShelf:
        """Load every pack found through *templates*, the environment and the entry points.

        Raises :class:`ServiceError` naming a pack that cannot be loaded (a broken
        manifest, a missing ``extends``), so the service never starts with half its packs.
        """
        packs = []
        for name, folder in discover(templates).items():
            try:
                packs.append(load_pack(folder, templates))
            except FamilyPlanError as exc:
                raise ServiceError(f"pack {name!r} cannot be loaded: {exc}") from None
        return cls(packs)

    def __iter__(self) -> Iterator[Pack]:
        return iter(self._packs.values())

    def names(self) -> list[str]:
        """Every pack's name, sorted."""
        return list(self._packs)

    def keys(self) -> list[str]:
        """Every name and locale a request may give, sorted (``da``, ``da_DK``, …)."""
        found = set(self._packs)
        found.update(pack.manifest.locale for pack in self._packs.values())
        return sorted(found)

    def entries(self) -> list[PackEntry]:
        """What ``GET /v1/packs`` lists, sorted by name."""
        return [
            PackEntry(
                p.name, p.manifest.locale, p.manifest.title, p.manifest.version, tuple(p.kinds())
            )
            for p in self._packs.values()
        ]

    def find(self, key: str) -> Pack:
        """The pack named *key*, or whose locale is *key* (``da_DK``, ``da-dk``).

        Raises :class:`UnknownChoiceError` listing the packs (and not where they live).
        """
        pack = self._packs.get(key)
        if pack is not None:
            return pack
        wanted = key.replace("-", "_").lower()
        for pack in self._packs.values():
            if pack.manifest.locale.lower() == wanted:
                return pack
        raise UnknownChoiceError("locale pack", key, self._packs)

    def pick(self, key: str, place: str) -> Pack:
        """:meth:`find`, with an unknown pack reported as bad input at *place*."""
        try:
            return self.find(key)
        except UnknownChoiceError as exc:
            raise InputError("request", [Problem(place, str(exc))]) from None

    def for_plan(self, plan: FamilyPlan, locale: str | None) -> tuple[Pack, Pack | None]:
        """The pack for *plan* and the pack of the documents the family reads, if another.

        The same choice as :func:`familyplan_docs.render`: *locale*, else the built-in
        pack of the plan's country; without *locale*, the family's ``preferred_language``
        pack for the documents the family reads. An unknown pack raises
        :class:`InputError` at ``locale`` or ``$.family.preferred_language``.
        """
        if locale is not None:
            return self.pick(locale, "locale"), None
        pack = self.pick(DEFAULT_PACK[plan.country], "$.country")
        preferred = plan.family.preferred_language
        if preferred and preferred != pack.name:
            return pack, self.pick(preferred, "$.family.preferred_language")
        return pack, None
