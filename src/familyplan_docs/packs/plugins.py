"""Packs that other installed Python packages offer (entry points), found without a slow import.

Importing :mod:`importlib.metadata` costs a fresh process 20–60 ms (it loads the ``email``
package), more than the rest of a warm render of one document. So the entry points of a
group are kept in the persistent cache (:mod:`familyplan_docs._cache`) under a key made of
what :mod:`importlib.metadata` reads to find them: ``sys.path`` and, in each folder on it,
the name of every ``.dist-info`` and ``.egg-info`` with the size and time of its
``entry_points.txt``. Installing, removing, upgrading or editing a package changes the key,
and the metadata is read again. Where no key can be made (a zip file on ``sys.path``, a
folder that cannot be listed) or the cache is off, the metadata is read every time.

An entry point's target is loaded as :meth:`importlib.metadata.EntryPoint.load` loads it.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from typing import Any

from .. import _cache

__all__ = ["entry_points"]

_NAMESPACE = "entrypoints"

_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
"""An entry point's value, as :class:`importlib.metadata.EntryPoint` reads it."""


class EntryPoint:
    """One entry point: its *name*, its *value* (``module:attr``) and :meth:`load`."""

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def load(self) -> Any:
        """Import the module the value names and return the attribute it names."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"not an entry point: {self.value!r}")
        target: Any = importlib.import_module(match.group("module"))
        for attr in filter(None, (match.group("attr") or "").split(".")):
            target = getattr(target, attr)
        return target


def _installed() -> list[str] | None:
    """What the key is made of; None when it cannot be made (then no cache is used)."""
    parts: list[str] = list(sys.path)
    for entry in sys.path:
        folder = entry or os.getcwd()
        try:
            with os.scandir(folder) as found:
                names = sorted(e.name for e in found if e.name.endswith(_METADATA))
        except (FileNotFoundError, NotADirectoryError):
            if os.path.isfile(folder):  # a zip: importlib.metadata looks inside it
                return None
            continue
        except OSError:
            return None
        for name in names:
            try:
                info = os.stat(os.path.join(folder, name, "entry_points.txt"))
            except (FileNotFoundError, NotADirectoryError):
                parts.append(name)
                continue
            except OSError:
                return None
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return parts


_METADATA = (".dist-info", ".egg-info")


def _read(group: str) -> list[tuple[str, str]]:
    from importlib.metadata import entry_points as installed  # the slow import (see above)

    return [(ep.name, ep.value) for ep in installed(group=group)]


def _kept(data: bytes | None) -> list[tuple[str, str]] | None:
    if data is None:
        return None
    try:
        items = json.loads(data)
    except ValueError:
        return None
    if not isinstance(items, list) or not all(
        isinstance(i, list) and len(i) == 2 and all(isinstance(s, str) for s in i) for i in items
    ):
        return None
    return [(name, value) for name, value in items]


def _listed(group: str) -> list[tuple[str, str]]:
    store = _cache.store()
    parts = _installed() if store is not None else None
    if store is None or parts is None:
        return _read(group)
    key = _cache.digest(_NAMESPACE, group, *parts)
    items = _kept(store.get(_NAMESPACE, key))
    if items is None:
        items = _read(group)
        store.put(_NAMESPACE, key, json.dumps(items).encode("utf-8"))
    return items


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of *group* that installed packages declare, in importlib's order."""
    return [EntryPoint(name, value) for name, value in _listed(group)]
