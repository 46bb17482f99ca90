"""ACME Jeugdzorg's template pack for familyplan-docs: the nl pack with ACME's own flyer."""

from __future__ import annotations

from pathlib import Path


def pack_folder() -> Path:
    """The folder of the pack (``pack.toml``, ``flyer.docx``, ``messages.po``).

    familyplan-docs calls this through the ``familyplan_docs.packs`` entry point.
    """
    return Path(__file__).parent / "nl-acme"
