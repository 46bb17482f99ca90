"""Errors the library raises for bad input, bad packs and missing tools."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._text import mask_id_numbers


@dataclass(frozen=True)
class Problem:
    """One problem with its place: a JSON path, or ``Sheet, row N, column``."""

    place: str
    message: str

    def __post_init__(self) -> None:
        # a message may quote a value; whatever could be a personal ID number is masked
        object.__setattr__(self, "message", mask_id_numbers(self.message))

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class FamilyPlanError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(FamilyPlanError):
    """The plan input is not valid; :attr:`problems` lists every problem with its place.

    Messages never contain a personal ID number: every problem's message is masked
    (:func:`familyplan_docs._text.mask_id_numbers`).
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


class UnknownChoiceError(FamilyPlanError):
    """An unknown locale, pack or document kind; the message lists what is available."""

    def __init__(self, what: str, given: str, available: Iterable[str], tried: str = "") -> None:
        choices = ", ".join(sorted(available)) or "(none)"
        message = f"unknown {what} {given!r}; available: {choices}"
        if tried:
            message += f" (looked in: {tried})"
        super().__init__(message)


class PackError(FamilyPlanError):
    """A template pack is broken (bad manifest, missing document, extends loop)."""


class TemplateRenderError(FamilyPlanError):
    """A template failed to render (syntax error, forbidden access, unknown variable)."""


class OutputError(FamilyPlanError):
    """The output cannot be written: the disk is full or read-only, a file stands where a
    folder belongs (or a folder where a file does). Nothing half-written is left behind."""


class ToolMissingError(FamilyPlanError):
    """An external program (LibreOffice) is not installed; the message says how to get it."""


class ConversionError(FamilyPlanError):
    """LibreOffice failed or timed out converting a document; the message names the file."""
