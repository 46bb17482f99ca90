"""Where the built-in packs and the sample plans live (package data).

The packs are ``familyplan_docs/templates/<lang>/`` and registered as ``familyplan_docs.packs``
entry points; the samples are ``familyplan_docs/samples/<lang>/``. The folders are the same in
a source checkout and in an installed wheel.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["da", "en", "nl", "samples_root", "sv", "templates_root"]

_PACKAGE = Path(__file__).resolve().parents[1]


def templates_root() -> Path:
    """Return the folder of the built-in packs (``familyplan_docs/templates``)."""
    return _PACKAGE / "templates"


def samples_root() -> Path:
    """Return the folder of the bundled sample plans (``familyplan_docs/samples``)."""
    return _PACKAGE / "samples"


def nl() -> Path:
    """The built-in Dutch pack."""
    return templates_root() / "nl"


def da() -> Path:
    """The built-in Danish pack."""
    return templates_root() / "da"


def sv() -> Path:
    """The built-in Swedish pack."""
    return templates_root() / "sv"


def en() -> Path:
    """The built-in English pack (for families whose language is not the municipality's)."""
    return templates_root() / "en"
