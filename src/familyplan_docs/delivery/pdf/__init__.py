"""PDFs fit to archive, read aloud and send: PDF/A-2b + PDF/UA-1 through LibreOffice.

:func:`convert_to_pdf` is the one entry point (:mod:`.convert`): documents go through a
warm pool of LibreOffice processes (:mod:`.pool`; each of its workers, :mod:`.worker`,
drives :mod:`.uno_helper` over pipes) or, where no pool can run, one ``soffice`` process
per call (:mod:`.soffice`); :mod:`.stage` hands a batch's families to the pool. Each PDF is
finished (:mod:`.finish`, with :mod:`.xmp`: proof of PDF/A + PDF/UA, provenance, table
header scope) and a family's PDFs can be merged into one bookmarked case file
(:mod:`.bundle`). :mod:`.check` and :mod:`.check_tags` hold the structural check the tests
run on every kind and pack.
"""

from .convert import POOL_ENV_VAR, Bundle, PdfJob, bundle_for, convert_to_pdf, pdf_pool, warm_pool
from .options import PDF_EXPORT_OPTIONS, PDF_FILTER
from .pool import UNO_PYTHON_ENV_VAR, PdfPool, PoolUnavailableError, find_uno_python
from .soffice import SOFFICE_ENV_VAR, convert_to_xlsx, find_soffice, missing_message
from .stage import PdfStage, place

__all__ = [
    "PDF_EXPORT_OPTIONS",
    "PDF_FILTER",
    "POOL_ENV_VAR",
    "SOFFICE_ENV_VAR",
    "UNO_PYTHON_ENV_VAR",
    "Bundle",
    "PdfJob",
    "PdfPool",
    "PdfStage",
    "PoolUnavailableError",
    "bundle_for",
    "convert_to_pdf",
    "convert_to_xlsx",
    "find_soffice",
    "find_uno_python",
    "missing_message",
    "pdf_pool",
    "place",
    "warm_pool",
]
