"""The guard that keeps a shared template context unchanged, light enough for the sandbox.

:mod:`.shared` builds the context several documents share and says which lists are in it;
while such a context renders (:func:`protecting`), the sandbox asks :func:`changes_shared`
before every call and raises :class:`SharedValueChanged` instead of making a call that would
change one of them. Kept apart from :mod:`.shared` so the sandbox loads without the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import modifies_known_mutable

__all__ = ["SharedValueChanged", "changes_shared", "protecting"]


class SharedValueChanged(SecurityError):
    """A template tried to change a list of a shared context (the call was not made).

    Carries the render budget's time limit and deadline, so the document's render again
    (with a context of its own) stays within the time its first render had.
    """

    def __init__(self, seconds: float | None = None, deadline: float | None = None) -> None:
        super().__init__("the template changes a value shared with other documents")
        self.seconds = seconds
        self.deadline = deadline


_protected: ContextVar[frozenset[int]] = ContextVar(
    "familyplan_shared_containers", default=frozenset()
)


@contextmanager
def protecting(containers: frozenset[int]) -> Iterator[None]:
    """Within this, a call that would change one of *containers* (ids) raises instead."""
    token = _protected.set(containers)
    try:
        yield
    finally:
        _protected.reset(token)


def changes_shared(owner: Any, name: str, args: tuple[Any, ...]) -> bool:
    """Whether calling method *name* of *owner* (with *args*) would change a shared value.

    *owner* is None for a function or an unbound method; then its first argument is the
    object it would change (``list.append(xs, 1)``). A false alarm costs only a second
    render of the document.
    """
    protected = _protected.get()
    if not protected:
        return False
    if owner is None and args:
        owner = args[0]
    return id(owner) in protected and modifies_known_mutable(owner, name)
