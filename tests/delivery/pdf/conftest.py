"""Fixtures of the PDF tests: LibreOffice tests skip without it (fail under CI), and a warm
pool shared by the tests of one process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from familyplan_docs.delivery.pdf import PdfPool, find_soffice, pdf_pool


@pytest.fixture(autouse=True)
def _needs_libreoffice(request: pytest.FixtureRequest) -> None:
    """Skip ``libreoffice`` tests when the tools are missing, but fail under CI."""
    if request.node.get_closest_marker("libreoffice") is None:
        return
    missing = [
        tool
        for tool, found in (
            ("LibreOffice (soffice)", find_soffice()),
            ("pdftotext (poppler-utils)", shutil.which("pdftotext")),
            ("pdfinfo (poppler-utils)", shutil.which("pdfinfo")),
        )
        if not found
    ]
    if missing:
        message = "not installed: " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so these tests must run)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def warm() -> Iterator[PdfPool]:
    """A warm pool of two for the session (its conversions are the pool's, not the route's).

    Under CI a missing ``python3-uno`` fails the tests that need the pool.
    """
    with pdf_pool(2) as pool:
        if pool is None:
            if os.environ.get("CI"):
                pytest.fail("no Python with uno: the warm pool cannot run (python3-uno?)")
            pytest.skip("no Python with uno here: the warm pool cannot run")
        yield pool
