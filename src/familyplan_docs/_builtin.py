"""Where the built-in packs live; registered as ``familyplan_docs.packs`` entry points."""

from __future__ import annotations

from pathlib import Path


def templates_root() -> Path:
    """Return the folder of the built-in packs (inside the wheel, or the source checkout)."""
    inside = Path(__file__).parent / "templates"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "templates"


def samples_root() -> Path:
    """Return the folder of the bundled sample plans (inside the wheel, or the checkout)."""
    inside = Path(__file__).parent / "samples"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "samples"


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
