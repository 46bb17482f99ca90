"""What LibreOffice is asked for: PDF/A-2b + PDF/UA-1 export options and the input filters.

LibreOffice ignores an export option it does not know, or one given without its type,
without an error and writes a plain PDF; every PDF is therefore checked for its PDF/A and
PDF/UA identification after conversion (:func:`.finish.finish_pdf`).
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = [
    "INPUT_FILTERS",
    "PDF_EXPORT_FILTER",
    "PDF_EXPORT_OPTIONS",
    "PDF_FILTER",
    "input_filter",
]

PDF_EXPORT_FILTER = "writer_pdf_Export"
"""LibreOffice Writer's PDF export filter."""

PDF_EXPORT_OPTIONS: dict[str, bool | int] = {
    "SelectPdfVersion": 2,  # PDF/A-2b (3 would be PDF/A-3b)
    "UseTaggedPDF": True,
    "PDFUACompliance": True,  # the PDF/UA-1 mark and LibreOffice's own UA checks
}
"""Options of ``writer_pdf_Export``: tagged PDF/A-2b marked as PDF/UA-1.

LibreOffice takes the title from the document's core title (``dc:title``), the language
from the document's default language, and shows the title in the viewer's title bar
(``DisplayPDFDocumentTitle``, on by default).
"""

INPUT_FILTERS: dict[str, str] = {
    ".docx": "MS Word 2007 XML",
    ".odt": "writer8",
}
"""The import filter forced for each kind of input. Without one, LibreOffice opens a file it
cannot read as plain text and writes a PDF of its bytes."""


def _typed(value: bool | int) -> dict[str, str]:
    if isinstance(value, bool):
        return {"type": "boolean", "value": "true" if value else "false"}
    return {"type": "long", "value": str(value)}


PDF_FILTER = f"pdf:{PDF_EXPORT_FILTER}:" + json.dumps(
    {name: _typed(value) for name, value in PDF_EXPORT_OPTIONS.items()}, separators=(",", ":")
)
"""The ``--convert-to`` argument for PDF (JSON filter options need LibreOffice 7.4 or later)."""


def input_filter(document: Path) -> str:
    """The import filter for *document*, by its suffix; ValueError for a suffix not listed."""
    try:
        return INPUT_FILTERS[document.suffix.lower()]
    except KeyError:
        kinds = ", ".join(INPUT_FILTERS)
        raise ValueError(f"{document}: only {kinds} documents are converted to PDF") from None
