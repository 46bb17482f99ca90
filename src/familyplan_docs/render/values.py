"""The objects a template sees besides plain values: records of a plan, blanks of a form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["Blank", "BlankWith", "IdNumber", "Record", "id_numbers_shown", "record_of"]


class Record:
    """An attribute bag for templates: ``rec.name`` and ``rec['name']`` both work."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__

    def __repr__(self) -> str:
        return f"Record({', '.join(sorted(self.__dict__))})"


def record_of(fields: dict[str, Any]) -> Record:
    """A record of *fields*, as ``Record(**fields)`` without unpacking them.

    (A function, not a method: a record has no public attribute but its fields.)
    """
    record = Record.__new__(Record)
    record.__dict__.update(fields)
    return record


class Blank:
    """Stands for any value in a blank form: prints nothing, iterates as empty rows.

    Attribute and item access give another :class:`Blank`, so a template written for a
    filled plan renders as a form with its headings, labels and empty rows to write on.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: int = 3) -> None:
        self._rows = rows

    def __getattr__(self, name: str) -> Blank:
        if name.startswith("__"):
            raise AttributeError(name)
        return Blank(self._rows)

    def __getitem__(self, key: object) -> Blank:
        return Blank(self._rows)

    def __iter__(self) -> Any:
        return iter([Blank(self._rows) for _ in range(self._rows)])

    def __len__(self) -> int:
        return self._rows

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Blank)

    def __hash__(self) -> int:
        return 0


class BlankWith(Blank):
    """A :class:`Blank` with some attributes fixed, e.g. a blank meeting that is a family
    group conference (``BlankWith(3, private_time=True)``)."""

    __slots__ = ("_fixed",)

    def __init__(self, rows: int = 3, **fixed: Any) -> None:
        super().__init__(rows)
        self._fixed = fixed

    def __getattr__(self, name: str) -> Any:
        if name in self._fixed:
            return self._fixed[name]
        return super().__getattr__(name)


_SHOW_ID_NUMBERS: ContextVar[bool] = ContextVar("familyplan_show_id_numbers", default=False)


@contextmanager
def id_numbers_shown(shown: bool) -> Iterator[None]:
    """Within this, :class:`IdNumber` values print (*shown*) or print nothing."""
    token = _SHOW_ID_NUMBERS.set(shown)
    try:
        yield
    finally:
        _SHOW_ID_NUMBERS.reset(token)


class IdNumber:
    """A national ID number as a template sees it: printed only in a document whose readers
    need it (:data:`familyplan_docs._kinds.ID_NUMBER_KINDS`), empty and false everywhere else.

    The rendering code decides per document (:func:`id_numbers_shown`), so no template, a
    pack's own included, can put an ID number into a plan, agenda, minutes or letter.
    """

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __str__(self) -> str:
        return self._text if _SHOW_ID_NUMBERS.get() else ""

    def __bool__(self) -> bool:
        return _SHOW_ID_NUMBERS.get() and bool(self._text)

    def __repr__(self) -> str:
        return "IdNumber(•••)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdNumber) and other._text == self._text

    def __hash__(self) -> int:
        return hash(("IdNumber", self._text))
