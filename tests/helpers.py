"""Small helpers for tests: reading a .docx's text and making throwaway packs."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from lxml import etree

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
