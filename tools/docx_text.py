"""Print a Word document as text, for readable ``git diff`` of .docx files.

Git calls this through ``.gitattributes`` (``*.docx diff=docx``) once a clone is set up with
``make git-diff-docx`` (``git config diff.docx.textconv "python3 tools/docx_text.py"``).
Prints the document's core title and language, then each paragraph of the body, headers
and footers on its own line (table cells separated by `` | ``), with Jinja tags as typed.
Needs only the standard library, so it works outside the project's virtual environment.
"""

from __future__ import annotations

import sys
import zipfile
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"


def _paragraph(p: ElementTree.Element) -> str:
    out = []
    for run in p.iter(f"{W}r"):  # a paragraph's tab stops (w:pPr/w:tabs/w:tab) are not text
        for el in run:
            if el.tag == f"{W}t":
                out.append(el.text or "")
            elif el.tag == f"{W}tab":
                out.append("\t")
            elif el.tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
    return "".join(out)


def _blocks(root: ElementTree.Element) -> list[str]:
    lines: list[str] = []
    body = root.find(f"{W}body")
    for child in list(body if body is not None else root):
        if child.tag == f"{W}p":
            lines.append(_paragraph(child))
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                cells = [
                    " / ".join(_paragraph(p) for p in cell.iter(f"{W}p"))
                    for cell in row.iter(f"{W}tc")
                ]
                lines.append(" | ".join(cells))
        else:
            lines.extend(_paragraph(p) for p in child.iter(f"{W}p"))
    return lines


def docx_text(path: str) -> str:
    """The readable text of the .docx at *path*."""
    out: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "docProps/core.xml" in names:
            core = ElementTree.fromstring(archive.read("docProps/core.xml"))
            title = core.findtext(f"{DC}title") or ""
            language = core.findtext(f"{DC}language") or ""
            out.append(f"# {title} ({language})")
        parts = ["word/document.xml"]
        parts += sorted(n for n in names if n.startswith(("word/header", "word/footer")))
        for name in parts:
            if name not in names:
                continue
            out.append(f"## {name}")
            out.extend(_blocks(ElementTree.fromstring(archive.read(name))))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(docx_text(sys.argv[1]))
