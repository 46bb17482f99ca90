"""The service's one way to PDF: every route that makes PDFs goes through :func:`to_pdf`.

Today it is the library's LibreOffice route (:func:`familyplan_docs.delivery.pdf.convert_to_pdf`:
one ``soffice`` process per call, with a fresh profile); a warm pool of LibreOffice
processes plugs in behind this one function without touching the routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import _limits
from ..delivery.pdf import Bundle, convert_to_pdf, find_soffice

__all__ = ["pdf_available", "set_timeout", "to_pdf"]

_timeout = _limits.SERVICE_PDF_SECONDS


def set_timeout(seconds: float) -> None:
    """Set how long one conversion may take (a worker sets it once, at start)."""
    global _timeout
    _timeout = seconds


def pdf_available() -> bool:
    """True when PDFs can be made here (LibreOffice is installed)."""
    return find_soffice() is not None


def to_pdf(documents: Sequence[Path], out_dir: Path, bundle: Bundle | None = None) -> list[Path]:
    """Convert *documents* to PDF into *out_dir*; returns the PDFs in the same order, then
    the case file ``bundle.pdf`` when *bundle* is given.

    Raises :class:`~familyplan_docs.ToolMissingError` without LibreOffice and
    :class:`familyplan_docs._errors.ConversionError` when a document does not convert.
    """
    return convert_to_pdf(documents, out_dir, bundle=bundle, timeout=_timeout, retries=1)
