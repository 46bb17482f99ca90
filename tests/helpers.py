"""What tests share besides fixtures: paths, the packs and samples, a tiny plan, .docx helpers.

Tests import these from here; ``conftest.py`` holds fixtures and the Hypothesis profiles only.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from hypothesis import settings
from lxml import etree

from familyplan_docs.packs.builtin import samples_root, templates_root

ROOT = Path(__file__).resolve().parents[1]
"""The repository's root folder."""

BUILTIN_PACKS = sorted(p.name for p in templates_root().iterdir() if (p / "pack.toml").is_file())
"""The built-in packs' names."""

SAMPLES = sorted(samples_root().glob("*/*.json"))
"""The bundled sample plans."""

FAST_LANE = os.environ.get("FAMILYPLAN_TEST_LANE") == "fast"
"""``make check`` sets this: fewer Hypothesis examples (see ``conftest.py`` for the profiles)."""


def examples(count: int) -> settings:
    """Hypothesis settings for *count* examples (a tenth, at least 2, in the fast lane).

    Everything else (deadline, health checks, derandomizing in CI) comes from the profile
    registered in ``conftest.py``.
    """
    return settings(max_examples=max(2, count // 10) if FAST_LANE else count)


TINY: dict[str, Any] = {
    "country": "DK",
    "organization": {"name": "Testrup Kommune", "programme": "Familiens Fremtid"},
    "family": {
        "name": "Familien Test",
        "members": [
            {
                "id": "mor",
                "first_name": "Anna",
                "last_name": "Test",
                "role": "parent",
                "custody_of": ["søn"],
            },
            {
                "id": "søn",
                "first_name": "Bo",
                "last_name": "Test",
                "role": "child",
                "birth_date": "2010-05-01",
            },
        ],
    },
    "coordinators": [{"id": "k1", "name": "Karin Koordinator", "lead": True}],
    "goals": [{"goal": "Bo går i skole hver dag", "who": "Bo"}],
    "agreements": [{"content": "Møde med skolen", "responsible": "Anna", "deadline": "2027-01-15"}],
    "network": [
        {"id": "n1", "name": "Mormor", "group": "personal", "sector": "family"},
    ],
    "meetings": [
        {
            "kind": "network",
            "date": "2026-12-10",
            "start_time": "09:00",
            "end_time": "11:00",
            "participants": [{"name": "Anna Test", "member": "mor"}],
            "agenda": [{"title": "Velkomst", "minutes": 5}],
        }
    ],
}


def soffice_or_skip() -> str:
    """Return the LibreOffice binary; in CI a missing LibreOffice fails instead of skipping."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice is required in CI (.ci/run installs it)")
    pytest.skip("LibreOffice is not installed")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """All text of a .docx (body, tables, headers, footers), one line per paragraph.

    ``<w:br/>`` becomes a newline and ``<w:tab/>`` a tab, so data arrives as typed.
    """
    lines = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.startswith("word/") or not name.endswith(".xml"):
                continue
            if not name.split("/")[-1].startswith(("document", "header", "footer")):
                continue
            root = etree.fromstring(archive.read(name))
            for p in root.iter(f"{W}p"):
                parts = []
                for el in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
                    if el.tag == f"{W}t":
                        parts.append(el.text or "")
                    elif el.tag == f"{W}br":
                        parts.append("\n")
                    else:
                        parts.append("\t")
                lines.append("".join(parts))
    return "\n".join(lines)


def make_docx(path: Path, *paragraphs: str) -> Path:
    """Write a minimal .docx whose paragraphs are the given texts (Jinja tags allowed)."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def make_pack(
    folder: Path, name: str, *, extends: str | None = "da", locale: str = "da_DK"
) -> Path:
    """Write a pack.toml into *folder* (documents are added by the caller)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'name = "{name}"', f'locale = "{locale}"', 'version = "0.1"']
    if extends:
        lines.append(f'extends = "{extends}"')
    (folder / "pack.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
