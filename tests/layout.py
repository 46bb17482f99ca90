"""Measure a document's printed layout: page fill, words cut in two, writing rows, pages.

Used by ``tests/test_layout.py`` and, for figures on any folder of documents with their PDFs
(the demo, say), as ``python -m tests.layout DIR [DIR ...]``.

* **Page fill**: each page is rasterised (``pdftoppm``) and the lowest ink of its body (between
  the top and bottom margins of the document's section) is measured as a share of the body's
  height; a page after the first whose body ends in its top fifth is *near-empty*.
* **Cut words**: ``pdftotext -bbox-layout`` gives the words as LibreOffice set them. A word of
  the PDF that is not a word of the document but a piece of a longer one (broken at a line's
  end), or two words at the end and start of consecutive lines that together make one word of
  the document, is a word cut in two, unless the cut falls after ``-``, ``/``, ``@``, ``.`` or
  a dash (where a reader expects a line to break).
* **Writing rows**: a table row of a blank form with an empty cell is a place to write; its
  height is read from the ``.docx`` (``w:trHeight``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from PIL import Image

from tests.helpers import W, docx_text

XHTML = "{http://www.w3.org/1999/xhtml}"
TWIPS_PER_CM = 1440 / 2.54
MIN_WRITING_ROW_TWIPS = round(0.9 * TWIPS_PER_CM)
"""0.9 cm in twips as python-docx writes ``Cm(0.9)`` (510)."""
NEAR_EMPTY = 0.2
"""A page after the first whose body ends above this share of its height is near-empty."""
BREAK_AFTER = frozenset("-/@._–—‐")
"""A line may break after these characters without cutting a word."""
RASTER_DPI = 24


@dataclass(frozen=True)
class Margins:
    """The body's top and bottom margins of a document, in cm (from its first section)."""

    top: float = 2.0
    bottom: float = 1.8


def margins(docx: Path) -> Margins:
    """The top and bottom page margins of *docx*'s first section."""
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    mar = next(root.iter(f"{W}pgMar"), None)
    if mar is None:
        return Margins()
    return Margins(
        int(mar.get(f"{W}top", "1134")) / TWIPS_PER_CM,
        int(mar.get(f"{W}bottom", "1020")) / TWIPS_PER_CM,
    )


# --- page fill ------------------------------------------------------------------------------


def page_fill(pdf: Path, body: Margins) -> list[float]:
    """How far down each page's body holds ink, as a share of the body's height (0 .. 1)."""
    fills = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(RASTER_DPI), "-gray", "-png", str(pdf), f"{tmp}/p"],
            check=True,
            stdin=subprocess.DEVNULL,
        )
        pages = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        for page in pages:
            image = Image.open(page).convert("L")
            px_per_cm = RASTER_DPI / 2.54
            top = round(body.top * px_per_cm)
            bottom = image.height - round(body.bottom * px_per_cm)
            inked = image.crop((0, top, image.width, bottom)).point(lambda v: 255 if v < 200 else 0)
            box = inked.getbbox()
            fills.append(0.0 if box is None else box[3] / (bottom - top))
    return fills


# --- words ----------------------------------------------------------------------------------


@dataclass
class Line:
    """One line of a PDF's text, its words in order."""

    words: list[str]
    top: float
    bottom: float


@dataclass
class Block:
    """A block of lines pdftotext found (a paragraph, or a table column's cells)."""

    lines: list[Line] = field(default_factory=list)


def pdf_blocks(pdf: Path, body: Margins) -> Iterator[tuple[int, Block]]:
    """``(page number, block)`` of *pdf*'s body text, without the header and footer zones."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        pt_per_cm = 72 / 2.54
        top = body.top * pt_per_cm
        bottom = float(page.get("height", "842")) - body.bottom * pt_per_cm
        for block in page.iter(f"{XHTML}block"):
            found = Block()
            for line in block.iter(f"{XHTML}line"):
                y0, y1 = float(line.get("yMin", "0")), float(line.get("yMax", "0"))
                if y1 < top or y0 > bottom:
                    continue
                words = [w.text or "" for w in line.iter(f"{XHTML}word")]
                words = [_clean(w) for w in words if _clean(w)]
                if words:
                    found.lines.append(Line(words, y0, y1))
            if found.lines:
                yield number, found


_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _clean(word: str) -> str:
    """A PDF word without the directional marks pdftotext adds around right-to-left runs."""
    return _MARKS.sub("", word).strip()


def document_words(docx: Path) -> tuple[set[str], str]:
    """The words of *docx* (split at white space) and its text with white space made single."""
    text = docx_text(docx)
    return set(text.split()), " ".join(text.split())


def _sensible(whole: str, start: int, end: int) -> bool:
    """Whether the piece ``whole[start:end]`` was cut off only at places a line may break."""
    before = start == 0 or whole[start - 1] in BREAK_AFTER
    after = end == len(whole) or whole[end - 1] in BREAK_AFTER
    return before and after


def _piece_of(piece: str, words: Iterable[str]) -> str | None:
    """A longer word that *piece* is cut from (not at a sensible place), or None."""
    found = None
    for whole in words:
        if len(whole) <= len(piece):
            continue
        at = whole.find(piece)
        while at >= 0:
            if _sensible(whole, at, at + len(piece)):
                return None
            found = whole
            at = whole.find(piece, at + 1)
    if found is None and piece.endswith("-") and len(piece) > 2:  # a hyphen LibreOffice added
        stem = piece[:-1]
        for whole in words:
            at = whole.find(stem)
            if at >= 0 and len(whole) > at + len(stem) and whole[at + len(stem)] != "-":
                return whole
    return found


_LIST_LABEL = re.compile(r"^(\d+[.)]?|[•◦▪–-])$")
"""A list's number or bullet, which the PDF shows but the document's text does not hold."""


def cut_words(docx: Path, pdf: Path) -> list[str]:
    """The words of *pdf* cut in two at a line's end, each as ``first|second``.

    Only the last word of a line and the first of the next can be pieces of a cut word: a
    pair that makes one word of the document is one cut; a piece left over (a word cut in
    three, or cut across blocks) is reported with the word it belongs to.
    """
    body = margins(docx)
    words, text = document_words(docx)
    cuts: list[str] = []
    for _page, block in pdf_blocks(pdf, body):
        lines = block.lines
        paired: set[tuple[int, int]] = set()  # (line, word) already reported as a pair
        for i in range(len(lines) - 1):
            last, second = lines[i].words[-1], lines[i + 1].words[0]
            if (
                last[-1] not in BREAK_AFTER
                and last + second in words
                and f"{last} {second}" not in text
            ):
                cuts.append(f"{last}|{second}")
                paired |= {(i, len(lines[i].words) - 1), (i + 1, 0)}
        for i, line in enumerate(lines):
            for at in sorted({0, len(line.words) - 1}):
                word = line.words[at]
                if (i, at) in paired or word in words:
                    continue
                if at == 0 and _LIST_LABEL.match(word):
                    continue
                whole = _piece_of(word, words)
                if whole is not None:
                    cuts.append(f"{word} ({whole})")
    return cuts


# --- writing rows ---------------------------------------------------------------------------


def _cell_text(cell: etree._Element) -> str:
    return "".join(t.text or "" for t in cell.iter(f"{W}t")).strip()


@dataclass(frozen=True)
class WritingRow:
    """A table row of a form with room to write: its height and the text beside it."""

    twips: int
    context: str

    @property
    def cm(self) -> float:
        return self.twips / TWIPS_PER_CM


def writing_rows(docx: Path) -> list[WritingRow]:
    """Every table row of *docx* that has an empty cell to write in (header rows aside)."""
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    rows = []
    for tr in root.iter(f"{W}tr"):
        if tr.find(f"{W}trPr/{W}tblHeader") is not None:
            continue
        cells = tr.findall(f"{W}tc")
        texts = [_cell_text(tc) for tc in cells]
        if cells and any(not t for t in texts):
            height = tr.find(f"{W}trPr/{W}trHeight")
            twips = int(height.get(f"{W}val", "0")) if height is not None else 0
            if height is not None and height.get(f"{W}hRule") == "exact":
                twips = int(height.get(f"{W}val", "0"))
            rows.append(WritingRow(twips, " | ".join(texts)[:60]))
    return rows


def page_count(pdf: Path) -> int:
    """The number of pages of *pdf*."""
    out = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL
    ).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    assert match, out
    return int(match.group(1))


# --- a report over folders ------------------------------------------------------------------


@dataclass
class Report:
    """Layout figures over many documents."""

    pages: int = 0
    near_empty: list[str] = field(default_factory=list)
    cuts: list[str] = field(default_factory=list)
    rows: int = 0
    low_rows: list[str] = field(default_factory=list)
    minutes_rows: list[str] = field(default_factory=list)
    flyer_pages: list[str] = field(default_factory=list)

    def add(self, docx: Path, pdf: Path, *, blank: bool, name: str) -> None:
        """Measure one document (*blank* forms also get their writing rows measured)."""
        body = margins(docx)
        fills = page_fill(pdf, body)
        self.pages += len(fills)
        self.near_empty += [
            f"{name} p{n}: {fill:.0%}"
            for n, fill in enumerate(fills, start=1)
            if n > 1 and fill < NEAR_EMPTY
        ]
        self.cuts += [f"{name}: {cut}" for cut in cut_words(docx, pdf)]
        if docx.stem == "flyer":
            self.flyer_pages.append(f"{name}: {len(fills)}")
        if blank:
            rows = writing_rows(docx)
            self.rows += len(rows)
            low = [r for r in rows if r.twips < MIN_WRITING_ROW_TWIPS]
            self.low_rows += [f"{name}: {r.cm:.2f} cm [{r.context}]" for r in low]
            if docx.stem == "minutes":
                self.minutes_rows.append(f"{name}: {len(rows)}")

    def lines(self) -> list[str]:
        """The report as text lines."""
        out = [
            f"pages checked: {self.pages}",
            f"near-empty pages (a page after the first whose body ends in its top fifth): "
            f"{len(self.near_empty)}",
            *(f"  {x}" for x in self.near_empty),
            f"words cut in two: {len(self.cuts)}",
            *(f"  {x}" for x in self.cuts),
            f"writing rows of blank forms: {self.rows}, under 0.9 cm: {len(self.low_rows)}",
            *(f"  {x}" for x in self.low_rows[:40]),
            f"writing rows of the blank minutes: {', '.join(self.minutes_rows)}",
            f"flyer pages: {', '.join(self.flyer_pages)}",
        ]
        return out


def main(folders: list[str]) -> None:
    """Print the layout figures of every ``.docx`` with a ``.pdf`` beside it under *folders*."""
    report = Report()
    for folder in folders:
        for docx in sorted(Path(folder).rglob("*.docx")):
            pdf = docx.with_suffix(".pdf")
            if pdf.is_file():
                name = str(docx.relative_to(folder).with_suffix(""))
                report.add(docx, pdf, blank="blank" in docx.parts, name=name)
    print("\n".join(report.lines()))


if __name__ == "__main__":
    main(sys.argv[1:])
